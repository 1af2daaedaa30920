using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Compliance.Api.Jobs;
using Compliance.Data;
using Compliance.Data.Evaluations;
using Compliance.Data.Exceptions;
using Compliance.Data.Institutions;
using Compliance.Data.Rules;
using Compliance.Data.Submissions;
using Compliance.Engine;
using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using Compliance.Engine.Rules;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Compliance.Bench;

/// <summary>
/// Evaluates institution-periods (Shandong institutions, every rule of every set that applies: national and Shandong)
/// through the evaluation job, in the batches the server uses, over a fresh database of the store: 5,000 (200
/// institutions × 25 months) three times, each on its own copy of the stored snapshots, and each followed by its floor
/// on another copy: per institution-period, in one transaction per batch, reading its snapshot and baselines and
/// inserting one evaluation row and the exception and event rows the evaluation wrote, each statement prepared once and
/// executed per row. Prints each run, the medians and the ratio against the budget (3×), with the absolute figures;
/// then a province (2,000 institutions × 36 months) once, its figures printed. Running the same batches again must
/// change nothing. The snapshots come from a seeded generator: the exceptions they give are the same every run.
/// </summary>
internal static class EvaluationBenchmark
{
    private const int Months = 25;
    private const int Rounds = 3;
    private const double Budget = 3.0;

    public static async Task<int> RunAsync(BenchStore store, int periods, int provinceInstitutions, int provinceMonths)
    {
        var within = await RunBudgetAsync(store, (periods + Months - 1) / Months, periods);
        if (provinceInstitutions > 0)
        {
            await RunProvinceAsync(store, provinceInstitutions, provinceMonths);
        }

        return within ? 0 : 1;
    }

    private static async Task<bool> RunBudgetAsync(BenchStore store, int institutionCount, int periods)
    {
        var clock = new FixedClock(Instant.FromUtc(2023, 12, 20, 2, 0));
        var (template, ids) = await StoreSnapshotsAsync(store, "evaluation", institutionCount, Months, periods, clock);
        List<double> evaluations = [], floors = [];
        (long Exceptions, long Events) written = default;
        long withException = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var load = Shell.Load();
            var evaluated = await store.CopyAsync(template, Invariant($"evaluation_{round + 1}"), clock);
            var floor = await store.CopyAsync(template, Invariant($"evaluation_floor_{round + 1}"), clock);
            var job = Job(evaluated, clock);
            evaluations.Add(await TimeAsync(job, ids));
            written = await CountAsync(evaluated);
            withException = await WithExceptionAsync(evaluated);
            if (round == 0)
            {
                // Idempotent: the same batches again write no exception and no event.
                var again = await TimeAsync(job, ids);
                var after = await CountAsync(evaluated);
                Console.WriteLine(Invariant($"{store.Name} again: {again:F2} s, {after.Exceptions - written.Exceptions:N0} exceptions and {after.Events - written.Events:N0} events added"));
                if (after != written)
                {
                    throw new InvalidOperationException("Evaluating the same submissions again wrote something.");
                }
            }

            floors.Add(await FloorAsync(store, evaluated, floor, ids));
            Console.WriteLine(Invariant($"round {round + 1} ({load}): evaluated {periods:N0} institution-periods in {evaluations[^1]:F2} s ({periods / evaluations[^1]:N0}/s); floor {floors[^1]:F2} s"));
            await store.DropAsync(evaluated);
            await store.DropAsync(floor);
        }

