using Compliance.Engine.Exceptions;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Analytics;

/// <summary>
/// What a draft of a rule set would change in one key (institution, period, set, rule), and nothing else (analytics.md,
/// "Shadow replay"): the draft's finding against the current version's, on the same snapshots, beside the exception
/// stored for that key. Another set's findings, and a waiver whose <c>until</c> has passed, are no part of it: those
/// the next evaluation would act on whatever the draft says.
/// </summary>
public static class DraftEffect
{
    /// <summary>
    /// <see cref="ReplayChange.Opened"/> where the draft finds it, the current version does not and nothing is stored
    /// open, explained, resolved or waived; <see cref="ReplayChange.Cleared"/> where the current version finds it, the
    /// draft does not (or the key is outside the draft) and the stored one is open or explained;
    /// <see cref="ReplayChange.Changed"/> where both find it with different severities and the stored one is open or
    /// explained; else <see cref="ReplayChange.None"/>, also where neither finds it, whatever is stored.
    /// </summary>
    public static ReplayChange Of(Severity? current, Severity? draft, ExceptionStatus? stored)
    {
        var active = stored is ExceptionStatus.Open or ExceptionStatus.Explained;
        return (current, draft) switch
        {
            (null, not null) when stored is null or ExceptionStatus.Cleared => ReplayChange.Opened,
            (not null, null) when active => ReplayChange.Cleared,
            (not null, not null) when active && current != draft => ReplayChange.Changed,
            _ => ReplayChange.None,
        };
    }
}
