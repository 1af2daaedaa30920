using System.Globalization;
using Compliance.Data;
using Compliance.Data.Deadlines;
using Compliance.Data.Snapshots;
using Compliance.Engine;
using Compliance.Engine.Calendar;
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
    CalendarStore calendars,
    IBackgroundJobClient jobs,
    IClock clock)
{
    /// <summary>The counts of one sweep: <c>{date, reminders, exceptions}</c>.</summary>
    public sealed record SweepCounts(LocalDate Date, int Reminders, int Exceptions);

    /// <summary>Runs the sweep as of <paramref name="date"/> (<c>yyyy-MM-dd</c>), or today in China Standard Time.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task<SweepCounts> RunAsync(string? date, CancellationToken ct)
    {
        var today = date is null ? ReportingZone.Today(clock) : NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value;
        var institutions = await deadlines.InstitutionsAsync(Scope.Everything, null, ct);
        var plan = DeadlineSweep.Plan(today, institutions, await obligations.ListAsync(ct), await calendars.LoadAsync(ct), await deadlines.FilingsAsync(ct));
        var withWebhook = await deadlines.WithWebhookAsync(ct);
        // A ledger reminder also names the institution's figure closest to a rule's threshold, from its latest snapshot.
        var ledgerInstitutions = plan.Reminders.Where(r => r.Deadline.Deadline.Obligation.Code == Obligation.LedgerMonthly).Select(r => r.Deadline.Institution).ToHashSet();
        var latest = await snapshots.LatestWithStartAsync(ledgerInstitutions, ct);
        var outcome = await deadlines.ApplyAsync(plan, planned => Message(planned, latest.TryGetValue(planned.Deadline.Institution, out var l) ? l : null), withWebhook, today, clock.GetCurrentInstant(), ct);
        foreach (var id in outcome.ToDeliver)
        {
            jobs.Enqueue<DeliverReminderJob>(job => job.RunAsync(id, CancellationToken.None));
        }

        return new SweepCounts(today, outcome.Reminders, outcome.Exceptions);
    }

    /// <summary>What a reminder says: what is due, for which period, when, and how far off it is.</summary>
    public static LocalizedText Message(PlannedReminder planned, (StoredSnapshot Latest, StoredSnapshot? StartOfYear)? latest = null)
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
        if (deadline.Obligation.Code != Obligation.LedgerMonthly || latest is not { } snapshot
            || ReminderFigures.Closest(snapshot.Latest.Indicators, snapshot.StartOfYear?.Indicators) is not { } figures)
        {
            return text;
        }

        var of = Periods.Format(snapshot.Latest.Period);
        return new LocalizedText($"{text.Zh}最近一期（{of}）：{figures.Zh}。", $"{text.En} Latest ({of}): {figures.En}.");
    }
}
