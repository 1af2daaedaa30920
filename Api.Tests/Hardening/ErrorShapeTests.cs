using System.Net;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// Every refusal is problem+json with the type of its own status, including those the transport and the router make
/// (over real Kestrel, whose own limits answer with a bare status and so must never be the first to trip).
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ErrorShapeTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private Uri _server = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        var address = _factory.StartKestrel();
        _server = address;
        _admin = new HttpClient { BaseAddress = address };
        _admin.DefaultRequestHeaders.Add("X-Api-Key", ComplianceApiFactory.AdminKey);
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase(33 * 1024)]
    [TestCase(100 * 1024)]
    public async Task Headers_OverTheLimit_Are431ProblemJson(int bytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/exceptions");
        request.Headers.Add("X-Padding", new string('p', bytes));

        var response = await _admin.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "headers-too-large");
    }

    [TestCase(5 * 1024)]
    [TestCase(15 * 1024)]
    public async Task QueryString_OverTheLimit_Is414ProblemJson(int bytes)
    {
        var response = await _admin.GetAsync("/api/v1/exceptions?rule=" + new string('x', bytes));

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestUriTooLong, "uri-too-long");
    }

    [TestCase(101)]
    [TestCase(150)]
    [TestCase(399)]
    public async Task Headers_MoreThanAHundred_Are431ProblemJson(int count)
    {
        var headers = string.Concat(Enumerable.Range(1, count - 3).Select(i => $"X-Header-{i}: {i}\r\n"));

        // With Host and Connection, which RawHttp adds, the request has count headers.
        var response = await RawHttp.SendAsync(_server, $"GET /api/v1/exceptions HTTP/1.1\r\nX-Api-Key: {ComplianceApiFactory.AdminKey}\r\n{headers}");

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "headers-too-large");
    }

    [Test]
    public async Task Headers_AHundredInAll_AreServed()
    {
        var headers = string.Concat(Enumerable.Range(1, 97).Select(i => $"X-Header-{i}: {i}\r\n"));

        var response = await RawHttp.SendAsync(_server, $"GET /api/v1/exceptions HTTP/1.1\r\nX-Api-Key: {ComplianceApiFactory.AdminKey}\r\n{headers}");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [TestCase(5 * 1024)]
    [TestCase(64 * 1024)]
    [TestCase(200 * 1024)]
    public async Task Path_OverTheLimit_Is414ProblemJson(int bytes)
    {
        var response = await RawHttp.SendAsync(_server, $"GET /api/v1/exceptions/{new string('p', bytes)} HTTP/1.1\r\nX-Api-Key: {ComplianceApiFactory.AdminKey}\r\n");

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestUriTooLong, "uri-too-long");
    }

    [TestCase("DELETE", "/api/v1/exceptions")]
    [TestCase("PUT", "/api/v1/submissions")]
    [TestCase("PATCH", "/api/v1/institutions")]
    [TestCase("POST", "/api/v1/rules")]
    public async Task Method_ThePathDoesNotTake_Is405MethodNotAllowed_WithAllow(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await _admin.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        response.Content.Headers.Allow.Should().NotBeEmpty().And.NotContain(method);
        (await _admin.GetAsync("/problems/method-not-allowed")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task UnknownPath_Is404ProblemJson()
    {
        var response = await _admin.GetAsync("/api/v1/no-such-thing");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
