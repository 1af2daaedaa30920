using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Compliance.Api.Http;

/// <summary>
/// Stored content served back (a deliverable, a ledger's original body, an export): always a download, never a page
/// of this origin, whatever media type the uploader gave it. A browser that opens it anyway runs none of its script.
/// </summary>
internal static class Downloads
{
    // The shortest extension of a media type (".htm", ".js", ".svg"), but ".jpg" as everyone writes it.
    private static readonly Dictionary<string, string> ExtensionByType = new FileExtensionContentTypeProvider().Mappings
        .Where(m => m.Key != ".jpe")
        .GroupBy(m => m.Value, m => m.Key, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.OrderBy(e => e.Length).ThenBy(e => e, StringComparer.Ordinal).First(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Sets the headers of a download named <paramref name="name"/> (an extension follows from the media type).</summary>
    public static void Attach(HttpResponse response, string mediaType, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = mediaType;
        var extension = MediaTypeHeaderValue.TryParse(mediaType, out var parsed) && parsed.MediaType.Value is { } type
            ? ExtensionByType.GetValueOrDefault(type, "")
            : "";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(name + extension);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox";
    }
}
