using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Analytics;

/// <summary>
/// Peers and ranking (analytics.md): six rural banks in Yunnan (53) whose one credit loan grew by 10, 20, 20, 5, 30
/// and 0 % from December 2021 to December 2022, a village bank there outside their group, two rural banks in Tibet
/// (54), too few to show an institution its group, and twenty rural banks in Guizhou (52) whose credit shares in
/// December 2022 are 5, 10, …, 100 %, the last of which filed no December 2021 (so nineteen of them have a growth).
/// </summary>
public sealed class PeersTests
{
    private static readonly (string Code, string Region, decimal Growth)[] Yunnan =
    [
        ("PR-A", "530102", 10m), ("PR-B", "530103", 20m), ("PR-C", "530402", 20m), ("PR-D", "532301", 5m), ("PR-E", "530111", 30m), ("PR-F", "530102", 0m),
    ];

    /// <summary>The Guizhou banks: the i-th has a credit share of 5 × (i + 1) % in December 2022.</summary>
    private static readonly string[] Guizhou = [.. Enumerable.Range(0, 20).Select(i => $"GZ-{i:D2}")];

    /// <summary>The members an institution key may be sent for a group of five to nineteen, and for one of twenty or more.</summary>
    private static readonly string[] CountOnly = ["group", "n"];
    private static readonly string[] WithQuartiles = ["group", "n", "q1", "median", "q3"];

    private ComplianceApiFactory _factory = null!;
    private readonly Dictionary<string, string> _keys = [];

