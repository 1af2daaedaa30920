using Compliance.Engine;
using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Api.Http;

/// <summary>
/// The range of every number, year, period and date a request may carry, declared once (README and SECURITY.md,
/// "Accepted ranges"): the validation attributes, the bound types <see cref="Period"/> and <see cref="Day"/>, and the
/// messages quote them from here. A value outside its range answers 400 <c>invalid-request</c> naming the parameter.
/// </summary>
internal static class AcceptedRanges
{
    /// <summary>The last page of any list: far beyond any list, and small enough that its offset is exact.</summary>
    public const int LastPage = 1_000_000;

    /// <summary>The page size of a list when none is asked for.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The largest page size (api.md, "Conventions").</summary>
    public const int MaxPageSize = 500;

    /// <summary>The first year anything may name: submissions are accepted from 2000-01, obligations and rule sets start in 2000.</summary>
    public const int FirstYear = 2000;

    /// <summary>The last year a query or body may name, but for a submission's period and the sweep's date, which end nearer.</summary>
    public const int LastYear = 2100;

    /// <summary>The largest credit plan's inclusive increase, in yuan: below a trillion, as every amount of a ledger is.</summary>
    public const decimal MaxPlannedIncrease = 999_999_999_999.99m;

    /// <summary>How many years after today (China Standard Time) the sweep may be run as of.</summary>
    public const int SweepYearsAhead = 1;

    // The messages of validation attributes, in the request's language: an attribute names one with
    // ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(…).

    /// <summary>The message of a <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/> on a page number: {0} the name, {1} and {2} the ends.</summary>
    public static string PageError => Languages.Say("{0} 应为 {1} 至 {2} 的整数。", "{0} is a whole number from {1} to {2}.");

    /// <summary>The message of a <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/> on a year.</summary>
    public static string YearError => Languages.Say("{0} 应为 {1} 至 {2} 的年份。", "{0} is a year from {1} to {2}.");

    /// <summary>The message of a <see cref="System.ComponentModel.DataAnnotations.RequiredAttribute"/>: {0} the name.</summary>
    public static string RequiredError => Languages.Say("{0} 为必填项。", "{0} is required.");

    /// <summary>The message of a <see cref="System.ComponentModel.DataAnnotations.StringLengthAttribute"/>: {0} the name, {1} the most characters.</summary>
    public static string LengthError => Languages.Say("{0} 最多 {1} 个字符。", "{0} is at most {1} characters.");

    /// <summary>A region prefix in a query: up to the 6 digits of a region code.</summary>
    public const string RegionPrefixPattern = "^[0-9]{0,6}$";

    public static string RegionPrefixError => Languages.Say("{0} 应为 6 位行政区划代码的前缀。", "{0} is a prefix of the 6-digit region code.");

    /// <summary>An id of a rule set or a target: 1–64 of A–Z a–z 0–9 - _.</summary>
    public const string IdPattern = "^[A-Za-z0-9_-]{1,64}$";

    public static string IdError => Languages.Say("{0} 应为 1–64 个字符，只含 A–Z、a–z、0–9、- 和 _。", "{0} is 1–64 of A–Z a–z 0–9 - _.");

    public static string PeriodRequiredError => Languages.Say("{0} 为必填项：报告期，格式 yyyy-MM。", "{0} is required: the period, yyyy-MM.");

    public static YearMonth FirstPeriod { get; } = new(FirstYear, 1);

    public static YearMonth LastPeriod { get; } = new(LastYear, 12);

    public static LocalDate FirstDate { get; } = new(FirstYear, 1, 1);

    public static LocalDate LastDate { get; } = new(LastYear, 12, 31);

    /// <summary>"a period, yyyy-MM, from 2000-01 to <paramref name="last"/>".</summary>
    public static LocalizedText PeriodForm(YearMonth last) => new(
        $"yyyy-MM 格式的报告期，从 {Periods.Format(FirstPeriod)} 至 {Periods.Format(last)}",
        $"a period, yyyy-MM, from {Periods.Format(FirstPeriod)} to {Periods.Format(last)}");

    /// <summary>"a date, yyyy-MM-dd, from 2000-01-01 to <paramref name="last"/>".</summary>
    public static LocalizedText DateForm(LocalDate last) => new(
        $"yyyy-MM-dd 格式的日期，从 {Periods.FormatDate(FirstDate)} 至 {Periods.FormatDate(last)}",
        $"a date, yyyy-MM-dd, from {Periods.FormatDate(FirstDate)} to {Periods.FormatDate(last)}");

    /// <summary>"<paramref name="name"/> is <paramref name="form"/>." in the request's language.</summary>
    public static string Is(string name, LocalizedText form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return Languages.Say($"{name} 应为{form.Zh}。", $"{name} is {form.En}.");
    }

    public static string PeriodMessage(string name, YearMonth last) => Is(name, PeriodForm(last));

    public static string DateMessage(string name, LocalDate last) => Is(name, DateForm(last));

    public static bool Contains(int year) => year is >= FirstYear and <= LastYear;

    public static bool Contains(YearMonth period) => period >= FirstPeriod && period <= LastPeriod;

    public static bool Contains(LocalDate date) => date >= FirstDate && date <= LastDate;
}
