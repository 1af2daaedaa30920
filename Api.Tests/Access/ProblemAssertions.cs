using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Access;

/// <summary>Checks shared by the access, tenancy, institution and workflow fixtures.</summary>
public static class ProblemAssertions
{
    /// <summary>
    /// Asserts that the answer is RFC 9457 problem details of api.md: <c>application/problem+json</c>, the status,
    /// the stable <c>type</c> <c>/problems/&lt;kind&gt;</c>, a title and a detail. Returns the problem.
    /// </summary>
    public static async Task<JsonObject> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string kind)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        (response.Content.Headers.ContentType?.MediaType).Should().Be("application/problem+json", text);
        var problem = JsonNode.Parse(text)!.AsObject();
        using (new AssertionScope())
        {
            (problem["type"]?.GetValue<string>()).Should().Be($"/problems/{kind}");
            (problem["status"]?.GetValue<int>()).Should().Be((int)status);
            (problem["title"]?.GetValue<string>()).Should().NotBeNullOrWhiteSpace();
            (problem["detail"]?.GetValue<string>()).Should().NotBeNullOrWhiteSpace();
        }

        return problem;
    }

    /// <summary>The field names of a 400's <c>errors: {field: [messages]}</c>.</summary>
    public static IReadOnlyList<string> ErrorFields(this JsonObject problem) =>
        problem["errors"]?.AsObject().Select(p => p.Key).ToList() ?? [];
}

/// <summary>A key as created: its id (for events and revocation), the plain key and its prefix.</summary>
public sealed record IssuedKey(string Id, string Key, string Prefix);

/// <summary>Keys and institutions created through the admin API.</summary>
public static class Keys
{
    /// <summary>Creates a key (admin) and returns its id, key and prefix.</summary>
    public static async Task<IssuedKey> IssueKeyAsync(this ComplianceApiFactory factory, object body)
    {
        using var admin = factory.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/api-keys", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.JsonAsync();
        return new IssuedKey(created["id"]!.GetValue<string>(), created["key"]!.GetValue<string>(), created["prefix"]!.GetValue<string>());
    }

    public static Task<IssuedKey> IssueInstitutionKeyAsync(this ComplianceApiFactory factory, string institution) =>
        factory.IssueKeyAsync(new { name = $"{institution} key", role = "institution", institution });

    public static Task<IssuedKey> IssueRegulatorKeyAsync(this ComplianceApiFactory factory, string jurisdiction) =>
        factory.IssueKeyAsync(new { name = $"regulator {jurisdiction}", role = "regulator", jurisdiction });

    /// <summary>Creates an institution (admin) with the usual fields and returns the 201 body, webhook secret included.</summary>
    public static async Task<JsonObject> RegisterInstitutionAsync(this ComplianceApiFactory factory, string code, string regionCode)
    {
        using var admin = factory.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"测试银行 {code}", category = "rural", localLegalPerson = true, regionCode, reportingFrom = "2021-01",
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }
}
