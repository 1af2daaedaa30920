using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Exceptions;

/// <summary>
/// Each authority in its own words (rules.md, "Names"; api.md, "Rules" and "Exceptions"; analytics.md's heat map): the
/// catalogue answers both names of every rule, and every exception and heat-map column carries the name of its own
/// set's scope. A Shandong bank whose credit-loan share fell over 2022 breaches CREDIT_SHARE of the national set
/// (cbirc, 普惠型小微企业…) and of the Shandong set (pboc, 普惠小微…) in the same month; a bank that missed a
/// deadline has an exception of no set.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class RuleNamesTests(TestDatabase database)
{
    private const string Bank = "RN-SD";
    private const string LateBank = "RN-LATE";

    private static readonly JsonObject CbircCreditShare = Name("普惠型小微企业信用贷款占比", "Credit-loan share");
    private static readonly JsonObject PbocCreditShare = Name("普惠小微信用贷款占比", "Credit-loan share");

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private string _bankKey = "";

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
        _bankKey = await _factory.CreateInstitutionAsync(Bank, "371302", "2020-01");
        using var bank = _factory.ClientWithKey(_bankKey);
        // Credit loans are half the inclusive balance at the start of the year and a third at its end, under both 口径.
        await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"), Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage")));
        await bank.SubmitAcceptedAsync("2022-12", Ledgers.Csv(
            Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"),
            Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage", amount: 200_000m, balance: 200_000m)));
        await bank.WaitForAllEvaluationsAsync();
        await _factory.CreateInstitutionAsync(LateBank, "371302", reportingFrom: "2022-01");
        await _admin.SweepAsync("2022-06-02");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Catalogue_AnswersEachRulesNamesUnderBothScopes_AndNameIsTheCbircOne()
    {
        var rules = (await _admin.GetJsonAsync("/api/v1/rules"))["items"]!.AsArray().Select(r => r!.AsObject()).ToList();

        using var scope = new AssertionScope();
        var creditShare = rules.Single(r => r["id"]!.GetValue<string>() == "CREDIT_SHARE");
        JsonNode.DeepEquals(creditShare["names"], new JsonObject { ["cbirc"] = CbircCreditShare.DeepClone(), ["pboc"] = PbocCreditShare.DeepClone() })
            .Should().BeTrue(creditShare.ToJsonString());
        var growth = rules.Single(r => r["id"]!.GetValue<string>() == "INCLUSIVE_GROWTH");
        JsonNode.DeepEquals(growth["names"]!["pboc"], Name("普惠小微贷款增速", "Inclusive loan growth vs total loan growth")).Should().BeTrue(growth.ToJsonString());
        foreach (var rule in rules)
        {
            JsonNode.DeepEquals(rule["name"], rule["names"]!["cbirc"]).Should().BeTrue($"{rule["id"]}'s name is its CBIRC name, for older clients");
        }
    }

    [Test]
    public async Task SameBankMonth_EachSetsException_IsNamedInItsOwnScope_InTheListAndAlone()
    {
        using var bank = _factory.ClientWithKey(_bankKey);

        var listed = (await bank.ExceptionsAsync("&period=2022-12&rule=CREDIT_SHARE")).ToDictionary(e => e["ruleSet"]!["id"]!.GetValue<string>());
        var national = await bank.GetJsonAsync($"/api/v1/exceptions/{listed["national"]["id"]}");
        var shandong = await bank.GetJsonAsync($"/api/v1/exceptions/{listed["shandong"]["id"]}");

        using var scope = new AssertionScope();
        listed.Keys.Should().BeEquivalentTo(["national", "shandong"]);
        JsonNode.DeepEquals(listed["national"]["ruleName"], CbircCreditShare).Should().BeTrue(listed["national"].ToJsonString());
        JsonNode.DeepEquals(listed["shandong"]["ruleName"], PbocCreditShare).Should().BeTrue(listed["shandong"].ToJsonString());
        JsonNode.DeepEquals(national["ruleName"], CbircCreditShare).Should().BeTrue(national.ToJsonString());
        JsonNode.DeepEquals(shandong["ruleName"], PbocCreditShare).Should().BeTrue(shandong.ToJsonString());
        national["message"]!["zh"]!.GetValue<string>().Should().Contain("普惠型小微企业信用贷款占比");
        shandong["message"]!["zh"]!.GetValue<string>().Should().Contain("普惠小微信用贷款占比").And.NotContain("普惠型");
        shandong["message"]!["en"]!.GetValue<string>().Should().Contain("inclusive small and micro credit-loan share");
    }

    [Test]
    public async Task EveryException_CarriesItsRuleName_AndAMissedDeadlineItsOneName()
    {
        var all = await _admin.ExceptionsAsync();
        var missed = all.First(e => e["rule"]!.GetValue<string>() == "DEADLINE_MISSED");

        using var scope = new AssertionScope();
        all.Should().OnlyContain(e => e["ruleName"]!["zh"]!.GetValue<string>().Length > 0 && e["ruleName"]!["en"]!.GetValue<string>().Length > 0);
        JsonNode.DeepEquals(missed["ruleName"], Name("逾期未报送", "Deadline missed")).Should().BeTrue(missed.ToJsonString());
        JsonNode.DeepEquals((await _admin.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}"))["ruleName"], Name("逾期未报送", "Deadline missed")).Should().BeTrue();
    }

    [Test]
    public async Task HeatMap_ColumnsOfOneRule_AreNamedInTheirSetsScope()
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));

        var columns = (await regulator.GetJsonAsync("/api/v1/analytics/heatmap?period=2022-12"))["rules"]!.AsArray()
            .ToDictionary(c => (c!["ruleSet"]!.GetValue<string>(), c["rule"]!.GetValue<string>()), c => c!["name"]);

        using var scope = new AssertionScope();
        JsonNode.DeepEquals(columns[("national", "CREDIT_SHARE")], CbircCreditShare).Should().BeTrue();
        JsonNode.DeepEquals(columns[("shandong", "CREDIT_SHARE")], PbocCreditShare).Should().BeTrue();
        JsonNode.DeepEquals(columns[("shandong", "INCLUSIVE_GROWTH")], Name("普惠小微贷款增速", "Inclusive loan growth vs total loan growth")).Should().BeTrue();
        JsonNode.DeepEquals(columns[("national", "NPL_TOLERANCE")], Name("普惠型小微企业贷款不良容忍度", "Inclusive NPL tolerance")).Should().BeTrue();
    }

    private static JsonObject Name(string zh, string en) => new() { ["zh"] = zh, ["en"] = en };
}
