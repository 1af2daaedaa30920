using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Analytics;

/// <summary>
/// Regional targets as data (analytics.md, "Regional targets"): the ten built-in ones seeded at first start, listed
/// for a jurisdiction with those of every prefix of it, new versions by an admin, and every malformed target refused
/// with the field named and nothing stored.
/// </summary>
public sealed class TargetsTests
{
    private ComplianceApiFactory _factory = null!;
    private string _regulator37 = null!;
    private string _institution = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Limits:PermitsPerSecond"] = "0" });
        _regulator37 = await _factory.CreateRegulatorAsync("37");
        _institution = await _factory.CreateInstitutionAsync("TG-1", "371302");
        var filer = await _factory.CreateInstitutionAsync("TG-P1", "520102");
        var nonFiler = await _factory.CreateInstitutionAsync("TG-P2", "520103");
        await SubmitAsync(filer, ("2021-12", 1_000_000m), ("2022-03", 1_150_000m));
        await SubmitAsync(nonFiler, ("2021-12", 500_000m));
        using var admin = _factory.Admin();
        await admin.WaitForAllEvaluationsAsync();
        (await admin.PutAsJsonAsync("/api/v1/targets/tg-guizhou-growth", new
        {
            name = new { zh = "各项贷款增速不低于10%", en = "Total loans grow by at least 10%" }, jurisdiction = "5201", year = 2022, population = new { },
            measure = "growthPct(totalBalance)", op = ">=", value = 10,
        })).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    private async Task SubmitAsync(string key, params (string Period, decimal Balance)[] periods)
    {
        using var bank = _factory.ClientWithKey(key);
        foreach (var (period, balance) in periods)
        {
            await bank.SubmitAcceptedAsync(period, Ledgers.Csv(Ledgers.Row("L1", amount: 3_000_000m, balance: balance, creditLine: 5_000_000m)));
        }
    }

    private static object Target(string jurisdiction = "4101", object? value = null, string measure = "increase(operatingBalance)") => new
    {
        name = new { zh = "经营性贷款增加", en = "Operating loans up" }, source = "通知", jurisdiction, year = 2022, population = new { },
        measure, op = ">=", value = value ?? 1_000_000.5m,
    };

    private static List<string> Ids(JsonObject list) => [.. list["items"]!.AsArray().Select(t => t!["id"]!.GetValue<string>())];

    [TestCase("141102", new[] { "luliang-borrowers", "luliang-credit-share", "luliang-inclusive-vs-total", "luliang-local-vs-national", "luliang-national-banks", "luliang-total-growth" })]
    [TestCase("1411", new[] { "luliang-borrowers", "luliang-credit-share", "luliang-inclusive-vs-total", "luliang-local-vs-national", "luliang-national-banks", "luliang-total-growth" })]
    [TestCase("37", new[] { "shandong-inclusive-disbursed", "shandong-operating-increase" })]
    [TestCase("371302", new[] { "shandong-inclusive-disbursed", "shandong-operating-increase", "linyi-inclusive-disbursed", "linyi-operating-increase" })]
    [TestCase("", new string[0])]
    public async Task Seeded_ListedForTheJurisdictionAndEveryPrefixOfIt(string jurisdiction, string[] ids)
    {
        using var admin = _factory.Admin();

        var list = await admin.GetJsonAsync($"/api/v1/targets?jurisdiction={jurisdiction}&year=2022");

        Ids(list).Should().Equal(ids, "widest jurisdiction first, then by id");
    }

