using System.Diagnostics;
using System.Globalization;
using Compliance.Api.Deadlines;
using Compliance.Data;
using Compliance.Data.Deadlines;
using Compliance.Data.Institutions;
using Compliance.Engine.Institutions;
using Dapper;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using NodaTime;

namespace Compliance.Bench;

/// <summary>
/// The deadline sweep over N institutions and every obligation (city commercial banks, legal persons, so that those in
/// Shandong owe its half-year work report; spread over Linyi, Lüliang, the rest of Shandong and elsewhere, reporting
/// from 2022-01), on a fresh database of the store, as a server runs it: once a day, on top of the
/// journal of earlier sweeps. Three times, each on its own copy of the filed ledgers. Timed against the floor, measured
/// on a copy of the database as it was when the sweep started: inserting the same reminder and exception rows (with the
/// exceptions' events) in one transaction, one prepared statement a table, each row bound and executed. The days with a
/// floor: June's ledger 14 days off (a reminder for every institution), and the day after the half-year report's due
/// date (a DEADLINE_MISSED exception and a reminder for every Shandong institution); budget 3× the floor, with the
/// absolute budgets of before (0.5 s) printed too. The same day again, when nothing is owed, writes nothing to measure a
/// floor by: it keeps its absolute budget (0.2 s). Printed without a budget: the sweeps that plan every deadline, after 18
/// months without one and after the institutions changed.
/// </summary>
internal static class SweepBenchmark
{
    private const int Rounds = 3;
    private const double Budget = 3.0;

    /// <summary>A day's sweep over 10,000 institutions, writing every reminder and exception owed (for orientation).</summary>
    private const double OwedSeconds = 0.5;

    /// <summary>A second sweep the same day, when nothing is owed.</summary>
    private const double NothingOwedBudget = 0.2;

    private static readonly string[] Regions = ["371302", "371311", "141102", "370102", "110101", "419001"];

    private static readonly string[] ReminderColumns =
        ["obligation", "institution", "period", "due_date", "kind", "offset_days", "message_zh", "message_en", "created_at", "delivery_status", "attempts", "last_error"];

    private static readonly string[] ExceptionColumns =
    [
        "institution", "period", "\"rule\"", "subject", "rule_set_id", "rule_set_version", "severity", "status", "figures", "baselines",
        "message_zh", "message_en", "submission_id", "waived_until", "created_at", "updated_at",
    ];

    private static readonly string[] EventColumns = ["exception_id", "at", "actor_role", "actor_key_id", "kind", "from_status", "to_status", "note", "figures"];

    public static async Task<int> RunAsync(BenchStore store, int institutions)
    {
        var clock = new FixedClock(Instant.FromUtc(2023, 7, 3, 1, 0));
        var template = await FileLedgersAsync(store, institutions, clock);
        List<double> reminders = [], remindersFloor = [], missed = [], missedFloor = [], nothing = [];
        for (var round = 0; round < Rounds; round++)
        {
            Console.WriteLine(Invariant($"round {round + 1} ({Shell.Load()})"));
            var db = await store.CopyAsync(template, Invariant($"sweep_{round + 1}"), clock);
            var sweep = Job(db, clock);
            await sweep.RunAsync("2022-01-03", CancellationToken.None); // warms the JIT: nothing is owed that day
            await TimeAsync(sweep, "2023-07-02", "after 18 months without a sweep (every deadline planned)", null);
            var (seconds, floor) = await TimeWithFloorAsync(store, db, sweep, "2023-07-03", "June's ledger 14 days off", round, clock);
            reminders.Add(seconds);
            remindersFloor.Add(floor);
            for (var day = new LocalDate(2023, 7, 4); day < new LocalDate(2023, 7, 8); day = day.PlusDays(1))
            {
                await sweep.RunAsync(Compliance.Engine.Periods.FormatDate(day), CancellationToken.None);
            }

            (seconds, floor) = await TimeWithFloorAsync(store, db, sweep, "2023-07-08", "the half-year report missed", round, clock);
            missed.Add(seconds);
            missedFloor.Add(floor);
            nothing.Add(await TimeAsync(sweep, "2023-07-08", "the same day again: nothing owed (no rows, no floor)", NothingOwedBudget));
            await new InstitutionStore(db, new Compliance.Data.Exceptions.ExceptionStore(db)).CreateAsync(new Institution
            {
                Code = "J00000", Name = "J00000", Category = "rural", RegionCode = "371302", ReportingFrom = new YearMonth(2023, 6), WebhookUrl = null,
            }, "secret", CancellationToken.None);
            await TimeAsync(sweep, "2023-07-08", "after an institution was added (every deadline planned)", null);
            await store.DropAsync(db);
        }

        await store.DropAsync(template);
        var within = Summary(store, "June's ledger 14 days off", reminders, remindersFloor);
        within &= Summary(store, "the half-year report missed", missed, missedFloor);
        var again = Replay.Median(nothing);
        Console.WriteLine(Invariant($"{store.Name} nothing owed     {Replay.Seconds(nothing)} s: median {again:F2} s (budget {NothingOwedBudget} s: {(again <= NothingOwedBudget ? "within" : "OVER")})"));
        return within && again <= NothingOwedBudget ? 0 : 1;
    }

