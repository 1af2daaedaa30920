using Compliance.Engine;
using NodaTime;

namespace Compliance.Api.Http;

/// <summary>
/// The range of every number, year, period and date a request may carry, declared once (README and SECURITY.md,
/// "Accepted ranges"). A value outside its range answers 400 <c>invalid-request</c> naming the parameter, with a
/// message that quotes the range from here.
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

    /// <summary>How many years after today (China Standard Time) the sweep may be run as of.</summary>
    public const int SweepYearsAhead = 1;

    public static YearMonth FirstPeriod { get; } = new(FirstYear, 1);

    public static YearMonth LastPeriod { get; } = new(LastYear, 12);

    public static LocalDate FirstDate { get; } = new(FirstYear, 1, 1);

    public static LocalDate LastDate { get; } = new(LastYear, 12, 31);

    public static string PageMessage { get; } = $"page is a whole number from 1 to {LastPage}.";

    public static string PageSizeMessage { get; } = $"pageSize is a whole number from 1 to {MaxPageSize}.";

    public static string YearMessage(string name) => $"{name} is a year from {FirstYear} to {LastYear}.";

    public static string PeriodMessage(string name, YearMonth? last = null) =>
        $"{name} is a period, yyyy-MM, from {Periods.Format(FirstPeriod)} to {Periods.Format(last ?? LastPeriod)}.";

    public static string DateMessage(string name, LocalDate? last = null) =>
        $"{name} is a date, yyyy-MM-dd, from {Periods.FormatDate(FirstDate)} to {Periods.FormatDate(last ?? LastDate)}.";

    public static bool Contains(int year) => year is >= FirstYear and <= LastYear;

    public static bool Contains(YearMonth period) => period >= FirstPeriod && period <= LastPeriod;

    public static bool Contains(LocalDate date) => date >= FirstDate && date <= LastDate;

    /// <summary>An optional year; one outside the range is recorded in <paramref name="errors"/>.</summary>
    public static int? Year(string name, int? year, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (year is { } y && !Contains(y))
        {
            errors[name] = [YearMessage(name)];
        }

        return year;
    }

    /// <summary>An optional period, up to <paramref name="last"/> (by default <see cref="LastPeriod"/>); else <c>null</c>, the error recorded.</summary>
    public static YearMonth? Period(string name, string? text, Dictionary<string, string[]> errors, YearMonth? last = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (text is null)
        {
            return null;
        }

        if (Periods.TryParse(text, out var period) && period.Value >= FirstPeriod && period.Value <= (last ?? LastPeriod))
        {
            return period;
        }

        errors[name] = [PeriodMessage(name, last)];
        return null;
    }

    /// <summary>An optional date, up to <paramref name="last"/> (by default <see cref="LastDate"/>); else <c>null</c>, the error recorded.</summary>
    public static LocalDate? Date(string name, string? text, Dictionary<string, string[]> errors, LocalDate? last = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (text is null)
        {
            return null;
        }

        if (NodaTime.Text.LocalDatePattern.Iso.Parse(text) is { Success: true } parsed && parsed.Value >= FirstDate && parsed.Value <= (last ?? LastDate))
        {
            return parsed.Value;
        }

        errors[name] = [DateMessage(name, last)];
        return null;
    }
}
