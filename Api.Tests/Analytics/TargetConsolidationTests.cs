using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Analytics;

/// <summary>
/// Each loan counted once, and a part of a region's target (analytics.md, "Population and coverage", "Regional
/// targets"): a provincial branch in Jinan files a consolidated ledger that holds its Linyi branch's loans, so a
/// Shandong figure sums the provincial branch and counts the Linyi branch in <c>coverage.consolidated</c>, while a
/// Linyi figure sums the Linyi branch (its parent lies outside Linyi). Every figure below is worked by hand from the
/// ledgers' balances.
/// </summary>
public sealed class TargetConsolidationTests
{
    private const string Provincial = "CS-370102";
    private const string LinyiBranch = "CS-371302";
    private const string LinyiBank = "CS-371311";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _factory = new ComplianceApiFactory();
        _admin = _factory.Admin();
        var provincial = await CreateAsync(Provincial, "370102", "provincial", parent: null);
        var branch = await CreateAsync(LinyiBranch, "371302", "municipal", parent: Provincial);
        var bank = await _factory.CreateInstitutionAsync(LinyiBank, "371311");

        // Total loans (yuan): the provincial branch's ledger holds the Linyi branch's 3,000,000 and 4,000,000 and
        // 5,000,000; the Linyi branch files no ledger for December 2022.
        await FileAsync(provincial, ("2021-12", 10_000_000m), ("2022-01", 12_000_000m), ("2022-12", 13_000_000m));
        await FileAsync(branch, ("2021-12", 3_000_000m), ("2022-01", 4_000_000m));
        await FileAsync(bank, ("2021-12", 1_000_000m), ("2022-01", 1_500_000m), ("2022-12", 2_000_000m));
        await _admin.WaitForAllEvaluationsAsync();

        await PutTargetAsync("cs-shandong-increase", "37", 5_000_000m);
        await PutTargetAsync("cs-linyi-increase", "3713", 500_000m);
        await PutTargetAsync("cs-shandong-unreachable", "37", 1_000_000_000m);
        await PutTargetAsync("cs-bank-increase", "371311", 500_000m);
        await PutTargetAsync("cs-bank-unreachable", "371311", 1_000_000_000m);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    private async Task<string> CreateAsync(string code, string region, string level, string? parent)
    {
        var created = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"测试分行 {code}", category = "large_state", localLegalPerson = false, legalPerson = false, level, parent, regionCode = region,
            reportingFrom = "2021-01",
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return await _factory.CreateKeyAsync(new { name = $"{code} key", role = "institution", institution = code });
    }

    private async Task FileAsync(string key, params (string Period, decimal Balance)[] periods)
    {
        using var client = _factory.ClientWithKey(key);
        foreach (var (period, balance) in periods)
        {
            await client.SubmitAcceptedAsync(period, Ledgers.Csv(Ledgers.Row("L1", amount: balance, balance: balance, creditLine: balance)));
        }
    }

