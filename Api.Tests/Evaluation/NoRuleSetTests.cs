using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>
/// A period for which no rule set is in force (here the national set ended with 2021): its evaluation is done with
/// outcome <c>notApplicable</c>, not failed and retried, and what the ended set wrote there is cleared.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class NoRuleSetTests(TestDatabase database)
{
    private const string Institution = "NR-110101";

    [Test]
    public async Task Evaluation_WithNoRuleSetInForce_IsDoneAsNotApplicable_AndClearsWhatTheEndedSetWrote()
    {
        using var factory = new ComplianceApiFactory(database);
        using var admin = factory.Admin();
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync(Institution, "110101"));
        var ledger = Ledgers.Csv(Ledgers.Row("L1"), Ledgers.Row("L2", borrowerId: "B2", classification: "substandard"));
        var earlier = await bank.SubmitAcceptedAsync("2021-12", ledger);
        var later = await bank.SubmitAcceptedAsync("2022-12", ledger);
        await bank.WaitForAllEvaluationsAsync();
        (await bank.ExceptionsAsync("&period=2022-12")).Should().NotBeEmpty("the national set was in force when the ledger came");
        var national = await admin.GetJsonAsync("/api/v1/rule-sets/national");
        national["years"] = new JsonObject { ["from"] = 2000, ["to"] = 2021 };
        (await admin.PutAsJsonAsync("/api/v1/rule-sets/national", national)).StatusCode.Should().Be(HttpStatusCode.OK);

        var queued = await admin.PostAsync($"/api/v1/evaluations?institution={Institution}&from=2000-01&to=2100-12", null);
        queued.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await bank.WaitForAllEvaluationsAsync();

        var none = (await bank.GetJsonAsync($"/api/v1/submissions/{later}"))["evaluation"]!;
        var still = (await bank.GetJsonAsync($"/api/v1/submissions/{earlier}"))["evaluation"]!;
        var open = (await bank.ExceptionsAsync("&period=2022-12")).Where(e => e["status"]!.GetValue<string>() != "cleared");
        using var scope = new AssertionScope();
        none["status"]!.GetValue<string>().Should().Be("done");
        none["outcome"]!.GetValue<string>().Should().Be("notApplicable");
        none["ruleSets"]!.AsArray().Should().BeEmpty();
        none["rules"]!.AsArray().Should().BeEmpty();
        open.Should().BeEmpty("a period no set applies to keeps no exception of the set that ended");
        still["status"]!.GetValue<string>().Should().Be("done");
        still["ruleSets"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Should().Equal("national");
        still["rules"]!.AsArray().Should().NotBeEmpty();
        factory.DeleteDatabase();
    }
}
