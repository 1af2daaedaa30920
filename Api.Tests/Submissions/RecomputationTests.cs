using System.Text.Json.Nodes;
using Compliance.Api.Jobs;
using Compliance.Api.Tests.Support;
using Compliance.Engine.Indicators;
using FluentAssertions.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Compliance.Api.Tests.Submissions;

/// <summary>
/// Snapshots stored before the PBoC 口径 (their <c>pboc_</c> columns NULL, their CBIRC figures those of the old
/// classification) are recomputed from their stored loans by a worker's first start: afterwards the indicators are
/// those a fresh ingest of the same ledgers answers. Here the database of before is made by posting the ledgers and
/// then forgetting, in the SQLite file, what the recomputation restores.
/// </summary>
public sealed class RecomputationTests
{
    private const string Institution = "P1";

    private static readonly string ForgetPbocSql =
        $"UPDATE snapshots SET {string.Join(", ", Indicator.PerScope.Select(i => i.PbocColumn + " = NULL"))}";

    private static readonly Dictionary<string, string?> RecomputeOff = new() { ["Compliance:Snapshots:RecomputeOnStart"] = "false" };

    // A borrower at the cap (inclusive for the CBIRC, not for the PBoC) and one whose balances pass its credit line.
    private static readonly string AtTheCap = Ledgers.Csv(
        Ledgers.Row("L1", borrowerId: "A", creditLine: 10_000_000m, amount: 6_000_000m, balance: 6_000_000m),
        Ledgers.Row("L2", borrowerId: "B", creditLine: 6_000_000m, amount: 6_000_000m, balance: 6_000_000m),
        Ledgers.Row("L3", borrowerId: "B", creditLine: 6_000_000m, amount: 5_000_000m, balance: 5_000_000m, classification: "doubtful"),
        Ledgers.Row("L4", borrowerId: "C", borrowerType: "individual_business", disbursedOn: "2022-12-05", firstLoan: "Y"));

    [Test]
    public async Task StoredBeforeThePbocScope_UntilRecomputed_AnswersPbocNull_ThenTheIndicatorsOfAFreshIngest()
    {
        var before = await StoreLedgersAsync();
        await TestDatabases.ExecuteSqliteAsync(before.Location, $"{ForgetPbocSql}, inclusive_balance = inclusive_balance + 100");

        using (var off = new ComplianceApiFactory(location: before.Location, settings: RecomputeOff))
        {
            var items = await IndicatorsAsync(off, before.Key);
            await RecomputationAsync(off);

            using (new AssertionScope())
            {
                items.Select(i => i["pboc"]).Should().HaveCount(3).And.OnlyContain(p => p == null, "not recomputed, not zero");
                items.Select(i => i["inclusiveBalance"]!.GetValue<decimal>())
                    .Should().Equal(before.Items.Select(i => i["inclusiveBalance"]!.GetValue<decimal>() + 1m));
            }
        }

        using var restarted = new ComplianceApiFactory(location: before.Location);
        await RecomputationAsync(restarted);

        (await IndicatorsAsync(restarted, before.Key)).Select(i => i.ToJsonString()).Should().Equal(before.Items.Select(i => i.ToJsonString()));
        restarted.DeleteDatabase();
    }

    [Test]
    public async Task RecomputedSnapshots_AreEvaluatedAgain_AndTheExceptionsFollowTheirFigures()
    {
        var before = await StoreLedgersAsync();
        await TestDatabases.ExecuteSqliteAsync(before.Location, $"{ForgetPbocSql}; UPDATE snapshots SET inclusive_npl_balance = inclusive_balance WHERE period = '2022-12'");
        using (var off = new ComplianceApiFactory(location: before.Location, settings: RecomputeOff))
        {
            using var admin = off.Admin();
            (await admin.PostAsync($"/api/v1/evaluations?institution={Institution}&from=2000-01&to=2100-12", null)).EnsureSuccessStatusCode();
            using var bank = off.ClientWithKey(before.Key);
            await bank.WaitForAllEvaluationsAsync();
            (await OpenExceptionsAsync(bank)).Should().NotEqual(before.Exceptions, "the evaluation read the figures as stored");
        }

        using var restarted = new ComplianceApiFactory(location: before.Location) { CaptureLogs = true };
        await RecomputationAsync(restarted);
        using var client = restarted.ClientWithKey(before.Key);
        await client.WaitForAllEvaluationsAsync();

        using (new AssertionScope())
        {
            (await OpenExceptionsAsync(client)).Should().Equal(before.Exceptions);
            restarted.Logs.Should().Contain(line => line.Contains("Recomputed 3 of 3 snapshots; 3 evaluations queued again", StringComparison.Ordinal),
                "every latest version gained its PBoC figures, which a PBoC set reads, and is evaluated again with what reads it");
        }

        restarted.DeleteDatabase();
    }