    [Test]
    public async Task Seeded_AsTheSpecWritesThem()
    {
        using var admin = _factory.Admin();

        var items = (await admin.GetJsonAsync("/api/v1/targets?jurisdiction=1411&year=2022"))["items"]!.AsArray().ToDictionary(t => t!["id"]!.GetValue<string>());

        var versus = items["luliang-local-vs-national"]!;
        versus["version"]!.GetValue<int>().Should().Be(1);
        versus["population"]!["localLegalPerson"]!.GetValue<bool>().Should().BeTrue();
        versus["measure"]!.GetValue<string>().Should().Be("growthPct(inclusiveBalance)");
        versus["op"]!.GetValue<string>().Should().Be(">");
        versus["value"].Should().BeNull();
        versus["versus"]!["population"]!["categories"]!.AsArray().Select(c => c!.GetValue<string>()).Should().Equal("large_state", "joint_stock", "policy");
        items["luliang-national-banks"]!["population"]!["categories"]!.AsArray().Select(c => c!.GetValue<string>()).Should().Equal("large_state", "joint_stock", "policy");
        items.Values.Should().OnlyContain(t => t!["source"]!.GetValue<string>() == "《中国人民银行吕梁市中心支行关于金融支持吕梁市场主体倍增工程的实施意见》");
        versus["createdBy"]!.GetValue<string>().Should().Be("system");
        versus["versus"]!["measure"]!.GetValue<string>().Should().Be("growthPct(inclusiveBalance)");
        versus["scope"]!.GetValue<string>().Should().Be("pboc");
        versus["name"]!["zh"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        items["luliang-total-growth"]!["value"]!.GetValue<decimal>().Should().Be(10m);
        items["luliang-total-growth"]!["scope"].Should().BeNull();
    }

    [Test]
    public async Task OtherYears_HaveNone()
    {
        using var admin = _factory.Admin();

        Ids(await admin.GetJsonAsync("/api/v1/targets?jurisdiction=1411&year=2023")).Should().BeEmpty();
    }

    [Test]
    public async Task Regulator_ItsOwnByDefault_OrOneInsideIt_NeverWider()
    {
        using var regulator = _factory.ClientWithKey(_regulator37);

        Ids(await regulator.GetJsonAsync("/api/v1/targets?year=2022")).Should().Equal("shandong-inclusive-disbursed", "shandong-operating-increase");
        Ids(await regulator.GetJsonAsync("/api/v1/targets?jurisdiction=3713&year=2022")).Should().HaveCount(4);
        await (await regulator.GetAsync("/api/v1/targets?jurisdiction=&year=2022")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await regulator.GetAsync("/api/v1/targets?jurisdiction=1411&year=2022")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Test]
    public async Task Institution_Forbidden()
    {
        using var bank = _factory.ClientWithKey(_institution);

        await (await bank.GetAsync("/api/v1/targets?year=2022")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await bank.PutAsJsonAsync("/api/v1/targets/tg-bank", Target())).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [TestCase("/api/v1/targets?jurisdiction=1411", "year")]
    [TestCase("/api/v1/targets?jurisdiction=1411&year=20x2", "year")]
    [TestCase("/api/v1/targets?jurisdiction=141&year=2022", "jurisdiction")]
    public async Task MalformedQuery_Invalid(string url, string field)
    {
        using var admin = _factory.Admin();

        var problem = await (await admin.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        problem.ErrorFields().Should().Contain(field);
    }

    [Test]
    public async Task Put_Creates_ThenAddsVersions()
    {
        using var admin = _factory.Admin();

        var created = await admin.PutAsJsonAsync("/api/v1/targets/tg-henan", Target());
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var first = await created.JsonAsync();
        first["version"]!.GetValue<int>().Should().Be(1);
        first["value"]!.GetValue<decimal>().Should().Be(1_000_000.5m);
        first["createdBy"]!.GetValue<string>().Should().Be((await admin.GetJsonAsync("/api/v1/me"))["keyId"]!.GetValue<string>(), "the admin's key put it");

        var changed = await admin.PutAsJsonAsync("/api/v1/targets/tg-henan", Target(value: 2_000_000));
        changed.StatusCode.Should().Be(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        (await changed.JsonAsync())["version"]!.GetValue<int>().Should().Be(2);

        var listed = (await admin.GetJsonAsync("/api/v1/targets?jurisdiction=410102&year=2022"))["items"]!.AsArray().Single(t => t!["id"]!.GetValue<string>() == "tg-henan")!;
        listed["version"]!.GetValue<int>().Should().Be(2);
        listed["value"]!.GetValue<decimal>().Should().Be(2_000_000m);
    }

    [Test]
    public async Task Put_ANewVersionOfABuiltInTarget()
    {
        using var admin = _factory.Admin();
        var current = (await admin.GetJsonAsync("/api/v1/targets?jurisdiction=1411&year=2022"))["items"]!.AsArray()
            .Single(t => t!["id"]!.GetValue<string>() == "luliang-borrowers")!.AsObject();
        current["value"] = 100;

        var put = await admin.PutAsJsonAsync("/api/v1/targets/luliang-borrowers", current);

        put.StatusCode.Should().Be(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        (await put.JsonAsync())["version"]!.GetValue<int>().Should().Be(2);
    }

    [TestCase("""{"measure": "ratio(totalBalance)"}""", "measure")]
    [TestCase("""{"measure": "growthPct(loans)"}""", "measure")]
    [TestCase("""{"measure": "cumulative(totalBalance)"}""", "measure")]
    [TestCase("""{"op": "<"}""", "op")]
    [TestCase("""{"population": {"region": "41"}}""", "population.region")]
    [TestCase("""{"population": {"categories": ["bank"]}}""", "population.categories")]
    [TestCase("""{"versus": {"population": {}, "measure": "increase(totalBalance)"}}""", "value")]
    [TestCase("""{"measure": "growthPct(inclusiveBalance)"}""", "scope")]
    public async Task Put_Malformed_InvalidNamingTheField_AndStoresNothing(string changes, string field)
    {
        using var admin = _factory.Admin();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Target("5101")))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(changes)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        var id = "tg-bad-" + field.Replace('.', '-');
        var problem = await (await admin.PutAsJsonAsync($"/api/v1/targets/{id}", body)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        problem.ErrorFields().Should().Contain(field);
        Ids(await admin.GetJsonAsync("/api/v1/targets?jurisdiction=5101&year=2022")).Should().NotContain(id);
    }

    [Test]
    public async Task Put_NotJson_Invalid()
    {
        using var admin = _factory.Admin();

        var answer = await admin.PutAsync("/api/v1/targets/tg-text", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        (await answer.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain("body");
    }

    [Test]
    public async Task Put_ByARegulator_Forbidden()
    {
        using var regulator = _factory.ClientWithKey(_regulator37);

        await (await regulator.PutAsJsonAsync("/api/v1/targets/tg-37", Target("37"))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Test]
    public async Task Progress_MonthsCoverageProjectionAndStatus()
    {
        using var admin = _factory.Admin();

        var progress = await admin.GetJsonAsync("/api/v1/targets/tg-guizhou-growth/progress?year=2022");

        progress["target"]!["id"]!.GetValue<string>().Should().Be("tg-guizhou-growth");
        var months = progress["months"]!.AsArray();
        months.Select(m => m!["period"]!.GetValue<string>()).Should().Equal(Enumerable.Range(1, 12).Select(m => $"2022-{m:00}"));
        months[0]!["value"].Should().BeNull("no institution filed January");
        months[0]!["coverage"]!["included"]!.GetValue<int>().Should().Be(0);
        months[0]!["coverage"]!["expected"]!.GetValue<int>().Should().Be(2);
        months[2]!["value"]!.GetValue<decimal>().Should().Be(15m, "(1,150,000 − 1,000,000) / 1,000,000 × 100, TG-P2 left out");
        months[2]!["threshold"]!.GetValue<decimal>().Should().Be(10m);
        months[2]!["met"]!.GetValue<bool>().Should().BeTrue();
        months[2]!["coverage"]!["included"]!.GetValue<int>().Should().Be(1);
        months[2]!["coverage"]!["expected"]!.GetValue<int>().Should().Be(2);
        progress["projection"]!["period"]!.GetValue<string>().Should().Be("2022-12");
        progress["projection"]!["value"]!.GetValue<decimal>().Should().Be(60m, "15 × 12 / 3");
        progress["projection"]!["met"]!.GetValue<bool>().Should().BeTrue();
        progress["status"]!.GetValue<string>().Should().Be("onTrack");
    }

    [Test]
    public async Task Progress_NoSnapshots_NoData()
    {
        using var admin = _factory.Admin();

        var progress = await admin.GetJsonAsync("/api/v1/targets/luliang-total-growth/progress?year=2022");

        progress["status"]!.GetValue<string>().Should().Be("noData");
        progress["projection"].Should().BeNull();
        progress["months"]!.AsArray().Should().HaveCount(12);
    }

    [Test]
    public async Task Progress_Refusals()
    {
        using var admin = _factory.Admin();
        using var regulator = _factory.ClientWithKey(_regulator37);
        using var bank = _factory.ClientWithKey(_institution);
        using var inside = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3713"));

        await (await admin.GetAsync("/api/v1/targets/tg-none/progress?year=2022")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        (await (await admin.GetAsync("/api/v1/targets/luliang-total-growth/progress")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request"))
            .ErrorFields().Should().Contain("year");
        await (await bank.GetAsync("/api/v1/targets/linyi-operating-increase/progress?year=2022")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await regulator.GetAsync("/api/v1/targets/luliang-total-growth/progress?year=2022")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        (await inside.GetJsonAsync("/api/v1/targets/shandong-operating-increase/progress?year=2022"))["extent"]!.GetValue<string>().Should().Be("contribution");
        (await inside.GetJsonAsync("/api/v1/targets/linyi-operating-increase/progress?year=2022"))["status"]!.GetValue<string>().Should().Be("noData");
        (await regulator.GetJsonAsync("/api/v1/targets/linyi-operating-increase/progress?year=2022"))["months"]!.AsArray().Should().HaveCount(12);
    }
}
