using System.Net;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// Every HTML answer (the console, the problem pages, Swagger UI, the Hangfire dashboard) carries a
/// Content-Security-Policy that forbids framing, and every answer <c>nosniff</c>.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class SecurityHeadersTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        // Over Kestrel the peer is the loopback address, so the dashboard (local requests only) answers too.
        _client = new HttpClient { BaseAddress = _factory.StartKestrel() };
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _client?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("/")]
    [TestCase("/problems/forbidden")]
    [TestCase("/problems/rate-limited")]
    [TestCase("/swagger/index.html")]
    [TestCase("/hangfire")]
    public async Task HtmlPage_CarriesAPolicyThatForbidsFraming_AndNoSniff(string path)
    {
        var response = await _client.GetAsync(path);

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var policy = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
        policy.Should().Contain("frame-ancestors 'none'").And.Contain("script-src 'self'").And.Contain("object-src 'none'").And.NotContain("unsafe-eval");
        policy.Should().NotContain("script-src 'self' 'unsafe-inline'");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }

    [Test]
    public async Task ProblemPages_AndTheConsole_AllowNoInlineStyleEither()
    {
        foreach (var path in new[] { "/", "/problems/not-found" })
        {
            var response = await _client.GetAsync(path);
            response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("style-src 'self';", path);
        }
    }

    [TestCase("/problems/no-such-kind")]
    [TestCase("/api/v1/exceptions")]
    [TestCase("/swagger/v1/swagger.json")]
    public async Task OtherAnswers_CarryNoSniff(string path)
    {
        var response = await _client.GetAsync(path);

        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }
}
