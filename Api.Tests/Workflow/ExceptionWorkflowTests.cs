using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Api.Tests.Workflow;

/// <summary>
/// The exception lifecycle of rules.md and api.md, "Exceptions": who may take which action, from which status, and
/// the events every transition leaves. Each test works its own exception: an NPL_TOLERANCE breach of a new
/// institution in Linyi (371302), written by the real evaluation of the example ledger.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ExceptionWorkflowTests(TestDatabase database)
{
    private static readonly Instant Now = Instant.FromUtc(2023, 1, 20, 2, 0);

    private readonly Dictionary<string, IssuedKey> _keys = [];
    private readonly Dictionary<string, HttpClient> _clients = [];
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private int _institutions;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database, now: Now);
        _admin = _factory.Admin();
        foreach (var jurisdiction in new[] { "37", "371302", "", "41", "3714", "371303" })
        {
            var key = await _factory.IssueRegulatorKeyAsync(jurisdiction);
            _keys[$"regulator {jurisdiction}"] = key;
            _clients[$"regulator {jurisdiction}"] = _factory.ClientWithKey(key.Key);
        }

        var bootstrap = (await _admin.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray().Single(k => k!["name"]!.GetValue<string>() == "bootstrap")!;
        _keys["admin"] = new IssuedKey(bootstrap["id"]!.GetValue<string>(), ComplianceApiFactory.AdminKey, bootstrap["prefix"]!.GetValue<string>());
        _clients["admin"] = _admin;
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [SetUp]
    public void ResetClock() => _factory.Clock.Reset(Now);

    [TestCase("open", new[] { "explanation" }, new[] { "resolve", "waive" }, new[] { "explanation", "resolve", "waive" })]
    [TestCase("explained", new[] { "explanation" }, new[] { "resolve", "waive" }, new[] { "explanation", "resolve", "waive" })]
    [TestCase("resolved", new string[0], new[] { "reopen" }, new[] { "reopen" })]
    [TestCase("waived", new string[0], new[] { "reopen" }, new[] { "reopen" })]
    public async Task Exception_CarriesTheActionsItsCallerMayTakeNow_AloneAndInTheList(string status, string[] institution, string[] regulator, string[] admin)
    {
        var (id, bank) = await NewExceptionAsync();
        await MoveToAsync(id, status, bank);

        var seen = new Dictionary<string, HttpClient> { ["institution"] = bank, ["regulator"] = Regulator, ["admin"] = _admin };
        var expected = new Dictionary<string, string[]> { ["institution"] = institution, ["regulator"] = regulator, ["admin"] = admin };

        using var scope = new AssertionScope();
        foreach (var (role, client) in seen)
        {
            var alone = await client.GetJsonAsync($"/api/v1/exceptions/{id}");
            alone["status"]!.GetValue<string>().Should().Be(status);
            alone["actions"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal(expected[role], $"{role} sees a {status} exception alone");
            var listed = (await client.ExceptionsAsync($"&institution={alone["institution"]!.GetValue<string>()}")).Single(e => e["id"]!.GetValue<string>() == id);
            listed["actions"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal(expected[role], $"{role} sees a {status} exception in the list");
        }
    }

    [Test]
    public async Task Admin_ExplainsOnTheInstitutionsBehalf_AsItsActionsOffer()
    {
        var (id, _) = await NewExceptionAsync();

        var response = await _admin.PostAsJsonAsync($"/api/v1/exceptions/{id}/explanation", new { text = "代为说明" });

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await response.JsonAsync();
        answer["status"]!.GetValue<string>().Should().Be("explained");
        answer["actions"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("explanation", "resolve", "waive");
    }

    [Test]
    public async Task Explain_OpenException_AnswersExplained_AndAgainAddsANewEvent()
    {
        var (id, bank) = await NewExceptionAsync();

        var first = await bank.PostAsJsonAsync($"/api/v1/exceptions/{id}/explanation", new { reasonCode = "ONE_OFF_EVENT", text = "一笔个体工商户贷款临时逾期" });
        var second = await bank.PostAsJsonAsync($"/api/v1/exceptions/{id}/explanation", new { text = "已于一月追回" });
        var events = await EventsAsync(id);

        using var scope = new AssertionScope();
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        (await first.JsonAsync())["status"]!.GetValue<string>().Should().Be("explained");
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        (await second.JsonAsync())["status"]!.GetValue<string>().Should().Be("explained");
        events.Select(e => e["kind"]!.GetValue<string>()).Should().Equal("created", "explained", "explained");
        events[1]["fromStatus"]!.GetValue<string>().Should().Be("open");
        events[1]["toStatus"]!.GetValue<string>().Should().Be("explained");
        events[1]["note"]!.GetValue<string>().Should().Contain("一笔个体工商户贷款临时逾期").And.Contain("ONE_OFF_EVENT");
        events[2]["fromStatus"]!.GetValue<string>().Should().Be("explained");
        events[2]["toStatus"]!.GetValue<string>().Should().Be("explained");
        events[2]["note"]!.GetValue<string>().Should().Contain("已于一月追回");
    }

    [TestCase("DATA_CORRECTION")]
    [TestCase("ONE_OFF_EVENT")]
    [TestCase("POLICY_TRANSITION")]
    [TestCase("OTHER")]
    [TestCase(null)]
    public async Task Explain_WithAKnownOrNoReasonCode_AnswersExplained(string? reasonCode)
    {
        var (id, bank) = await NewExceptionAsync();

        var response = await bank.PostAsJsonAsync($"/api/v1/exceptions/{id}/explanation", new { reasonCode, text = "说明" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.JsonAsync())["status"]!.GetValue<string>().Should().Be("explained");
    }

    [TestCase("UNKNOWN_REASON", "说明", "reasonCode")]
    [TestCase("one_off_event", "说明", "reasonCode")]
    [TestCase("", "说明", "reasonCode")]
    [TestCase("OTHER", null, "text")]
    [TestCase("OTHER", "", "text")]
    [TestCase(null, "   ", "text")]
    public async Task Explain_InvalidBody_Answers400NamingTheField_AndChangesNothing(string? reasonCode, string? text, string field)
    {
        var (id, bank) = await NewExceptionAsync();

        var response = await bank.PostAsJsonAsync($"/api/v1/exceptions/{id}/explanation", new { reasonCode, text });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain(field);
        await ShouldBeUnchangedAsync(id, "open", 1);
    }

    [Test]
    public async Task Resolve_ExplainedException_AnswersResolved_AndAgainAnswers409InvalidTransition(
        [Values("regulator 37", "regulator 371302", "regulator ", "admin")] string resolver)
    {
        var (id, bank) = await NewExceptionAsync();
        await ExplainAsync(bank, id);

        var resolved = await _clients[resolver].PostAsJsonAsync($"/api/v1/exceptions/{id}/resolve", new { note = "已核实，属一次性因素" });
        var again = await _clients[resolver].PostAsJsonAsync($"/api/v1/exceptions/{id}/resolve", new { note = "再次办结" });

        resolved.StatusCode.Should().Be(HttpStatusCode.OK, await resolved.Content.ReadAsStringAsync());
        (await resolved.JsonAsync())["status"]!.GetValue<string>().Should().Be("resolved");
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await ShouldBeUnchangedAsync(id, "resolved", 3);
    }

    [Test]
    public async Task Resolve_OpenException_AnswersResolved()
    {
        var (id, _) = await NewExceptionAsync();

        var response = await Regulator.PostAsJsonAsync($"/api/v1/exceptions/{id}/resolve", new { note = "直接办结" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync())["status"]!.GetValue<string>().Should().Be("resolved");
    }

    [Test]
    public async Task InstitutionActingForARegulator_Answers403_EvenWhereTheStatusWouldAlsoRefuse(
        [Values("resolve", "waive", "reopen")] string action, [Values("open", "resolved", "waived")] string status)
    {
        var (id, bank) = await NewExceptionAsync();
        var events = await MoveToAsync(id, status);

        var response = await bank.PostAsJsonAsync($"/api/v1/exceptions/{id}/{action}", new { note = "我方自行办结" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await ShouldBeUnchangedAsync(id, status, events);
    }

    [Test]
    public async Task RegulatorExplaining_Answers403_EvenWhereTheStatusWouldAlsoRefuse(
        [Values("regulator 37", "regulator ")] string caller, [Values("open", "resolved")] string status)
    {
        var (id, _) = await NewExceptionAsync();
        var events = await MoveToAsync(id, status);

        var response = await _clients[caller].PostAsJsonAsync($"/api/v1/exceptions/{id}/explanation", new { text = "代为说明" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await ShouldBeUnchangedAsync(id, status, events);
    }

    [TestCase("2023-06-30")]
    [TestCase(null)]
    public async Task Waive_OpenException_AnswersWaived_WithWaivedUntilTheDate(string? until)
    {
        var (id, _) = await NewExceptionAsync();

        var response = await Regulator.PostAsJsonAsync($"/api/v1/exceptions/{id}/waive", new { note = "疫情期间阶段性豁免", until });
        var stored = await _admin.GetJsonAsync($"/api/v1/exceptions/{id}");

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        foreach (var answer in new[] { await response.JsonAsync(), stored })
        {
            answer["status"]!.GetValue<string>().Should().Be("waived");
            (answer["waivedUntil"]?.GetValue<string>()).Should().Be(until);
        }

        var waived = stored["events"]!.AsArray()[^1]!;
        waived["kind"]!.GetValue<string>().Should().Be("waived");
        waived["fromStatus"]!.GetValue<string>().Should().Be("open");
        waived["toStatus"]!.GetValue<string>().Should().Be("waived");
        waived["note"]!.GetValue<string>().Should().Be("疫情期间阶段性豁免");
    }

    [Test]
    public async Task Waive_ExplainedException_AnswersWaived()
    {
        var (id, bank) = await NewExceptionAsync();
        await ExplainAsync(bank, id);

        var response = await Regulator.PostAsJsonAsync($"/api/v1/exceptions/{id}/waive", new { note = "同意豁免", until = "2023-03-31" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync())["status"]!.GetValue<string>().Should().Be("waived");
    }

    [TestCase("30/06/2023")]
    [TestCase("2023-06")]
    [TestCase("2023-02-30")]
    public async Task Waive_MalformedUntil_Answers400NamingUntil_AndChangesNothing(string until)
    {
        var (id, _) = await NewExceptionAsync();

        var response = await Regulator.PostAsJsonAsync($"/api/v1/exceptions/{id}/waive", new { note = "豁免", until });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain("until");
        await ShouldBeUnchangedAsync(id, "open", 1);
    }

    [Test]
    public async Task Reopen_ResolvedOrWaived_AnswersOpen(
        [Values("resolved", "waived")] string status, [Values("regulator 37", "regulator 371302", "admin")] string caller)
    {
        var (id, _) = await NewExceptionAsync();
        await MoveToAsync(id, status);

        var response = await _clients[caller].PostAsJsonAsync($"/api/v1/exceptions/{id}/reopen", new { note = "复查发现问题仍在" });
        var events = await EventsAsync(id);

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.JsonAsync())["status"]!.GetValue<string>().Should().Be("open");
        events[^1]["kind"]!.GetValue<string>().Should().Be("reopened");
        events[^1]["fromStatus"]!.GetValue<string>().Should().Be(status);
        events[^1]["toStatus"]!.GetValue<string>().Should().Be("open");
    }

    [TestCase("open", "regulator 37", "reopen")]
    [TestCase("explained", "regulator 37", "reopen")]
    [TestCase("resolved", "regulator 37", "resolve")]
    [TestCase("resolved", "regulator 37", "waive")]
    [TestCase("resolved", "institution", "explanation")]
    [TestCase("waived", "admin", "resolve")]
    [TestCase("waived", "admin", "waive")]
    [TestCase("waived", "institution", "explanation")]
    public async Task Action_FromAStatusThatDoesNotAllowIt_Answers409InvalidTransition_AndChangesNothing(string status, string caller, string action)
    {
        var (id, bank) = await NewExceptionAsync();
        var events = await MoveToAsync(id, status, bank);
        var client = caller == "institution" ? bank : _clients[caller];

        var response = await client.PostAsJsonAsync($"/api/v1/exceptions/{id}/{action}", new { note = "不允许的操作", text = "不允许的说明" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-transition");
        await ShouldBeUnchangedAsync(id, status, events);
    }

    [Test]
    public async Task Action_WithoutANote_Answers400NamingNote_AndChangesNothing(
        [Values("resolve", "waive", "reopen")] string action, [Values("<missing>", "", "   ")] string note)
    {
        var (id, _) = await NewExceptionAsync();
        var status = action == "reopen" ? "resolved" : "open";
        var events = await MoveToAsync(id, status);
        var body = new JsonObject();
        if (note != "<missing>")
        {
            body["note"] = note;
        }

        var response = await Regulator.PostAsJsonAsync($"/api/v1/exceptions/{id}/{action}", body);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain("note");
        await ShouldBeUnchangedAsync(id, status, events);
    }

    [Test]
    public async Task Lifecycle_EveryTransition_IsAnEventWithKindStatusesNoteActorAndTime()
    {
        var (id, bank, bankKey) = await NewExceptionWithKeyAsync();
        var steps = new (HttpClient Client, string Action, object Body)[]
        {
            (bank, "explanation", new { reasonCode = "DATA_CORRECTION", text = "台账分类有误，已更正" }),
            (Regulator, "resolve", new { note = "同意，办结" }),
            (_admin, "reopen", new { note = "抽查发现仍有问题" }),
            (Regulator, "waive", new { note = "阶段性豁免", until = "2023-06-30" }),
            (Regulator, "reopen", new { note = "豁免撤回" }),
            (bank, "explanation", new { text = "再次说明" }),
        };

        foreach (var (client, action, body) in steps)
        {
            _factory.Clock.Advance(Duration.FromMinutes(1));
            var response = await client.PostAsJsonAsync($"/api/v1/exceptions/{id}/{action}", body);
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"{action}: {await response.Content.ReadAsStringAsync()}");
        }

        var events = await EventsAsync(id);

        using var scope = new AssertionScope();
        events.Select(e => (
                e["kind"]!.GetValue<string>(), e["fromStatus"]?.GetValue<string>(), e["toStatus"]!.GetValue<string>(),
                e["actor"]!["role"]!.GetValue<string>(), e["actor"]!["keyId"]?.GetValue<string>(), e["at"]!.GetValue<string>()))
            .Should().Equal(
                ("created", null, "open", "system", null, "2023-01-20T02:00:00Z"),
                ("explained", "open", "explained", "institution", bankKey.Id, "2023-01-20T02:01:00Z"),
                ("resolved", "explained", "resolved", "regulator", _keys["regulator 37"].Id, "2023-01-20T02:02:00Z"),
                ("reopened", "resolved", "open", "admin", _keys["admin"].Id, "2023-01-20T02:03:00Z"),
                ("waived", "open", "waived", "regulator", _keys["regulator 37"].Id, "2023-01-20T02:04:00Z"),
                ("reopened", "waived", "open", "regulator", _keys["regulator 37"].Id, "2023-01-20T02:05:00Z"),
                ("explained", "open", "explained", "institution", bankKey.Id, "2023-01-20T02:06:00Z"));
        events[1]["note"]!.GetValue<string>().Should().Contain("台账分类有误，已更正");
        events.Skip(2).Take(4).Select(e => e["note"]!.GetValue<string>()).Should().Equal("同意，办结", "抽查发现仍有问题", "阶段性豁免", "豁免撤回");
        events[6]["note"]!.GetValue<string>().Should().Contain("再次说明");
        events.Select(e => e["id"]!.GetValue<string>()).Should().OnlyHaveUniqueItems();
        var exception = await _admin.GetJsonAsync($"/api/v1/exceptions/{id}");
        exception["status"]!.GetValue<string>().Should().Be("explained");
        exception["updatedAt"]!.GetValue<string>().Should().Be("2023-01-20T02:06:00Z");
    }

    [Test]
    public async Task Events_ThroughAcceptedAndRefusedActions_AreNeverRemoved_AndOnlyGrow()
    {
        var (id, bank) = await NewExceptionAsync();
        var steps = new (HttpClient Client, string Action, object Body)[]
        {
            (bank, "explanation", new { text = "说明一" }),
            (bank, "resolve", new { note = "越权" }),
            (Regulator, "reopen", new { note = "不允许" }),
            (Regulator, "resolve", new { note = "办结" }),
            (Regulator, "resolve", new { note = "重复办结" }),
            (Regulator, "reopen", new { }),
            (Regulator, "reopen", new { note = "重开" }),
            (_clients["regulator 41"], "resolve", new { note = "辖外" }),
            (bank, "explanation", new { reasonCode = "BOGUS", text = "无效" }),
            (Regulator, "waive", new { note = "豁免" }),
            (Regulator, "reopen", new { note = "再重开" }),
        };
        var history = new List<List<string>> { (await EventsAsync(id)).Select(e => e.ToJsonString()).ToList() };

        foreach (var (client, action, body) in steps)
        {
            await client.PostAsJsonAsync($"/api/v1/exceptions/{id}/{action}", body);
            history.Add((await EventsAsync(id)).Select(e => e.ToJsonString()).ToList());
        }

        using var scope = new AssertionScope();
        for (var i = 1; i < history.Count; i++)
        {
            history[i].Count.Should().BeGreaterThanOrEqualTo(history[i - 1].Count, $"after step {i}");
            history[i].Take(history[i - 1].Count).Should().Equal(history[i - 1], $"step {i} leaves every earlier event as it was");
        }

        history.Select(h => h.Count).Should().Equal(1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6);
    }

    [Test]
    public async Task OutsideRegulator_AnyActionOrRead_Answers404NotFound_AndChangesNothing(
        [Values("regulator 41", "regulator 3714", "regulator 371303")] string caller,
        [Values("read", "explanation", "resolve", "waive", "reopen")] string action,
        [Values("open", "resolved")] string status)
    {
        var (id, _) = await NewExceptionAsync();
        var events = await MoveToAsync(id, status);
        var client = _clients[caller];

        var response = action == "read"
            ? await client.GetAsync($"/api/v1/exceptions/{id}")
            : await client.PostAsJsonAsync($"/api/v1/exceptions/{id}/{action}", new { note = "辖外操作", text = "辖外说明" });

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await ShouldBeUnchangedAsync(id, status, events);
    }

    [Test]
    public async Task OutsideRegulator_ActionWithAnInvalidBody_Answers404NotFound_Not400(
        [Values("explanation", "resolve", "waive", "reopen")] string action)
    {
        var (id, _) = await NewExceptionAsync();

        var response = await _clients["regulator 41"].PostAsJsonAsync($"/api/v1/exceptions/{id}/{action}", new { until = "never" });

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await ShouldBeUnchangedAsync(id, "open", 1);
    }

    [Test]
    public async Task OutsideRegulator_Lists_DoNotShowTheException()
    {
        var (id, _) = await NewExceptionAsync();

        var page = await _clients["regulator 41"].GetJsonAsync("/api/v1/exceptions?pageSize=500");

        page["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).Should().NotContain(id);
        page["total"]!.GetValue<long>().Should().Be(0);
    }

    private HttpClient Regulator => _clients["regulator 37"];

    private async Task<(string Id, HttpClient Bank)> NewExceptionAsync()
    {
        var (id, bank, _) = await NewExceptionWithKeyAsync();
        return (id, bank);
    }

    /// <summary>A new institution in 371302 with the example ledger of 2022-12, evaluated: its NPL_TOLERANCE breach, open.</summary>
    private async Task<(string Id, HttpClient Bank, IssuedKey Key)> NewExceptionWithKeyAsync()
    {
        var code = $"WF{Interlocked.Increment(ref _institutions):D4}";
        await _factory.RegisterInstitutionAsync(code, "371302");
        var key = await _factory.IssueInstitutionKeyAsync(code);
        var bank = _factory.ClientWithKey(key.Key);
        _clients[code] = bank;
        await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        var exception = (await bank.ExceptionsAsync("&rule=NPL_TOLERANCE")).Should().ContainSingle().Subject;
        exception["status"]!.GetValue<string>().Should().Be("open");
        return (exception["id"]!.GetValue<string>(), bank, key);
    }

    /// <summary>Moves a new exception to a status through the API; returns its number of events.</summary>
    private async Task<int> MoveToAsync(string id, string status, HttpClient? bank = null)
    {
        var path = status switch
        {
            "open" => [],
            "explained" => new[] { "explanation" },
            "resolved" => ["resolve"],
            "waived" => ["waive"],
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
        };
        foreach (var action in path)
        {
            var client = action == "explanation" ? bank ?? throw new ArgumentNullException(nameof(bank)) : Regulator;
            var response = await client.PostAsJsonAsync($"/api/v1/exceptions/{id}/{action}", new { note = "准备", text = "准备" });
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        return path.Length + 1;
    }

    private static async Task ExplainAsync(HttpClient bank, string id)
    {
        var response = await bank.PostAsJsonAsync($"/api/v1/exceptions/{id}/explanation", new { text = "情况说明" });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private async Task<List<JsonObject>> EventsAsync(string id) =>
        (await _admin.GetJsonAsync($"/api/v1/exceptions/{id}"))["events"]!.AsArray().Select(e => e!.AsObject()).ToList();

    private async Task ShouldBeUnchangedAsync(string id, string status, int events)
    {
        var exception = await _admin.GetJsonAsync($"/api/v1/exceptions/{id}");
        using var scope = new AssertionScope();
        exception["status"]!.GetValue<string>().Should().Be(status);
        exception["events"]!.AsArray().Should().HaveCount(events, "a refused action leaves no event");
    }
}