    [OneTimeSetUp]
    public async Task Submit()
    {
        _factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Limits:PermitsPerSecond"] = "0" });
        using var admin = _factory.Admin();
        (await admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code = "PR-V", name = "村镇银行", category = "village", localLegalPerson = true, regionCode = "530102", reportingFrom = "2021-01",
        })).EnsureSuccessStatusCode();
        _keys["PR-V"] = await _factory.CreateKeyAsync(new { name = "PR-V key", role = "institution", institution = "PR-V" });
        await SubmitAsync("PR-V", 0m);
        foreach (var (code, region, growth) in Yunnan)
        {
            _keys[code] = await _factory.CreateInstitutionAsync(code, region);
            await SubmitAsync(code, growth);
        }

        foreach (var (code, region) in new[] { ("SM-A", "540102"), ("SM-B", "540103") })
        {
            _keys[code] = await _factory.CreateInstitutionAsync(code, region);
            await SubmitAsync(code, 10m);
        }

        for (var i = 0; i < Guizhou.Length; i++)
        {
            var code = Guizhou[i];
            _keys[code] = await _factory.CreateInstitutionAsync(code, i % 2 == 0 ? "520102" : "520302");
            using var bank = _factory.ClientWithKey(_keys[code]);
            if (i < Guizhou.Length - 1)
            {
                await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1", amount: 200_000m, balance: 100_000m)));
            }

            var credit = 10_000m * (i + 1);
            await bank.SubmitAcceptedAsync("2022-12", Ledgers.Csv(
                Ledgers.Row("L1", amount: 200_000m, balance: credit),
                Ledgers.Row("L2", borrowerId: "B2", guarantee: "guarantee", amount: 200_000m, balance: 200_000m - credit)));
        }

        _keys["regulator 53"] = await _factory.CreateRegulatorAsync("53");
        _keys["regulator 54"] = await _factory.CreateRegulatorAsync("54");
        _keys["regulator 52"] = await _factory.CreateRegulatorAsync("52");
        await admin.WaitForAllEvaluationsAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    private async Task SubmitAsync(string code, decimal growthPct)
    {
        using var bank = _factory.ClientWithKey(_keys[code]);
        await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1", amount: 200_000m, balance: 100_000m)));
        await bank.SubmitAcceptedAsync("2022-12", Ledgers.Csv(Ledgers.Row("L1", amount: 200_000m, balance: 100_000m + (1_000m * growthPct))));
    }

    private static JsonObject Item(JsonObject answer, string measure) =>
        answer["items"]!.AsArray().Select(i => i!.AsObject()).Single(i => i["measure"]!.GetValue<string>() == measure);

    private static (string, int, decimal, decimal, decimal, decimal, decimal) Figures(JsonNode peers) => (
        peers["group"]!.GetValue<string>(), peers["n"]!.GetValue<int>(), peers["min"]!.GetValue<decimal>(), peers["q1"]!.GetValue<decimal>(),
        peers["median"]!.GetValue<decimal>(), peers["q3"]!.GetValue<decimal>(), peers["max"]!.GetValue<decimal>());

    [Test]
    public async Task Ranking_BestFirst_TiesByCode_OnlyThePopulationWithTheMeasure()
    {
        using var regulator = _factory.ClientWithKey(_keys["regulator 53"]);

        var growth = await regulator.GetJsonAsync("/api/v1/analytics/ranking?period=2022-12&measure=totalGrowthYtd");
        var share = await regulator.GetJsonAsync("/api/v1/analytics/ranking?jurisdiction=5301&period=2022-12&measure=creditShare");

        using (new AssertionScope())
        {
            growth["measure"]!.GetValue<string>().Should().Be("totalGrowthYtd");
            growth["items"]!.AsArray().Select(i => (i!["code"]!.GetValue<string>(), i["value"]!.GetValue<decimal>())).Should().Equal(
                ("PR-E", 30m), ("PR-B", 20m), ("PR-C", 20m), ("PR-A", 10m), ("PR-D", 5m), ("PR-F", 0m), ("PR-V", 0m));
            growth["items"]![0]!.AsObject().Select(p => p.Key).Should().Equal("code", "name", "category", "value");
            growth["items"]![6]!["category"]!.GetValue<string>().Should().Be("village");
            share["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()).Should().Equal(["PR-A", "PR-B", "PR-E", "PR-F", "PR-V"], "all 100 %, so by code");
        }
    }

    [Test]
    public async Task Ranking_LowerIsBetter_ForTheNplRatio_AndEmptyBeforeThePopulationReports()
    {
        using var admin = _factory.Admin();

        var npl = await admin.GetJsonAsync("/api/v1/analytics/ranking?jurisdiction=54&period=2022-12&measure=inclusiveNplRatio");
        var before = await admin.GetJsonAsync("/api/v1/analytics/ranking?jurisdiction=54&period=2020-12&measure=creditShare");

        npl["items"]!.AsArray().Select(i => (i!["code"]!.GetValue<string>(), i["value"]!.GetValue<decimal>())).Should().Equal(("SM-A", 0m), ("SM-B", 0m));
        before["items"]!.AsArray().Should().BeEmpty();
    }

    [TestCase("regulator 53", "PR-A")]
    [TestCase("admin", "PR-A")]
    public async Task Peers_OfAGroupOfSix_ShowTheGroupsFigures_ToARegulatorAndAnAdmin(string caller, string code)
    {
        using var client = _factory.ClientWithKey(caller == "admin" ? ComplianceApiFactory.AdminKey : _keys[caller]);

        var response = await client.GetAsync($"/api/v1/institutions/{code}/peers?period=2022-12");
        var body = await response.Content.ReadAsStringAsync();
        var answer = JsonNode.Parse(body)!.AsObject();

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, body);
            answer["period"]!.GetValue<string>().Should().Be("2022-12");
            answer["items"]!.AsArray().Select(i => i!["measure"]!.GetValue<string>()).Should().Equal(
                "inclusiveGrowthYtd", "totalGrowthYtd", "growthGapPp", "inclusiveNplRatio", "nplGapPp", "creditShare", "creditShareChangePp", "inclusiveBorrowersChange");
            var growth = Item(answer, "totalGrowthYtd");
            growth["value"]!.GetValue<decimal>().Should().Be(10m);
            Figures(growth["peers"]!).Should().Be(("rural 53", 6, 0m, 6.25m, 15m, 20m, 30m), "the village bank is not a peer");
            growth["percentile"]!.GetValue<decimal>().Should().Be(40m, "two of five others grew less");
            growth["reason"].Should().BeNull();
            Item(answer, "creditShare")["percentile"]!.GetValue<decimal>().Should().Be(50m, "all equal");
            Item(answer, "inclusiveBorrowersChange")["value"]!.GetValue<decimal>().Should().Be(0m);
            foreach (var other in Yunnan.Select(y => y.Code).Where(c => c != code))
            {
                body.Should().NotContain(other, "the group's figures name no member");
            }
        }
    }

    [Test]
    public async Task Peers_OfAGroupOfSix_ShowTheInstitutionItsGroupCountAndPercentile_AndNoFigureOfItsMembers()
    {
        using var bank = _factory.ClientWithKey(_keys["PR-A"]);

        var response = await bank.GetAsync("/api/v1/institutions/PR-A/peers?period=2022-12");
        var body = await response.Content.ReadAsStringAsync();
        var answer = JsonNode.Parse(body)!.AsObject();

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, body);
            foreach (var item in answer["items"]!.AsArray().Select(i => i!.AsObject()))
            {
                item["peers"]!.AsObject().Select(p => p.Key).Should().Equal(CountOnly, "below 20 members an institution key is sent no figure of its group");
                item["percentile"].Should().NotBeNull();
                item["reason"].Should().BeNull();
            }

            var growth = Item(answer, "totalGrowthYtd");
            growth["value"]!.GetValue<decimal>().Should().Be(10m);
            growth["peers"]!["group"]!.GetValue<string>().Should().Be("rural 53");
            growth["peers"]!["n"]!.GetValue<int>().Should().Be(6);
            growth["percentile"]!.GetValue<decimal>().Should().Be(40m, "two of five others grew less");
            body.Should().NotContainAny(["\"min\"", "\"q1\"", "\"median\"", "\"q3\"", "\"max\"", "\"mean\""], "members absent are not written at all, not even as null");
        }
    }

    [Test]
    public async Task Peers_OfTwentyOrMore_ShowTheInstitutionTheQuartiles_ButNeverTheExtremes()
    {
        using var bank = _factory.ClientWithKey(_keys[Guizhou[0]]);

        var response = await bank.GetAsync($"/api/v1/institutions/{Guizhou[0]}/peers?period=2022-12");
        var body = await response.Content.ReadAsStringAsync();
        var answer = JsonNode.Parse(body)!.AsObject();

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, body);
            var share = Item(answer, "creditShare");
            share["value"]!.GetValue<decimal>().Should().Be(5m);
            share["peers"]!.AsObject().Select(p => p.Key).Should().Equal(WithQuartiles);
            share["peers"]!["n"]!.GetValue<int>().Should().Be(20);
            // 5, 10, …, 100: at (n − 1)·p = 4.75, 9.5 and 14.25.
            (share["peers"]!["q1"]!.GetValue<decimal>(), share["peers"]!["median"]!.GetValue<decimal>(), share["peers"]!["q3"]!.GetValue<decimal>())
                .Should().Be((28.75m, 52.5m, 76.25m));
            share["percentile"]!.GetValue<decimal>().Should().Be(0m, "no other member has a smaller share");
            var growth = Item(answer, "totalGrowthYtd");
            growth["peers"]!["n"]!.GetValue<int>().Should().Be(19, "the bank without a December 2021 has no growth");
            growth["peers"]!.AsObject().Select(p => p.Key).Should().Equal(CountOnly);
            body.Should().NotContainAny(["\"min\"", "\"max\"", "\"mean\""], "the extremes are never sent to an institution key");
        }
    }

    [TestCase("regulator 52")]
    [TestCase("admin")]
    public async Task Peers_OfTwentyOrMore_ShowARegulatorAndAnAdminEveryFigure(string caller)
    {
        using var client = _factory.ClientWithKey(caller == "admin" ? ComplianceApiFactory.AdminKey : _keys[caller]);

        var answer = await client.GetJsonAsync($"/api/v1/institutions/{Guizhou[0]}/peers?period=2022-12");

        using (new AssertionScope())
        {
            Figures(Item(answer, "creditShare")["peers"]!).Should().Be(("rural 52", 20, 5m, 28.75m, 52.5m, 76.25m, 100m));
            Item(answer, "totalGrowthYtd")["peers"]!.AsObject().Select(p => p.Key).Should().Equal("group", "n", "min", "q1", "median", "q3", "max");
        }
    }

    [Test]
    public async Task Peers_OfAGroupOfTwo_AreNullWithTheReason_ForTheInstitution()
    {
        using var bank = _factory.ClientWithKey(_keys["SM-A"]);

        var answer = await bank.GetJsonAsync("/api/v1/institutions/SM-A/peers?period=2022-12");

        using (new AssertionScope())
        {
            foreach (var item in answer["items"]!.AsArray().Select(i => i!.AsObject()))
            {
                item.Should().ContainKeys(["peers", "percentile"], "below 5 they are null, not absent");
                item["peers"].Should().BeNull();
                item["percentile"].Should().BeNull();
                item["reason"]!.GetValue<string>().Should().Be("fewer than 5 peers");
            }

            Item(answer, "totalGrowthYtd")["value"]!.GetValue<decimal>().Should().Be(10m, "its own value is its own");
        }
    }

    [TestCase("regulator 54")]
    [TestCase("admin")]
    public async Task Peers_OfAGroupOfTwo_AreShown_ToARegulatorAndAnAdmin(string caller)
    {
        using var client = _factory.ClientWithKey(caller == "admin" ? ComplianceApiFactory.AdminKey : _keys[caller]);

        var answer = await client.GetJsonAsync("/api/v1/institutions/SM-A/peers?period=2022-12");

        var growth = Item(answer, "totalGrowthYtd");
        using (new AssertionScope())
        {
            Figures(growth["peers"]!).Should().Be(("rural 54", 2, 10m, 10m, 10m, 10m, 10m));
            growth["percentile"]!.GetValue<decimal>().Should().Be(50m);
            growth["reason"].Should().BeNull();
        }
    }

    [Test]
    public async Task Peers_AloneInItsGroup_HaveNoPercentile()
    {
        using var admin = _factory.Admin();

        var answer = await admin.GetJsonAsync("/api/v1/institutions/PR-V/peers?period=2022-12");

        var growth = Item(answer, "totalGrowthYtd");
        growth["peers"]!["n"]!.GetValue<int>().Should().Be(1);
        growth["percentile"].Should().BeNull();
    }

    [TestCase("?period=2022-12&measure=bestBank", "measure")]
    [TestCase("?period=2022-12&measure=CreditShare", "measure")]
    [TestCase("?period=2022-12", "measure")]
    [TestCase("?measure=creditShare", "period")]
    [TestCase("?jurisdiction=5&period=2022-12&measure=creditShare", "jurisdiction")]
    public async Task Ranking_Malformed_Answers400NamingTheField(string query, string field)
    {
        using var admin = _factory.Admin();

        var response = await admin.GetAsync($"/api/v1/analytics/ranking{query}");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain(field);
    }

    [TestCase("PR-A", "?jurisdiction=53&period=2022-12&measure=creditShare")]
    [TestCase("regulator 54", "?jurisdiction=53&period=2022-12&measure=creditShare")]
    [TestCase("regulator 53", "?jurisdiction=&period=2022-12&measure=creditShare")]
    public async Task Ranking_ForAnInstitutionOrOutsideTheJurisdiction_Answers403(string caller, string query)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);

        var response = await client.GetAsync($"/api/v1/analytics/ranking{query}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [TestCase("SM-A", "PR-A")]
    [TestCase("regulator 54", "PR-A")]
    [TestCase("regulator 53", "NO-SUCH")]
    public async Task Peers_OfAnInstitutionTheCallerCannotSee_Answer404(string caller, string code)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);

        var response = await client.GetAsync($"/api/v1/institutions/{code}/peers?period=2022-12");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task Peers_WithoutAPeriod_Answer400()
    {
        using var bank = _factory.ClientWithKey(_keys["PR-A"]);

        var response = await bank.GetAsync("/api/v1/institutions/PR-A/peers");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain("period");
    }
}
