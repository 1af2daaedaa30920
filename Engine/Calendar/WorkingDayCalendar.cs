using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Engine.Calendar;

/// <summary>A public holiday of one year's State Council notice, with its rest days.</summary>
public sealed record Holiday(string Name, IReadOnlyList<LocalDate> Dates);

/// <summary>One year of the calendar, as announced: its holidays and make-up working days (调休上班).</summary>
public sealed record CalendarYear(string? Notice, IReadOnlyList<Holiday> Holidays, IReadOnlyList<LocalDate> Workdays);

/// <summary>
/// The working-day calendar of China Standard Time: Saturdays and Sundays are rest days unless announced as make-up
/// working days; the announced public holidays are rest days. A year the calendar lacks counts weekends alone, and
/// every answer about it carries a warning (<see cref="WarningFor"/>).
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly HashSet<LocalDate> _restDays = [];
    private readonly HashSet<LocalDate> _workDays = [];
    private readonly HashSet<int> _years;

    public WorkingDayCalendar(IReadOnlyDictionary<int, CalendarYear> years)
    {
        ArgumentNullException.ThrowIfNull(years);
        _years = [.. years.Keys];
        // A holiday announced in one year's notice may start in the previous calendar year (2022-12-31 is in the
        // 2023 notice): every announced date counts, whichever notice it is in.
        foreach (var year in years.Values)
        {
            foreach (var date in year.Holidays.SelectMany(h => h.Dates))
            {
                _restDays.Add(date);
            }

            foreach (var date in year.Workdays)
            {
                _workDays.Add(date);
            }
        }
    }

    /// <summary>Whether the calendar has the announcement of <paramref name="year"/>.</summary>
    public bool Knows(int year) => _years.Contains(year);

    /// <summary>A warning for answers about a year the calendar lacks, in both languages, or <c>null</c>.</summary>
    public LocalizedText? WarningFor(int year) => Knows(year)
        ? null
        : new(
            Periods.Invariant($"工作日历中没有 {year} 年公布的节假日安排；该年只按周末计算休息日。"),
            Periods.Invariant($"The working-day calendar has no holidays announced for {year}; weekends alone count as rest days for that year."));

    public bool IsWorkingDay(LocalDate date)
    {
        if (_restDays.Contains(date))
        {
            return false;
        }

        return _workDays.Contains(date) || date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);
    }

    /// <summary>The date itself if it is a working day, else the next working day (顺延).</summary>
    public LocalDate OnOrAfter(LocalDate date)
    {
        while (!IsWorkingDay(date))
        {
            date = date.PlusDays(1);
        }

        return date;
    }

    /// <summary>
    /// The last working day of a month (月底前: a rest day at the month's end moves back within it, never into the
    /// next); the month's last day where the calendar gives it no working day at all.
    /// </summary>
    public LocalDate LastWorkingDay(YearMonth month)
    {
        var last = Periods.LastDay(month);
        for (var date = last; date.Month == month.Month; date = date.PlusDays(-1))
        {
            if (IsWorkingDay(date))
            {
                return date;
            }
        }

        return last;
    }

    /// <summary>How many working days a month has.</summary>
    public int WorkingDaysIn(YearMonth month)
    {
        var count = 0;
        for (var date = month.OnDayOfMonth(1); date.Month == month.Month; date = date.PlusDays(1))
        {
            count += IsWorkingDay(date) ? 1 : 0;
        }

        return count;
    }

    /// <summary>The <paramref name="n"/>th working day of a month.</summary>
    public LocalDate NthWorkingDay(YearMonth month, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var date = month.OnDayOfMonth(1);
        var count = 0;
        while (true)
        {
            if (IsWorkingDay(date) && ++count == n)
            {
                return date;
            }

            date = date.PlusDays(1);
            if (date.Month != month.Month)
            {
                throw new ArgumentOutOfRangeException(nameof(n), n, $"{Periods.Format(month)} has fewer than {n} working days.");
            }
        }
    }
}
