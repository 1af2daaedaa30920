using System.Net;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Institutions;

/// <summary>api.md: <c>GET /institutions</c> is filtered to what the caller may see, and never shows a webhook secret.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class InstitutionListTests(TestDatabase database)
{
    private static readonly (string Code, string Region)[] Registered =
    [
        ("IL-SD-LINYI", "371302"),
        ("IL-SD-LANSHAN", "371311"),
        ("IL-SD-JINAN", "370102"),
        ("IL-BJ", "110101"),
        ("IL-HN", "410102"),
    ];

    private readonly Dictionary<string, string> _keys = [];
    private readonly List<string> _secrets = [];
    private ComplianceApiFactory _factory = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        foreach (var (code, region) in Registered)
        {
            _secrets.Add((await _factory.RegisterInstitutionAsync(code, region))["webhookSecret"]!.GetValue<string>());
        }

        _keys["admin"] = ComplianceApiFactory.AdminKey;
        _keys["institution IL-SD-LINYI"] = (await _factory.IssueInstitutionKeyAsync("IL-SD-LINYI")).Key;
        _keys["institution IL-BJ"] = (await _factory.IssueInstitutionKeyAsync("IL-BJ")).Key;
        foreach (var jurisdiction in new[] { "", "37", "3713", "371311", "41", "42" })
        {
            _keys[$"regulator {jurisdiction}"] = (await _factory.IssueRegulatorKeyAsync(jurisdiction)).Key;
        }
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("admin", new[] { "IL-BJ", "IL-HN", "IL-SD-JINAN", "IL-SD-LANSHAN", "IL-SD-LINYI" })]
    [TestCase("regulator ", new[] { "IL-BJ", "IL-HN", "IL-SD-JINAN", "IL-SD-LANSHAN", "IL-SD-LINYI" })]
    [TestCase("institution IL-SD-LINYI", new[] { "IL-SD-LINYI" })]
    [TestCase("institution IL-BJ", new[] { "IL-BJ" })]
    [TestCase("regulator 37", new[] { "IL-SD-JINAN", "IL-SD-LANSHAN", "IL-SD-LINYI" })]
    [TestCase("regulator 3713", new[] { "IL-SD-LANSHAN", "IL-SD-LINYI" })]
    [TestCase("regulator 371311", new[] { "IL-SD-LANSHAN" })]
    [TestCase("regulator 41", new[] { "IL-HN" })]
    [TestCase("regulator 42", new string[0])]
    public async Task List_ByCaller_ShowsOnlyWhatItMaySee_AndCountsOnlyThat(string caller, string[] expected)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);

        var page = await client.GetJsonAsync("/api/v1/institutions");

        using var scope = new AssertionScope();
        Codes(page).Should().BeEquivalentTo(expected);
        page["total"]!.GetValue<long>().Should().Be(expected.Length);
        page["page"]!.GetValue<int>().Should().Be(1);
        page["pageSize"]!.GetValue<int>().Should().Be(50);
    }

    [TestCase("admin", "37", new[] { "IL-SD-JINAN", "IL-SD-LANSHAN", "IL-SD-LINYI" })]
    [TestCase("admin", "3713", new[] { "IL-SD-LANSHAN", "IL-SD-LINYI" })]
    [TestCase("admin", "110101", new[] { "IL-BJ" })]
    [TestCase("admin", "3", new[] { "IL-SD-JINAN", "IL-SD-LANSHAN", "IL-SD-LINYI" })]
    [TestCase("admin", "99", new string[0])]
    [TestCase("regulator 37", "3713", new[] { "IL-SD-LANSHAN", "IL-SD-LINYI" })]
    [TestCase("regulator 37", "11", new string[0])]
    [TestCase("regulator 3713", "37", new[] { "IL-SD-LANSHAN", "IL-SD-LINYI" })]
    [TestCase("institution IL-SD-LINYI", "37", new[] { "IL-SD-LINYI" })]
    [TestCase("institution IL-SD-LINYI", "11", new string[0])]
    public async Task List_WithRegion_FiltersWithinWhatTheCallerMaySee(string caller, string region, string[] expected)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);

        var page = await client.GetJsonAsync($"/api/v1/institutions?region={region}");

        using var scope = new AssertionScope();
        Codes(page).Should().BeEquivalentTo(expected);
        page["total"]!.GetValue<long>().Should().Be(expected.Length);
    }

    [TestCase("abc")]
    [TestCase("3713021")]
    public async Task List_WithMalformedRegion_Answers400(string region)
    {
        using var admin = _factory.Admin();

        var response = await admin.GetAsync($"/api/v1/institutions?region={region}");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain("region");
    }

    [TestCase("pageSize=501", "pageSize")]
    [TestCase("pageSize=0", "pageSize")]
    [TestCase("page=0", "page")]
    public async Task List_WithPagingOutOfRange_Answers400(string query, string field)
    {
        using var admin = _factory.Admin();

        var response = await admin.GetAsync($"/api/v1/institutions?{query}");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain(field);
    }

    [Test]
    public async Task List_PagedSmallerThanWhatIsVisible_TotalCountsEveryVisibleOne()
    {
        using var regulator = _factory.ClientWithKey(_keys["regulator 37"]);

        var first = await regulator.GetJsonAsync("/api/v1/institutions?pageSize=2&page=1");
        var second = await regulator.GetJsonAsync("/api/v1/institutions?pageSize=2&page=2");

        using var scope = new AssertionScope();
        first["total"]!.GetValue<long>().Should().Be(3);
        second["total"]!.GetValue<long>().Should().Be(3);
        Codes(first).Concat(Codes(second)).Should().BeEquivalentTo("IL-SD-JINAN", "IL-SD-LANSHAN", "IL-SD-LINYI");
    }

    [TestCase("admin", "IL-HN")]
    [TestCase("regulator 41", "IL-HN")]
    [TestCase("regulator 3713", "IL-SD-LINYI")]
    [TestCase("institution IL-SD-LINYI", "IL-SD-LINYI")]
    public async Task Get_VisibleInstitution_Answers200WithItsFields(string caller, string code)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);

        var institution = await client.GetJsonAsync($"/api/v1/institutions/{code}");

        using var scope = new AssertionScope();
        institution["code"]!.GetValue<string>().Should().Be(code);
        institution["regionCode"]!.GetValue<string>().Should().Be(Registered.Single(r => r.Code == code).Region);
        institution.Select(p => p.Key).Should().BeEquivalentTo(
            "code", "name", "category", "legalPerson", "level", "parent", "localLegalPerson", "regionCode", "reportingFrom", "webhookUrl", "createdAt", "updatedAt");
    }

    [TestCase("admin")]
    [TestCase("regulator ")]
    [TestCase("regulator 37")]
    [TestCase("institution IL-SD-LINYI")]
    public async Task Reads_OfAnyCaller_NeverShowTheWebhookSecret(string caller)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);
        var bodies = new List<string> { await client.GetStringAsync("/api/v1/institutions?pageSize=500") };
        foreach (var code in Codes(await client.GetJsonAsync("/api/v1/institutions?pageSize=500")))
        {
            bodies.Add(await client.GetStringAsync($"/api/v1/institutions/{code}"));
        }

        var text = string.Join("\n", bodies);

        using var scope = new AssertionScope();
        text.Should().NotContainEquivalentOf("webhookSecret");
        foreach (var secret in _secrets)
        {
            text.Should().NotContain(secret);
        }
    }

    private static List<string> Codes(JsonObject page) => page["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()).ToList();
}
