using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Jobs;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Submissions;

/// <summary>
/// newFirstLoanEnterprises (当期新增小微企业法人首贷户) through HTTP: a ledger's snapshot answers it, once, not again in
/// <c>pboc</c>; a snapshot stored before it (its column NULL) answers null, counts as a missing month for the rule that
/// reads it, and is recomputed from its stored loans at a worker's next start.
/// </summary>
public sealed class FirstLoanEnterprisesIndicatorTests
{
    private const string Institution = "F1";

    private static readonly Dictionary<string, string?> RecomputeOff = new() { ["Compliance:Snapshots:RecomputeOnStart"] = "false" };

    // Two enterprises count: E1 (twice, once) and E2 (a credit line far above the cap); none of the others does.
    private static readonly string January2023 = Csv(
        Row("L1", borrowerId: "E1", borrowerType: "small", disbursedOn: "2023-01-05", firstLoan: "Y"),
        Row("L2", borrowerId: "E1", borrowerType: "small", disbursedOn: "2023-01-06", firstLoan: "Y"),
        Row("L3", borrowerId: "E2", borrowerType: "micro", creditLine: 50_000_000m, disbursedOn: "2023-01-07", firstLoan: "Y"),
        Row("L4", borrowerId: "E3", borrowerType: "small", product: "discount", disbursedOn: "2023-01-08", firstLoan: "Y"),
        Row("L5", borrowerId: "P1", borrowerType: "individual_business", disbursedOn: "2023-01-09", firstLoan: "Y"),
        Row("L6", borrowerId: "E4", borrowerType: "small", disbursedOn: "2023-01-10", firstLoan: "N"),
        Row("L7", borrowerId: "E5", borrowerType: "small", disbursedOn: "2022-06-01", firstLoan: "Y"));

    private static readonly string January2022 = Csv(
        Row("L1", borrowerId: "E8", borrowerType: "small", disbursedOn: "2022-01-04", firstLoan: "Y"),
        Row("L2", borrowerId: "E9", borrowerType: "micro", disbursedOn: "2022-01-05", firstLoan: "Y"));

    [Test]
    public async Task Snapshot_OfALedger_AnswersNewFirstLoanEnterprises_OnceAndNotInPboc()
    {
        using var factory = new ComplianceApiFactory();
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync(Institution, "410101"));

        var id = await bank.SubmitAcceptedAsync("2023-01", January2023);

        var receipt = await bank.GetJsonAsync($"/api/v1/submissions/{id}");
        var item = (await bank.GetJsonAsync($"/api/v1/institutions/{Institution}/indicators?from=2023-01&to=2023-01"))["items"]![0]!.AsObject();
        using (new AssertionScope())
        {
            receipt["indicators"]!["newFirstLoanEnterprises"]!.GetValue<long>().Should().Be(2);
            item["newFirstLoanEnterprises"]!.GetValue<long>().Should().Be(2);
            item["pboc"]!.AsObject().ContainsKey("newFirstLoanEnterprises").Should().BeFalse("one figure under both 口径");
        }

        factory.DeleteDatabase();
    }

    [Test]
    public async Task StoredBeforeTheIndicator_AnswersNull_IsMissingToTheRule_ThenIsRecomputedAtStartAndJudged()
    {
        string location;
        string key;
        List<JsonObject> fresh;
        using (var factory = new ComplianceApiFactory())
        {
            location = factory.Location;
            key = await factory.CreateInstitutionAsync(Institution, "410101");
            using var bank = factory.ClientWithKey(key);
            await bank.SubmitAcceptedAsync("2022-01", January2022);
            await bank.SubmitAcceptedAsync("2023-01", January2023);
            await bank.WaitForAllEvaluationsAsync();
            fresh = await IndicatorsAsync(bank);
        }

        await TestDatabases.ExecuteSqliteAsync(location, "UPDATE snapshots SET new_first_loan_enterprises = NULL");

        using (var off = new ComplianceApiFactory(location: location, settings: RecomputeOff))
        {
            using var admin = off.Admin();
            using var bank = off.ClientWithKey(key);
            (await admin.PutAsJsonAsync("/api/v1/rule-sets/henan-first-loans", new
            {
                jurisdiction = "41", scope = "cbirc", years = new { from = 2022 },
                rules = new object[] { new { rule = "FIRST_LOAN_ENTERPRISES" }, new { rule = "BASELINE_MISSING" } },
            })).StatusCode.Should().Be(HttpStatusCode.OK);
            (await admin.PostAsync($"/api/v1/evaluations?institution={Institution}&from=2023-01&to=2023-01", null)).EnsureSuccessStatusCode();
            await bank.WaitForAllEvaluationsAsync();

            var items = await IndicatorsAsync(bank);
            var missing = (await bank.ExceptionsAsync()).Single(e => e["rule"]!.GetValue<string>() == "BASELINE_MISSING" && e["ruleSet"]!["id"]!.GetValue<string>() == "henan-first-loans");
            using (new AssertionScope())
            {
                items.Select(i => i["newFirstLoanEnterprises"]).Should().HaveCount(2).And.OnlyContain(n => n == null, "not recomputed, not zero");
                missing["period"]!.GetValue<string>().Should().Be("2023-01");
                missing["figures"]!["missingPeriods"]!.ToJsonString().Should().Be("""["2022-01","2023-01"]""");
                missing["figures"]!["blockedRules"]!.ToJsonString().Should().Be("""["FIRST_LOAN_ENTERPRISES"]""");
            }
        }

        using var restarted = new ComplianceApiFactory(location: location) { CaptureLogs = true };
        await restarted.Services.GetServices<IHostedService>().OfType<SnapshotRecomputation>().Single().ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(60));
        using var client = restarted.ClientWithKey(key);
        await client.WaitForAllEvaluationsAsync();

        var exceptions = (await client.ExceptionsAsync()).Where(e => e["ruleSet"]?["id"]?.GetValue<string>() == "henan-first-loans" && e["period"]!.GetValue<string>() == "2023-01").ToList();
        using (new AssertionScope())
        {
            restarted.Logs.Should().Contain(line => line.Contains("Recomputed 2 of 2 snapshots", StringComparison.Ordinal));
            (await IndicatorsAsync(client)).Select(i => i.ToJsonString()).Should().Equal(fresh.Select(i => i.ToJsonString()));
            exceptions.Single(e => e["rule"]!.GetValue<string>() == "BASELINE_MISSING")["status"]!.GetValue<string>().Should().Be("cleared");
            exceptions.Single(e => e["rule"]!.GetValue<string>() == "FIRST_LOAN_ENTERPRISES")["figures"]!.ToJsonString()
                .Should().Be("""{"firstLoanEnterprisesYtd":2,"lastYearYtd":2}""", "two against two is not above last year");
        }

        restarted.DeleteDatabase();
    }

    private static async Task<List<JsonObject>> IndicatorsAsync(HttpClient client) =>
        [.. (await client.GetJsonAsync($"/api/v1/institutions/{Institution}/indicators"))["items"]!.AsArray().Select(i => i!.AsObject())];
}
