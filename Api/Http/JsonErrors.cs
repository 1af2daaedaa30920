using System.Text.Json;
using Compliance.Engine.Rules;

namespace Compliance.Api.Http;

/// <summary>
/// What the JSON parser found wrong with a body, the one description every endpoint that reads JSON gives: in English
/// the parser's own message; in Chinese where it stopped, lines and bytes counted from 1 as a person counts them, and
/// the path of the value where the parser knows it.
/// </summary>
internal static class JsonErrors
{
    /// <summary>What is wrong, in both languages.</summary>
    public static LocalizedText Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var at = exception.Path is { Length: > 0 } path ? $"（位置 {path}）" : "";
        var zh = (exception.LineNumber, exception.BytePositionInLine) switch
        {
            (null, _) or (_, null) => $"正文中的 JSON 不符合要求{at}。",
            // The reader stops on the byte it cannot read: 0-based, so the byte a person counts is the next.
            ({ } line, { } position) when IsMalformed(exception) => $"第 {line + 1} 行第 {position + 1} 个字节处不是有效的 JSON{at}。",
            // A value that does not fit is reported as the reader stands after it: the byte a person counts is its last.
            ({ } line, { } position) => $"第 {line + 1} 行第 {position} 个字节处的值类型不符合要求{at}。",
        };
        return new LocalizedText(zh, exception.Message);
    }

    /// <summary>
    /// Whether the text is not JSON at all (the reader's own error, which the serializer wraps with the path it reached),
    /// rather than JSON whose value does not fit the type asked for.
    /// </summary>
    public static bool IsMalformed(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.InnerException is JsonException || exception.Path is null;
    }
}
