using System.Globalization;
using Compliance.Data;
using Compliance.Data.Deadlines;
using Compliance.Data.Rules;
using Compliance.Data.Snapshots;
using Compliance.Engine;
using Compliance.Engine.Calendar;
using Compliance.Engine.Exceptions;
using Compliance.Engine.Rules;
using Hangfire;
using NodaTime;

namespace Compliance.Api.Deadlines;

/// <summary>
/// The reminder sweep (deadlines.md): which day it is and what is owed is decided in Engine; the store writes each
/// reminder and DEADLINE_MISSED exception under its unique key, so any number of sweeps, retries or servers send
/// each reminder at most once. Webhook deliveries are jobs of their own, so a slow endpoint never holds the sweep.
/// </summary>
public sealed class DeadlineSweepJob(
    DeadlineStore deadlines,
    ObligationStore obligations,
    SnapshotStore snapshots,
    RuleSetStore ruleSets,
    CalendarStore calendars,
    IBackgroundJobClient jobs,
    IClock clock,
    Operations.ComplianceMetrics? metrics = null)
{
    /// <summary>The counts of one sweep: <c>{date, reminders, exceptions}</c>.</summary>
    public sealed record SweepCounts(LocalDate Date, int Reminders, int Exceptions);

    /// <summary>Runs the sweep as of <paramref name="date"/> (<c>yyyy-MM-dd</c>), or today in China Standard Time.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task<SweepCounts> RunAsync(string? date, CancellationToken ct)
    {
        using var timed = metrics?.TimeSweep();
        var today = date is null ? ReportingZone.Today(clock) : NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value;
        var institutions = await deadlines.InstitutionsAsync(Scope.Everything, null, ct);
        var obligationList = await obligations.ListAsync(ct);
        var calendar = await calendars.LoadAsync(ct);
        // Where an earlier sweep covered the same facts, only the deadlines whose reminder or missed day came since
        // can owe anything it did not write (DeadlineSweep's remarks); otherwise every deadline of the window.
        var window = DeadlineSweep.Window(today, obligationList, calendar);
        var facts = DeadlineSweep.Fingerprint(institutions, obligationList, window);
        var since = await deadlines.SweptOnAsync(facts, today, ct);
        IReadOnlyList<Deadline> planned = since is { } earlier ? [.. DeadlineSweep.ChangedSince(earlier, today, window)] : window;
        var filed = await deadlines.FiledAsync(ct, since is null ? null : planned);
        var plan = DeadlineSweep.Plan(today, institutions, planned, filed);
        var withWebhook = await deadlines.WithWebhookAsync(ct);
        // A ledger reminder also names the institution's headroom item with the least room in its latest snapshot, under
        // the rule sets that apply to it: histories read period by period for all of them at once.
        var ledgerInstitutions = plan.Reminders.Where(r => r.Deadline.Deadline.Obligation.Code == Obligation.LedgerMonthly).Select(r => r.Deadline.Institution).ToHashSet();
        var histories = await snapshots.LatestHistoriesAsync(ledgerInstitutions, ct);
        var sets = histories.Count == 0 ? [] : await ruleSets.CurrentAsync(ct);
        var profiles = institutions.ToDictionary(i => i.Code, i => i.Profile);
        var closest = new Dictionary<string, (YearMonth Of, LocalizedText Figures)>();
        foreach (var (institution, history) in histories)
        {
            if (profiles.TryGetValue(institution, out var profile) && ReminderFigures.Closest(sets, profile, history) is { } figures)
            {
                closest[institution] = (history.Period, figures);
            }
        }

        // What stops a deadline being owed is a change of facts (deadlines.md, "When a deadline stops being owed"), which
        // changes the fingerprint: a sweep that plans every deadline anew also clears the missed ones no longer owed.
        var bindings = DeadlineSweep.Bindings(institutions, obligationList, calendar);
        Func<MissedOnRecord, LocalizedText?>? noLongerOwed = since is null
            ? missed => DeadlineSweep.NoLongerOwed(bindings(missed.Institution, missed.Obligation, missed.Period), missed.RecordedDue, missed.FiledAt, today)
            : null;
        var outcome = await deadlines.ApplyAsync(
            plan, reminder => Message(reminder, closest.TryGetValue(reminder.Deadline.Institution, out var c) ? c : null), withWebhook,
            (institution, obligation, period) => bindings(institution, obligation, period)?.DueDate, noLongerOwed,
            new SweepJournal(today, facts, since, planned.Count), clock.GetCurrentInstant(), ct);
        metrics?.RemindersSent(outcome.Reminders);
        foreach (var id in outcome.ToDeliver)
        {
            jobs.Enqueue<DeliverReminderJob>(job => job.RunAsync(id, CancellationToken.None));
        }

        return new SweepCounts(today, outcome.Reminders, outcome.Exceptions);
    }

    /// <summary>What a reminder says: what is due, for which period, when, and how far off it is.</summary>
    /// <param name="planned">The reminder.</param>
    /// <param name="closest">For a ledger, the latest period and its figure closest to a threshold (<see cref="ReminderFigures"/>).</param>
    public static LocalizedText Message(PlannedReminder planned, (YearMonth Of, LocalizedText Figures)? closest = null)
    {
        ArgumentNullException.ThrowIfNull(planned);
        var deadline = planned.Deadline.Deadline;
        var due = Periods.FormatDate(deadline.DueDate);
        var period = Periods.Format(deadline.Period);
        var days = Math.Abs(planned.Reminder.OffsetDays).ToString(CultureInfo.InvariantCulture);
        var (zh, en) = planned.Reminder.Kind switch
        {
            ReminderKind.Upcoming => ($"还有 {days} 天到期", $"due in {days} days"),
            ReminderKind.Due => ("今天到期", "due today"),
            _ => ($"已逾期 {days} 天，请尽快报送", $"{days} days overdue; file it as soon as possible"),
        };
        var text = new LocalizedText(
            $"{deadline.Obligation.Name.Zh}（{period}）截止日为 {due}，{zh}。",
            $"{deadline.Obligation.Name.En} ({period}) is due on {due}: {en}.");
        if (deadline.Obligation.Code != Obligation.LedgerMonthly || closest is not var (latest, figures))
        {
            return text;
        }

        var of = Periods.Format(latest);
        return new LocalizedText($"{text.Zh}最近一期（{of}）：{figures.Zh}。", $"{text.En} Latest ({of}): {figures.En}.");
    }
}
