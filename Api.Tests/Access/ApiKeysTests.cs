using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Access;

/// <summary>api.md, "Institutions and keys": creating, listing and revoking keys, and how each is bound.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ApiKeysTests(TestDatabase database)
{
    private const string Missing = "<missing>";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
        await _factory.RegisterInstitutionAsync("AK3713001", "371302");
        await _factory.RegisterInstitutionAsync("AK1101001", "110101");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("regulator", null, "3713")]
    [TestCase("regulator", null, "")]
    [TestCase("institution", "AK3713001", null)]
    public async Task Me_AnswersTheCallersOwnKey_WithoutTheKey(string role, string? institution, string? jurisdiction)
    {
        var created = await (await _admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "me", role, institution, jurisdiction })).JsonAsync();
        var key = created["key"]!.GetValue<string>();
        using var client = _factory.ClientWithKey(key);

        var response = await client.GetAsync("/api/v1/me");
        var text = await response.Content.ReadAsStringAsync();
        var me = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        me["keyId"]!.GetValue<string>().Should().Be(created["id"]!.GetValue<string>());
        me["prefix"]!.GetValue<string>().Should().Be(created["prefix"]!.GetValue<string>());
        me["role"]!.GetValue<string>().Should().Be(role);
        me["institution"]?.GetValue<string>().Should().Be(institution);
        me["jurisdiction"]?.GetValue<string>().Should().Be(jurisdiction);
        text.Should().NotContain(key);
    }

    [Test]
    public async Task Me_WithoutAKey_Answers401()
    {
        using var anonymous = _factory.ClientWithKey(null);

        var response = await anonymous.GetAsync("/api/v1/me");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Test]
    public async Task CreateKey_Valid_Answers201WithTheKeyStartingWithItsPrefix()
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "Linyi office", role = "regulator", jurisdiction = "3713" });
        var created = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.Location!.ToString().Should().Be($"/api/v1/api-keys/{created["id"]}");
        created["id"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        created["name"]!.GetValue<string>().Should().Be("Linyi office");
        created["role"]!.GetValue<string>().Should().Be("regulator");
        created["jurisdiction"]!.GetValue<string>().Should().Be("3713");
        created["createdAt"]!.GetValue<string>().Should().Be("2023-01-20T02:00:00Z");
        var key = created["key"]!.GetValue<string>();
        var prefix = created["prefix"]!.GetValue<string>();
        prefix.Should().NotBeNullOrEmpty().And.NotBe(key, "the prefix identifies the key without revealing it");
        key.Should().StartWith(prefix);
    }

    [TestCase("regulator", Missing, Missing, "jurisdiction")]
    [TestCase("regulator", Missing, null, "jurisdiction")]
    [TestCase("regulator", Missing, "3", "jurisdiction")]
    [TestCase("regulator", Missing, "371", "jurisdiction")]
    [TestCase("regulator", Missing, "12345", "jurisdiction")]
    [TestCase("regulator", Missing, "3713021", "jurisdiction")]
    [TestCase("regulator", Missing, "3a", "jurisdiction")]
    [TestCase("institution", Missing, Missing, "institution")]
    [TestCase("institution", "", Missing, "institution")]
    [TestCase("institution", "NOPE", Missing, "institution")]
    [TestCase("auditor", Missing, Missing, "role")]
    [TestCase(Missing, Missing, Missing, "role")]
    public async Task CreateKey_InvalidBinding_Answers400NamingTheField(string role, string? institution, string? jurisdiction, string field)
    {
        var body = new JsonObject { ["name"] = "invalid key" };
        Add(body, "role", role);
        Add(body, "institution", institution);
        Add(body, "jurisdiction", jurisdiction);
        var before = await KeyCountAsync();

        var response = await _admin.PostAsJsonAsync("/api/v1/api-keys", body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().Contain(field);
        problem["errors"]![field]!.AsArray().Should().NotBeEmpty();
        (await KeyCountAsync()).Should().Be(before, "an invalid request creates no key");
    }

    [Test]
    public async Task CreateKey_JurisdictionAsJsonNumber_Answers400NamingJurisdiction()
    {
        using var content = new StringContent("""{"name":"Shandong","role":"regulator","jurisdiction":37}""", System.Text.Encoding.UTF8, "application/json");
        var before = await KeyCountAsync();

        var response = await _admin.PostAsync("/api/v1/api-keys", content);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().ContainSingle().Which.Should().ContainEquivalentOf("jurisdiction", "api.md: invalid-request comes with errors: {field: [messages]}");
        (await KeyCountAsync()).Should().Be(before);
    }

    [Test]
    public async Task CreateKey_RegulatorWithEmptyJurisdiction_IsNational()
    {
        var created = await _admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "national", role = "regulator", jurisdiction = "" });
        var body = await created.JsonAsync();
        using var national = _factory.ClientWithKey(body["key"]!.GetValue<string>());

        var institutions = await national.GetJsonAsync("/api/v1/institutions");

        using var scope = new AssertionScope();
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        body["jurisdiction"]!.GetValue<string>().Should().BeEmpty();
        institutions["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()).Should().Contain(["AK3713001", "AK1101001"]);
        institutions["total"]!.GetValue<long>().Should().Be((await _admin.GetJsonAsync("/api/v1/institutions"))["total"]!.GetValue<long>());
    }

    [Test]
    public async Task CreateKey_InstitutionRole_IsBoundToItsInstitution()
    {
        var key = await _factory.IssueInstitutionKeyAsync("AK3713001");
        using var bank = _factory.ClientWithKey(key.Key);

        var institutions = await bank.GetJsonAsync("/api/v1/institutions");

        institutions["items"]!.AsArray().Select(i => i!["code"]!.GetValue<string>()).Should().Equal("AK3713001");
    }

    [Test]
    public async Task KeyList_AfterCreation_ShowsEveryFieldButNeverTheKey()
    {
        var institution = await _factory.IssueInstitutionKeyAsync("AK1101001");
        var regulator = await _factory.IssueRegulatorKeyAsync("11");

        var response = await _admin.GetAsync("/api/v1/api-keys");
        var text = await response.Content.ReadAsStringAsync();
        var items = JsonNode.Parse(text)!["items"]!.AsArray().Select(i => i!.AsObject()).ToList();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        text.Should().NotContain(institution.Key).And.NotContain(regulator.Key).And.NotContain(ComplianceApiFactory.AdminKey);
        foreach (var item in items)
        {
            item.Select(p => p.Key).Should().BeEquivalentTo("id", "name", "prefix", "role", "institution", "jurisdiction", "createdAt", "revokedAt");
        }

        var bank = items.Single(i => i["id"]!.GetValue<string>() == institution.Id);
        bank["name"]!.GetValue<string>().Should().Be("AK1101001 key");
        bank["prefix"]!.GetValue<string>().Should().Be(institution.Prefix);
        bank["role"]!.GetValue<string>().Should().Be("institution");
        bank["institution"]!.GetValue<string>().Should().Be("AK1101001");
        bank["jurisdiction"].Should().BeNull();
        bank["createdAt"]!.GetValue<string>().Should().Be("2023-01-20T02:00:00Z");
        bank["revokedAt"].Should().BeNull();
        var office = items.Single(i => i["id"]!.GetValue<string>() == regulator.Id);
        office["role"]!.GetValue<string>().Should().Be("regulator");
        office["jurisdiction"]!.GetValue<string>().Should().Be("11");
        office["institution"].Should().BeNull();
        items.Should().Contain(i => i["role"]!.GetValue<string>() == "admin", "the bootstrap admin key is listed too");
    }

    [Test]
    public async Task RevokeKey_Known_Answers204_AndListShowsRevokedAt()
    {
        var key = await _factory.IssueRegulatorKeyAsync("37");

        var response = await _admin.DeleteAsync($"/api/v1/api-keys/{key.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var listed = (await _admin.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray().Single(k => k!["id"]!.GetValue<string>() == key.Id)!;
        listed["revokedAt"]!.GetValue<string>().Should().Be("2023-01-20T02:00:00Z");
    }

    private static void Add(JsonObject body, string name, string? value)
    {
        if (value != Missing)
        {
            body[name] = value;
        }
    }

    private async Task<int> KeyCountAsync() => (await _admin.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray().Count;
}
