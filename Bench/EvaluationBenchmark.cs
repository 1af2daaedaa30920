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
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Compliance.Bench;

/// <summary>
/// Evaluates N institution-periods (Shandong institutions, 25 months each, every rule of the Shandong set) through
/// the evaluation job over a fresh SQLite file, and reports the time against the DESIGN.md budget (5,000 in ≤ 5 s).
/// The snapshots are stored first, untimed; the timed part reads snapshots, evaluates and writes exceptions.
/// </summary>
internal static class EvaluationBenchmark
{
    private const int Months = 25;

    public static async Task<int> RunAsync(int periods, string workDirectory)
    {
        var clock = new FixedClock(Instant.FromUtc(2023, 1, 20, 2, 0));
        var db = await FreshDatabase.CreateAsync(workDirectory, "evaluation.db", clock);
        var ruleSets = new RuleSetStore(db);
        await ruleSets.SeedAsync(clock.GetCurrentInstant(), CancellationToken.None);
        var institutions = new InstitutionStore(db, new ExceptionStore(db));
        var submissions = new SubmissionStore(db);
        var random = new Random(20221231);
        var ids = new List<long>(periods);
        Console.WriteLine($"storing {periods:N0} snapshots ({(periods + Months - 1) / Months} institutions × {Months} months)…");
        for (var i = 0; ids.Count < periods; i++)
        {
            var code = $"S{i:D5}";
            await institutions.CreateAsync(new Institution { Code = code, Name = code, Category = "rural", RegionCode = "371302", ReportingFrom = new YearMonth(2020, 12) }, "secret", CancellationToken.None);
            for (var month = 0; month < Months && ids.Count < periods; month++)
            {
                var snapshot = Snapshot(random);
                var outcome = await submissions.IngestAsync(
                    new NewSubmission(code, new YearMonth(2020, 12).PlusMonths(month), clock.GetCurrentInstant(), "0", "text/csv", 1),
                    () => new MemoryStream([0x20]),
                    (_, _) => new LedgerReadResult(1, [], 0, [], 0, snapshot),
                    null,
                    CancellationToken.None);
                ids.Add(outcome.SubmissionId);
            }
        }

        // As the server runs them: the evaluations one acceptance (or a re-evaluation request) makes due, in batches.
        var job = new EvaluateSubmissionJob(new EvaluationStore(db, new ExceptionStore(db)), ruleSets, clock, NullLogger<EvaluateSubmissionJob>.Instance);
        var watch = Stopwatch.StartNew();
        foreach (var batch in ids.Chunk(EvaluateSubmissionJob.MaxBatch))
        {
            await job.RunManyAsync(batch, CancellationToken.None);
        }

        watch.Stop();
        var seconds = watch.Elapsed.TotalSeconds;
        var exceptions = await new ExceptionStore(db).ListAsync(new ExceptionFilter(), Scope.Everything, new PageRequest(1, 1), CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluated         {periods:N0} institution-periods in {seconds:F2} s ({periods / seconds:N0}/s), {exceptions.Total:N0} exceptions"));
        var scaled = seconds * 5_000 / periods;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"per 5,000         {scaled:F2} s  (budget 5 s: {(scaled <= 5 ? "within" : "OVER")})"));
        return 0;
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
        };
    }
}
