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
/// When reminders are sent (deadlines.md): at an obligation's <c>reminderOffsets</c>, calendar days from the due date,
/// then every 7 days after the last until filed. By default 14, 7, 3 and 1 days before the due date, on it, and 1 and 7
/// days after, then every 7 days. After downtime only the most recent missed reminder is sent.
/// </summary>
public static class ReminderSchedule
{
    /// <summary>The farthest an offset may be from the due date, in calendar days, either way.</summary>
    public const int MaxOffsetDays = 366;

    /// <summary>The days between two overdue reminders after the last offset.</summary>
    public const int RepeatDays = 7;

    /// <summary>The offsets of deadlines.md's table: −14, −7, −3, −1, 0, +1, +7 (then every 7 days).</summary>
    public static IReadOnlyList<int> DefaultOffsets { get; } = [-14, -7, -3, -1, 0, 1, 7];

    /// <summary>The default schedule in words.</summary>
    public static string Description => Describe(DefaultOffsets);

    /// <summary>A schedule in words, for a sweep's fingerprint: a changed schedule owes what the journal cannot tell.</summary>
    public static string Describe(IReadOnlyList<int> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        return Periods.Invariant($"{string.Join(",", offsets.Select(o => Periods.Invariant($"{o}")))}, then every {RepeatDays} days from {Signed(offsets[^1] + RepeatDays)}");
    }

    /// <summary>Every offset of the default schedule up to and including <paramref name="latest"/>.</summary>
    public static IEnumerable<int> OffsetsThrough(int latest) => OffsetsThrough(latest, DefaultOffsets);

    /// <summary>Every offset of a schedule (ascending <paramref name="offsets"/>) up to and including <paramref name="latest"/>.</summary>
    public static IEnumerable<int> OffsetsThrough(int latest, IReadOnlyList<int> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        foreach (var offset in offsets.Where(o => o <= latest))
        {
            yield return offset;
        }

        for (var offset = offsets[^1] + RepeatDays; offset <= latest; offset += RepeatDays)
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

    /// <summary>The reminder the default schedule owes on <paramref name="today"/> (see the other overload).</summary>
    public static ReminderDue? DueOn(LocalDate today, LocalDate dueDate) => DueOn(today, dueDate, DefaultOffsets);

    /// <summary>
    /// The reminder a sweep on <paramref name="today"/> owes for a deadline not filed, under a schedule (ascending
    /// <paramref name="offsets"/>): the one with the largest offset not after today, or <c>null</c> before the first.
    /// Whether it was sent already is the store's to say, by its unique key.
    /// </summary>
    public static ReminderDue? DueOn(LocalDate today, LocalDate dueDate, IReadOnlyList<int> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var days = Period.DaysBetween(dueDate, today);
        if (days < offsets[0])
        {
            return null;
        }

        // The largest offset not after today: one of the given ones, or the last repeat after the last of them.
        var last = offsets[^1];
        var offset = days >= last ? last + ((days - last) / RepeatDays * RepeatDays) : offsets.Last(o => o <= days);
        return new ReminderDue(KindOf(offset), offset);
    }

    /// <summary>Whether a sweep on <paramref name="today"/> finds the deadline missed (the due day has passed).</summary>
    public static bool IsMissed(LocalDate today, LocalDate dueDate) => today > dueDate;

    private static string Signed(int days) => days > 0 ? Periods.Invariant($"+{days}") : Periods.Invariant($"{days}");
}
