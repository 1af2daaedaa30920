using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Api.Tests.Institutions;

/// <summary>
/// api.md, "Institutions and keys": legal persons and their branches. Every institution carries legalPerson, level and
/// parent, validated together; a change of what rules judge an institution by re-evaluates its periods.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class InstitutionHierarchyTests(TestDatabase database)
{
    private static readonly Instant Now = Instant.FromUtc(2023, 1, 20, 2, 0);

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private int _codes;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(database, now: Now);
        _admin = _factory.Admin();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [SetUp]
    public void ResetClock() => _factory.Clock.Reset(Now);

    [TestCase(true, true, "head_office")]
    [TestCase(false, false, "municipal")]
    public async Task Create_WithoutLegalPersonLevelOrParent_TakesTheDefaults(bool localLegalPerson, bool legalPerson, string level)
    {
        var code = NewCode();

        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"银行 {code}", category = "joint_stock", localLegalPerson, regionCode = "371302",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        foreach (var answer in new[] { await response.JsonAsync(), await _admin.GetJsonAsync($"/api/v1/institutions/{code}") })
        {
            using var scope = new AssertionScope();
            answer["legalPerson"]!.GetValue<bool>().Should().Be(legalPerson);
            answer["level"]!.GetValue<string>().Should().Be(level);
            answer.ContainsKey("parent").Should().BeTrue("parent is answered, null where unset");
            answer["parent"].Should().BeNull();
        }
    }

    [TestCase("large_state", false, false, "provincial")]
    [TestCase("large_state", false, false, "municipal")]
    [TestCase("large_state", false, false, "county")]
    [TestCase("joint_stock", true, false, "head_office")]
    [TestCase("rural", true, true, "head_office")]
    [TestCase("rural", true, true, "provincial")]
    [TestCase("rural", true, false, "provincial")]
    public async Task Create_LevelThatFitsTheLegalPerson_Answers201WithIt(string category, bool legalPerson, bool localLegalPerson, string level)
    {
        var code = NewCode();

        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"银行 {code}", category, legalPerson, localLegalPerson, level, regionCode = "371302",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var stored = await _admin.GetJsonAsync($"/api/v1/institutions/{code}");
        stored["legalPerson"]!.GetValue<bool>().Should().Be(legalPerson);
        stored["level"]!.GetValue<string>().Should().Be(level);
    }

    [Test]
    public async Task Create_BranchWithAParent_AnswersIt()
    {
        var head = await RegisterAsync(legalPerson: true);
        var code = NewCode();

        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"银行 {code}", category = "joint_stock", legalPerson = false, localLegalPerson = false, level = "provincial",
            parent = head, regionCode = "370102",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        (await response.JsonAsync())["parent"]!.GetValue<string>().Should().Be(head);
        (await _admin.GetJsonAsync($"/api/v1/institutions/{code}"))["parent"]!.GetValue<string>().Should().Be(head);
    }

    [TestCase("level", "joint_stock", """{"legalPerson": true, "level": "municipal"}""")]
    [TestCase("level", "joint_stock", """{"legalPerson": true, "level": "county"}""")]
    [TestCase("level", "city_commercial", """{"legalPerson": true, "level": "provincial"}""")]
    [TestCase("level", "village", """{"legalPerson": true, "localLegalPerson": true, "level": "provincial"}""")]
    [TestCase("level", "joint_stock", """{"legalPerson": false, "level": "head_office"}""")]
    [TestCase("level", "joint_stock", """{"level": "head_office"}""")]
    [TestCase("level", "joint_stock", """{"level": "national"}""")]
    [TestCase("level", "joint_stock", """{"level": "Municipal"}""")]
    [TestCase("level", "joint_stock", """{"level": 1}""")]
    [TestCase("legalPerson", "joint_stock", """{"legalPerson": "yes"}""")]
    [TestCase("localLegalPerson", "rural", """{"legalPerson": false, "localLegalPerson": true}""")]
    [TestCase("parent", "joint_stock", """{"parent": "NO-SUCH-BANK"}""")]
    [TestCase("parent", "joint_stock", """{"parent": 7}""")]
    [TestCase("parent", "joint_stock", """{"parent": ["IH-HEAD"]}""")]
    [TestCase("parent", "joint_stock", """{"legalPerson": true, "parent": "IH-HEAD"}""")]
    [TestCase("parent", "rural", """{"localLegalPerson": true, "parent": "IH-HEAD"}""")]
    public async Task Create_HierarchyThatDoesNotHold_Answers400NamingTheField_AndStoresNothing(string field, string category, string fields)
    {
        await EnsureHeadAsync();
        var code = NewCode();
        var body = new JsonObject
        {
            ["code"] = code, ["name"] = $"银行 {code}", ["category"] = category, ["localLegalPerson"] = false, ["regionCode"] = "371302",
        };
        foreach (var (name, value) in JsonNode.Parse(fields)!.AsObject())
        {
            body[name] = value?.DeepClone();
        }

        var response = await _admin.PostAsync("/api/v1/institutions", Json(body));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().Equal(field);
        (await _admin.GetAsync($"/api/v1/institutions/{code}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "an invalid request stores nothing");
    }

    [Test]
    public async Task Update_OmittingLegalPersonLevelAndParent_KeepsThem()
    {
        var head = await RegisterAsync(legalPerson: true);
        var code = await RegisterAsync(legalPerson: false, level: "county", parent: head);

        var response = await _admin.PutAsJsonAsync($"/api/v1/institutions/{code}", new
        {
            name = "改名后的支行", category = "joint_stock", localLegalPerson = false, regionCode = "371302",
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        foreach (var answer in new[] { await response.JsonAsync(), await _admin.GetJsonAsync($"/api/v1/institutions/{code}") })
        {
            using var scope = new AssertionScope();
            answer["name"]!.GetValue<string>().Should().Be("改名后的支行");
            answer["legalPerson"]!.GetValue<bool>().Should().BeFalse();
            answer["level"]!.GetValue<string>().Should().Be("county");
            answer["parent"]!.GetValue<string>().Should().Be(head);
        }
    }

    [Test]
    public async Task Update_ParentNull_RemovesTheParent()
    {
        var head = await RegisterAsync(legalPerson: true);
        var code = await RegisterAsync(legalPerson: false, parent: head);

        var response = await _admin.PutAsync($"/api/v1/institutions/{code}", Json(new JsonObject
        {
            ["name"] = $"银行 {code}", ["category"] = "joint_stock", ["localLegalPerson"] = false, ["regionCode"] = "371302", ["parent"] = null,
        }));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var stored = await _admin.GetJsonAsync($"/api/v1/institutions/{code}");
        stored.ContainsKey("parent").Should().BeTrue();
        stored["parent"].Should().BeNull();
        stored["level"]!.GetValue<string>().Should().Be("municipal");
    }

    [Test]
    public async Task Update_BranchBecomingALegalPersonWithoutRemovingItsParent_Answers400NamingParent()
    {
        var head = await RegisterAsync(legalPerson: true);
        var code = await RegisterAsync(legalPerson: false, parent: head);

        var response = await _admin.PutAsJsonAsync($"/api/v1/institutions/{code}", new
        {
            name = $"银行 {code}", category = "joint_stock", legalPerson = true, level = "head_office", localLegalPerson = false, regionCode = "371302",
        });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("parent");
        (await _admin.GetJsonAsync($"/api/v1/institutions/{code}"))["legalPerson"]!.GetValue<bool>().Should().BeFalse();
    }

    [Test]
    public async Task Update_BranchOfItself_Answers400NamingParent()
    {
        var code = await RegisterAsync(legalPerson: false);

        var response = await PutParentAsync(code, code);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("parent");
        (await _admin.GetJsonAsync($"/api/v1/institutions/{code}"))["parent"].Should().BeNull();
    }

    [Test]
    public async Task Update_CycleOfTwo_Answers400NamingParent_AndChangesNothing()
    {
        var a = await RegisterAsync(legalPerson: false, level: "provincial");
        var b = await RegisterAsync(legalPerson: false, parent: a);

        var response = await PutParentAsync(a, b);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("parent");
        (await _admin.GetJsonAsync($"/api/v1/institutions/{a}"))["parent"].Should().BeNull();
    }

    [Test]
    public async Task Update_CycleOfThree_Answers400NamingParent_AndChangesNothing()
    {
        var a = await RegisterAsync(legalPerson: false, level: "provincial");
        var b = await RegisterAsync(legalPerson: false, parent: a);
        var c = await RegisterAsync(legalPerson: false, level: "county", parent: b);

        var response = await PutParentAsync(a, c);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("parent");
        (await _admin.GetJsonAsync($"/api/v1/institutions/{a}"))["parent"].Should().BeNull();
    }

    [Test]
    public async Task Update_ParentThatDoesNotExist_Answers400NamingParent()
    {
        var code = await RegisterAsync(legalPerson: false);

        var response = await PutParentAsync(code, "NO-SUCH-BANK");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("parent");
    }

    [Test]
    public async Task Update_ChainWithoutACycle_IsAccepted_AndAParentMayItselfBeABranch()
    {
        var head = await RegisterAsync(legalPerson: true);
        var province = await RegisterAsync(legalPerson: false, level: "provincial");
        var city = await RegisterAsync(legalPerson: false, parent: province);

        var response = await PutParentAsync(province, head);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await _admin.GetJsonAsync($"/api/v1/institutions/{province}"))["parent"]!.GetValue<string>().Should().Be(head);
        (await _admin.GetJsonAsync($"/api/v1/institutions/{city}"))["parent"]!.GetValue<string>().Should().Be(province);
    }

    [Test]
    public async Task Update_LocalLegalPersonOnABranch_Answers400NamingLocalLegalPerson()
    {
        var code = await RegisterAsync(legalPerson: false);

        var response = await _admin.PutAsJsonAsync($"/api/v1/institutions/{code}", new
        {
            name = $"银行 {code}", category = "rural", localLegalPerson = true, regionCode = "371302",
        });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("localLegalPerson");
    }

    [TestCase("institution")]
    [TestCase("regulator")]
    public async Task Reads_OfAnInstitutionKeyAndARegulator_CarryLegalPersonLevelAndParent(string role)
    {
        var head = await RegisterAsync(legalPerson: true, region: "110101");
        var code = await RegisterAsync(legalPerson: false, level: "county", parent: head, region: "371325");
        var key = role == "institution"
            ? (await _factory.IssueInstitutionKeyAsync(code)).Key
            : (await _factory.IssueRegulatorKeyAsync("3713")).Key;
        using var client = _factory.ClientWithKey(key);

        var one = await client.GetJsonAsync($"/api/v1/institutions/{code}");
        var listed = (await client.GetJsonAsync("/api/v1/institutions?pageSize=500"))["items"]!.AsArray()
            .Single(i => i!["code"]!.GetValue<string>() == code)!.AsObject();

        using var scope = new AssertionScope();
        foreach (var answer in new[] { one, listed })
        {
            answer["legalPerson"]!.GetValue<bool>().Should().BeFalse();
            answer["level"]!.GetValue<string>().Should().Be("county");
            answer["parent"]!.GetValue<string>().Should().Be(head, "a branch's parent is named even where the caller may not read the parent itself");
        }
    }

    [TestCase("category", "\"city_commercial\"")]
    [TestCase("legalPerson", "false")]
    [TestCase("level", "\"provincial\"")]
    [TestCase("regionCode", "\"110101\"")]
    public async Task Update_ChangingWhatRulesJudgeBy_EvaluatesTheInstitutionsPeriodsAgain(string field, string json)
    {
        var (code, submission, evaluatedAt) = await EvaluatedInstitutionAsync();
        _factory.Clock.Advance(Duration.FromHours(1));
        var body = RuralBody(code);
        body[field] = JsonNode.Parse(json);
        if (field == "legalPerson")
        {
            body["localLegalPerson"] = false;
            body["level"] = "municipal";
        }

        var response = await _admin.PutAsync($"/api/v1/institutions/{code}", Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var again = await Eventually.UntilAsync(
            () => _admin.GetJsonAsync($"/api/v1/submissions/{submission}"),
            receipt => receipt["evaluation"]?["evaluatedAt"]?.GetValue<string>() != evaluatedAt && receipt["evaluation"]?["status"]?.GetValue<string>() == "done",
            "the evaluation to be done again");
        again["evaluation"]!["evaluatedAt"]!.GetValue<string>().Should().Be("2023-01-20T03:00:00Z");
    }

    [TestCase("name", "\"改名后的银行\"")]
    [TestCase("webhookUrl", "\"https://bank.example/another-hook\"")]
    [TestCase("parent", "null")]
    public async Task Update_ChangingNothingRulesJudgeBy_EvaluatesNothingAgain(string field, string json)
    {
        var (code, submission, evaluatedAt) = await EvaluatedInstitutionAsync();
        _factory.Clock.Advance(Duration.FromHours(1));
        var body = RuralBody(code);
        body[field] = JsonNode.Parse(json);

        var response = await _admin.PutAsync($"/api/v1/institutions/{code}", Json(body));
        await Eventually.JobsIdleAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var receipt = await _admin.GetJsonAsync($"/api/v1/submissions/{submission}");
        receipt["evaluation"]!["status"]!.GetValue<string>().Should().Be("done");
        receipt["evaluation"]!["evaluatedAt"]!.GetValue<string>().Should().Be(evaluatedAt);
    }

    /// <summary>An institution registered as a rural legal person with one accepted ledger, evaluated: its code, the submission and when.</summary>
    private async Task<(string Code, string Submission, string EvaluatedAt)> EvaluatedInstitutionAsync()
    {
        var code = NewCode();
        var key = await _factory.CreateInstitutionAsync(code, "371302");
        using var bank = _factory.ClientWithKey(key);
        var submission = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        var receipt = await bank.WaitForEvaluationAsync(submission);
        await Eventually.JobsIdleAsync();
        return (code, submission, receipt["evaluation"]!["evaluatedAt"]!.GetValue<string>());
    }

    private static JsonObject RuralBody(string code) => new()
    {
        ["name"] = $"测试银行 {code}", ["category"] = "rural", ["localLegalPerson"] = true, ["regionCode"] = "371302", ["reportingFrom"] = "2021-01",
    };

    private async Task EnsureHeadAsync()
    {
        if ((await _admin.GetAsync("/api/v1/institutions/IH-HEAD")).StatusCode == HttpStatusCode.NotFound)
        {
            await RegisterAsync(legalPerson: true, code: "IH-HEAD");
        }
    }

    private async Task<string> RegisterAsync(bool legalPerson, string? level = null, string? parent = null, string region = "371302", string? code = null)
    {
        code ??= NewCode();
        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"银行 {code}", category = "joint_stock", legalPerson, localLegalPerson = false,
            level = level ?? (legalPerson ? "head_office" : "municipal"), parent, regionCode = region,
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return code;
    }

    private Task<HttpResponseMessage> PutParentAsync(string code, string parent) =>
        _admin.PutAsJsonAsync($"/api/v1/institutions/{code}", new
        {
            name = $"银行 {code}", category = "joint_stock", localLegalPerson = false, regionCode = "371302", parent,
        });

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private string NewCode() => $"IH-{Interlocked.Increment(ref _codes):D4}";
}
