using Compliance.Engine;

namespace Compliance.Api.Http;

/// <summary>
/// The characters a JSON body's text may hold: a name or a code no control character at all (U+0000–U+001F,
/// U+007F); free text (explanations, notes) none but tab, carriage return and line feed. A field that holds one
/// answers 400 <c>invalid-request</c> naming it.
/// </summary>
internal static class TextFields
{
    /// <summary>Records an error for a name or code with any control character.</summary>
    public static void Name(string field, string? value, Dictionary<string, string[]> errors) =>
        Check(field, value, ControlCharacters.All, "a control character", errors);

    /// <summary>Records an error for free text with a control character other than tab, carriage return and line feed.</summary>
    public static void FreeText(string field, string? value, Dictionary<string, string[]> errors) =>
        Check(field, value, ControlCharacters.NotInText, "a control character other than tab, carriage return and line feed", errors);

    private static void Check(string field, string? value, System.Buffers.SearchValues<char> refused, string what, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var at = value is null ? -1 : value.AsSpan().IndexOfAny(refused);
        if (at < 0)
        {
            return;
        }

        string message = $"{field} has {what} ({ControlCharacters.Name(value![at])} at position {at + 1}); it may not contain one.";
        errors[field] = errors.TryGetValue(field, out var earlier) ? [.. earlier, message] : [message];
    }
}
