using System.Buffers;

namespace Compliance.Engine;

/// <summary>
/// The C0 control characters (U+0000–U+001F) and DEL (U+007F). An identifier or a name holds none of them; free
/// text holds only tab, carriage return and line feed of them.
/// </summary>
public static class ControlCharacters
{
    /// <summary>What replaces a control character where one must not be written (U+FFFD, the replacement character).</summary>
    public const char Replacement = '\uFFFD';

    /// <summary>Every C0 control character and DEL: what an identifier or a name may not contain.</summary>
    public static SearchValues<char> All { get; } = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(c => (char)c), '\u007F']);

    /// <summary>The control characters free text may not contain: all but tab, carriage return and line feed.</summary>
    public static SearchValues<char> NotInText { get; } =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(c => (char)c).Where(c => c is not ('\t' or '\r' or '\n')), '\u007F']);

    /// <summary>How a message names a control character: <c>U+0000</c>.</summary>
    public static string Name(char c) => Periods.Invariant($"U+{(int)c:X4}");

    /// <summary>The text with every control character replaced by <see cref="Replacement"/>.</summary>
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
