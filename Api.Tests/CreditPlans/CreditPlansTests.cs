using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Api.Tests.CreditPlans;

/// <summary>
/// api.md, "Institutions and keys": a branch's credit plans, recorded by its supervisor. Every change is a new version
/// that keeps the earlier ones and is audited; an institution key reads its plans but never its supervisor's key id or
/// name, and may not change them.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class CreditPlansTests(TestDatabase database)
{
    private static readonly Instant Now = Instant.FromUtc(2023, 3, 20, 2, 0);

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private IssuedKey _linyi = null!;
    private IssuedKey _elsewhere = null!;
    private int _codes;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database, now: Now);
        _admin = _factory.Admin();
        _linyi = await _factory.IssueRegulatorKeyAsync("3713");
        _elsewhere = await _factory.IssueRegulatorKeyAsync("3714");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Put_FirstPlanThenANewVersion_Answers201Then200_AndTheListHasEveryYearNewestFirstWithItsHistory()
    {
        var code = await BranchAsync();
        using var regulator = _factory.ClientWithKey(_linyi.Key);

        var first = await PutAsync(_admin, code, 2023, new { inclusiveIncrease = 1_000_000.00m, note = "总行下达 2023 年计划" });
        var second = await PutAsync(regulator, code, 2023, new { inclusiveIncrease = 1_200_000.50m, note = "总行追加计划" });
        var other = await PutAsync(_admin, code, 2022, new { inclusiveIncrease = 0m, note = "2022 年未下达增量" });
        var items = (await _admin.GetJsonAsync($"/api/v1/institutions/{code}/credit-plans"))["items"]!.AsArray();

        using var scope = new AssertionScope();
        first.StatusCode.Should().Be(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        second.StatusCode.Should().Be(HttpStatusCode.OK, await second.Content.ReadAsStringAsync());
        other.StatusCode.Should().Be(HttpStatusCode.Created, await other.Content.ReadAsStringAsync());
        (await first.JsonAsync())["version"]!.GetValue<int>().Should().Be(1);
        items.Select(i => i!["year"]!.GetValue<int>()).Should().Equal(2023, 2022);
        var latest = items[0]!.AsObject();
        latest["inclusiveIncrease"]!.GetValue<decimal>().Should().Be(1_200_000.50m);
        latest["note"]!.GetValue<string>().Should().Be("总行追加计划");
        latest["version"]!.GetValue<int>().Should().Be(2);
        latest["setAt"]!.GetValue<string>().Should().Be(InstantPattern.ExtendedIso.Format(Now));
        SetBy(latest).Should().Equal(("role", "regulator"), ("keyId", _linyi.Id), ("name", "regulator 3713"));
        JsonNode.DeepEquals(latest, await second.JsonAsync()).Should().BeTrue("a change answers the year's item as the list has it");
        var history = latest["history"]!.AsArray().Select(h => h!.AsObject()).ToList();
        history.Should().ContainSingle();
        history[0]["version"]!.GetValue<int>().Should().Be(1);
        history[0]["inclusiveIncrease"]!.GetValue<decimal>().Should().Be(1_000_000m);
        history[0]["note"]!.GetValue<string>().Should().Be("总行下达 2023 年计划");
        SetBy(history[0]).Select(p => p.Name).Should().Equal("role", "keyId", "name");
        history[0]["setBy"]!["name"]!.GetValue<string>().Should().Be("bootstrap");
        items[1]!["inclusiveIncrease"]!.GetValue<decimal>().Should().Be(0m);
        items[1]!["history"]!.AsArray().Should().BeEmpty();
    }

    [Test]
    public async Task Get_ByTheInstitutionsOwnKey_ShowsEachSetterByItsRoleAlone()
    {
        var code = await BranchAsync();
        var bank = await _factory.IssueInstitutionKeyAsync(code);
        using var regulator = _factory.ClientWithKey(_linyi.Key);
        await PutAsync(regulator, code, 2023, new { inclusiveIncrease = 500_000m, note = "计划" });
        await PutAsync(_admin, code, 2023, new { inclusiveIncrease = 600_000m, note = "调整" });
        using var client = _factory.ClientWithKey(bank.Key);

        var response = await client.GetAsync($"/api/v1/institutions/{code}/credit-plans");
        var body = await response.Content.ReadAsStringAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var item = JsonNode.Parse(body)!["items"]![0]!.AsObject();
        SetBy(item).Should().Equal(("role", "admin"));
        SetBy(item["history"]![0]!.AsObject()).Should().Equal(("role", "regulator"));
        body.Should().NotContain("regulator 3713").And.NotContain("bootstrap").And.NotContain("keyId");
    }

    [Test]
    public async Task Delete_WithANote_Answers204_KeepsEveryVersion_AndLeavesTheYearWithoutAPlan()
    {
        var code = await BranchAsync();
        await PutAsync(_admin, code, 2023, new { inclusiveIncrease = 800_000m, note = "计划" });

        var deleted = await DeleteAsync(_admin, code, 2023, new { note = "计划录错，撤销" });
        var again = await DeleteAsync(_admin, code, 2023, new { note = "再次撤销" });
        var never = await DeleteAsync(_admin, code, 2021, new { note = "从未录入" });
        var item = (await _admin.GetJsonAsync($"/api/v1/institutions/{code}/credit-plans"))["items"]!.AsArray().Single()!.AsObject();
        var restored = await PutAsync(_admin, code, 2023, new { inclusiveIncrease = 900_000m, note = "重新录入" });

        using var scope = new AssertionScope();
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent, await deleted.Content.ReadAsStringAsync());
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, "conflict");
        await never.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        item["year"]!.GetValue<int>().Should().Be(2023);
        item["inclusiveIncrease"].Should().BeNull("the latest version deleted the plan");
        item["note"]!.GetValue<string>().Should().Be("计划录错，撤销");
        item["version"]!.GetValue<int>().Should().Be(2);
        item["history"]!.AsArray().Select(h => h!["inclusiveIncrease"]!.GetValue<decimal>()).Should().Equal(800_000m);
        restored.StatusCode.Should().Be(HttpStatusCode.OK, "a plan set again after a delete is the year's next version");
        (await restored.JsonAsync())["version"]!.GetValue<int>().Should().Be(3);
    }

    [TestCase("1999", """{"inclusiveIncrease": 1, "note": "n"}""", "year")]
    [TestCase("2101", """{"inclusiveIncrease": 1, "note": "n"}""", "year")]
    [TestCase("20x3", """{"inclusiveIncrease": 1, "note": "n"}""", "year")]
    [TestCase("2023", """{"inclusiveIncrease": -0.01, "note": "n"}""", "inclusiveIncrease")]
    [TestCase("2023", """{"inclusiveIncrease": 1.001, "note": "n"}""", "inclusiveIncrease")]
    [TestCase("2023", """{"inclusiveIncrease": 1000000000000, "note": "n"}""", "inclusiveIncrease")]
    [TestCase("2023", """{"inclusiveIncrease": "cent", "note": "n"}""", "inclusiveIncrease")]
    [TestCase("2023", """{"note": "n"}""", "inclusiveIncrease")]
    [TestCase("2023", """{"inclusiveIncrease": 1}""", "note")]
    [TestCase("2023", """{"inclusiveIncrease": 1, "note": ""}""", "note")]
    [TestCase("2023", """{"inclusiveIncrease": 1, "note": "   "}""", "note")]
    [TestCase("2023", """{"inclusiveIncrease": 1, "note": "a\u0007b"}""", "note")]
    [TestCase("2023", """{"inclusiveIncrease": 1, "note": "LONG"}""", "note")]
    public async Task Put_OutsideWhatItAccepts_Answers400NamingTheField_AndStoresNothing(string year, string body, string field)
    {
        var code = await BranchAsync();

        var response = await _admin.PutAsync($"/api/v1/institutions/{code}/credit-plans/{year}", Json(body.Replace("LONG", new string('计', 2001), StringComparison.Ordinal)));

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal(field);
        (await _admin.GetJsonAsync($"/api/v1/institutions/{code}/credit-plans"))["items"]!.AsArray().Should().BeEmpty("an invalid request stores nothing");
    }

    [TestCase(2000, "0")]
    [TestCase(2100, "999999999999.99")]
    [TestCase(2023, "12.3")]
    public async Task Put_AtTheEndsOfWhatItAccepts_IsStoredExactly(int year, string increase)
    {
        var code = await BranchAsync();
        var note = new string('计', 2000);

        var response = await _admin.PutAsync($"/api/v1/institutions/{code}/credit-plans/{year}", Json($$"""{"inclusiveIncrease": {{increase}}, "note": "{{note}}"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var item = (await _admin.GetJsonAsync($"/api/v1/institutions/{code}/credit-plans"))["items"]![0]!;
        item["year"]!.GetValue<int>().Should().Be(year);
        item["inclusiveIncrease"]!.GetValue<decimal>().Should().Be(decimal.Parse(increase, System.Globalization.CultureInfo.InvariantCulture));
        item["note"]!.GetValue<string>().Should().Be(note);
    }

    [TestCase("")]
    [TestCase("{}")]
    [TestCase("""{"note": ""}""")]
    [TestCase("""{"note": null}""")]
    public async Task Delete_WithoutANote_Answers400NamingIt_AndKeepsThePlan(string body)
    {
        var code = await BranchAsync();
        await PutAsync(_admin, code, 2023, new { inclusiveIncrease = 800_000m, note = "计划" });
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/institutions/{code}/credit-plans/2023")
        {
            Content = body.Length == 0 ? null : Json(body),
        };

        var response = await _admin.SendAsync(request);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("note");
        (await _admin.GetJsonAsync($"/api/v1/institutions/{code}/credit-plans"))["items"]![0]!["inclusiveIncrease"]!.GetValue<decimal>().Should().Be(800_000m);
    }

    [Test]
    public async Task Changes_ByAnInstitutionKey_Answer403_ByAKeyThatCannotSeeTheInstitution_Answer404_AndStoreNothing()
    {
        var code = await BranchAsync();
        var other = await BranchAsync();
        await PutAsync(_admin, code, 2023, new { inclusiveIncrease = 800_000m, note = "计划" });
        using var own = _factory.ClientWithKey((await _factory.IssueInstitutionKeyAsync(code)).Key);
        using var otherBank = _factory.ClientWithKey((await _factory.IssueInstitutionKeyAsync(other)).Key);
        using var elsewhere = _factory.ClientWithKey(_elsewhere.Key);
        var valid = new { inclusiveIncrease = 1m, note = "改" };
        var invalid = new { inclusiveIncrease = -1m };

        using var scope = new AssertionScope();
        await (await PutAsync(own, code, 2023, valid)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await PutAsync(own, code, 2023, invalid)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await DeleteAsync(own, code, 2023, new { note = "删" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        (await own.GetAsync($"/api/v1/institutions/{code}/credit-plans")).StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var stranger in new[] { otherBank, elsewhere })
        {
            await (await PutAsync(stranger, code, 2023, valid)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
            await (await PutAsync(stranger, code, 2023, invalid)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
            await (await DeleteAsync(stranger, code, 2023, new { note = "删" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
            await (await stranger.GetAsync($"/api/v1/institutions/{code}/credit-plans")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        }

        await (await PutAsync(_admin, "NO-SUCH-BANK", 2023, valid)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await _admin.GetAsync("/api/v1/institutions/NO-SUCH-BANK/credit-plans")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        var item = (await _admin.GetJsonAsync($"/api/v1/institutions/{code}/credit-plans"))["items"]![0]!;
        item["version"]!.GetValue<int>().Should().Be(1, "no refused request stored a version");
        item["inclusiveIncrease"]!.GetValue<decimal>().Should().Be(800_000m);
    }

    [Test]
    public async Task Changes_AreAudited_WithTheKeyAndTheInstitution()
    {
        var code = await BranchAsync();
        using var regulator = _factory.ClientWithKey(_linyi.Key);
        await PutAsync(regulator, code, 2023, new { inclusiveIncrease = 800_000m, note = "计划" });
        await DeleteAsync(_admin, code, 2023, new { note = "撤销" });

        var rows = await Eventually.UntilAsync(
            async () => (await _admin.GetJsonAsync("/api/v1/audit?pageSize=500"))["items"]!.AsArray().Select(i => i!.AsObject())
                .Where(i => i["path"]!.GetValue<string>() == $"/api/v1/institutions/{code}/credit-plans/2023").ToList(),
            found => found.Count == 2,
            "both changes to be audited");

        using var scope = new AssertionScope();
        rows.Select(r => (r["method"]!.GetValue<string>(), r["status"]!.GetValue<int>(), r["role"]!.GetValue<string>(), r["institution"]!.GetValue<string>(),
                r["route"]!.GetValue<string>()))
            .Should().BeEquivalentTo(
            [
                ("PUT", 201, "regulator", code, "/api/v1/institutions/{code}/credit-plans/{year}"),
                ("DELETE", 204, "admin", code, "/api/v1/institutions/{code}/credit-plans/{year}"),
            ]);
        rows.Single(r => r["method"]!.GetValue<string>() == "PUT")["keyId"]!.GetValue<string>().Should().Be(_linyi.Id);
        rows.Single(r => r["method"]!.GetValue<string>() == "DELETE")["keyId"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }

    /// <summary>A county branch of a large bank in Linyi, with no plan yet.</summary>
    private async Task<string> BranchAsync()
    {
        var code = $"CP-{database}-{Interlocked.Increment(ref _codes)}";
        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"国有银行临沂某支行 {code}", category = "large_state", legalPerson = false, localLegalPerson = false, level = "county",
            regionCode = "371302", reportingFrom = "2021-01",
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return code;
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string code, int year, object body) =>
        client.PutAsJsonAsync($"/api/v1/institutions/{code}/credit-plans/{year}", body);

    private static Task<HttpResponseMessage> DeleteAsync(HttpClient client, string code, int year, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/institutions/{code}/credit-plans/{year}") { Content = JsonContent.Create(body) });

    private static List<(string Name, string Value)> SetBy(JsonObject version) =>
        [.. version["setBy"]!.AsObject().Select(p => (p.Key, p.Value!.GetValue<string>()))];

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
