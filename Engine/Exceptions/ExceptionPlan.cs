using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Engine.Calendar;
using Compliance.Engine.Rules;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Engine.Exceptions;

/// <summary>
/// An exception of an institution-period as stored, as a plan reads it: its status, what it found, and the figures
/// of its latest event that recorded some (<c>null</c> where none did, or where it is not decided and so not read), and
/// its message (<c>null</c> where not read).
/// </summary>
public sealed record ExceptionOnRecord(
    long Id, string? RuleSetId, string Rule, ExceptionStatus Status, string Severity, int? RuleSetVersion, string Figures, string Baselines,
    long? SubmissionId, LocalDate? WaivedUntil, string? LastRecordedFigures, LocalizedText? Message = null);

/// <summary>What a finding stores in its exception (figures and baselines as <see cref="FindingJson"/> writes them).</summary>
public sealed record StoredFinding(
    string Rule, string RuleSetId, int RuleSetVersion, string Severity, string Figures, string Baselines, LocalizedText Message, long SubmissionId);

/// <summary>An event to record: its kind, the change of status, its note and the figures it records.</summary>
public sealed record PlannedEvent(EventKind Kind, ExceptionStatus? From, ExceptionStatus To, string? Note, string? Figures);

/// <summary>A write a plan makes; every one but <see cref="OpenFinding"/> names the exception it touches.</summary>
public abstract record ExceptionWrite;

/// <summary>Creates the exception of a new finding in the event's status, with the event.</summary>
public sealed record OpenFinding(StoredFinding Finding, PlannedEvent Event) : ExceptionWrite;

/// <summary>Replaces what an exception found and moves it to the event's status, with the event.</summary>
public sealed record UpdateFinding(long Id, StoredFinding Finding, PlannedEvent Event) : ExceptionWrite;

/// <summary>
/// Replaces what an open or explained exception found, in its <see cref="Status"/>, without an event: nothing the rule
/// compared changed (a figure added by a newer rule, a new set version with equal rules, new baselines, a new name or
/// message).
/// </summary>
public sealed record RefreshFinding(long Id, StoredFinding Finding, ExceptionStatus Status) : ExceptionWrite;

/// <summary>Moves an exception to the event's status, its waiver ending on <see cref="WaivedUntil"/> (or none), with the event.</summary>
public sealed record MoveStatus(long Id, LocalDate? WaivedUntil, PlannedEvent Event) : ExceptionWrite;

/// <summary>Records an event only; with <see cref="ReplaceFigures"/>, the exception's figures become the event's.</summary>
public sealed record RecordEvent(long Id, PlannedEvent Event, bool ReplaceFigures) : ExceptionWrite;

/// <summary>An exception found again unchanged: nothing recorded, pointed at <see cref="SubmissionId"/> where that is new.</summary>
public sealed record KeepFinding(long Id, long? SubmissionId) : ExceptionWrite;

/// <summary>
/// A <c>DEADLINE_MISSED</c> exception as the sweep reads it: when its deadline was filed, if it was, and the due date
/// it was written with (its figures' <c>dueDate</c>), where the sweep asks.
/// </summary>
public sealed record MissedOnRecord(
    long Id, string Institution, YearMonth Period, string Obligation, ExceptionStatus Status, LocalDate? WaivedUntil, Instant? FiledAt,
    LocalDate? RecordedDue = null);

/// <summary>The <c>DEADLINE_MISSED</c> exception of a deadline: its figures, message and first event.</summary>
public sealed record MissedDeadline(string Institution, Deadline Deadline, string Figures, LocalizedText Message, PlannedEvent Event);