    private async Task PutTargetAsync(string id, string jurisdiction, decimal value)
    {
        var put = await _admin.PutAsJsonAsync($"/api/v1/targets/{id}", new
        {
            name = new { zh = "各项贷款增加", en = "Total loans up" }, jurisdiction, year = 2022, population = new { },
            measure = "increase(totalBalance)", op = ">=", value,
        });
        put.StatusCode.Should().Be(HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
    }

    private static (int Expected, int Included, int Consolidated) Coverage(JsonNode? month) =>
        (month!["coverage"]!["expected"]!.GetValue<int>(), month["coverage"]!["included"]!.GetValue<int>(), month["coverage"]!["consolidated"]!.GetValue<int>());

    [Test]
    public async Task ABranchWhoseParentFiledInTheSameJurisdiction_IsLeftOutAndCountedConsolidated()
    {
        var progress = await _admin.GetJsonAsync("/api/v1/targets/cs-shandong-increase/progress?year=2022");

        var january = progress["months"]![0];
        using var scope = new AssertionScope();
        january!["value"]!.GetValue<decimal>().Should().Be(2_500_000m, "(12,000,000 + 1,500,000) − (10,000,000 + 1,000,000): the Linyi branch is in its parent's ledger");
        Coverage(january).Should().Be((3, 2, 1));
        Coverage(progress["months"]![1]).Should().Be((3, 0, 0), "nobody filed February");
        progress["extent"]!.GetValue<string>().Should().Be("full");
        progress["jurisdiction"]!.GetValue<string>().Should().Be("37");
    }

    [Test]
    public async Task ABranchWhoseParentIsOutsideTheJurisdiction_IsSummed()
    {
        var progress = await _admin.GetJsonAsync("/api/v1/targets/cs-linyi-increase/progress?year=2022");

        var january = progress["months"]![0];
        using var scope = new AssertionScope();
        january!["value"]!.GetValue<decimal>().Should().Be(1_500_000m, "(4,000,000 + 1,500,000) − (3,000,000 + 1,000,000)");
        Coverage(january).Should().Be((2, 2, 0));
        january["met"]!.GetValue<bool>().Should().BeTrue();
    }

    [Test]
    public async Task ALinyiSupervisor_GetsItsContributionToAShandongTarget()
    {
        using var linyi = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3713"));

        var progress = await linyi.GetJsonAsync("/api/v1/targets/cs-shandong-increase/progress?year=2022");

        var months = progress["months"]!.AsArray();
        using var scope = new AssertionScope();
        progress["extent"]!.GetValue<string>().Should().Be("contribution");
        progress["jurisdiction"]!.GetValue<string>().Should().Be("3713");
        progress["target"]!["jurisdiction"]!.GetValue<string>().Should().Be("37");
        progress["status"].Should().BeNull("a part of a region neither meets nor misses the region's target");
        months[0]!["value"]!.GetValue<decimal>().Should().Be(1_500_000m, "Linyi's own figure: its branch is summed, the parent being outside Linyi");
        months[0]!["threshold"]!.GetValue<decimal>().Should().Be(5_000_000m);
        months[0]!["met"].Should().BeNull();
        Coverage(months[0]).Should().Be((2, 2, 0));
        months.Should().OnlyContain(m => m!["met"] == null);
        progress["projection"]!["value"]!.GetValue<decimal>().Should().Be(1_000_000m, "December is Linyi's latest month with data: 2,000,000 − 1,000,000 (the branch lacks December)");
        progress["projection"]!["met"].Should().BeNull();
    }

    [Test]
    public async Task ShandongAndNationalSupervisors_GetTheFullTarget_ADisjointOneNotFound()
    {
        using var shandong = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));
        using var national = _factory.ClientWithKey(await _factory.CreateRegulatorAsync(""));
        using var henan = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("41"));
        using var jinan = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3701"));

        var full = await shandong.GetJsonAsync("/api/v1/targets/cs-shandong-increase/progress?year=2022");
        var fromAbove = await national.GetJsonAsync("/api/v1/targets/cs-linyi-increase/progress?year=2022");

        using var scope = new AssertionScope();
        full["extent"]!.GetValue<string>().Should().Be("full");
        full["jurisdiction"]!.GetValue<string>().Should().Be("37");
        full["months"]![0]!["value"]!.GetValue<decimal>().Should().Be(2_500_000m);
        fromAbove["extent"]!.GetValue<string>().Should().Be("full");
        fromAbove["jurisdiction"]!.GetValue<string>().Should().Be("3713");
        await (await henan.GetAsync("/api/v1/targets/cs-shandong-increase/progress?year=2022")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await jinan.GetAsync("/api/v1/targets/cs-linyi-increase/progress?year=2022")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await henan.GetAsync("/api/v1/targets/cs-none/progress?year=2022")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task ALinyiSupervisor_ListsTheTargetsOfLinyiAndOfShandong()
    {
        using var linyi = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3713"));

        var ids = (await linyi.GetJsonAsync("/api/v1/targets?year=2022"))["items"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToList();

        ids.Should().Contain(["cs-shandong-increase", "cs-shandong-unreachable", "cs-linyi-increase", "shandong-operating-increase", "linyi-operating-increase"])
            .And.NotContain(["cs-bank-increase", "luliang-total-growth"]);
    }

    [TestCase("cs-bank-increase", "met")]
    [TestCase("cs-bank-unreachable", "missed")]
    [TestCase("cs-shandong-unreachable", "missed")]
    public async Task DecemberComplete_DecidesMetOrMissed(string id, string status)
    {
        var progress = await _admin.GetJsonAsync($"/api/v1/targets/{id}/progress?year=2022");

        var december = progress["months"]![11];
        using var scope = new AssertionScope();
        (Coverage(december).Included + Coverage(december).Consolidated).Should().Be(Coverage(december).Expected, "December's coverage is complete");
        progress["status"]!.GetValue<string>().Should().Be(status);
    }

    [Test]
    public async Task DecemberIncomplete_JudgedByTheProjection()
    {
        var progress = await _admin.GetJsonAsync("/api/v1/targets/cs-linyi-increase/progress?year=2022");

        var december = progress["months"]![11];
        using var scope = new AssertionScope();
        Coverage(december).Should().Be((2, 1, 0), "the Linyi branch filed no December");
        december!["value"]!.GetValue<decimal>().Should().Be(1_000_000m);
        progress["status"]!.GetValue<string>().Should().Be("onTrack", "1,000,000 × 12 / 12 meets 500,000, but December is not complete");
    }
}
