using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Api.Tests.Institutions;

/// <summary>api.md, "Institutions and keys": registering and updating institutions, and what each field accepts.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class InstitutionsTests(TestDatabase database)
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

    [Test]
    public async Task Create_ValidBody_Answers201WithLocationEveryFieldAndAWebhookSecret()
    {
        var code = NewCode();

        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = "临沂测试农村商业银行", category = "rural", localLegalPerson = true, regionCode = "371302",
            reportingFrom = "2022-07", webhookUrl = "https://bank.example/hooks/compliance",
        });
        var created = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.Location!.ToString().Should().Be($"/api/v1/institutions/{code}");
        created.Select(p => p.Key).Should().BeEquivalentTo(
            "code", "name", "category", "legalPerson", "level", "parent", "localLegalPerson", "regionCode", "reportingFrom", "webhookUrl", "createdAt", "updatedAt",
            "webhookSecret");
        created["code"]!.GetValue<string>().Should().Be(code);
        created["name"]!.GetValue<string>().Should().Be("临沂测试农村商业银行");
        created["category"]!.GetValue<string>().Should().Be("rural");
        created["legalPerson"]!.GetValue<bool>().Should().BeTrue("a local legal person is a legal person");
        created["level"]!.GetValue<string>().Should().Be("head_office");
        created["parent"].Should().BeNull();
        created["localLegalPerson"]!.GetValue<bool>().Should().BeTrue();
        created["regionCode"]!.GetValue<string>().Should().Be("371302");
        created["reportingFrom"]!.GetValue<string>().Should().Be("2022-07");
        created["webhookUrl"]!.GetValue<string>().Should().Be("https://bank.example/hooks/compliance");
        created["createdAt"]!.GetValue<string>().Should().Be("2023-01-20T02:00:00Z");
        created["updatedAt"]!.GetValue<string>().Should().Be("2023-01-20T02:00:00Z");
        created["webhookSecret"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace().And.Subject!.Length.Should().BeGreaterThanOrEqualTo(32);
    }

    [Test]
    public async Task Create_TwoInstitutions_GetDifferentWebhookSecrets()
    {
        var first = await _factory.RegisterInstitutionAsync(NewCode(), "371302");
        var second = await _factory.RegisterInstitutionAsync(NewCode(), "371302");

        first["webhookSecret"]!.GetValue<string>().Should().NotBe(second["webhookSecret"]!.GetValue<string>());
    }

    [Test]
    public async Task Create_ExistingCode_Answers409Conflict_AndKeepsTheFirst()
    {
        var code = NewCode();
        await _factory.RegisterInstitutionAsync(code, "371302");

        var again = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = "另一家银行", category = "village", localLegalPerson = false, regionCode = "110101",
        });

        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, "conflict");
        var stored = await _admin.GetJsonAsync($"/api/v1/institutions/{code}");
        stored["regionCode"]!.GetValue<string>().Should().Be("371302");
    }

    [TestCase("code", "\"\"")]
    [TestCase("code", "\"has space\"")]
    [TestCase("code", "\"C3713.001\"")]
    [TestCase("code", "\"银行001\"")]
    [TestCase("code", "\"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456\"")]
    [TestCase("code", null)]
    [TestCase("name", null)]
    [TestCase("regionCode", "\"37130\"")]
    [TestCase("regionCode", "\"3713021\"")]
    [TestCase("regionCode", "\"37130a\"")]
    [TestCase("regionCode", "\"３７１３０２\"")]
    [TestCase("regionCode", null)]
    [TestCase("category", "\"bank\"")]
    [TestCase("category", "\"Rural\"")]
    [TestCase("category", null)]
    [TestCase("localLegalPerson", null)]
    [TestCase("reportingFrom", "\"2023-13\"")]
    [TestCase("reportingFrom", "\"202301\"")]
    [TestCase("reportingFrom", "\"2023-1\"")]
    [TestCase("reportingFrom", "\"2023-01-01\"")]
    public async Task Create_InvalidField_Answers400NamingIt(string field, string? json)
    {
        var body = ValidBody(NewCode());
        body.Remove(field);
        if (json is not null)
        {
            body[field] = JsonNode.Parse(json);
        }

        var before = await CountAsync();

        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().Equal(field);
        (await CountAsync()).Should().Be(before, "an invalid request stores nothing");
    }

    [Test]
    public async Task Create_CodeEndingInNewline_Answers400NamingCode()
    {
        var body = ValidBody("BAD\n");
        body["name"] = "银行 BAD"; // the name alone is valid: a name refuses a newline too
        var before = await CountAsync();

        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().Equal("code");
        (await CountAsync()).Should().Be(before, "a code is 1–32 of A–Z a–z 0–9 - _, and a newline is none of them");
    }

    [TestCase("localLegalPerson", "{\"code\":\"IN-TYPED-1\",\"name\":\"n\",\"category\":\"rural\",\"localLegalPerson\":\"yes\",\"regionCode\":\"371302\"}")]
    [TestCase("regionCode", "{\"code\":\"IN-TYPED-2\",\"name\":\"n\",\"category\":\"rural\",\"localLegalPerson\":true,\"regionCode\":371302}")]
    public async Task Create_FieldOfTheWrongJsonType_Answers400WithErrorsNamingIt(string field, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var before = await CountAsync();

        var response = await _admin.PostAsync("/api/v1/institutions", content);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().ContainSingle().Which.Should().ContainEquivalentOf(field, "api.md: invalid-request comes with errors: {field: [messages]}");
        (await CountAsync()).Should().Be(before);
    }

    [TestCase("{not json")]
    [TestCase("")]
    public async Task Create_MalformedJsonBody_Answers400WithAnErrorsMember(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var response = await _admin.PostAsync("/api/v1/institutions", content);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().NotBeEmpty("api.md: invalid-request comes with errors: {field: [messages]}");
    }

    [Test]
    public async Task Create_SeveralInvalidFields_Answers400NamingEach()
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code = "no spaces allowed", name = "坏数据银行", category = "unknown", regionCode = "3713", reportingFrom = "2023/01",
        });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().BeEquivalentTo("code", "category", "localLegalPerson", "regionCode", "reportingFrom");
    }

    [TestCase("2023-01-20T02:00:00Z", "2023-01")]
    [TestCase("2023-01-31T15:59:59Z", "2023-01")]
    [TestCase("2023-01-31T16:00:00Z", "2023-02")]
    [TestCase("2022-12-31T16:30:00Z", "2023-01")]
    public async Task Create_WithoutReportingFrom_DefaultsToTheCurrentMonthInChinaStandardTime(string now, string expected)
    {
        _factory.Clock.Reset(InstantPattern.General.Parse(now).Value);
        var body = ValidBody(NewCode());
        body.Remove("reportingFrom");

        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", body);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await response.JsonAsync())["reportingFrom"]!.GetValue<string>().Should().Be(expected);
        (await _admin.GetJsonAsync($"/api/v1/institutions/{body["code"]}"))["reportingFrom"]!.GetValue<string>().Should().Be(expected);
    }

    [Test]
    public async Task Update_KnownCode_Answers200WithTheNewFields()
    {
        var code = NewCode();
        await _factory.RegisterInstitutionAsync(code, "371302");
        _factory.Clock.Advance(Duration.FromHours(1));

        var response = await _admin.PutAsJsonAsync($"/api/v1/institutions/{code}", new
        {
            name = "改名后的银行", category = "city_commercial", localLegalPerson = false, regionCode = "370102",
            reportingFrom = "2022-01", webhookUrl = "https://bank.example/new-hook",
        });
        var updated = await response.JsonAsync();
        var stored = await _admin.GetJsonAsync($"/api/v1/institutions/{code}");

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var answer in new[] { updated, stored })
        {
            answer["code"]!.GetValue<string>().Should().Be(code);
            answer["name"]!.GetValue<string>().Should().Be("改名后的银行");
            answer["category"]!.GetValue<string>().Should().Be("city_commercial");
            answer["localLegalPerson"]!.GetValue<bool>().Should().BeFalse();
            answer["regionCode"]!.GetValue<string>().Should().Be("370102");
            answer["reportingFrom"]!.GetValue<string>().Should().Be("2022-01");
            answer["webhookUrl"]!.GetValue<string>().Should().Be("https://bank.example/new-hook");
            answer["createdAt"]!.GetValue<string>().Should().Be("2023-01-20T02:00:00Z");
            answer["updatedAt"]!.GetValue<string>().Should().Be("2023-01-20T03:00:00Z");
            answer.ContainsKey("webhookSecret").Should().BeFalse("the secret is shown only at creation");
        }
    }

    [Test]
    public async Task Update_UnknownCode_Answers404NotFound()
    {
        var response = await _admin.PutAsJsonAsync("/api/v1/institutions/NO-SUCH-BANK", ValidBody("NO-SUCH-BANK"));

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        (await _admin.GetAsync("/api/v1/institutions/NO-SUCH-BANK")).StatusCode.Should().Be(HttpStatusCode.NotFound, "PUT does not create");
    }

    [TestCase("regionCode", "\"1101\"")]
    [TestCase("category", "\"bank\"")]
    [TestCase("code", "\"ANOTHER\"")]
    public async Task Update_InvalidField_Answers400NamingIt_AndChangesNothing(string field, string json)
    {
        var code = NewCode();
        await _factory.RegisterInstitutionAsync(code, "371302");
        var body = ValidBody(code);
        body[field] = JsonNode.Parse(json);

        var response = await _admin.PutAsJsonAsync($"/api/v1/institutions/{code}", body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().Contain(field);
        (await _admin.GetJsonAsync($"/api/v1/institutions/{code}"))["name"]!.GetValue<string>().Should().Be($"测试银行 {code}");
    }

    private async Task<long> CountAsync() => (await _admin.GetJsonAsync("/api/v1/institutions"))["total"]!.GetValue<long>();

    private string NewCode() => $"IN-{Interlocked.Increment(ref _codes):D4}";

    private static JsonObject ValidBody(string code) => new()
    {
        ["code"] = code,
        ["name"] = $"银行 {code}",
        ["category"] = "joint_stock",
        ["localLegalPerson"] = false,
        ["regionCode"] = "371302",
        ["reportingFrom"] = "2022-01",
        ["webhookUrl"] = "https://bank.example/hook",
    };
}
