using System.Reflection;
using Compliance.Api.Http;
using Compliance.Engine.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using NodaTime;

namespace Compliance.Api.Submissions;

/// <summary>Reads a ledger of one format for a period, passing valid rows to a sink.</summary>
internal delegate LedgerReadResult LedgerFormat(Stream body, YearMonth period, ILedgerSink sink);

/// <summary>The request of <c>POST /api/v1/submissions</c>: its query, its headers, and the exchange its body is read from.</summary>
internal sealed record SubmitRequest(
    [property: FromQuery(Name = "period")] Http.Period? Period,
    [property: FromQuery(Name = "institution")] string? Institution,
    [property: FromQuery(Name = "dryRun")] bool? DryRun,
    IdempotencyKey IdempotencyKey,
    LedgerMediaType MediaType,
    HttpContext Context);

/// <summary>The optional <c>Idempotency-Key</c> header (api.md): absent, a key of 1–255 visible ASCII characters, or malformed.</summary>
/// <remarks>
/// It binds with <c>BindAsync</c>, which never fails, rather than with <c>TryParse</c>: a <c>TryParse</c> that fails
/// makes the framework answer 400 before the handler runs, so a role that may not submit would no longer be told so
/// first (403), and the key would not be named with the request's other fields at fault; and a header sent empty,
/// which is malformed, never reaches a <c>TryParse</c>. A malformed key is bound as such, and the handler reports it.
/// </remarks>
internal readonly record struct IdempotencyKey : IEndpointParameterMetadataProvider
{
    public const string Header = "Idempotency-Key";

    /// <summary>The message that names a malformed key in a 400's <c>errors</c>.</summary>
    public const string Error = "Idempotency-Key is 1–255 visible ASCII characters.";

    /// <summary>The form of a key, as the OpenAPI document gives it.</summary>
    public const string Pattern = "^[!-~]{1,255}$";

    private IdempotencyKey(string? value, bool isMalformed)
    {
        Value = value;
        IsMalformed = isMalformed;
    }

    /// <summary>The key; <c>null</c> when the request has none, or a malformed one.</summary>
    public string? Value { get; }

    public bool IsMalformed { get; }

    public static ValueTask<IdempotencyKey> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(Of(context.Request.Headers));
    }

    /// <summary>A key is bound by hand, so the framework does not describe it: the OpenAPI document shows it from this.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new DocumentedHeader(Header, Pattern,
            $"Makes a retry safe: the same key with the same body answers the first answer again (Idempotent-Replayed: true) and stores nothing new. {Error}"));
    }

    /// <summary>The key of the headers; several values of the header are one key, joined by commas.</summary>
    public static IdempotencyKey Of(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!headers.TryGetValue(Header, out var values))
        {
            return default;
        }

        var key = values.ToString();
        return key.Length is >= 1 and <= 255 && key.All(c => c is >= '!' and <= '~') ? new(key, false) : new(null, true);
    }
}

/// <summary>
/// The <c>Content-Type</c> of a ledger and the reader of its media type and charset (ledger.md): <c>text/csv</c>
/// (UTF-8, the default, GB18030 or GBK), <c>application/json</c> or <c>application/x-ndjson</c> (UTF-8).
/// </summary>
/// <remarks>
/// It binds with <c>BindAsync</c>, which never fails, for the reason <see cref="IdempotencyKey"/> gives: a media type
/// without a reader is answered 415 by the handler, once it has checked who may submit what.
/// </remarks>
internal sealed class LedgerMediaType
{
    private LedgerMediaType(string text, LedgerFormat? reader)
    {
        Text = text;
        Reader = reader;
    }

    /// <summary>The Content-Type as sent (<c>""</c> when none), kept with the submission.</summary>
    public string Text { get; }

    /// <summary>The reader of the media type; <c>null</c> for any other media type or charset, or a Content-Type too long to be one.</summary>
    public LedgerFormat? Reader { get; }

    /// <summary>The 415 of a media type without a reader.</summary>
    public ProblemHttpResult Unsupported => Problems.Of(Problems.UnsupportedMediaType,
        $"不接受 Content-Type“{Text}”；请发送 text/csv（字符集 utf-8（默认）、gb18030 或 gbk）、application/json 或 application/x-ndjson（UTF-8）。",
        $"Content-Type '{Text}' is not accepted; send text/csv (charset utf-8, the default, gb18030 or gbk), application/json or application/x-ndjson (UTF-8).");

    public static ValueTask<LedgerMediaType> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(Of(context.Request.ContentType));
    }

    public static LedgerMediaType Of(string? contentType) =>
        new(contentType ?? "", contentType is { Length: > Formats.MaxContentTypeLength } ? null : ReaderFor(contentType));

    private static LedgerFormat? ReaderFor(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return null;
        }

        var charset = parsed.Charset.HasValue ? parsed.Charset.Value : null;
        var utf8 = charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
        switch (parsed.MediaType.Value?.ToLowerInvariant())
        {
            case "text/csv":
                var encoding = LedgerEncodings.ForCharset(charset);
                return encoding is null ? null : (stream, period, sink) => LedgerReader.ReadCsv(stream, encoding, period, sink);
            case "application/json":
                return utf8 ? JsonLedgerReader.ReadJson : null;
            case "application/x-ndjson":
                return utf8 ? JsonLedgerReader.ReadNdjson : null;
            default:
                return null;
        }
    }
}