    [Test]
    public async Task SecondStart_FindsNothingToRecompute_AndRewritesNothing()
    {
        var before = await StoreLedgersAsync();
        await TestDatabases.ExecuteSqliteAsync(before.Location, ForgetPbocSql);
        using (var first = new ComplianceApiFactory(location: before.Location))
        {
            await RecomputationAsync(first);
        }

        // Recomputed snapshots are left alone, whatever they hold: this change must survive the next start.
        await TestDatabases.ExecuteSqliteAsync(before.Location, "UPDATE snapshots SET inclusive_balance = inclusive_balance + 100");
        using var second = new ComplianceApiFactory(location: before.Location) { CaptureLogs = true };
        await RecomputationAsync(second);

        using (new AssertionScope())
        {
            second.Logs.Should().NotContain(line => line.Contains("Recomput", StringComparison.Ordinal));
            (await IndicatorsAsync(second, before.Key)).Select(i => i["inclusiveBalance"]!.GetValue<decimal>())
                .Should().Equal(before.Items.Select(i => i["inclusiveBalance"]!.GetValue<decimal>() + 1m));
        }

        second.DeleteDatabase();
    }

    [Test]
    public async Task RecomputationThatFailsAfterItsFirstBatch_ResumesAtTheNextStart_WithTheRest()
    {
        var before = await StoreLedgersAsync();
        await TestDatabases.ExecuteSqliteAsync(before.Location, $"""
            {ForgetPbocSql};
            CREATE TRIGGER inject_fault BEFORE UPDATE ON snapshots
            WHEN (SELECT COUNT(*) FROM snapshots WHERE pboc_inclusive_balance IS NOT NULL) > 0
            BEGIN SELECT RAISE(ABORT, 'injected fault after the first batch'); END;
            """);
        var batchOfOne = new Dictionary<string, string?> { ["Compliance:Snapshots:RecomputeBatchSize"] = "1" };
        using (var failing = new ComplianceApiFactory(location: before.Location, settings: batchOfOne) { CaptureLogs = true })
        {
            await RecomputationAsync(failing);

            using (new AssertionScope())
            {
                failing.Logs.Should().Contain(line => line.Contains("Recomputed 1 of 3 snapshots", StringComparison.Ordinal))
                    .And.Contain(line => line.Contains("stopped after 1 of 3 snapshots", StringComparison.Ordinal));
                (await IndicatorsAsync(failing, before.Key)).Select(i => i["pboc"] is not null).Should().Equal(true, false, false);
            }
        }

        await TestDatabases.ExecuteSqliteAsync(before.Location, "DROP TRIGGER inject_fault");
        using var restarted = new ComplianceApiFactory(location: before.Location, settings: batchOfOne) { CaptureLogs = true };
        await RecomputationAsync(restarted);

        using (new AssertionScope())
        {
            restarted.Logs.Should().Contain(line => line.Contains("Recomputed 2 of 2 snapshots", StringComparison.Ordinal));
            (await IndicatorsAsync(restarted, before.Key)).Select(i => i.ToJsonString()).Should().Equal(before.Items.Select(i => i.ToJsonString()));
        }

        restarted.DeleteDatabase();
    }

    /// <summary>Three months of ledgers, ingested as today: their indicators and open exceptions are what recomputation must restore.</summary>
    private static async Task<(string Location, string Key, List<JsonObject> Items, List<string> Exceptions)> StoreLedgersAsync()
    {
        using var factory = new ComplianceApiFactory();
        var key = await factory.CreateInstitutionAsync(Institution, "110101");
        using var bank = factory.ClientWithKey(key);
        await bank.SubmitAcceptedAsync("2022-11", Ledgers.Example);
        await bank.SubmitAcceptedAsync("2022-12", AtTheCap);
        await bank.SubmitAcceptedAsync("2023-01", Ledgers.Example);
        await bank.WaitForAllEvaluationsAsync();
        return (factory.Location, key, await IndicatorsAsync(factory, key), await OpenExceptionsAsync(bank));
    }

    private static async Task<List<JsonObject>> IndicatorsAsync(ComplianceApiFactory factory, string key)
    {
        using var client = factory.ClientWithKey(key);
        var list = await client.GetJsonAsync($"/api/v1/institutions/{Institution}/indicators");
        return [.. list["items"]!.AsArray().Select(i => i!.AsObject())];
    }

    private static async Task<List<string>> OpenExceptionsAsync(HttpClient client) =>
        [.. (await client.ExceptionsAsync()).Where(e => e["status"]!.GetValue<string>() != "cleared")
            .Select(e => $"{e["period"]} {e["rule"]} {e["status"]} {e["figures"]!.ToJsonString()}").Order(StringComparer.Ordinal)];

    /// <summary>The start's recomputation, to its end (at once where it had nothing to do).</summary>
    private static Task RecomputationAsync(ComplianceApiFactory factory) =>
        factory.Services.GetServices<IHostedService>().OfType<SnapshotRecomputation>().Single().ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(60));
}
