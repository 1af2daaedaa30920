using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Exceptions;

/// <summary>
/// The note of an event the system writes, kept in both languages as the JSON object <c>{"zh": …, "en": …}</c> and
/// answered in the language of the request that reads it (api.md, "Conventions", Language). A person's note is kept and
/// answered as written, and so is a system note stored before notes had both languages.
/// </summary>
public static class SystemNotes
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>The stored form of a note in both languages.</summary>
    public static string Of(LocalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return JsonSerializer.Serialize(new Stored(text.Zh, text.En), Json);
    }

    /// <summary>The stored form of a note in both languages.</summary>
    public static string Of(string zh, string en) => Of(new LocalizedText(zh, en));

    /// <summary>Both languages of a stored system note, or <c>null</c> for any other text.</summary>
    public static LocalizedText? Parse(string? note)
    {
        if (note is null || !note.StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Stored>(note, Json) is { Zh: { } zh, En: { } en } ? new LocalizedText(zh, en) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Two notes one under the other, in each language where both have two.</summary>
    public static string Join(string first, string second) =>
        Parse(first) is { } a && Parse(second) is { } b ? Of($"{a.Zh}\n{b.Zh}", $"{a.En}\n{b.En}") : $"{first}\n{second}";

    /// <summary>
    /// The note as a person reads it in <paramref name="language"/>: a system note in that language (only an event the
    /// system wrote, <paramref name="bySystem"/>, is read as one), any other note as written.
    /// </summary>
    public static string? In(string? note, bool bySystem, Language language) =>
        bySystem && Parse(note) is { } text ? text.In(language) : note;

    private sealed record Stored(string? Zh, string? En);
}
