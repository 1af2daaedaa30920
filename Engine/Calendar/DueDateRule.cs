using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;

namespace Compliance.Engine.Calendar;

/// <summary>
/// When an obligation is due (deadlines.md): <c>endOfMonth(M)</c>, <c>dayOfMonth(M, D)</c>, <c>nthWorkingDay(M, N)</c>
/// of each year, or <c>afterPeriod(D)</c>, day D of the month after each monthly period. <c>endOfMonth</c> is due on
/// the month's last working day (月底前: a rest day at its end moves back within the month); any other nominal date
/// that falls on a rest day moves to the next working day (顺延).
/// </summary>
public abstract partial record DueDateRule
{
    /// <summary>Whether the obligation falls due once for each monthly period (else once a year).</summary>
    public virtual bool IsMonthly => false;

    /// <summary>The nominal due date for a year (or, monthly, for a period), before it moves to a working day.</summary>
    public abstract LocalDate Nominal(YearMonth subject, WorkingDayCalendar calendar);

    /// <summary>The due date: the nominal date, or the next working day after it.</summary>
    public virtual LocalDate DueDate(YearMonth subject, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.OnOrAfter(Nominal(subject, calendar));
    }

    /// <summary>
    /// Reads a rule as written in the obligations' data, such as <c>nthWorkingDay(7, 5)</c>; throws
    /// <see cref="CalendarFormatException"/> for one that is not.
    /// </summary>
    public static DueDateRule Parse(string text)
    {
        var match = Pattern().Match(text ?? "");
        if (!match.Success)
        {
            throw new CalendarFormatException(new(
                $"“{text}”不是截止日规则（endOfMonth(M)、dayOfMonth(M, D)、nthWorkingDay(M, N)、afterPeriod(D)）。",
                $"'{text}' is not a due-date rule (endOfMonth(M), dayOfMonth(M, D), nthWorkingDay(M, N), afterPeriod(D))."));
        }

        var a = int.Parse(match.Groups["a"].Value, CultureInfo.InvariantCulture);
        var b = match.Groups["b"].Success ? int.Parse(match.Groups["b"].Value, CultureInfo.InvariantCulture) : (int?)null;
        return (match.Groups["name"].Value, b) switch
        {
            ("endOfMonth", null) when a is >= 1 and <= 12 => new EndOfMonth(a),
            ("dayOfMonth", { } day) when a is >= 1 and <= 12 && day is >= 1 and <= 31 => new DayOfMonth(a, day),
            ("nthWorkingDay", { } n) when a is >= 1 and <= 12 && n is >= 1 and <= 23 => new NthWorkingDay(a, n),
            ("afterPeriod", null) when a is >= 1 and <= 28 => new AfterPeriod(a),
            _ => throw new CalendarFormatException(new($"“{text}”不是有效的截止日规则（月份、日期或序数超出范围）。", $"'{text}' is not a valid due-date rule.")),
        };
    }

    [GeneratedRegex(@"^\s*(?<name>endOfMonth|dayOfMonth|nthWorkingDay|afterPeriod)\s*\(\s*(?<a>[0-9]{1,9})\s*(,\s*(?<b>[0-9]{1,9})\s*)?\)\s*$")]
    private static partial Regex Pattern();

    /// <summary>
    /// The end of month <c>Month</c> (…月底前, …月末): nominally its last day, due on its last working day. A rest day
    /// at the month's end moves the due date back within the month, never into the next (the year-end report of 2022
    /// is due on Friday 2022-12-30, the 31st being in the 元旦 holiday).
    /// </summary>
    public sealed record EndOfMonth(int Month) : DueDateRule
    {
        public override LocalDate Nominal(YearMonth subject, WorkingDayCalendar calendar) => Periods.LastDay(new YearMonth(subject.Year, Month));

        public override LocalDate DueDate(YearMonth subject, WorkingDayCalendar calendar)
        {
            ArgumentNullException.ThrowIfNull(calendar);
            return calendar.LastWorkingDay(new YearMonth(subject.Year, Month));
        }

        public override string ToString() => $"endOfMonth({Month})";
    }

    /// <summary>Day <c>Day</c> of month <c>Month</c> (the month's last day where it is shorter).</summary>
    public sealed record DayOfMonth(int Month, int Day) : DueDateRule
    {
        public override LocalDate Nominal(YearMonth subject, WorkingDayCalendar calendar)
        {
            var month = new YearMonth(subject.Year, Month);
            return month.OnDayOfMonth(Math.Min(Day, month.Calendar.GetDaysInMonth(month.Year, month.Month)));
        }

        public override string ToString() => $"dayOfMonth({Month}, {Day})";
    }

    /// <summary>
    /// The <c>N</c>th working day of month <c>Month</c>, such as 7月初 (the 5th working day of July); the month's last
    /// working day where it has fewer than <c>N</c> (February 2022 and 2026 have 16).
    /// </summary>
    public sealed record NthWorkingDay(int Month, int N) : DueDateRule
    {
        public override LocalDate Nominal(YearMonth subject, WorkingDayCalendar calendar)
        {
            ArgumentNullException.ThrowIfNull(calendar);
            var month = new YearMonth(subject.Year, Month);
            return calendar.WorkingDaysIn(month) >= N ? calendar.NthWorkingDay(month, N) : calendar.LastWorkingDay(month);
        }

        public override string ToString() => $"nthWorkingDay({Month}, {N})";
    }

    /// <summary>Day <c>Day</c> of the month after each monthly period (the ledger of 2024-01 is due 2024-02-15).</summary>
    public sealed record AfterPeriod(int Day) : DueDateRule
    {
        public override bool IsMonthly => true;

        public override LocalDate Nominal(YearMonth subject, WorkingDayCalendar calendar) => subject.PlusMonths(1).OnDayOfMonth(Day);

        public override string ToString() => $"afterPeriod({Day})";
    }
}