        await store.DropAsync(template);
        var median = Replay.Median(evaluations);
        Console.WriteLine(Invariant($"{store.Name} exception rate  {written.Exceptions:N0} exceptions ({written.Exceptions / (double)periods:F2} per institution-period) and {written.Events:N0} events; {withException:N0} of the {periods:N0} institution-periods ({100.0 * withException / periods:F1} %) have at least one (fixed: the snapshots come from a seeded generator)"));
        Console.WriteLine(Invariant($"{store.Name} evaluation      {Replay.Seconds(evaluations)} s: median {median:F2} s (absolute, for orientation: {(median <= 1.0 * periods / 5_000 ? "within" : "over")} the former {1.0 * periods / 5_000:F2} s)"));
        Console.WriteLine(Invariant($"{store.Name} floor           {Replay.Seconds(floors)} s: median {Replay.Median(floors):F2} s"));
        Console.WriteLine(Invariant($"{store.Name} evaluation / floor {Replay.Ratio(median, Replay.Median(floors), Budget)}"));
        return median / Replay.Median(floors) <= Budget;
    }

    private static async Task RunProvinceAsync(BenchStore store, int institutionCount, int months)
    {
        var clock = new FixedClock(Instant.FromUtc(2023, 12, 20, 2, 0));
        var (db, ids) = await StoreSnapshotsAsync(store, "province", institutionCount, months, institutionCount * months, clock);
        var seconds = await TimeAsync(Job(db, clock), ids);
        var written = await CountAsync(db);
        Console.WriteLine(Invariant($"{store.Name} province  evaluated {ids.Count:N0} institution-periods in {seconds:F2} s ({ids.Count / seconds:N0}/s): {written.Exceptions:N0} exceptions, {written.Events:N0} events (no budget)"));
        await store.DropAsync(db);
    }

    /// <summary>A fresh database with the rule sets, the institutions and a snapshot for each of their periods (untimed).</summary>
    private static async Task<(Db Db, List<long> Ids)> StoreSnapshotsAsync(BenchStore store, string name, int institutionCount, int months, int periods, FixedClock clock)
    {
        var db = await store.CreateAsync(name, clock);
        var ruleSets = new RuleSetStore(db);
        await ruleSets.SeedAsync(clock.GetCurrentInstant(), CancellationToken.None);
        var institutions = new InstitutionStore(db, new ExceptionStore(db));
        var submissions = new SubmissionStore(db);
        var random = new Random(20221231);
        var ids = new List<long>(periods);
        var first = new YearMonth(2023, 12).PlusMonths(-months + 1);
        Console.WriteLine($"{store.Name} {name}: storing {periods:N0} snapshots ({institutionCount:N0} institutions × {months} months from {first})…");
        for (var i = 0; ids.Count < periods; i++)
        {
            var code = $"S{i:D5}";
            await institutions.CreateAsync(new Institution { Code = code, Name = code, Category = "rural", RegionCode = "371302", ReportingFrom = first }, "secret", CancellationToken.None);
            for (var month = 0; month < months && ids.Count < periods; month++)
            {
                var snapshot = Snapshot(random);
                var outcome = await submissions.IngestAsync(
                    new NewSubmission(code, first.PlusMonths(month), clock.GetCurrentInstant(), "0", "text/csv", 1),
                    () => new MemoryStream([0x20]),
                    (_, _) => new LedgerReadResult(1, [], 0, [], 0, snapshot),
                    null,
                    CancellationToken.None);
                ids.Add(outcome.SubmissionId);
            }
        }

        return (db, ids);
    }

    private static EvaluateSubmissionJob Job(Db db, IClock clock) =>
        new(new EvaluationStore(db, new ExceptionStore(db)), new SubmissionStore(db), new RuleSetStore(db), clock, NullLogger<EvaluateSubmissionJob>.Instance);

    // As the server runs them: the evaluations one acceptance (or a re-evaluation request) makes due, in batches.
    private static async Task<double> TimeAsync(EvaluateSubmissionJob job, List<long> ids)
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in ids.Chunk(EvaluateSubmissionJob.MaxBatch))
        {
            await job.RunManyAsync(batch, CancellationToken.None);
        }

        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The floor, on a copy of the database the evaluation started from: for each batch the job ran, one transaction; for
    /// each institution-period in it, its snapshot and its baselines read (every column, every row), one evaluation row
    /// inserted, and the exceptions the evaluation wrote for it with their events; one prepared statement for each.
    /// </summary>
    private static async Task<double> FloorAsync(BenchStore store, Db evaluated, Db floor, List<long> ids)
    {
        Dictionary<long, object?[]> evaluations;
        Dictionary<long, (string Institution, YearMonth Period)> subjects;
        ILookup<long, object?[]> exceptionsOf, eventsOf;
        Type[] evaluationTypes, exceptionTypes, eventTypes;
        await using (var connection = await evaluated.OpenAsync(CancellationToken.None))
        {
            var rows = await Replay.ReadAsync(connection, "SELECT id, evaluation_status, evaluated_at, evaluation FROM submissions WHERE evaluation IS NOT NULL");
            (evaluations, evaluationTypes) = (rows.Rows.ToDictionary(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)), rows.Types);
            subjects = (await connection.QueryAsync<(long Id, string Institution, string Period)>("SELECT id, institution, period FROM submissions"))
                .ToDictionary(s => s.Id, s => (s.Institution, Periods.Parse(s.Period)));
            var exceptions = await Replay.ReadAsync(connection, $"SELECT id, {string.Join(", ", ExceptionColumns)} FROM exceptions ORDER BY id");
            (exceptionsOf, exceptionTypes) = (exceptions.Rows.ToLookup(r => Convert.ToInt64(r[^3], CultureInfo.InvariantCulture)), exceptions.Types[1..]);
            var events = await Replay.ReadAsync(connection, $"SELECT {string.Join(", ", EventColumns)} FROM exception_events ORDER BY id");
            (eventsOf, eventTypes) = (events.Rows.ToLookup(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)), events.Types);
        }

        await using var target = await floor.OpenAsync(CancellationToken.None);
        await target.ExecuteAsync(store.EvaluationsTableSql("evaluations_floor"));
        var watch = Stopwatch.StartNew();
        await using var snapshot = Replay.Prepare(store, target, null!, "SELECT * FROM snapshots WHERE submission_id = @p0", typeof(long));
        await using var baselines = Replay.Prepare(store, target, null!, "SELECT * FROM snapshots WHERE institution = @p0 AND period >= @p1 AND period < @p2 ORDER BY period",
            typeof(string), typeof(string), typeof(string));
        await using var insertEvaluation = Replay.Insert(store, target, null!, "evaluations_floor", ["submission_id", "evaluation_status", "evaluated_at", "evaluation"], evaluationTypes, false);
        await using var insertException = Replay.Insert(store, target, null!, "exceptions", ExceptionColumns, exceptionTypes, true);
        await using var insertEvent = Replay.Insert(store, target, null!, "exception_events", EventColumns, eventTypes, false);
        foreach (var batch in ids.Chunk(EvaluateSubmissionJob.MaxBatch))
        {
            await using var transaction = await target.BeginTransactionAsync();
            foreach (var command in new DbCommand[] { snapshot, baselines, insertEvaluation, insertException, insertEvent })
            {
                command.Transaction = transaction;
            }

            foreach (var id in batch)
            {
                var (institution, period) = subjects[id];
                await Replay.ReadAllAsync(snapshot, id);
                await Replay.ReadAllAsync(baselines, institution, Periods.Format(SnapshotHistory.EarliestNeeded(period)), Periods.Format(period));
                await Replay.RunAsync(insertEvaluation, evaluations[id]);
                foreach (var exception in exceptionsOf[id])
                {
                    var created = await Replay.RunAsync(insertException, exception[1..]);
                    foreach (var row in eventsOf[Convert.ToInt64(exception[0], CultureInfo.InvariantCulture)])
                    {
                        await Replay.RunAsync(insertEvent, [created, .. row[1..]]);
                    }
                }
            }

            await transaction.CommitAsync();
        }

        return watch.Elapsed.TotalSeconds;
    }

    // The columns an evaluation writes of an exception (its submission third from the end), and of an event.
    private static readonly string[] ExceptionColumns =
    [
        "institution", "period", "\"rule\"", "subject", "rule_set_id", "rule_set_version", "severity", "status", "figures", "baselines",
        "message_zh", "message_en", "submission_id", "created_at", "updated_at",
    ];

    private static readonly string[] EventColumns = ["exception_id", "at", "actor_role", "actor_key_id", "kind", "from_status", "to_status", "note", "figures"];

    /// <summary>How many institution-periods the evaluation gave at least one exception.</summary>
    private static async Task<long> WithExceptionAsync(Db db)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM (SELECT DISTINCT submission_id FROM exceptions) e");
    }

    private static async Task<(long Exceptions, long Events)> CountAsync(Db db)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM exceptions"), await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM exception_events"));
    }

    private static IndicatorSnapshot Snapshot(Random random)
    {
        var inclusive = random.Next(500, 2_000) * 10_000m;
        var other = random.Next(1_000, 8_000) * 10_000m;
        var npl = inclusive * random.Next(0, 8) / 100m;
        var amount = random.Next(10, 200) * 10_000m;
        return new IndicatorSnapshot
        {
            InclusiveBalance = inclusive,
            TotalBalance = inclusive + other,
            InclusiveNplBalance = decimal.Round(npl, 2),
            TotalNplBalance = decimal.Round(npl + other * random.Next(0, 3) / 100m, 2),
            InclusiveCreditBalance = decimal.Round(inclusive * random.Next(20, 60) / 100m, 2),
            InclusiveBorrowers = random.Next(100, 1_000),
            NewFirstLoanBorrowers = random.Next(0, 40),
            NewInclusiveAmount = amount,
            NewInclusiveRateWeight = amount * random.Next(350, 550) / 100m,
            IndividualBusinessBalance = random.Next(50, 300) * 10_000m,
            IndividualBusinessBorrowers = random.Next(20, 200),
            OperatingBalance = random.Next(60, 400) * 10_000m,
            NewFirstLoanEnterprises = random.Next(0, 10),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
