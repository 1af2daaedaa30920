namespace Compliance.Engine.Exceptions;

/// <summary>The status of an exception (监管异常), rules.md "Exceptions".</summary>
public enum ExceptionStatus
{
    Open,
    Explained,
    Resolved,
    Waived,
    Cleared,
}

/// <summary>What happens to an exception: a finding of an evaluation or a sweep, or an action of a key.</summary>
public enum LifecycleEvent
{
    /// <summary>An evaluation finds a condition that has no exception yet.</summary>
    Found,

    /// <summary>An evaluation finds the condition again, with figures that differ from those last recorded.</summary>
    FoundChanged,

    /// <summary>An evaluation finds the condition again, with the figures last recorded.</summary>
    FoundUnchanged,

    /// <summary>
    /// An evaluation no longer finds the condition (it passes, is not applicable, or its set stopped applying), or a
    /// sweep finds that a missed deadline is no longer owed.
    /// </summary>
    NoLongerFound,

    /// <summary>The institution explains it.</summary>
    Explain,

    /// <summary>A regulator resolves it.</summary>
    Resolve,

    /// <summary>A regulator waives it, with or without an end date.</summary>
    Waive,

    /// <summary>A waiver's date has passed and the condition still holds (an evaluation or a sweep sees it).</summary>
    WaiverEnded,

    /// <summary>A regulator reopens it.</summary>
    Reopen,

    /// <summary>A sweep finds a deadline passed with nothing filed (again, where its exception was cleared).</summary>
    DeadlineMissed,

    /// <summary>What a missed deadline asked for is filed, late.</summary>
    FiledLate,
}

/// <summary>The kind of an exception's event as the API names it (api.md: <c>created</c>, <c>updated</c>, …).</summary>
public enum EventKind
{
    Created,
    Updated,
    Explained,
    Resolved,
    Waived,
    Reopened,
    Cleared,
    FoundAgain,
    FiledLate,
}

/// <summary>
/// Where an event takes an exception: its status after it, and the event to record (none where nothing changed,
/// as when an evaluation finds the figures it found before).
/// </summary>
public readonly record struct Transition(ExceptionStatus To, EventKind? Recorded);

/// <summary>
/// The exception lifecycle of rules.md, as one function from (status, event) to the transition it makes, or none
/// where the lifecycle refuses it. Every writer asks it: the workflow endpoints (whose refusals are 409), the
/// evaluation (found, found again, no longer found, a waiver that ended) and the deadline sweep (missed, filed late).
/// </summary>
/// <remarks>
/// A regulator's decision stands: an evaluation never changes the status of a resolved or waived exception, it only
/// records new figures as an event. Only a waiver's end, with the condition still there, reopens a waived one.
/// </remarks>
public static class ExceptionLifecycle
{
    /// <summary>The transition <paramref name="e"/> makes from <paramref name="from"/> (<c>null</c>: no exception yet), or <c>null</c> where refused.</summary>
    public static Transition? Next(ExceptionStatus? from, LifecycleEvent e) => (from, e) switch
    {
        (null, LifecycleEvent.Found or LifecycleEvent.DeadlineMissed) => new(ExceptionStatus.Open, EventKind.Created),
        (null, _) => null,

        // A missed deadline is written once: the next sweeps find it there, whatever its status; one cleared because it
        // stopped being owed, and owed and missed again, is found again.
        (ExceptionStatus.Cleared, LifecycleEvent.DeadlineMissed) => new(ExceptionStatus.Open, EventKind.FoundAgain),
        ({ } status, LifecycleEvent.DeadlineMissed) => new(status, null),
        (_, LifecycleEvent.Found) => null,

        (ExceptionStatus.Cleared, LifecycleEvent.FoundChanged or LifecycleEvent.FoundUnchanged) => new(ExceptionStatus.Open, EventKind.FoundAgain),
        ({ } status, LifecycleEvent.FoundChanged) => new(status, EventKind.Updated),
        ({ } status, LifecycleEvent.FoundUnchanged) => new(status, null),

        (ExceptionStatus.Open or ExceptionStatus.Explained, LifecycleEvent.NoLongerFound) => new(ExceptionStatus.Cleared, EventKind.Cleared),
        ({ } status, LifecycleEvent.NoLongerFound) => new(status, null),

        (ExceptionStatus.Open or ExceptionStatus.Explained, LifecycleEvent.Explain) => new(ExceptionStatus.Explained, EventKind.Explained),
        (ExceptionStatus.Open or ExceptionStatus.Explained, LifecycleEvent.Resolve) => new(ExceptionStatus.Resolved, EventKind.Resolved),
        (ExceptionStatus.Open or ExceptionStatus.Explained, LifecycleEvent.Waive) => new(ExceptionStatus.Waived, EventKind.Waived),
        (ExceptionStatus.Resolved or ExceptionStatus.Waived or ExceptionStatus.Cleared, LifecycleEvent.Reopen) => new(ExceptionStatus.Open, EventKind.Reopened),
        (ExceptionStatus.Waived, LifecycleEvent.WaiverEnded) => new(ExceptionStatus.Open, EventKind.Reopened),

        ({ } status, LifecycleEvent.FiledLate) => new(status, EventKind.FiledLate),
        _ => null,
    };