    private static bool Summary(BenchStore store, string what, List<double> runs, List<double> floors)
    {
        var median = Replay.Median(runs);
        Console.WriteLine(Invariant($"{store.Name} {what}: sweep {Replay.Seconds(runs)} s, median {median:F2} s (absolute, for orientation: {(median <= OwedSeconds ? "within" : "over")} the former {OwedSeconds} s); floor {Replay.Seconds(floors)} s, median {Replay.Median(floors):F2} s"));
        Console.WriteLine(Invariant($"{store.Name} {what}: sweep / floor {Replay.Ratio(median, Replay.Median(floors), Budget)}"));
        return median / Replay.Median(floors) <= Budget;
    }

    /// <summary>
    /// A fresh database with the calendars, the obligations and the institutions, every ledger filed on time up to
    /// 2023-05 (and read by the sweep of the day it was filed); June's is due 2023-07-17, the half-year report and the
    /// year's other deliverables are not filed.
    /// </summary>
    private static async Task<Db> FileLedgersAsync(BenchStore store, int institutions, FixedClock clock)
    {
        var db = await store.CreateAsync("sweep", clock);
        await new CalendarStore(db).SeedAsync(clock.GetCurrentInstant(), CancellationToken.None);
        await new ObligationStore(db).SeedAsync(clock.GetCurrentInstant(), CancellationToken.None);
        var institutionStore = new InstitutionStore(db, new Compliance.Data.Exceptions.ExceptionStore(db));
        Console.WriteLine($"{store.Name}: storing {institutions:N0} institutions…");
        for (var i = 0; i < institutions; i++)
        {
            var code = $"I{i:D5}";
            await institutionStore.CreateAsync(new Institution
            {
                Code = code, Name = code, Category = "city_commercial", LegalPerson = true, Level = InstitutionLevel.HeadOffice, LocalLegalPerson = true,
                RegionCode = Regions[i % Regions.Length], ReportingFrom = new YearMonth(2022, 1), WebhookUrl = null,
            }, "secret", CancellationToken.None);
        }

        Console.WriteLine("filing their ledgers…");
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var received = store is PostgresBenchStore ? typeof(DateTime) : typeof(string);
        await using var insert = Replay.Insert(store, connection, transaction, "submissions",
            ["institution", "period", "version", "status", "received_at", "sha256", "content_type", "byte_count", "row_count", "error_count", "warning_count", "warnings", "swept_on"],
            [typeof(string), typeof(string), typeof(int), typeof(string), received, typeof(string), typeof(string), typeof(long), typeof(int), typeof(int), typeof(int), typeof(string),
                store is PostgresBenchStore ? typeof(DateOnly) : typeof(string)],
            returningId: false);
        for (var i = 0; i < institutions; i++)
        {
            for (var month = new YearMonth(2022, 1); month <= new YearMonth(2023, 5); month = month.PlusMonths(1))
            {
                var at = month.PlusMonths(1).OnDayOfMonth(10).At(new LocalTime(2, 0)).InUtc().ToInstant();
                await Replay.RunAsync(insert, [$"I{i:D5}", Compliance.Engine.Periods.Format(month), 1, "accepted",
                    store is PostgresBenchStore ? at.ToDateTimeUtc() : Compliance.Engine.Periods.FormatDate(at.InUtc().Date) + "T02:00:00.000Z",
                    "0", "text/csv", 0L, 0, 0, 0, "[]",
                    store is PostgresBenchStore ? at.InUtc().Date.ToDateOnly() : Compliance.Engine.Periods.FormatDate(at.InUtc().Date)]);
            }
        }

        await transaction.CommitAsync();
        return db;
    }

    private static DeadlineSweepJob Job(Db db, IClock clock)
    {
        var obligations = new ObligationStore(db);
        return new DeadlineSweepJob(new DeadlineStore(db, new Compliance.Data.Exceptions.ExceptionStore(db)), obligations, new Compliance.Data.Snapshots.SnapshotStore(db),
            new Compliance.Data.Rules.RuleSetStore(db), new CalendarStore(db), new NoJobs(), clock);
    }

