using NodaTime;

namespace Compliance.Engine.Calendar;

/// <summary>What the sweep needs to know of an institution.</summary>
public sealed record InstitutionFacts(string Code, string RegionCode, string Category, YearMonth ReportingFrom);

/// <summary>A deadline of one institution.</summary>
public sealed record InstitutionDeadline(string Institution, Deadline Deadline);

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
                var filedOn = ReportingZone.DateOf(filed);
                if (filedOn > due)
                {
                    late.Add(new FiledLate(deadline, filed, Period.Between(due, filedOn, PeriodUnits.Days).Days));
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