/// <summary>
/// What an evaluation or a sweep writes to the exceptions it meets: the decisions "what counts as changed" and "which
/// event and note to record", from what is stored and what was found, for the store to carry out as they are. Pure:
/// the same inputs plan the same writes, so applying a plan twice changes nothing the second time.
/// </summary>
public static class ExceptionPlan
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The writes of one evaluation of submission <paramref name="submissionId"/> against the exceptions its
    /// institution-period holds: a new finding is created; one found again updates an open or explained exception in
    /// place, records new figures of a resolved or waived one as an event only, and reopens a waived one whose waiver
    /// ended before <paramref name="today"/> or a cleared one; one no longer found (a rule no longer in its set, a set
    /// that no longer applies) is cleared.
    /// </summary>
    public static IReadOnlyList<ExceptionWrite> OfEvaluation(RuleEvaluation result, long submissionId, IReadOnlyList<ExceptionOnRecord> stored, LocalDate today)
    {
        ArgumentNullException.ThrowIfNull(result);
        var writes = new List<ExceptionWrite>();
        foreach (var (set, found, current) in result.Against(stored, e => (e.RuleSetId ?? "", e.Rule)))
        {
            if (found?.Finding is { } finding)
            {
                writes.Add(Found(Stored(set!, finding, submissionId), current, today));
            }
            else if (current is not null && NoLongerFound(current, today) is { } clear)
            {
                writes.Add(clear);
            }
        }

        return writes;
    }

    /// <summary>
    /// The writes of a sweep to the open <c>DEADLINE_MISSED</c> exceptions: a waiver that ended with the deadline still
    /// not filed reopens it; a deadline filed since, late, records one <c>filedLate</c> event with the filing's
    /// figures. <paramref name="dueDate"/> gives a deadline's due date, or <c>null</c> where it no longer binds the
    /// institution: its exception is left as it is.
    /// </summary>
    public static IReadOnlyList<ExceptionWrite> OfSweep(IEnumerable<MissedOnRecord> open, Func<string, string, YearMonth, LocalDate?> dueDate)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(dueDate);
        var writes = new List<ExceptionWrite>();
        foreach (var found in open)
        {
            if (dueDate(found.Institution, found.Obligation, found.Period) is not { } due)
            {
                continue;
            }

            if (found.FiledAt is not { } filedAt)
            {
                if (ExceptionLifecycle.Next(found.Status, LifecycleEvent.WaiverEnded) is { Recorded: { } reopened } transition)
                {
                    writes.Add(new MoveStatus(found.Id, null, new PlannedEvent(reopened, found.Status, transition.To,
                        SystemNotes.Of(
                            $"暂缓期已于 {Periods.FormatDate(found.WaivedUntil!.Value)} 届满，仍未报送。",
                            $"The waiver ended on {Periods.FormatDate(found.WaivedUntil!.Value)} and nothing is filed yet."), null)));
                }

                continue;
            }

            if (DeadlineSweep.DaysLate(due, filedAt) is > 0 and var days
                && ExceptionLifecycle.Next(found.Status, LifecycleEvent.FiledLate) is { Recorded: { } recorded } late)
            {
                var figures = JsonSerializer.Serialize(new
                {
                    obligation = found.Obligation,
                    dueDate = Periods.FormatDate(due),
                    filedAt = InstantPattern.ExtendedIso.Format(filedAt),
                }, Json);
                writes.Add(new RecordEvent(found.Id, new PlannedEvent(recorded, found.Status, late.To,
                    SystemNotes.Of(string.Create(CultureInfo.InvariantCulture, $"逾期 {days} 天报送"), string.Create(CultureInfo.InvariantCulture, $"filed {days} days late")),
                    figures), ReplaceFigures: true));
            }
        }

        return writes;
    }

    /// <summary>
    /// The writes of a sweep that planned every deadline anew (its facts changed) to the open and explained
    /// <c>DEADLINE_MISSED</c> exceptions (deadlines.md, "When a deadline stops being owed"): each whose deadline
    /// <paramref name="noLongerOwed"/> says is no longer owed is cleared, with an event that says why in both languages.
    /// Resolved and waived ones keep their status: the lifecycle leaves them as they are.
    /// </summary>
    public static IReadOnlyList<ExceptionWrite> OfNoLongerOwed(IEnumerable<MissedOnRecord> open, Func<MissedOnRecord, LocalizedText?> noLongerOwed)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(noLongerOwed);
        var writes = new List<ExceptionWrite>();
        foreach (var found in open)
        {
            if (noLongerOwed(found) is { } why
                && ExceptionLifecycle.Next(found.Status, LifecycleEvent.NoLongerFound) is { Recorded: { } recorded } transition)
            {
                writes.Add(new MoveStatus(found.Id, found.WaivedUntil, new PlannedEvent(recorded, found.Status, transition.To, SystemNote(why), null)));
            }
        }

        return writes;
    }

    /// <summary>
    /// The writes of a sweep to the cleared <c>DEADLINE_MISSED</c> exceptions of deadlines it finds <paramref name="missed"/>
    /// again (owed once more, as after an institution's defaults are corrected, and still not filed): each is found again
    /// and open, with an event that carries the deadline's message and figures. Both events stay in its history.
    /// </summary>
    public static IReadOnlyList<ExceptionWrite> OfMissedAgain(IEnumerable<MissedOnRecord> cleared, IEnumerable<InstitutionDeadline> missed)
    {
        ArgumentNullException.ThrowIfNull(cleared);
        ArgumentNullException.ThrowIfNull(missed);
        var byDeadline = new Dictionary<(string, YearMonth, string), InstitutionDeadline>();
        foreach (var deadline in missed)
        {
            byDeadline.TryAdd((deadline.Institution, deadline.Deadline.Period, deadline.Deadline.Obligation.Code), deadline);
        }

        var writes = new List<ExceptionWrite>();
        foreach (var found in cleared)
        {
            if (byDeadline.TryGetValue((found.Institution, found.Period, found.Obligation), out var deadline)
                && ExceptionLifecycle.Next(found.Status, LifecycleEvent.DeadlineMissed) is { Recorded: { } recorded } transition)
            {
                var again = OfMissed(deadline);
                writes.Add(new MoveStatus(found.Id, null, new PlannedEvent(recorded, found.Status, transition.To, SystemNote(again.Message), again.Figures)));
            }
        }

        return writes;
    }

    /// <summary>A note the system writes, in both languages (<see cref="SystemNotes"/>).</summary>
    public static string SystemNote(LocalizedText text) => SystemNotes.Of(text);

    /// <summary>The due date a <c>DEADLINE_MISSED</c> exception's figures record (<see cref="OfMissed"/>), or <c>null</c>.</summary>
    public static LocalDate? RecordedDueDate(string figures)
    {
        try
        {
            using var json = JsonDocument.Parse(figures);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("dueDate", out var due)
                && due.ValueKind == JsonValueKind.String && LocalDatePattern.Iso.Parse(due.GetString()!) is { Success: true } parsed
                    ? parsed.Value
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The <c>DEADLINE_MISSED</c> exception a missed deadline opens, where it has none yet.</summary>
    public static MissedDeadline OfMissed(InstitutionDeadline missed)
    {
        ArgumentNullException.ThrowIfNull(missed);
        var deadline = missed.Deadline;
        var period = Periods.Format(deadline.Period);
        var due = Periods.FormatDate(deadline.DueDate);
        var figures = JsonSerializer.Serialize(new { obligation = deadline.Obligation.Code, dueDate = due }, Json);
        var first = ExceptionLifecycle.Next(null, LifecycleEvent.DeadlineMissed)!.Value;
        return new MissedDeadline(missed.Institution, deadline, figures,
            new LocalizedText($"{deadline.Obligation.Name.Zh}（{period}）截止日 {due} 已过，仍未报送。", $"{deadline.Obligation.Name.En} ({period}) was due on {due} and has not been filed."),
            new PlannedEvent(first.Recorded!.Value, null, first.To, null, figures));
    }

    /// <summary>
    /// The writes of an evaluation that a person's change queued (a credit plan's, api.md), each event's note naming that
    /// change: <paramref name="cause"/> in place of the note the plan gave it, or before it where a waiver's end reopened
    /// the exception. Without a cause, the writes as they are.
    /// </summary>
    public static IReadOnlyList<ExceptionWrite> NamingCause(IReadOnlyList<ExceptionWrite> writes, string? cause)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (cause is null)
        {
            return writes;
        }

        PlannedEvent Named(PlannedEvent e) =>
            e with { Note = e.Kind == EventKind.Reopened && e.Note is { } waiver ? SystemNotes.Join(cause, waiver) : cause };

        return [.. writes.Select(write => write switch
        {
            OpenFinding open => open with { Event = Named(open.Event) },
            UpdateFinding update => update with { Event = Named(update.Event) },
            MoveStatus move => move with { Event = Named(move.Event) },
            RecordEvent record => record with { Event = Named(record.Event) },
            _ => write,
        })];
    }

    private static StoredFinding Stored(RuleSet set, Finding finding, long submissionId) => new(
        finding.Rule, set.Id, set.Version, finding.Severity.Name(), FindingJson.Figures(finding.Figures).ToJsonString(),
        FindingJson.Baselines(finding.Baselines).ToJsonString(), finding.Message, submissionId);

    private static ExceptionWrite Found(StoredFinding finding, ExceptionOnRecord? current, LocalDate today)
    {
        if (current is null)
        {
            var created = ExceptionLifecycle.OnEvaluation(null, null, today, found: true, changed: false).Transition!.Value;
            return new OpenFinding(finding, new PlannedEvent(created.Recorded!.Value, null, created.To, null, finding.Figures));
        }

        var from = current.Status;
        // Only a figure the rule compared, or the severity, is a change worth an event (rules.md, "Exceptions"). A regulator
        // decided it: new figures are compared with the last recorded, and recorded as an event once.
        var changed = ExceptionLifecycle.IsDecided(from) && !ExceptionLifecycle.WaiverHasEnded(from, current.WaivedUntil, today)
            ? ComparedFiguresDiffer(finding.Rule, current.LastRecordedFigures ?? current.Figures, finding.Figures)
            : current.Severity != finding.Severity || ComparedFiguresDiffer(finding.Rule, current.Figures, finding.Figures);
        var (e, next) = ExceptionLifecycle.OnEvaluation(from, current.WaivedUntil, today, found: true, changed);
        var transition = next!.Value;
        if (transition.Recorded is not { } recorded)
        {
            if (!ExceptionLifecycle.IsDecided(from) && (current.Figures != finding.Figures || current.Baselines != finding.Baselines
                || current.RuleSetVersion != finding.RuleSetVersion || (current.Message is { } message && message != finding.Message)))
            {
                return new RefreshFinding(current.Id, finding, from);
            }

            return new KeepFinding(current.Id, !ExceptionLifecycle.IsDecided(from) && current.SubmissionId != finding.SubmissionId ? finding.SubmissionId : null);
        }

        var note = e == LifecycleEvent.WaiverEnded
            ? SystemNotes.Of(
                $"暂缓期已于 {Periods.FormatDate(current.WaivedUntil!.Value)} 届满，该情形仍然存在。",
                $"The waiver ended on {Periods.FormatDate(current.WaivedUntil!.Value)} and the condition still holds.")
            : ExceptionLifecycle.IsDecided(from) ? SystemNotes.Of("重新评估得出新的数据。", "Re-evaluation found new figures.") : null;
        var planned = new PlannedEvent(recorded, from, transition.To, note, finding.Figures);
        return ExceptionLifecycle.IsDecided(transition.To) ? new RecordEvent(current.Id, planned, ReplaceFigures: false) : new UpdateFinding(current.Id, finding, planned);
    }

    /// <summary>
    /// Whether a figure the rule compared differs between two figure sets: every figure but those its rule declares
    /// descriptive (<see cref="FigureDefinition.Compared"/> false, such as <c>basis</c>), and only where both sets have
    /// it (a key added by a newer rule is no change).
    /// </summary>
    private static bool ComparedFiguresDiffer(string rule, string before, string after)
    {
        if (before == after)
        {
            return false;
        }

        var (was, now) = (JsonNode.Parse(before)?.AsObject(), JsonNode.Parse(after)?.AsObject());
        if (was is null || now is null)
        {
            return true;
        }

        var definition = RuleCatalog.Find(rule);
        return now.Any(figure => was.TryGetPropertyValue(figure.Key, out var old)
            && definition?.Figure(figure.Key)?.Compared != false
            && !JsonNode.DeepEquals(old, figure.Value));
    }

    private static MoveStatus? NoLongerFound(ExceptionOnRecord current, LocalDate today) =>
        ExceptionLifecycle.OnEvaluation(current.Status, current.WaivedUntil, today, found: false, changed: false).Transition
            is { Recorded: { } recorded } transition
            ? new MoveStatus(current.Id, current.WaivedUntil, new PlannedEvent(recorded, current.Status, transition.To, SystemNotes.Of("重新评估已不再发现该情形。", "Re-evaluation no longer finds it."), null))
            : null;
}
