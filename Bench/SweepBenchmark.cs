using System.Diagnostics;
using System.Globalization;
using Compliance.Api.Deadlines;
using Compliance.Data.Deadlines;
using Compliance.Data.Institutions;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using NodaTime;

namespace Compliance.Bench;

/// <summary>
/// The deadline sweep over N institutions and every obligation (spread over Linyi, Lüliang, the rest of Shandong and
/// elsewhere, reporting from 2022-01), on a fresh SQLite file, as a server runs it: once a day. Timed against the
/// budgets (0.5 s with reminders owed, 0.2 s when nothing is): the day June's ledger is 14 days off (a reminder for
/// every institution), the day after the half-year report's due date (a DEADLINE_MISSED exception and a reminder for
/// every Shandong institution), and that day again, when nothing is owed. Printed without a budget: the sweeps that
/// plan every deadline, after 18 months without one and after the institutions changed.
/// </summary>
internal static class SweepBenchmark
{
    /// <summary>A day's sweep over 10,000 institutions, writing every reminder and exception owed.</summary>
    private const double OwedBudget = 0.5;

    /// <summary>A second sweep the same day, when nothing is owed.</summary>
    private const double NothingOwedBudget = 0.2;

    private static readonly string[] Regions = ["371302", "371311", "141102", "370102", "110101", "419001"];

    public static async Task<int> RunAsync(int institutions, string workDirectory)
    {
        var clock = new FixedClock(Instant.FromUtc(2023, 7, 3, 1, 0));
        var db = await FreshDatabase.CreateAsync(workDirectory, "sweep.db", clock);
        var calendars = new CalendarStore(db);
        await calendars.SeedAsync(clock.GetCurrentInstant(), CancellationToken.None);
        var obligations = new ObligationStore(db);
        await obligations.SeedAsync(clock.GetCurrentInstant(), CancellationToken.None);
        var store = new InstitutionStore(db, new Compliance.Data.Exceptions.ExceptionStore(db));
        Console.WriteLine($"storing {institutions:N0} institutions…");
        for (var i = 0; i < institutions; i++)
        {
            var code = $"I{i:D5}";
            await store.CreateAsync(new Institution
            {
                Code = code, Name = code, Category = "rural", RegionCode = Regions[i % Regions.Length], ReportingFrom = new YearMonth(2022, 1),
                WebhookUrl = null,
            }, "secret", CancellationToken.None);
        }

        // As it is in practice: every ledger filed on time up to 2023-05; June's is due 2023-07-17, the half-year
        // report and the year's other deliverables are not filed.
        Console.WriteLine("filing their ledgers…");
        await using (var connection = await db.OpenAsync(CancellationToken.None))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO submissions (institution, period, version, status, received_at, sha256, content_type, byte_count, row_count, error_count, warning_count, warnings) VALUES ($i, $p, 1, 'accepted', $at, '0', 'text/csv', 0, 0, 0, 0, '[]')";
            var code = insert.CreateParameter();
            code.ParameterName = "$i";
            var period = insert.CreateParameter();
            period.ParameterName = "$p";
            var at = insert.CreateParameter();
            at.ParameterName = "$at";
            insert.Parameters.Add(code);
            insert.Parameters.Add(period);
            insert.Parameters.Add(at);
            for (var i = 0; i < institutions; i++)
            {
                for (var month = new YearMonth(2022, 1); month <= new YearMonth(2023, 5); month = month.PlusMonths(1))
                {
                    code.Value = $"I{i:D5}";
                    period.Value = Compliance.Engine.Periods.Format(month);
                    at.Value = Compliance.Engine.Periods.FormatDate(month.PlusMonths(1).OnDayOfMonth(10)) + "T02:00:00.000Z";
                    await insert.ExecuteNonQueryAsync();
                }
            }

            await transaction.CommitAsync();
        }

        var sweep = new DeadlineSweepJob(new DeadlineStore(db, new Compliance.Data.Exceptions.ExceptionStore(db)), obligations, new Compliance.Data.Snapshots.SnapshotStore(db), new Compliance.Data.Rules.RuleSetStore(db), calendars, new NoJobs(), clock);
        await sweep.RunAsync("2022-01-03", CancellationToken.None); // warms the JIT: nothing is owed that day
        await TimeAsync(sweep, "2023-07-02", "after 18 months without a sweep (every deadline planned)", null);
        var within = await TimeAsync(sweep, "2023-07-03", "June's ledger 14 days off", OwedBudget);
        for (var day = new LocalDate(2023, 7, 4); day < new LocalDate(2023, 7, 8); day = day.PlusDays(1))
        {
            await sweep.RunAsync(Compliance.Engine.Periods.FormatDate(day), CancellationToken.None);
        }

        within &= await TimeAsync(sweep, "2023-07-08", "the half-year report missed", OwedBudget);
        within &= await TimeAsync(sweep, "2023-07-08", "the same day again: nothing owed", NothingOwedBudget);
        await store.CreateAsync(new Institution
        {
            Code = "J00000", Name = "J00000", Category = "rural", RegionCode = "371302", ReportingFrom = new YearMonth(2023, 6), WebhookUrl = null,
        }, "secret", CancellationToken.None);
        await TimeAsync(sweep, "2023-07-08", "after an institution was added (every deadline planned)", null);
        return within ? 0 : 1;
    }

    private static async Task<bool> TimeAsync(DeadlineSweepJob sweep, string date, string what, double? budget)
    {
        var watch = Stopwatch.StartNew();
        var counts = await sweep.RunAsync(date, CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        var verdict = budget is { } b ? string.Create(CultureInfo.InvariantCulture, $"(budget {b} s: {Verdict(seconds, b)})") : "(no budget)";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{date} {what,-58} {seconds,5:F2} s: {counts.Reminders,6:N0} reminders, {counts.Exceptions,6:N0} exceptions written  {verdict}"));
        return budget is not { } limit || seconds <= limit;
    }

    private static string Verdict(double seconds, double budget) => seconds <= budget ? "within" : "OVER";

    /// <summary>No webhook is configured in this run, so nothing is enqueued; the client is never called.</summary>
    private sealed class NoJobs : IBackgroundJobClient
    {
        public string Create(Job job, IState state) => throw new InvalidOperationException("No job is expected.");

        public bool ChangeState(string jobId, IState state, string expectedState) => false;
    }
}
