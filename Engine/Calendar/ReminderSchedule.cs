using NodaTime;

namespace Compliance.Engine.Calendar;

/// <summary>What a reminder says about its deadline: <c>upcoming</c>, <c>due</c> or <c>overdue</c>.</summary>
public enum ReminderKind
{
    Upcoming,
    Due,
    Overdue,
}

/// <summary>A reminder to send: its kind and its offset from the due date, in calendar days.</summary>
public sealed record ReminderDue(ReminderKind Kind, int OffsetDays);

/// <summary>
/// When reminders are sent (deadlines.md): 14, 7, 3 and 1 days before the due date, on it, and 1 and 7 days after,
/// then every 7 days until filed. After downtime only the most recent missed reminder is sent.
/// </summary>
public static class ReminderSchedule
{
    private static readonly int[] Fixed = [-14, -7, -3, -1, 0, 1, 7];

    /// <summary>The schedule in words, for a sweep's fingerprint: a changed schedule owes what the journal cannot tell.</summary>
    public static string Description => $"{string.Join(",", Fixed)}, then every 7 days from +14";

    /// <summary>Every offset up to and including <paramref name="latest"/>.</summary>
    public static IEnumerable<int> OffsetsThrough(int latest)
    {
        foreach (var offset in Fixed.Where(o => o <= latest))
        {
            yield return offset;
        }

        for (var offset = 14; offset <= latest; offset += 7)
        {
            yield return offset;
        }
    }

    /// <summary>The kind of a reminder at an offset.</summary>
    public static ReminderKind KindOf(int offset) => offset switch
    {
        < 0 => ReminderKind.Upcoming,
        0 => ReminderKind.Due,
        _ => ReminderKind.Overdue,
    };

    /// <summary>
    /// The reminder a sweep on <paramref name="today"/> owes for a deadline not filed: the one with the largest
    /// offset not after today, or <c>null</c> before the first (14 days ahead). Whether it was sent already is the
    /// store's to say, by its unique key.
    /// </summary>
    public static ReminderDue? DueOn(LocalDate today, LocalDate dueDate)
    {
        var days = Period.DaysBetween(dueDate, today);
        if (days < Fixed[0])
        {
            return null;
        }

        // The largest offset not after today: one of the fixed ones, or the last multiple of 7 from +14 on.
        var offset = days >= 14 ? days - (days % 7) : Fixed.Last(o => o <= days);
        return new ReminderDue(KindOf(offset), offset);
    }

    /// <summary>Whether a sweep on <paramref name="today"/> finds the deadline missed (the due day has passed).</summary>
    public static bool IsMissed(LocalDate today, LocalDate dueDate) => today > dueDate;
}