    /// <summary>
    /// What an evaluation does to the exception stored for one (set, rule) of a period (<paramref name="from"/>
    /// <c>null</c>: none stored): the event it makes — found, found again with or without new figures
    /// (<paramref name="changed"/>), a waiver that ended before <paramref name="today"/> with the condition still
    /// there, or no longer found — and the transition it makes, <c>null</c> where there is nothing to do. The job
    /// writes it; a preview only reports it.
    /// </summary>
    public static (LifecycleEvent Event, Transition? Transition) OnEvaluation(
        ExceptionStatus? from, NodaTime.LocalDate? waivedUntil, NodaTime.LocalDate today, bool found, bool changed)
    {
        var e = !found ? LifecycleEvent.NoLongerFound
            : from is null ? LifecycleEvent.Found
            : WaiverHasEnded(from, waivedUntil, today) ? LifecycleEvent.WaiverEnded
            : changed ? LifecycleEvent.FoundChanged : LifecycleEvent.FoundUnchanged;
        return (e, Next(from, e));
    }

    /// <summary>Whether a waived exception's waiver ended before <paramref name="today"/>.</summary>
    public static bool WaiverHasEnded(ExceptionStatus? status, NodaTime.LocalDate? waivedUntil, NodaTime.LocalDate today) =>
        status == ExceptionStatus.Waived && waivedUntil is { } until && until < today;

    /// <summary>
    /// Whether a regulator decided the exception (resolved or waived): it keeps the figures it was decided on, and an
    /// evaluation records new ones as events only.
    /// </summary>
    public static bool IsDecided(ExceptionStatus status) => status is ExceptionStatus.Resolved or ExceptionStatus.Waived;

    /// <summary>Whether the lifecycle allows <paramref name="e"/> from <paramref name="from"/>.</summary>
    public static bool Allows(ExceptionStatus? from, LifecycleEvent e) => Next(from, e) is not null;

    /// <summary>The statuses from which <paramref name="e"/> is allowed, in the order of <see cref="ExceptionStatus"/>.</summary>
    public static IReadOnlyList<ExceptionStatus> AllowedFrom(LifecycleEvent e) =>
        [.. Enum.GetValues<ExceptionStatus>().Where(status => Allows(status, e))];

    /// <summary>The API's name of a status: <c>open</c>, <c>explained</c>, <c>resolved</c>, <c>waived</c>, <c>cleared</c>.</summary>
    public static string Name(this ExceptionStatus status) => status switch
    {
        ExceptionStatus.Open => "open",
        ExceptionStatus.Explained => "explained",
        ExceptionStatus.Resolved => "resolved",
        ExceptionStatus.Waived => "waived",
        ExceptionStatus.Cleared => "cleared",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The API's name of an event kind: <c>created</c>, <c>foundAgain</c>, <c>filedLate</c>, …</summary>
    public static string Name(this EventKind kind) => kind switch
    {
        EventKind.FoundAgain => "foundAgain",
        EventKind.FiledLate => "filedLate",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The status of an API name, or <c>null</c> for any other text.</summary>
    public static ExceptionStatus? ParseStatus(string? name) =>
        Enum.GetValues<ExceptionStatus>().Select(s => (ExceptionStatus?)s).FirstOrDefault(s => s!.Value.Name() == name);
}
