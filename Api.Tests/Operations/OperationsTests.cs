using System.Net;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Operations;

/// <summary>Health, the OpenAPI document and Swagger UI, and problem details for what no endpoint handles.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class OperationsTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _anonymous = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _anonymous = _factory.ClientWithKey(null);
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _anonymous?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("/health/live", "live")]
    [TestCase("/health/ready", "ready")]
    public async Task Health_WithoutKey_Answers200(string path, string status)
    {
        var answer = await _anonymous.GetJsonAsync(path);

        answer["status"]!.GetValue<string>().Should().Be(status);
    }

    [Test]
    public async Task SwaggerUi_IsServed()
    {
        var response = await _anonymous.GetAsync("/swagger/index.html");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("swagger");
    }

    [Test]
    public async Task OpenApiDocument_DescribesEveryEndpoint_WithItsProblems()
    {
        var document = await _anonymous.GetJsonAsync("/swagger/v1/swagger.json");
        var paths = document["paths"]!.AsObject();

        using var scope = new AssertionScope();
        paths.Select(p => p.Key).Should().Contain(
        [
            "/api/v1/institutions", "/api/v1/institutions/{code}", "/api/v1/institutions/{code}/indicators",
            "/api/v1/api-keys", "/api/v1/api-keys/{id}",
            "/api/v1/submissions", "/api/v1/submissions/{id}", "/api/v1/submissions/{id}/errors", "/api/v1/submissions/{id}/original",
            "/api/v1/exceptions", "/api/v1/exceptions/{id}", "/api/v1/exceptions/{id}/explanation", "/api/v1/exceptions/{id}/resolve",
            "/api/v1/exceptions/{id}/waive", "/api/v1/exceptions/{id}/reopen",
            "/api/v1/rules", "/api/v1/rule-sets", "/api/v1/rule-sets/{id}", "/health/live", "/health/ready",
        ]);
        var submit = paths["/api/v1/submissions"]!["post"]!;
        Responses(submit).Should().Contain(["201", "200", "400", "401", "403", "413", "415", "422"]);
        submit["requestBody"]!["content"]!["text/csv"].Should().NotBeNull();
        submit["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Should().BeEquivalentTo("period", "institution", "dryRun", "Idempotency-Key");
        Responses(paths["/api/v1/exceptions/{id}/resolve"]!["post"]!).Should().Contain(["200", "400", "403", "404", "409"]);
        document["components"]!["securitySchemes"]!["ApiKey"]!["name"]!.GetValue<string>().Should().Be("X-Api-Key");
    }

    [Test]
    public async Task OpenApiDocument_DescribesNodaTimeValues_AsFormattedStrings()
    {
        var schemas = (await _anonymous.GetJsonAsync("/swagger/v1/swagger.json"))["components"]!["schemas"]!;

        var receipt = schemas["SubmissionReceipt"]!["properties"]!;

        receipt["receivedAt"]!["format"]!.GetValue<string>().Should().Be("date-time");
        receipt["period"]!["pattern"]!.GetValue<string>().Should().Be("^[0-9]{4}-[0-9]{2}$");
    }

    [Test]
    public async Task UnknownRoute_AnswersProblemDetails()
    {
        var response = await _factory.Admin().GetAsync("/api/v1/nothing-here");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.JsonAsync())["type"]!.GetValue<string>().Should().Be("/problems/not-found");
    }

    [TestCase("unauthorized")]
    [TestCase("ledger-invalid")]
    [TestCase("invalid-transition")]
    public async Task ProblemPage_ExplainsItsKind(string kind)
    {
        var response = await _anonymous.GetAsync($"/problems/{kind}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain($"/problems/{kind}");
    }

    [Test]
    public async Task MalformedJsonBody_Answers400ProblemDetails()
    {
        using var admin = _factory.Admin();
        using var content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");

        var response = await admin.PostAsync("/api/v1/institutions", content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.JsonAsync())["type"]!.GetValue<string>().Should().Be("/problems/invalid-request");
    }

    private static IEnumerable<string> Responses(JsonNode operation) => operation["responses"]!.AsObject().Select(r => r.Key);
}
