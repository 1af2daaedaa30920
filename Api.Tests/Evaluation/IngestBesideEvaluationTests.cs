using System.Globalization;
using System.Net;
using Compliance.Api.Jobs;
using Compliance.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>
/// PostgreSQL, where writers of the same rows wait for each other rather than for the whole database: a year-end
/// ledger accepted again and again (each marking the year after it pending) while the year's evaluations run again and
/// again never deadlocks with them, because every transaction that writes several submissions writes them in one order.
/// </summary>
[NonParallelizable]
public sealed class IngestBesideEvaluationTests
{
    [Test]
    public async Task YearEndAcceptedAgainWhileTheYearIsEvaluated_NeitherDeadlocks()
    {
        TestDatabases.RequireAvailable(TestDatabase.Postgres);
        using var factory = new ComplianceApiFactory(TestDatabase.Postgres, settings: new Dictionary<string, string?> { ["Compliance:Roles"] = "api" });
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync("D1", "371302"));
        var year = new List<long>();
        await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1")));
        for (var month = 1; month <= 12; month++)
        {
            year.Add(long.Parse(await bank.SubmitAcceptedAsync($"2022-{month:D2}", Ledgers.Csv(Ledgers.Row("L1"), Ledgers.Row("L2", classification: "substandard"))), CultureInfo.InvariantCulture));
        }

        // The year's evaluations, newest period first, as a batch queued by a change to an earlier period lists them.
        long[] newestFirst = [.. year.OrderDescending()];
        var failures = new List<string>();
        for (var round = 0; round < 25; round++)
        {
            var balance = 100_000 + (round * 1_000);
            var posting = bank.PostLedgerAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1", balance: balance, amount: balance)));
            var evaluating = Task.Run(async () =>
            {
                try
                {
                    await factory.Services.CreateScope().ServiceProvider.GetRequiredService<EvaluateSubmissionJob>().RunManyAsync(newestFirst, CancellationToken.None);
                    return null;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return $"round {round}, the evaluation: {e.Message}";
                }
            });
            var posted = await posting;
            if (posted.StatusCode != HttpStatusCode.Created)
            {
                failures.Add($"round {round}, the ledger: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
            }

            if (await evaluating is { } failed)
            {
                failures.Add(failed);
            }
        }

        failures.Should().BeEmpty("an ingest and an evaluation wait for each other's rows, never deadlock on them");
        factory.DeleteDatabase();
    }
}
