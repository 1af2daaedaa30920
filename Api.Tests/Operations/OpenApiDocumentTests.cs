using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Operations;

/// <summary>
/// The OpenAPI document is complete: every operation has a summary, a description and its problem answers as
/// <c>application/problem+json</c>, and every tag a description. The document served is also written to
/// <c>openapi.json</c> in the test output, for <c>docs/openapi-lint.sh</c>.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private JsonObject _document = null!;

    /// <summary>Where the document is written: the test output folder.</summary>
    public static string SavedPath => Path.Combine(TestContext.CurrentContext.TestDirectory, "openapi.json");

    [OneTimeSetUp]
    public async Task FetchDocument()
    {
        using var factory = new ComplianceApiFactory();
        using var client = factory.ClientWithKey(null);
        var response = await client.GetAsync("/swagger/v1/swagger.json");
        var text = await response.Content.ReadAsStringAsync();
        await File.WriteAllTextAsync(SavedPath, text);
        _document = JsonNode.Parse(text)!.AsObject();
        factory.DeleteDatabase();
    }

    [Test]
    public void EveryOperation_HasASummaryAndADescription()
    {
        using var scope = new AssertionScope();
        foreach (var (name, operation) in Operations())
        {
            (operation["summary"]?.GetValue<string>()).Should().NotBeNullOrWhiteSpace(name);
            (operation["description"]?.GetValue<string>()).Should().NotBeNullOrWhiteSpace(name);
        }
    }

    [Test]
    public void EveryOperationThatNeedsAKey_Documents401_429_500_And503AsProblems()
    {
        using var scope = new AssertionScope();
        foreach (var (name, operation) in Operations().Where(o => o.Operation["security"] is not JsonArray { Count: 0 }))
        {
            foreach (var status in new[] { "401", "429", "500", "503" })
            {
                ProblemSchema(operation, status).Should().Be("#/components/schemas/ProblemDetails", $"{name} answers {status}");
            }
        }
    }

    [Test]
    public void EveryErrorAnswer_IsAProblem()
    {
        using var scope = new AssertionScope();
        foreach (var (name, operation) in Operations())
        {
            foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => r.Key[0] is '4' or '5'))
            {
                response!["content"]?.AsObject().Select(c => c.Key).Should().Equal(["application/problem+json"], $"{name} {status}");
                ProblemSchema(operation, status).Should().Be("#/components/schemas/ProblemDetails", $"{name} {status}");
            }
        }
    }

    [Test]
    public void EveryTag_IsDescribed()
    {
        var described = _document["tags"]!.AsArray().Where(t => !string.IsNullOrWhiteSpace(t!["description"]?.GetValue<string>()))
            .Select(t => t!["name"]!.GetValue<string>());
        var used = Operations().SelectMany(o => o.Operation["tags"]!.AsArray().Select(t => t!.GetValue<string>())).Distinct();

        described.Should().Contain(used);
    }

    [Test]
    public void Document_NamesItsServerLicenseAndContact()
    {
        using var scope = new AssertionScope();
        _document["servers"]!.AsArray().Should().NotBeEmpty();
        (_document["info"]!["license"]?["name"]?.GetValue<string>()).Should().NotBeNullOrWhiteSpace();
        (_document["info"]!["contact"]?["email"]?.GetValue<string>()).Should().NotBeNullOrWhiteSpace();
    }

    [Test]
    public void SubmitLedger_DocumentsItsBodiesWithExamples()
    {
        var content = _document["paths"]!["/api/v1/submissions"]!["post"]!["requestBody"]!["content"]!.AsObject();

        using var scope = new AssertionScope();
        content.Select(c => c.Key).Should().BeEquivalentTo("text/csv", "application/json", "application/x-ndjson");
        foreach (var (type, media) in content)
        {
            media!["example"].Should().NotBeNull(type);
        }
    }

    [Test]
    public void SubmitLedger_DocumentsItsQueryAndItsIdempotencyKeyHeader()
    {
        var parameters = _document["paths"]!["/api/v1/submissions"]!["post"]!["parameters"]!.AsArray();
        var key = parameters.Single(p => p!["in"]!.GetValue<string>() == "header")!;

        using var scope = new AssertionScope();
        parameters.Select(p => $"{p!["in"]} {p["name"]}").Should().Equal("query period", "query institution", "query dryRun", "header Idempotency-Key");
        (key["required"]?.GetValue<bool>() ?? false).Should().BeFalse();
        key["schema"]!["type"]!.GetValue<string>().Should().Be("string");
        key["schema"]!["pattern"]!.GetValue<string>().Should().Be("^[!-~]{1,255}$");
        (key["description"]?.GetValue<string>()).Should().Contain("1–255 visible ASCII characters");
    }

    [Test]
    public void PeerFigures_AreGroupAndCount_WithEachFigureOptionalButNeverNull()
    {
        var figures = _document["components"]!["schemas"]!["PeerFiguresView"]!.AsObject();

        using var scope = new AssertionScope();
        figures["required"]!.AsArray().Select(r => r!.GetValue<string>()).Should().BeEquivalentTo("group", "n");
        foreach (var name in new[] { "min", "q1", "median", "q3", "max" })
        {
            var figure = figures["properties"]![name]!;
            figure["type"]!.GetValue<string>().Should().Be("number", name);
            figure["nullable"].Should().BeNull($"{name} is absent where it is not sent, never null");
            (figure["description"]?.GetValue<string>()).Should().Contain("institution key", name);
        }
    }

    [Test]
    public void FigureUnits_OfTheCatalogueAndOfEveryException_AreTheDeclaredUnitsNames()
    {
        var schemas = _document["components"]!["schemas"]!;
        string[] names = ["percent", "pp", "yuan", "count", "date", "period", "text", "list", "boolean"];

        using var scope = new AssertionScope();
        schemas["RuleView"]!["properties"]!["figures"]!["items"]!["$ref"]!.GetValue<string>().Should().Be("#/components/schemas/FigureView");
        schemas["FigureView"]!["properties"]!["unit"]!["enum"]!.AsArray().Select(u => u!.GetValue<string>()).Should().Equal(names);
        schemas["ExceptionView"]!["properties"]!["units"]!["additionalProperties"]!["enum"]!.AsArray().Select(u => u!.GetValue<string>()).Should().Equal(names);
    }

    [Test]
    public void InstitutionLevel_IsOneOfTheFourLevels_AndABodysParentMayBeNull()
    {
        var schemas = _document["components"]!["schemas"]!;
        string[] levels = ["head_office", "provincial", "municipal", "county"];

        using var scope = new AssertionScope();
        foreach (var name in new[] { "InstitutionBody", "InstitutionView", "CreatedInstitution" })
        {
            schemas[name]!["properties"]!["level"]!["enum"]!.AsArray().Select(l => l!.GetValue<string>()).Should().Equal(levels, name);
            schemas[name]!["properties"]!["legalPerson"]!["type"]!.GetValue<string>().Should().Be("boolean", name);
        }

        var parent = schemas["InstitutionBody"]!["properties"]!["parent"]!;
        parent["type"]!.GetValue<string>().Should().Be("string");
        (parent["nullable"]?.GetValue<bool>()).Should().BeTrue("\"parent\": null removes the parent");
    }

    private static string? ProblemSchema(JsonObject operation, string status) =>
        operation["responses"]?[status]?["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();

    private IEnumerable<(string Name, JsonObject Operation)> Operations() =>
        _document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(o => Methods.Contains(o.Key))
            .Select(o => ($"{o.Key.ToUpperInvariant()} {path.Key}", o.Value!.AsObject())));
}
