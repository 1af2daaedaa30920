using Compliance.Engine;
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

    /// <summary>The message of a <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/> on a page number: {0} the name, {1} and {2} the ends.</summary>
    public const string PageError = "{0} is a whole number from {1} to {2}.";

    /// <summary>The message of a <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/> on a year.</summary>
    public const string YearError = "{0} is a year from {1} to {2}.";

    /// <summary>The message of a <see cref="System.ComponentModel.DataAnnotations.RequiredAttribute"/>: {0} the name.</summary>
    public const string RequiredError = "{0} is required.";

    /// <summary>The message of a <see cref="System.ComponentModel.DataAnnotations.StringLengthAttribute"/>: {0} the name, {1} the most characters.</summary>
    public const string LengthError = "{0} is at most {1} characters.";

    /// <summary>A region prefix in a query: up to the 6 digits of a region code.</summary>
    public const string RegionPrefixPattern = "^[0-9]{0,6}$";

    public const string RegionPrefixError = "{0} is a prefix of the 6-digit region code.";

    public static YearMonth FirstPeriod { get; } = new(FirstYear, 1);

    public static YearMonth LastPeriod { get; } = new(LastYear, 12);

    public static LocalDate FirstDate { get; } = new(FirstYear, 1, 1);

    public static LocalDate LastDate { get; } = new(LastYear, 12, 31);

    /// <summary>"a period, yyyy-MM, from 2000-01 to <paramref name="last"/>".</summary>
    public static string PeriodForm(YearMonth last) => $"a period, yyyy-MM, from {Periods.Format(FirstPeriod)} to {Periods.Format(last)}";

    /// <summary>"a date, yyyy-MM-dd, from 2000-01-01 to <paramref name="last"/>".</summary>
    public static string DateForm(LocalDate last) => $"a date, yyyy-MM-dd, from {Periods.FormatDate(FirstDate)} to {Periods.FormatDate(last)}";

    public static string PeriodMessage(string name, YearMonth last) => $"{name} is {PeriodForm(last)}.";

    public static string DateMessage(string name, LocalDate last) => $"{name} is {DateForm(last)}.";

    public static bool Contains(int year) => year is >= FirstYear and <= LastYear;

    public static bool Contains(YearMonth period) => period >= FirstPeriod && period <= LastPeriod;

    public static bool Contains(LocalDate date) => date >= FirstDate && date <= LastDate;
}
