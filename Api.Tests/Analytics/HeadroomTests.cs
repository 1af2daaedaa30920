using System.Net;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Analytics;

/// <summary>
/// An institution's headroom (analytics.md): a bank in Henan, under the national set alone, with one credit loan of
/// 100,000 at the end of 2021, 110,000 in January 2022 and 120,000 in February.
/// </summary>
public sealed class HeadroomTests
{
    private const string Bank = "HR-B1";   // 410101
    private const string Other = "HR-B2";  // 410102

    private ComplianceApiFactory _factory = null!;
    private string _bankKey = null!;

    [OneTimeSetUp]
    public async Task Submit()
    {
        _factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Limits:PermitsPerSecond"] = "0" });
        _bankKey = await _factory.CreateInstitutionAsync(Bank, "410101");
        await _factory.CreateInstitutionAsync(Other, "410102");
        using var bank = _factory.ClientWithKey(_bankKey);
        foreach (var (period, balance) in new[] { ("2021-12", 100_000m), ("2022-01", 110_000m), ("2022-02", 120_000m) })
        {
            await bank.SubmitAcceptedAsync(period, Ledgers.Csv(Ledgers.Row("L1", amount: 200_000m, balance: balance)));
        }

        using var admin = _factory.Admin();
        await admin.WaitForAllEvaluationsAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Institution_OwnPeriod_ListsEveryRuleInOrder_WithOrientedMarginsAndProjections()
    {
        using var bank = _factory.ClientWithKey(_bankKey);

        var answer = await bank.GetJsonAsync($"/api/v1/institutions/{Bank}/headroom?period=2022-02");

        var items = answer["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        using (new AssertionScope())
        {
            answer["period"]!.GetValue<string>().Should().Be("2022-02");
            items.Select(i => (i["ruleSet"]!.GetValue<string>(), i["rule"]!.GetValue<string>(), i["part"]?.GetValue<string>())).Should().Equal(
                ("national", "INCLUSIVE_GROWTH", null), ("national", "INCLUSIVE_BORROWERS", null), ("national", "CREDIT_PLAN", null),
                ("national", "NPL_TOLERANCE", null), ("national", "CREDIT_SHARE", null), ("national", "INDIVIDUAL_BUSINESS", null),
                ("national", "NEW_LOAN_RATE", null), ("national", "FIRST_LOAN_ENTERPRISES", null), ("national", "BASELINE_MISSING", null));
            // Both growths 20 %, after 10 % in January: the figure and the moving threshold project alike to 120 %.
            Figures(items[0]).Should().Be(("pass", 20m, 20m, 0m, "pp"));
            Projection(items[0]).Should().Be(("2022-12", 120m, 0m));
            // A rural commercial bank is a legal person: the branches' credit plan and the large banks' first-loan
            // enterprises are not its rules.
            Figures(items[2]).Should().Be(("notApplicable", null, null, null, null));
            Figures(items[3]).Should().Be(("pass", 0m, 3m, 3m, "pp"));
            // A credit share of 100 % all along: no increase, against +1 pp.
            Figures(items[4]).Should().Be(("warning", 0m, 1m, -1m, "pp"));
            Projection(items[4]).Should().Be(("2022-12", 0m, -1m));
            // Strict from 2022, and no individual-business book at all.
            Figures(items[5]).Should().Be(("notApplicable", null, null, null, null));
            // NEW_LOAN_RATE reads all of 2021, which was not filed.
            Figures(items[6]).Should().Be(("baselineMissing", null, null, null, null));
            items[6]["projection"].Should().BeNull();
            Figures(items[7]).Should().Be(("notApplicable", null, null, null, null));
            Figures(items[8]).Should().Be(("warning", null, null, null, null));
        }
    }

    [Test]
    public async Task FirstMonthOfTheYear_HasNoProjection()
    {
        using var admin = _factory.Admin();

        var answer = await admin.GetJsonAsync($"/api/v1/institutions/{Bank}/headroom?period=2022-01");

        answer["items"]![0]!["margin"]!.GetValue<decimal>().Should().Be(0m);
        answer["items"]![0]!["projection"].Should().BeNull();
    }

    [Test]
    public async Task PeriodWithoutSnapshot_HasNoItems()
    {
        using var admin = _factory.Admin();

        var answer = await admin.GetJsonAsync($"/api/v1/institutions/{Bank}/headroom?period=2022-06");

        answer["items"]!.AsArray().Should().BeEmpty();
    }

    [Test]
    public async Task Institution_AnotherInstitutionsCode_IsNotFound()
    {
        using var bank = _factory.ClientWithKey(_bankKey);

        var response = await bank.GetAsync($"/api/v1/institutions/{Other}/headroom?period=2022-02");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task RegulatorElsewhere_SeesNothingOfTheInstitution()
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));

        var response = await regulator.GetAsync($"/api/v1/institutions/{Bank}/headroom?period=2022-02");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [TestCase("")]
    [TestCase("?period=")]
    [TestCase("?period=2022-13")]
    [TestCase("?period=feb")]
    public async Task PeriodMissingOrInvalid_Is400(string query)
    {
        using var bank = _factory.ClientWithKey(_bankKey);

        var response = await bank.GetAsync($"/api/v1/institutions/{Bank}/headroom{query}");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("period");
    }

    private static (string Outcome, decimal? Figure, decimal? Threshold, decimal? Margin, string? Unit) Figures(JsonObject item) =>
        (item["outcome"]!.GetValue<string>(), Number(item["figure"]), Number(item["threshold"]), Number(item["margin"]), item["unit"]?.GetValue<string>());

    private static (string Period, decimal Figure, decimal Margin) Projection(JsonObject item) =>
        (item["projection"]!["period"]!.GetValue<string>(), item["projection"]!["figure"]!.GetValue<decimal>(), item["projection"]!["margin"]!.GetValue<decimal>());

    private static decimal? Number(JsonNode? node) => node?.GetValue<decimal>();
}
