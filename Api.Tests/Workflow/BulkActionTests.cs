using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Api.Tests.Workflow;

/// <summary>
/// <c>POST /exceptions/bulk</c> (api.md, "Exceptions"): each id decided as its own action would be and answered in the
/// order sent, the refused ones with the problem type of that action's answer (an id the key may not see exactly as
/// one that does not exist), the done ones with one event each; a malformed request changes nothing; one audit row.
/// Each test works the exceptions of its own new institution in Linyi (371302), from the example ledger.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class BulkActionTests(TestDatabase database)
{
    private static readonly Instant Now = Instant.FromUtc(2023, 1, 20, 2, 0);

    private readonly List<HttpClient> _clients = [];
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private HttpClient _regulator = null!;
    private int _institutions;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database, now: Now);
        _admin = _factory.Admin();
        _regulator = _factory.ClientWithKey((await _factory.IssueRegulatorKeyAsync("3713")).Key);
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _regulator?.Dispose();
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Resolve_AnswersEachIdInTheOrderSent_DoneOrRefusedWithItsProblem()
    {
        var (ids, _) = await NewExceptionsAsync();
        (await _regulator.PostAsJsonAsync($"/api/v1/exceptions/{ids[1]}/resolve", new { note = "先行办结" })).EnsureSuccessStatusCode();
        var (elsewhere, _) = await NewExceptionsAsync("410102");
        var before = await EventCountsAsync(ids[1], elsewhere[0]);

        var answer = await BulkAsync(_regulator, new { ids = new[] { ids[2], ids[1], elsewhere[0], "999999999", "not-an-id", ids[0] }, action = "resolve", note = "批量办结" });

        using var scope = new AssertionScope();
        answer.Select(i => i.ToJsonString()).Should().Equal(
            $$"""{"id":"{{ids[2]}}","outcome":"done","status":"resolved"}""",
            $$"""{"id":"{{ids[1]}}","outcome":"refused","problem":"/problems/invalid-transition"}""",
            $$"""{"id":"{{elsewhere[0]}}","outcome":"refused","problem":"/problems/not-found"}""",
            """{"id":"999999999","outcome":"refused","problem":"/problems/not-found"}""",
            """{"id":"not-an-id","outcome":"refused","problem":"/problems/not-found"}""",
            $$"""{"id":"{{ids[0]}}","outcome":"done","status":"resolved"}""");
        foreach (var id in new[] { ids[0], ids[2] })
        {
            var exception = await _admin.GetJsonAsync($"/api/v1/exceptions/{id}");
            exception["status"]!.GetValue<string>().Should().Be("resolved");
            var events = exception["events"]!.AsArray();
            events.Should().HaveCount(2, "a done action is one event");
            events[^1]!["kind"]!.GetValue<string>().Should().Be("resolved");
            events[^1]!["note"]!.GetValue<string>().Should().Be("批量办结");
            events[^1]!["actor"]!["role"]!.GetValue<string>().Should().Be("regulator");
        }

        (await EventCountsAsync(ids[1], elsewhere[0])).Should().Equal(before, "a refused id is left as it was");
    }

    [Test]
    public async Task InvisibleId_IsAnsweredExactlyAsAMissingOne()
    {
        var (elsewhere, _) = await NewExceptionsAsync("410102");

        var answer = await BulkAsync(_regulator, new { ids = new[] { elsewhere[0], "999999999" }, action = "waive", note = "暂缓" });
        var single = await _regulator.PostAsJsonAsync($"/api/v1/exceptions/{elsewhere[0]}/waive", new { note = "暂缓" });

        using var scope = new AssertionScope();
        answer[0]!.AsObject().Where(p => p.Key != "id").Select(p => (p.Key, p.Value!.ToJsonString()))
            .Should().Equal(answer[1]!.AsObject().Where(p => p.Key != "id").Select(p => (p.Key, p.Value!.ToJsonString())));
        answer[0]["problem"]!.GetValue<string>().Should().Be((await single.JsonAsync())["type"]!.GetValue<string>());
    }

    [Test]
    public async Task RoleThatMayNotAct_HasVisibleIdsForbidden_AndOthersNotFound_BeforeTheStatus()
    {
        var (mine, bank) = await NewExceptionsAsync();
        (await _regulator.PostAsJsonAsync($"/api/v1/exceptions/{mine[1]}/resolve", new { note = "已办结" })).EnsureSuccessStatusCode();
        var (others, _) = await NewExceptionsAsync();

        var asBank = await BulkAsync(bank, new { ids = new[] { mine[0], mine[1], others[0] }, action = "resolve", note = "自行办结" });
        var asRegulator = await BulkAsync(_regulator, new { ids = new[] { mine[0] }, action = "explanation", text = "代为说明" });

        using var scope = new AssertionScope();
        asBank.Select(i => (i["outcome"]!.GetValue<string>(), i["problem"]!.GetValue<string>())).Should().Equal(
            ("refused", "/problems/forbidden"), ("refused", "/problems/forbidden"), ("refused", "/problems/not-found"));
        asRegulator.Single()["problem"]!.GetValue<string>().Should().Be("/problems/forbidden");
        (await _admin.GetJsonAsync($"/api/v1/exceptions/{mine[0]}"))["status"]!.GetValue<string>().Should().Be("open");
    }

    [Test]
    public async Task Explanation_ByTheInstitution_RecordsItsReasonCodeAsTheSingleActionDoes()
    {
        var (ids, bank) = await NewExceptionsAsync();

        var answer = await BulkAsync(bank, new { ids = ids.Take(2), action = "explanation", reasonCode = "ONE_OFF_EVENT", text = "一次性因素" });

        using var scope = new AssertionScope();
        answer.Select(i => i["status"]!.GetValue<string>()).Should().Equal("explained", "explained");
        var events = (await _admin.GetJsonAsync($"/api/v1/exceptions/{ids[1]}"))["events"]!.AsArray();
        events[^1]!["note"]!.GetValue<string>().Should().Be("[ONE_OFF_EVENT] 一次性因素");
        events[^1]!["kind"]!.GetValue<string>().Should().Be("explained");
    }

    [Test]
    public async Task WaiveUntilADate_ThenReopen()
    {
        var (ids, _) = await NewExceptionsAsync();

        var waived = await BulkAsync(_regulator, new { ids = ids.Take(2), action = "waive", note = "政策过渡期", until = "2023-06-30" });
        var reopened = await BulkAsync(_regulator, new { ids = new[] { ids[1], ids[2] }, action = "reopen", note = "重新核查" });

        using var scope = new AssertionScope();
        waived.Select(i => i["status"]!.GetValue<string>()).Should().Equal("waived", "waived");
        (await _admin.GetJsonAsync($"/api/v1/exceptions/{ids[0]}"))["waivedUntil"]!.GetValue<string>().Should().Be("2023-06-30");
        reopened.Select(i => (i["outcome"]!.GetValue<string>(), i["status"]?.GetValue<string>() ?? i["problem"]!.GetValue<string>()))
            .Should().Equal(("done", "open"), ("refused", "/problems/invalid-transition"));
        (await _admin.GetJsonAsync($"/api/v1/exceptions/{ids[1]}"))["waivedUntil"].Should().BeNull();
    }

    [TestCase("repeated", "ids")]
    [TestCase("repeated in another spelling", "ids")]
    [TestCase("empty", "ids")]
    [TestCase("oversized", "ids")]
    [TestCase("null id", "ids")]
    [TestCase("no ids", "ids")]
    [TestCase("no action", "action")]
    [TestCase("unknown action", "action")]
    [TestCase("resolve without note", "note")]
    [TestCase("explanation without text", "text")]
    [TestCase("explanation with unknown reason", "reasonCode")]
    [TestCase("malformed until", "until")]
    public async Task InvalidRequest_Answers400NamingTheField_AndChangesNothing(string what, string field)
    {
        var (ids, _) = await NewExceptionsAsync();
        object body = what switch
        {
            "repeated" => new { ids = new[] { ids[0], ids[1], ids[0] }, action = "resolve", note = "x" },
            "repeated in another spelling" => new { ids = new[] { ids[0], $"0{ids[0]}" }, action = "resolve", note = "x" },
            "empty" => new { ids = Array.Empty<string>(), action = "resolve", note = "x" },
            "oversized" => new { ids = ids.Concat(Enumerable.Range(1, 501).Select(i => $"9{i:D8}")), action = "resolve", note = "x" },
            "null id" => new { ids = new[] { ids[0], null }, action = "resolve", note = "x" },
            "no ids" => new { action = "resolve", note = "x" },
            "no action" => new { ids, note = "x" },
            "unknown action" => new { ids, action = "delete", note = "x" },
            "resolve without note" => new { ids, action = "resolve", text = "x" },
            "explanation without text" => new { ids, action = "explanation", note = "x" },
            "explanation with unknown reason" => new { ids, action = "explanation", text = "x", reasonCode = "WEATHER" },
            _ => new { ids, action = "waive", note = "x", until = "2023-02-30" },
        };
        var client = what.StartsWith("explanation", StringComparison.Ordinal) ? _admin : _regulator;

        var response = await client.PostAsJsonAsync("/api/v1/exceptions/bulk", body);

        using var scope = new AssertionScope();
        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal(field);
        (await EventCountsAsync([.. ids])).Should().OnlyContain(n => n == 1, "nothing changed");
    }

    [Test]
    public async Task MalformedJson_Answers400()
    {
        using var content = new StringContent("""{"ids": ["1", """, Encoding.UTF8, "application/json");

        var response = await _regulator.PostAsync("/api/v1/exceptions/bulk", content);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
    }

    [Test]
    public async Task Request_IsOneAuditRow()
    {
        var (ids, _) = await NewExceptionsAsync();
        var key = await _factory.IssueRegulatorKeyAsync("3713");
        var regulator = Client(key.Key);

        (await regulator.PostAsJsonAsync("/api/v1/exceptions/bulk", new { ids, action = "resolve", note = "批量办结" })).EnsureSuccessStatusCode();

        // The audit row is written once the answer has gone out.
        var rows = await Eventually.UntilAsync(
            async () => (await _admin.GetJsonAsync($"/api/v1/audit?pageSize=500&keyId={key.Id}"))["items"]!.AsArray().Where(i => i!["method"]!.GetValue<string>() == "POST").ToList(),
            found => found.Count > 0,
            "the bulk action to be audited");

        using var scope = new AssertionScope();
        rows.Should().ContainSingle();
        rows[0]!["path"]!.GetValue<string>().Should().Be("/api/v1/exceptions/bulk");
        rows[0]!["status"]!.GetValue<int>().Should().Be(200);
        rows[0]!["role"]!.GetValue<string>().Should().Be("regulator");
    }

    private HttpClient Client(string key)
    {
        var client = _factory.ClientWithKey(key);
        _clients.Add(client);
        return client;
    }

    private static async Task<List<JsonObject>> BulkAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/exceptions/bulk", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.JsonAsync())["items"]!.AsArray().Select(i => i!.AsObject())];
    }

    private async Task<List<int>> EventCountsAsync(params string[] ids)
    {
        var counts = new List<int>();
        foreach (var id in ids)
        {
            counts.Add((await _admin.GetJsonAsync($"/api/v1/exceptions/{id}"))["events"]!.AsArray().Count);
        }

        return counts;
    }

    /// <summary>A new institution's open exceptions of the example ledger of 2022-11 and 2022-12 (at least three), and its key's client.</summary>
    private async Task<(string[] Ids, HttpClient Bank)> NewExceptionsAsync(string region = "371302")
    {
        var code = $"BK{Interlocked.Increment(ref _institutions):D4}";
        await _factory.RegisterInstitutionAsync(code, region);
        var bank = Client((await _factory.IssueInstitutionKeyAsync(code)).Key);
        foreach (var period in new[] { "2022-11", "2022-12" })
        {
            await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync(period, Ledgers.Example));
        }

        var ids = (await bank.ExceptionsAsync("&status=open")).Select(e => e["id"]!.GetValue<string>()).ToArray();
        ids.Should().HaveCountGreaterThanOrEqualTo(3);
        return (ids, bank);
    }
}
