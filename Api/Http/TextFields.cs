using System.ComponentModel.DataAnnotations;
using Compliance.Engine;
using Compliance.Engine.Rules;

namespace Compliance.Api.Http;

/// <summary>
/// The characters a JSON body's text may hold: a name or a code no control character at all (U+0000–U+001F,
/// U+007F–U+009F), line or paragraph separator (U+2028, U+2029) nor bidirectional embedding, override or isolate
/// (U+202A–U+202E, U+2066–U+2069); free text (explanations, notes) none of them but tab, carriage return and line feed,
/// its only line breaks. A field that holds one answers 400 <c>invalid-request</c> naming it: a bound body declares it
/// with <see cref="NameTextAttribute"/> or <see cref="FreeTextAttribute"/>.
/// </summary>
internal static class TextFields
{
    /// <summary>Records an error for a name or code with any control, line-separator or bidirectional formatting character.</summary>
    public static void Name(string field, string? value, Dictionary<string, string[]> errors) => Record(field, Refusal(field, value, Names), errors);

    /// <summary>Records an error for free text with any of those characters but tab, carriage return and line feed.</summary>
    public static void FreeText(string field, string? value, Dictionary<string, string[]> errors) => Record(field, Refusal(field, value, Text), errors);

    internal static (System.Buffers.SearchValues<char> Refused, LocalizedText What) Names { get; } = (ControlCharacters.All, new(
        "控制字符、行分隔符或段分隔符，或双向文本格式字符",
        "a control character, a line or paragraph separator or a bidirectional formatting character"));

    internal static (System.Buffers.SearchValues<char> Refused, LocalizedText What) Text { get; } = (ControlCharacters.NotInText, new(
        "制表符、回车、换行以外的控制字符，行分隔符或段分隔符（换行请用 CR LF），或双向文本格式字符",
        "a control character other than tab, carriage return and line feed, a line or paragraph separator (break lines with CR LF) or a bidirectional formatting character"));

    private static void Record(string field, string? message, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (message is not null)
        {
            errors[field] = errors.TryGetValue(field, out var earlier) ? [.. earlier, message] : [message];
        }
    }

    /// <summary>The result of a validation attribute: the field named as the context names it.</summary>
    internal static ValidationResult? Result(ValidationContext context, object? value, (System.Buffers.SearchValues<char> Refused, LocalizedText What) rule) =>
        Refusal(context.DisplayName, value as string, rule) is { } message
            ? new ValidationResult(message, context.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;

    /// <summary>What is wrong with <paramref name="value"/>, or <c>null</c>.</summary>
    internal static string? Refusal(string field, string? value, (System.Buffers.SearchValues<char> Refused, LocalizedText What) rule)
    {
        var at = value is null ? -1 : value.AsSpan().IndexOfAny(rule.Refused);
        return at < 0 ? null : Languages.Say(
            $"{field} 含有{rule.What.Zh}（第 {at + 1} 个字符为 {ControlCharacters.Name(value![at])}），不得含有此类字符。",
            $"{field} has {rule.What.En} ({ControlCharacters.Name(value![at])} at position {at + 1}); it may not contain one.");
    }
}

/// <summary>A name or code: no control, line-separator or bidirectional formatting character at all.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class NameTextAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) => TextFields.Result(validationContext, value, TextFields.Names);
}

/// <summary>Free text: none of those characters but tab, carriage return and line feed.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class FreeTextAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) => TextFields.Result(validationContext, value, TextFields.Text);
}
