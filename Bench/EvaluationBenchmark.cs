using System.Diagnostics;
using System.Globalization;
using Compliance.Api.Jobs;
using Compliance.Data;
using Compliance.Data.Evaluations;
using Compliance.Data.Exceptions;
using Compliance.Data.Institutions;
using Compliance.Data.Rules;
using Compliance.Data.Submissions;
using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Compliance.Bench;

/// <summary>
/// Evaluates institution-periods (Shandong institutions, every rule of every set that applies: national and Shandong)
/// through the evaluation job over a fresh SQLite file, in the batches the server uses: N periods (200 institutions ×
/// 25 months for 5,000) against the DESIGN.md budget (5,000 in ≤ 1 s), then a province (2,000 institutions × 36
/// months), its figures printed. The snapshots are stored first, untimed; the timed part reads snapshots, evaluates,
/// and writes exceptions, events and each evaluation's record. Running the same batches again must change nothing.
/// </summary>
internal static class EvaluationBenchmark
{
    private const int Months = 25;

    public static async Task<int> RunAsync(int periods, int provinceInstitutions, int provinceMonths, string workDirectory)
    {
        var within = await RunAsync("budget", (periods + Months - 1) / Months, Months, periods, 1.0 * periods / 5_000, workDirectory);
        if (provinceInstitutions > 0)
        {
            await RunAsync("province", provinceInstitutions, provinceMonths, provinceInstitutions * provinceMonths, null, workDirectory);
        }

        return within ? 0 : 1;
    }

    private static async Task<bool> RunAsync(string name, int institutionCount, int months, int periods, double? budgetSeconds, string workDirectory)
    {
        var clock = new FixedClock(Instant.FromUtc(2023, 12, 20, 2, 0));
        var db = await FreshDatabase.CreateAsync(workDirectory, $"evaluation-{name}.db", clock);
        var ruleSets = new RuleSetStore(db);
        await ruleSets.SeedAsync(clock.GetCurrentInstant(), CancellationToken.None);
        var institutions = new InstitutionStore(db, new ExceptionStore(db));
        var submissions = new SubmissionStore(db);
        var random = new Random(20221231);
        var ids = new List<long>(periods);
        var first = new YearMonth(2023, 12).PlusMonths(-months + 1);
        Console.WriteLine($"{name}: storing {periods:N0} snapshots ({institutionCount:N0} institutions × {months} months from {first})…");
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

        // As the server runs them: the evaluations one acceptance (or a re-evaluation request) makes due, in batches.
        var job = new EvaluateSubmissionJob(new EvaluationStore(db, new ExceptionStore(db)), new SubmissionStore(db), ruleSets, clock, NullLogger<EvaluateSubmissionJob>.Instance);
        var seconds = await TimeAsync(job, ids);
        var exceptions = await CountAsync(db);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-9} evaluated {periods:N0} institution-periods in {seconds:F2} s ({periods / seconds:N0}/s): {exceptions.Exceptions:N0} exceptions, {exceptions.Events:N0} events"));

        // Idempotent: the same batches again write no exception and no event.
        var again = await TimeAsync(job, ids);
        var after = await CountAsync(db);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-9} again: {again:F2} s, {after.Exceptions - exceptions.Exceptions:N0} exceptions and {after.Events - exceptions.Events:N0} events added"));
        if (after != exceptions)
        {
            throw new InvalidOperationException("Evaluating the same submissions again wrote something.");
        }

        if (budgetSeconds is not { } budget)
        {
            return true;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-9} {periods:N0} in {seconds:F2} s  (budget {budget:F2} s: {(seconds <= budget ? "within" : "OVER")})"));
        return seconds <= budget;
    }

    private static async Task<double> TimeAsync(EvaluateSubmissionJob job, List<long> ids)
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in ids.Chunk(EvaluateSubmissionJob.MaxBatch))
        {
            await job.RunManyAsync(batch, CancellationToken.None);
        }

        return watch.Elapsed.TotalSeconds;
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
}