    private static async Task<double> TimeAsync(DeadlineSweepJob sweep, string date, string what, double? budget)
    {
        var watch = Stopwatch.StartNew();
        var counts = await sweep.RunAsync(date, CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        var verdict = budget is { } b ? string.Create(CultureInfo.InvariantCulture, $"(budget {b} s: {(seconds <= b ? "within" : "OVER")})") : "(no budget)";
        Console.WriteLine(Invariant($"  {date} {what,-58} {seconds,5:F2} s: {counts.Reminders,6:N0} reminders, {counts.Exceptions,6:N0} exceptions written  {verdict}"));
        return seconds;
    }

    /// <summary>
    /// Copies the database as it is, times the sweep on it, then times the floor on the copy: the reminders, exceptions
    /// and events the sweep wrote, inserted in one transaction with one prepared statement a table.
    /// </summary>
    private static async Task<(double Sweep, double Floor)> TimeWithFloorAsync(BenchStore store, Db db, DeadlineSweepJob sweep, string date, string what, int round, IClock clock)
    {
        var before = await store.CopyAsync(db, Invariant($"sweep_{round + 1}_floor"), clock);
        var (reminders, exceptions, events) = await LastIdsAsync(db);
        var seconds = await TimeAsync(sweep, date, what, null);

        await using var source = await db.OpenAsync(CancellationToken.None);
        var reminderRows = await Replay.ReadAsync(source, Invariant($"SELECT {string.Join(", ", ReminderColumns)} FROM reminders WHERE id > {reminders} ORDER BY id"));
        var exceptionRows = await Replay.ReadAsync(source, Invariant($"SELECT id, {string.Join(", ", ExceptionColumns)} FROM exceptions WHERE id > {exceptions} ORDER BY id"));
        var eventRows = await Replay.ReadAsync(source, Invariant($"SELECT {string.Join(", ", EventColumns)} FROM exception_events WHERE id > {events} ORDER BY id"));
        var eventsOf = eventRows.Rows.ToLookup(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture));
        var created = new HashSet<long>(exceptionRows.Rows.Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)));

        await using var target = await before.OpenAsync(CancellationToken.None);
        var watch = Stopwatch.StartNew();
        await using (var transaction = await target.BeginTransactionAsync())
        {
            await using var insertReminder = Replay.Insert(store, target, transaction, "reminders", ReminderColumns, reminderRows.Types, false);
            await using var insertException = Replay.Insert(store, target, transaction, "exceptions", ExceptionColumns, exceptionRows.Types[1..], true);
            await using var insertEvent = Replay.Insert(store, target, transaction, "exception_events", EventColumns, eventRows.Types, false);
            foreach (var row in reminderRows.Rows)
            {
                await Replay.RunAsync(insertReminder, row);
            }

            foreach (var row in exceptionRows.Rows)
            {
                var id = await Replay.RunAsync(insertException, row[1..]);
                foreach (var e in eventsOf[Convert.ToInt64(row[0], CultureInfo.InvariantCulture)])
                {
                    await Replay.RunAsync(insertEvent, [id, .. e[1..]]);
                }
            }

            // The events of exceptions written before (a clearing, a filing late) go to those same rows of the copy.
            foreach (var e in eventRows.Rows.Where(e => !created.Contains(Convert.ToInt64(e[0], CultureInfo.InvariantCulture))))
            {
                await Replay.RunAsync(insertEvent, e);
            }

            await transaction.CommitAsync();
        }

        var floor = watch.Elapsed.TotalSeconds;
        Console.WriteLine(Invariant($"  {date} floor: {reminderRows.Rows.Count:N0} reminders, {exceptionRows.Rows.Count:N0} exceptions and {eventRows.Rows.Count:N0} events inserted in {floor:F2} s"));
        await target.CloseAsync();
        await store.DropAsync(before);
        return (seconds, floor);
    }

    private static async Task<(long Reminders, long Exceptions, long Events)> LastIdsAsync(Db db)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return (await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM reminders"),
            await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM exceptions"),
            await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM exception_events"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>No webhook is configured in this run, so nothing is enqueued; the client is never called.</summary>
    private sealed class NoJobs : IBackgroundJobClient
    {
        public string Create(Job job, IState state) => throw new InvalidOperationException("No job is expected.");

        public bool ChangeState(string jobId, IState state, string expectedState) => false;
    }
}
