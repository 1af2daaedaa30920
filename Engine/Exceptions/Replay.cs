namespace Compliance.Engine.Exceptions;

/// <summary>What a re-evaluation would do to one (set, rule) of a period, as a preview reports it.</summary>
public enum ReplayChange
{
    /// <summary>Nothing a preview reports: found again as it is, or a regulator's decision that stands.</summary>
    None,

    /// <summary>Found where nothing is stored, or stored cleared, or waived with its waiver ended: it opens.</summary>
    Opened,

    /// <summary>Stored open or explained and no longer found: it is cleared.</summary>
    Cleared,

    /// <summary>Stored open or explained and found with another severity.</summary>
    Changed,
}

/// <summary>
/// The preview of a re-evaluation (analytics.md, "Shadow replay"): reads what <see cref="ExceptionLifecycle.OnEvaluation"/>
/// decides, the decision the job writes, and names its effect.
/// </summary>
public static class Replay
{
    /// <summary>
    /// The effect of an evaluation on what is stored (<paramref name="from"/> <c>null</c>: nothing) that
    /// <paramref name="found"/> or not, <paramref name="severityChanged"/> telling whether it found another severity.
    /// </summary>
    public static ReplayChange Of(ExceptionStatus? from, NodaTime.LocalDate? waivedUntil, NodaTime.LocalDate today, bool found, bool severityChanged)
    {
        var (_, transition) = ExceptionLifecycle.OnEvaluation(from, waivedUntil, today, found, severityChanged);
        var active = from is ExceptionStatus.Open or ExceptionStatus.Explained;
        return transition switch
        {
            { To: ExceptionStatus.Open } when found && !active => ReplayChange.Opened,
            { To: ExceptionStatus.Cleared } when !found && active => ReplayChange.Cleared,
            _ when found && active && severityChanged => ReplayChange.Changed,
            _ => ReplayChange.None,
        };
    }
}
