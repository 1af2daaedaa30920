using System.Diagnostics.CodeAnalysis;
using System.ComponentModel.DataAnnotations;
using Compliance.Engine;
using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Api.Http;

/// <summary>
/// A value a request may carry as text, in a form and range of <see cref="AcceptedRanges"/>. It binds from a query
/// (<see cref="IParsable{TSelf}"/>); text that is not one fails binding, and the 400 names the parameter with
/// <see cref="Accepted"/> (<see cref="InvalidRequests"/>). A body's field is checked with <see cref="AcceptedAttribute{T}"/>.
/// </summary>
public interface IAccepted<TSelf> : IParsable<TSelf>
    where TSelf : IAccepted<TSelf>
{
    /// <summary>What the text is, completing "<c>name is …</c>": its form and range.</summary>
    static abstract LocalizedText Accepted { get; }

    static TSelf IParsable<TSelf>.Parse(string s, IFormatProvider? provider) =>
        TSelf.TryParse(s, provider, out var value) ? value : throw new FormatException($"'{s}' is not {TSelf.Accepted.En}.");
}

/// <summary>A period, <c>yyyy-MM</c>, from <see cref="AcceptedRanges.FirstPeriod"/> to <see cref="AcceptedRanges.LastPeriod"/>.</summary>
public readonly record struct Period(YearMonth Value) : IAccepted<Period>
{
    public static LocalizedText Accepted { get; } = AcceptedRanges.PeriodForm(AcceptedRanges.LastPeriod);

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Period result)
    {
        result = Periods.TryParse(s, out var period) && AcceptedRanges.Contains(period.Value) ? new Period(period.Value) : default;
        return result != default;
    }

    public override string ToString() => Periods.Format(Value);
}

/// <summary>A date, <c>yyyy-MM-dd</c>, from <see cref="AcceptedRanges.FirstDate"/> to <see cref="AcceptedRanges.LastDate"/>.</summary>
public readonly record struct Day(LocalDate Value) : IAccepted<Day>
{
    public static LocalizedText Accepted { get; } = AcceptedRanges.DateForm(AcceptedRanges.LastDate);

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Day result)
    {
        result = s is not null && NodaTime.Text.LocalDatePattern.Iso.Parse(s) is { Success: true } parsed && AcceptedRanges.Contains(parsed.Value)
            ? new Day(parsed.Value) : default;
        return result != default;
    }

    public override string ToString() => Periods.FormatDate(Value);
}

/// <summary>
/// Text of a JSON body that must be an <see cref="IAccepted{TSelf}"/> value. Bodies keep such fields as text, so a
/// malformed one is reported with every other field at fault rather than failing the whole body.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class AcceptedAttribute<T> : ValidationAttribute
    where T : IAccepted<T>
{
    public override bool IsValid(object? value) => value is null || (value is string text && T.TryParse(text, null, out _));

    public override string FormatErrorMessage(string name) => AcceptedRanges.Is(name, T.Accepted);
}

/// <summary>Text that is one of a few names, or none (<see cref="RequiredAttribute"/> makes it required); the message lists them.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal class OneOfAttribute(params string[] names) : AllowedValuesAttribute([null, .. names])
{
    public override string FormatErrorMessage(string name) =>
        Languages.Say($"{name} 应为以下之一：{string.Join("、", names)}。", $"{name} is one of {string.Join(", ", names)}.");
}
