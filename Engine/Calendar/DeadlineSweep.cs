using NodaTime;

namespace Compliance.Engine.Calendar;

/// <summary>What the sweep needs to know of an institution, and the name the filing statistics show.</summary>
public sealed record InstitutionFacts(string Code, string RegionCode, string Category, YearMonth ReportingFrom, string Name);

/// <summary>A deadline of one institution.</summary>
public sealed record InstitutionDeadline(string Institution, Deadline Deadline);

/// <summary>Where a deadline stands on a date (analytics.md, "Filing statistics").</summary>
public enum DeadlineStanding
{
    /// <summary>Filed on or before the due date (after 顺延), in China Standard Time.</summary>
    OnTime,

    /// <summary>Filed after the due date.</summary>
    Late,

    /// <summary>Not filed, and the due date has passed.</summary>
    Missing,

    /// <summary>Not filed, and the due date is today or later.</summary>
    Pending,
}

/// <summary>A deadline of one institution as it stands on a date: its first filing, if any, and how many days late that was.</summary>
public sealed record DeadlineState(InstitutionDeadline Deadline, Instant? FiledAt, DeadlineStanding Standing, int DaysLate)
{
    /// <summary>Whether it was filed, on time or late.</summary>
    public bool IsFiled => FiledAt is not null;
}

/// <summary>A reminder the sweep owes.</summary>
public sealed record PlannedReminder(InstitutionDeadline Deadline, ReminderDue Reminder);

/// <summary>A deadline filed after its due date, and by how many days.</summary>
public sealed record FiledLate(InstitutionDeadline Deadline, Instant FiledAt, int DaysLate);

/// <summary>What one sweep on a date owes: reminders, <c>DEADLINE_MISSED</c> exceptions, and late filings to record.</summary>
public sealed record SweepPlan(IReadOnlyList<PlannedReminder> Reminders, IReadOnlyList<InstitutionDeadline> Missed, IReadOnlyList<FiledLate> FiledLate);

/// <summary>
/// The reminder sweep (deadlines.md), as a pure function of today's date and the facts: for every institution,
/// obligation and deadline, the reminder owed now if nothing is filed, a missed deadline once the due day has passed,
/// and a late filing to record. The store writes the plan under unique keys, so each is written at most once.
/// </summary>
public static class DeadlineSweep
{
    /// <summary>The deadlines of every institution with a due date in one of <paramref name="years"/>.</summary>
    public static IEnumerable<InstitutionDeadline> Deadlines(
        IEnumerable<InstitutionFacts> institutions, IReadOnlyList<Obligation> obligations, WorkingDayCalendar calendar, IReadOnlyCollection<int> years)
    {
        ArgumentNullException.ThrowIfNull(institutions);
        ArgumentNullException.ThrowIfNull(obligations);
        // Deadlines depend on the obligation and year alone; each institution only filters them by its reporting start.
        var byObligation = obligations.ToDictionary(
            o => o.Code,
            o => years.SelectMany(y => o.DeadlinesIn(y, new YearMonth(1, 1), calendar)).ToList());
        foreach (var institution in institutions)
        {
            foreach (var obligation in obligations.Where(o => o.AppliesTo(institution.RegionCode, institution.Category)))
            {
                foreach (var deadline in byObligation[obligation.Code])
                {
                    var binds = obligation.Due.IsMonthly ? deadline.Period >= institution.ReportingFrom : deadline.Year >= institution.ReportingFrom.Year;
                    if (binds)
                    {
                        yield return new InstitutionDeadline(institution.Code, deadline);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Every deadline of <paramref name="year"/> (as <see cref="Deadlines"/> lists them) and where it stands on
    /// <paramref name="today"/>: the one computation behind the deadlines list and the filing statistics.
    /// </summary>
    public static IEnumerable<DeadlineState> StatesOn(
        LocalDate today,
        int year,
        IEnumerable<InstitutionFacts> institutions,
        IReadOnlyList<Obligation> obligations,
        WorkingDayCalendar calendar,
        Func<InstitutionDeadline, Instant?> filedAt)
    {
        ArgumentNullException.ThrowIfNull(filedAt);
        foreach (var deadline in Deadlines(institutions, obligations, calendar, [year]))
        {
            var due = deadline.Deadline.DueDate;
            if (filedAt(deadline) is { } filed)
            {
                var late = DaysLate(due, filed);
                yield return new DeadlineState(deadline, filed, late > 0 ? DeadlineStanding.Late : DeadlineStanding.OnTime, late);
            }
            else
            {
                yield return new DeadlineState(deadline, null, today > due ? DeadlineStanding.Missing : DeadlineStanding.Pending, 0);
            }
        }
    }

    /// <summary>The calendar days from <paramref name="due"/> to the China Standard Time date of <paramref name="filed"/>; 0 when filed by the due date.</summary>
    public static int DaysLate(LocalDate due, Instant filed)
    {
        var filedOn = ReportingZone.DateOf(filed);
        return filedOn > due ? Period.Between(due, filedOn, PeriodUnits.Days).Days : 0;
    }

    /// <summary>Plans the sweep of <paramref name="today"/>; <paramref name="filedAt"/> tells when a deadline was first filed, if it was.</summary>
    public static SweepPlan Plan(
        LocalDate today,
        IEnumerable<InstitutionFacts> institutions,
        IReadOnlyList<Obligation> obligations,
        WorkingDayCalendar calendar,
        Func<InstitutionDeadline, Instant?> filedAt)
    {
        ArgumentNullException.ThrowIfNull(filedAt);
        var reminders = new List<PlannedReminder>();
        var missed = new List<InstitutionDeadline>();
        var late = new List<FiledLate>();
        int[] years = [today.Year - 1, today.Year, today.Year + 1];
        foreach (var deadline in Deadlines(institutions, obligations, calendar, years))
        {
            var due = deadline.Deadline.DueDate;
            if (filedAt(deadline) is { } filed)
            {
                if (DaysLate(due, filed) is > 0 and var days)
                {
                    late.Add(new FiledLate(deadline, filed, days));
                }

                continue;
            }

            if (ReminderSchedule.DueOn(today, due) is { } reminder)
            {
                reminders.Add(new PlannedReminder(deadline, reminder));
            }

            if (ReminderSchedule.IsMissed(today, due))
            {
                missed.Add(deadline);
            }
        }

        return new SweepPlan(reminders, missed, late);
    }
}
