using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using Compliance.Engine.Indicators;

namespace Compliance.Api.Tests.Analytics;

/// <summary>
/// 普惠小微贷款支持工具 (analytics.md) over 2022, with amounts worked by hand: Q1 at 1 %, Q2 to Q4 at 2 %, a fall paying
/// nothing, a missing quarter end leaving the quarter unknown, a branch of a national bank not eligible, and the
/// jurisdiction's sums with each quarter's coverage.
/// </summary>
public sealed class SupportToolTests
{
    private const string Local = "ST-L1";         // 371302, local legal person: 2021-12, 2022-03, -06, -09 (no 2022-12)
    private const string Branch = "ST-N1";        // 371311, a branch of a national bank: 2021-12, 2022-03
    private const string Partial = "ST-L2";       // 371312, local: 2021-12, 2022-03, -06 (no 2022-09)
    private const string Late = "ST-L3";          // 371399, local, reporting from 2022-07: no snapshot
    private const string Outsider = "ST-X1";      // 410101, local: 2021-12, 2022-03 (stored before the PBoC 口径)

    private ComplianceApiFactory _factory = null!;
    private string _localKey = null!;

    [OneTimeSetUp]
    public async Task Submit()
    {
        _factory = new ComplianceApiFactory(settings: new Dictionary<string, string?>
        {
            ["Compliance:Limits:PermitsPerSecond"] = "0", ["Compliance:Snapshots:RecomputeOnStart"] = "false",
        });
        _localKey = await _factory.CreateInstitutionAsync(Local, "371302");
        var branchKey = await CreateAsync(Branch, "371311", localLegalPerson: false, "2021-01");
        var partialKey = await _factory.CreateInstitutionAsync(Partial, "371312");
        await CreateAsync(Late, "371399", localLegalPerson: true, "2022-07");
        var outsiderKey = await _factory.CreateInstitutionAsync(Outsider, "410101");

        await SubmitAsync(_localKey, ("2021-12", 1_000_000m), ("2022-03", 1_500_000m), ("2022-06", 1_400_000m), ("2022-09", 2_000_000.25m));
        await SubmitAsync(branchKey, ("2021-12", 100_000m), ("2022-03", 300_000m));
        await SubmitAsync(partialKey, ("2021-12", 200_000m), ("2022-03", 250_000m), ("2022-06", 350_000m));
        await SubmitAsync(outsiderKey, ("2021-12", 100_000m), ("2022-03", 400_000m));
        using var admin = _factory.Admin();
        await admin.WaitForAllEvaluationsAsync();
        await TestDatabases.ExecuteSqliteAsync(_factory.Location,
            $"UPDATE snapshots SET {string.Join(", ", Indicator.PerScope.Select(i => i.PbocColumn + " = NULL"))} WHERE institution = @institution AND period = '2022-03'",
            new { institution = Outsider });
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task LocalLegalPerson_EachQuarterAtTheScheduleRate()
    {
        using var bank = _factory.ClientWithKey(_localKey);

        var answer = await bank.GetJsonAsync($"/api/v1/institutions/{Local}/support-tool?year=2022");

        answer["eligible"]!.GetValue<bool>().Should().BeTrue();
        Quarters(answer).Should().Equal(
            new InstitutionQuarter("2022Q1", 1_000_000m, 1_500_000m, 500_000m, 1m, 5_000m),
            new InstitutionQuarter("2022Q2", 1_500_000m, 1_400_000m, -100_000m, 2m, 0m),          // a fall pays nothing
            new InstitutionQuarter("2022Q3", 1_400_000m, 2_000_000.25m, 600_000.25m, 2m, 12_000.01m), // 12,000.005 half up
            new InstitutionQuarter("2022Q4", 2_000_000.25m, null, null, 2m, null));                  // no 2022-12 snapshot
    }

    [Test]
    public async Task BranchOfANationalBank_IsNotEligible_AndItsAmountsAreZero()
    {
        using var admin = _factory.Admin();

        var answer = await admin.GetJsonAsync($"/api/v1/institutions/{Branch}/support-tool?year=2022");

        answer["eligible"]!.GetValue<bool>().Should().BeFalse();
        Quarters(answer).Should().Equal(
            new InstitutionQuarter("2022Q1", 100_000m, 300_000m, 200_000m, 1m, 0m),
            new InstitutionQuarter("2022Q2", 300_000m, null, null, 2m, null),
            new InstitutionQuarter("2022Q3", null, null, null, 2m, null),
            new InstitutionQuarter("2022Q4", null, null, null, 2m, null));
    }

    [Test]
    public async Task YearOutsideTheSchedule_HasRateAndAmountZero()
    {
        using var admin = _factory.Admin();

        var answer = await admin.GetJsonAsync($"/api/v1/institutions/{Local}/support-tool?year=2021");

        Quarters(answer)[3].Should().Be(new InstitutionQuarter("2021Q4", null, 1_000_000m, null, 0m, null));
    }

    [Test]
    public async Task Jurisdiction_SumsEligibleInstitutionsWithBothSnapshots_WithEachQuartersCoverage()
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3713"));

        var answer = await regulator.GetJsonAsync("/api/v1/analytics/support-tool?year=2022");

        answer["jurisdiction"]!.GetValue<string>().Should().Be("3713");
        JurisdictionQuarters(answer).Should().Equal(
            new JurisdictionQuarter("2022Q1", 2, 550_000m, 5_500m, 2, 2),       // 5,000 + 500; the late one not yet reporting
            new JurisdictionQuarter("2022Q2", 2, 0m, 2_000m, 2, 2),             // −100,000 (pays 0) + 100,000 (pays 2,000)
            new JurisdictionQuarter("2022Q3", 1, 600_000.25m, 12_000.01m, 1, 3), // ST-L2 lacks 2022-09, ST-L3 has nothing
            new JurisdictionQuarter("2022Q4", 0, 0m, 0m, 0, 3));
    }

