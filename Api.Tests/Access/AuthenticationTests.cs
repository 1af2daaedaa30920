using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Access;

/// <summary>api.md, "Who may do what": a missing, unknown or revoked key answers 401; a role that may not act, 403.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class AuthenticationTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private IssuedKey _bank = null!;
    private IssuedKey _regulator = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
        await _factory.RegisterInstitutionAsync("AU3713001", "371302");
        _bank = await _factory.IssueInstitutionKeyAsync("AU3713001");
        _regulator = await _factory.IssueRegulatorKeyAsync("37");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("/api/v1/institutions")]
    [TestCase("/api/v1/institutions/AU3713001")]
    [TestCase("/api/v1/submissions")]
    [TestCase("/api/v1/exceptions")]
    [TestCase("/api/v1/api-keys")]
    public async Task Request_WithoutKey_Answers401Unauthorized(string path)
    {
        using var anonymous = _factory.ClientWithKey(null);

        var response = await anonymous.GetAsync(path);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [TestCase("nope")]
    [TestCase("cpl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("TEST-ADMIN-KEY-0123456789ABCDEF0123456789")]
    public async Task Request_WithUnknownKey_Answers401Unauthorized(string key)
    {
        using var stranger = _factory.ClientWithKey(key);

        var list = await stranger.GetAsync("/api/v1/institutions");
        var admin = await stranger.GetAsync("/api/v1/api-keys");

        await list.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await admin.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Test]
    public async Task RevokedKey_NextRequest_Answers401AtOnce()
    {
        var key = await _factory.IssueRegulatorKeyAsync("3713");
        using var client = _factory.ClientWithKey(key.Key);
        (await client.GetAsync("/api/v1/institutions")).StatusCode.Should().Be(HttpStatusCode.OK, "the key works before it is revoked");

        var revoke = await _admin.DeleteAsync($"/api/v1/api-keys/{key.Id}");
        var after = await client.GetAsync("/api/v1/institutions");

        revoke.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await after.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var listed = (await _admin.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray().Single(k => k!["id"]!.GetValue<string>() == key.Id)!;
        listed["revokedAt"]!.GetValue<string>().Should().Be("2023-01-20T02:00:00Z");
    }

    [Test]
    public async Task RevokedAdminKey_NextAdminRequest_Answers401()
    {
        var key = await _factory.IssueKeyAsync(new { name = "second admin", role = "admin" });
        using var client = _factory.ClientWithKey(key.Key);
        (await client.GetAsync("/api/v1/api-keys")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await _admin.DeleteAsync($"/api/v1/api-keys/{key.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var after = await client.PostAsJsonAsync("/api/v1/api-keys", new { name = "made by a revoked key", role = "admin" });

        await after.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [TestCase("999999")]
    [TestCase("0")]
    [TestCase("not-an-id")]
    public async Task RevokeKey_UnknownId_Answers404NotFound(string id)
    {
        var response = await _admin.DeleteAsync($"/api/v1/api-keys/{id}");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [TestCase("institution", "POST", "/api/v1/institutions")]
    [TestCase("institution", "POST", "/api/v1/api-keys")]
    [TestCase("institution", "GET", "/api/v1/api-keys")]
    [TestCase("institution", "DELETE", "/api/v1/api-keys/1")]
    [TestCase("institution", "PUT", "/api/v1/institutions/AU3713001")]
    [TestCase("regulator", "POST", "/api/v1/institutions")]
    [TestCase("regulator", "POST", "/api/v1/api-keys")]
    [TestCase("regulator", "GET", "/api/v1/api-keys")]
    [TestCase("regulator", "DELETE", "/api/v1/api-keys/1")]
    [TestCase("regulator", "PUT", "/api/v1/institutions/AU3713001")]
    public async Task AdminEndpoint_WithInstitutionOrRegulatorKey_Answers403Forbidden(string role, string method, string path)
    {
        using var client = _factory.ClientWithKey(role == "institution" ? _bank.Key : _regulator.Key);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = path.Contains("api-keys", StringComparison.Ordinal)
                ? JsonContent.Create(new { name = "escalation", role = "admin" })
                : JsonContent.Create(new { code = "AU3713999", name = "不该存在", category = "rural", localLegalPerson = true, regionCode = "371302" });
        }

        var response = await client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using var scope = new AssertionScope();
        (await _admin.GetAsync("/api/v1/institutions/AU3713999")).StatusCode.Should().Be(HttpStatusCode.NotFound, "nothing was created");
        (await _admin.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray().Should().NotContain(
            k => k!["name"]!.GetValue<string>() == "escalation", "no key was created");
        (await _admin.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray().Single(k => k!["name"]!.GetValue<string>() == "bootstrap")!["revokedAt"]
            .Should().BeNull("the admin key (id 1) was not revoked");
        (await _admin.GetJsonAsync("/api/v1/institutions/AU3713001"))["name"]!.GetValue<string>().Should().Be("测试银行 AU3713001", "nothing was updated");
    }

    [TestCase("/health/live")]
    [TestCase("/health/ready")]
    public async Task Health_WithoutKey_Answers200(string path)
    {
        using var anonymous = _factory.ClientWithKey(null);

        var response = await anonymous.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
