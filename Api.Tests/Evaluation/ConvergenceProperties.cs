using System.Text.Json.Nodes;
using Compliance.Api.Jobs;
using Compliance.Data;
using Compliance.Data.Evaluations;
using Compliance.Data.Exceptions;
using Compliance.Data.Institutions;
using Compliance.Data.Rules;
using Compliance.Data.Submissions;
using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>
/// Over the real stores and a real SQLite file: any sequence of accepted submissions (resubmissions included),
/// with their evaluations run in any interleaving, duplicated or not, ends in the same open exceptions as
/// evaluating the final data once, in order.
/// </summary>
public sealed class ConvergenceProperties
{
    private static readonly YearMonth[] Periods =
        [.. Enumerable.Range(0, 13).Select(i => new YearMonth(2021, 12).PlusMonths(i))];

    private static readonly Gen<IndicatorSnapshot> GenSnapshot =
        from inclusive in Gen.Int[50, 200]
        from other in Gen.Int[0, 400]
        from inclusiveNpl in Gen.Int[0, 20]
        from otherNpl in Gen.Int[0, 20]
        from credit in Gen.Int[0, 100]
        from borrowers in Gen.Int[1, 6]
        from firstLoans in Gen.Int[0, 3]
        from newAmount in Gen.Int[0, 5]
        from rate in Gen.Int[300, 600]
        from individual in Gen.Int[0, 30]
        select new IndicatorSnapshot
        {
            InclusiveBalance = inclusive * 10_000m,
            TotalBalance = (inclusive + other) * 10_000m,
            InclusiveNplBalance = Math.Min(inclusiveNpl, inclusive) * 10_000m,
            TotalNplBalance = (Math.Min(inclusiveNpl, inclusive) + Math.Min(otherNpl, other)) * 10_000m,
            InclusiveCreditBalance = Math.Min(credit, inclusive) * 10_000m,
            InclusiveBorrowers = borrowers,
            NewFirstLoanBorrowers = firstLoans,
            NewInclusiveAmount = newAmount * 10_000m,
            NewInclusiveRateWeight = newAmount * 10_000m * rate / 100m,
            IndividualBusinessBalance = individual * 10_000m,
            IndividualBusinessBorrowers = Math.Min(individual, 3),
            OperatingBalance = individual * 10_000m,
        };

    /// <summary>A submission (period and data) and how many pending evaluations to run after it, picked how.</summary>
    private static readonly Gen<(int Period, IndicatorSnapshot Snapshot, int Run, uint Pick)> GenStep =
        Gen.Select(Gen.Int[0, Periods.Length - 1], GenSnapshot, Gen.Int[0, 3], Gen.UInt);

    [Test]
    public async Task AnyInterleaving_EndsLikeAFreshEvaluationOfTheFinalData()
    {
        await GenStep.Array[2, 14].SampleAsync(async steps =>
        {
            var interleaved = await OpenExceptionsAsync(steps, interleave: true);
            var fresh = await OpenExceptionsAsync(FinalData(steps), interleave: false);
            return interleaved.SetEquals(fresh);
        }, iter: 30, threads: 1);
    }

    /// <summary>The latest data of each period, in period order, each evaluated once after all are in.</summary>
    private static (int, IndicatorSnapshot, int, uint)[] FinalData((int Period, IndicatorSnapshot Snapshot, int Run, uint Pick)[] steps) =>
        [.. steps.GroupBy(s => s.Period).Select(g => g.Last()).OrderBy(s => s.Period).Select(s => (s.Period, s.Snapshot, 0, 0u))];

    private static async Task<HashSet<string>> OpenExceptionsAsync((int Period, IndicatorSnapshot Snapshot, int Run, uint Pick)[] steps, bool interleave)
    {
        var path = Path.Combine(Path.GetTempPath(), $"compliance-property-{Guid.NewGuid():N}.db");
        try
        {
            var clock = new FakeClock(Instant.FromUtc(2023, 1, 20, 2, 0));
            var db = new Db(Data.Sqlite.SqliteDialect.Instance, new DatabaseOptions { ConnectionString = $"Data Source={path}" }, Path.GetTempPath(), clock);
            await new Migrations(db, clock).ApplyAsync(CancellationToken.None);
            var ruleSets = new RuleSetStore(db);
            await ruleSets.SeedAsync(clock.GetCurrentInstant(), CancellationToken.None);
            await new InstitutionStore(db, new ExceptionStore(db)).CreateAsync(
                new Institution { Code = "P1", Name = "P", Category = "rural", RegionCode = "371302", ReportingFrom = new YearMonth(2021, 12) }, "secret", CancellationToken.None);
            var submissions = new SubmissionStore(db);
            var exceptions = new ExceptionStore(db);
            var job = new EvaluateSubmissionJob(new EvaluationStore(db, exceptions), new SubmissionStore(db), ruleSets, clock, NullLogger<EvaluateSubmissionJob>.Instance);

            var pending = new List<long>();
            foreach (var (period, snapshot, run, pick) in steps)
            {
                var outcome = await submissions.IngestAsync(
                    new NewSubmission("P1", Periods[period], clock.GetCurrentInstant(), "0", "text/csv", 1),
                    () => new MemoryStream([0x20]),
                    (_, _) => new LedgerReadResult(1, [], 0, [], 0, snapshot),
                    null,
                    CancellationToken.None);
                pending.AddRange(outcome.ToEvaluate);
                for (var i = 0; interleave && i < run && pending.Count > 0; i++)
                {
                    // Run one pending evaluation; now and then leave it pending too, as a duplicate delivery would.
                    var index = (int)((pick >> (i * 8)) % (uint)pending.Count);
                    await job.RunAsync(pending[index], CancellationToken.None);
                    if (((pick >> (i * 8 + 5)) & 1) == 0)
                    {
                        pending.RemoveAt(index);
                    }
                }
            }

            foreach (var id in pending)
            {
                await job.RunAsync(id, CancellationToken.None);
            }

            var page = await exceptions.ListAsync(new ExceptionFilter(Statuses: ["open"]), Scope.Everything, new PageRequest(1, 500), CancellationToken.None);
            return [.. page.Items.Select(e => $"{e.Period} {e.Rule} {e.Severity} {JsonNode.Parse(e.Figures)!.ToJsonString()}")];
        }
        finally
        {
            Support.TestDatabases.DeleteSqliteFile(path);
        }
    }
}