    [Test]
    public async Task Admin_National_CountsEveryRegion()
    {
        using var admin = _factory.Admin();

        var answer = await admin.GetJsonAsync("/api/v1/analytics/support-tool?year=2022");

        answer["jurisdiction"]!.GetValue<string>().Should().Be("");
        JurisdictionQuarters(answer)[0].Should().Be(new JurisdictionQuarter("2022Q1", 2, 550_000m, 5_500m, 2, 3), "ST-X1's 2022-03 has no PBoC figures");
    }

    [Test]
    public async Task SnapshotStoredBeforeThePbocScope_IsABalanceMissing()
    {
        using var admin = _factory.Admin();

        var answer = await admin.GetJsonAsync($"/api/v1/institutions/{Outsider}/support-tool?year=2022");

        Quarters(answer)[0].Should().Be(new InstitutionQuarter("2022Q1", 100_000m, null, null, 1m, null));
    }

    [Test]
    public async Task RegulatorElsewhere_SeesNothingOfTheInstitution()
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("41"));

        var response = await regulator.GetAsync($"/api/v1/institutions/{Local}/support-tool");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task Institution_AnotherInstitutionsCode_IsNotFound()
    {
        using var bank = _factory.ClientWithKey(_localKey);

        var response = await bank.GetAsync($"/api/v1/institutions/{Partial}/support-tool?year=2022");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [TestCase("")]
    [TestCase("?year=")]
    [TestCase("?year=twenty")]
    [TestCase("?year=1999")]
    public async Task Institution_YearMissingOrInvalid_Is400(string query)
    {
        using var bank = _factory.ClientWithKey(_localKey);

        var response = await bank.GetAsync($"/api/v1/institutions/{Local}/support-tool{query}");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("year");
    }

    [TestCase("?year=2022&jurisdiction=3a", "jurisdiction")]
    [TestCase("?year=2022&jurisdiction=371", "jurisdiction")]
    [TestCase("?jurisdiction=37", "year")]
    public async Task Jurisdiction_Malformed_Is400(string query, string field)
    {
        using var admin = _factory.Admin();

        var response = await admin.GetAsync($"/api/v1/analytics/support-tool{query}");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal(field);
    }

    [TestCase("37", "")]
    [TestCase("37", "41")]
    [TestCase("3713", "37")]
    public async Task Regulator_WiderOrDisjointJurisdiction_Is403(string own, string asked)
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync(own));

        var response = await regulator.GetAsync($"/api/v1/analytics/support-tool?year=2022&jurisdiction={asked}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Test]
    public async Task InstitutionKey_OnTheJurisdictionsAnalytics_Is403()
    {
        using var bank = _factory.ClientWithKey(_localKey);

        var response = await bank.GetAsync("/api/v1/analytics/support-tool?year=2022&jurisdiction=371302");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    private async Task<string> CreateAsync(string code, string regionCode, bool localLegalPerson, string reportingFrom)
    {
        using var admin = _factory.Admin();
        (await admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"测试银行 {code}", category = "rural", localLegalPerson, regionCode, reportingFrom,
        })).EnsureSuccessStatusCode();
        return await _factory.CreateKeyAsync(new { name = $"{code} key", role = "institution", institution = code });
    }

    /// <summary>Each period's ledger: one 普惠小微 loan (a micro enterprise, a credit line of 1,000,000) of the balance.</summary>
    private async Task SubmitAsync(string key, params (string Period, decimal Balance)[] periods)
    {
        using var bank = _factory.ClientWithKey(key);
        foreach (var (period, balance) in periods)
        {
            await bank.SubmitAcceptedAsync(period, Ledgers.Csv(Ledgers.Row("L1", amount: 3_000_000m, balance: balance, creditLine: 5_000_000m)));
        }
    }

    private static List<InstitutionQuarter> Quarters(JsonObject answer) =>
        [.. answer["quarters"]!.AsArray().Select(q => new InstitutionQuarter(
            q!["quarter"]!.GetValue<string>(), Money(q["startBalance"]), Money(q["endBalance"]), Money(q["increase"]),
            q["ratePct"]!.GetValue<decimal>(), Money(q["amount"])))];

    private static List<JurisdictionQuarter> JurisdictionQuarters(JsonObject answer) =>
        [.. answer["quarters"]!.AsArray().Select(q => new JurisdictionQuarter(
            q!["quarter"]!.GetValue<string>(), q["institutions"]!.GetValue<int>(), q["increase"]!.GetValue<decimal>(), q["amount"]!.GetValue<decimal>(),
            q["coverage"]!["included"]!.GetValue<int>(), q["coverage"]!["expected"]!.GetValue<int>()))];

    private static decimal? Money(JsonNode? node) => node?.GetValue<decimal>();

    private sealed record InstitutionQuarter(string Quarter, decimal? StartBalance, decimal? EndBalance, decimal? Increase, decimal RatePct, decimal? Amount);

    private sealed record JurisdictionQuarter(string Quarter, int Institutions, decimal Increase, decimal Amount, int Included, int Expected);
}
