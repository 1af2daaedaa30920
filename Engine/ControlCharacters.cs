using System.Buffers;

namespace Compliance.Engine;

/// <summary>
/// The characters that steer how text is laid out instead of being read: the C0 control characters (U+0000–U+001F),
/// DEL and the C1 control characters (U+007F–U+009F, next line U+0085 among them), the line and paragraph separators
/// (U+2028, U+2029), and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
/// show text in an order other than the one stored. An identifier or a name holds none of them; free text holds only
/// tab, carriage return and line feed of them.
/// </summary>
public static class ControlCharacters
{
    /// <summary>What replaces a control character where one must not be written (U+FFFD, the replacement character).</summary>
    public const char Replacement = '\uFFFD';

    private static readonly char[] Controls = [.. Enumerable.Range(0, 0x20).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c)];

    private static readonly char[] LayoutCharacters =
    [
        '\u2028', '\u2029',                               // line and paragraph separators
        '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', // left-to-right and right-to-left embeddings and overrides, and their end
        '\u2066', '\u2067', '\u2068', '\u2069',           // left-to-right, right-to-left and first-strong isolates, and their end
    ];

    /// <summary>Every control and layout character: what an identifier or a name may not contain.</summary>
    public static SearchValues<char> All { get; } = SearchValues.Create([.. Controls, .. LayoutCharacters]);

    /// <summary>The control and layout characters free text may not contain: all but tab, carriage return and line feed.</summary>
    public static SearchValues<char> NotInText { get; } =
        SearchValues.Create([.. Controls.Where(c => c is not ('\t' or '\r' or '\n')), .. LayoutCharacters]);

    /// <summary>How a message names a control character: <c>U+0000</c>.</summary>
    public static string Name(char c) => Periods.Invariant($"U+{(int)c:X4}");

    /// <summary>The text with every control and layout character replaced by <see cref="Replacement"/>.</summary>
    public static string Replace(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Create(text.Length, text, static (chars, source) =>
        {
            source.AsSpan().CopyTo(chars);
            for (var at = chars.IndexOfAny(All); at >= 0; at = chars.IndexOfAny(All))
            {
                chars[at] = Replacement;
            }
        });
    }
}
