using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Audit;

/// <summary><c>GET /api/v1/audit</c>: every write and every refused request, with who did it, never the key.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class AuditTests(TestDatabase database)
{
    [Test]
    public async Task WritesAndRefusals_AreRecorded_ReadsAreNot_AndKeysNeverAppear()
    {
        using var factory = new ComplianceApiFactory(database);
        using var admin = factory.Admin();
        var bankKey = await factory.CreateInstitutionAsync("A1", "371302");
        using var bank = factory.ClientWithKey(bankKey);
        using var anonymous = factory.ClientWithKey(null);
        await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        await bank.GetJsonAsync("/api/v1/submissions");
        await anonymous.GetAsync("/api/v1/exceptions");
        await bank.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = "admin" });

        // The audit row is written once the answer has gone out: wait for the last one.
        await Eventually.UntilAsync(
            async () => (await admin.GetJsonAsync("/api/v1/audit?pageSize=500"))["items"]!.AsArray().Count(i => i!["status"]!.GetValue<int>() == 403),
            refused => refused == 1,
            "the refused key creation to be audited");
        var response = await admin.GetAsync("/api/v1/audit?pageSize=500");
        var body = await response.Content.ReadAsStringAsync();
        var items = (await admin.GetJsonAsync("/api/v1/audit?pageSize=500"))["items"]!.AsArray().Select(i => i!.AsObject()).ToList();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        items.Select(i => (i["method"]!.GetValue<string>(), i["path"]!.GetValue<string>(), i["status"]!.GetValue<int>(), i["role"]?.GetValue<string>()))
            .Should().Contain(
            [
                ("POST", "/api/v1/institutions", 201, "admin"),
                ("POST", "/api/v1/api-keys", 201, "admin"),
                ("POST", "/api/v1/submissions", 201, "institution"),
                ("GET", "/api/v1/exceptions", 401, null),
                ("POST", "/api/v1/api-keys", 403, "institution"),
            ]);
        items.Should().NotContain(i => i["method"]!.GetValue<string>() == "GET" && i["status"]!.GetValue<int>() == 200, "reads are not writes");
        items.Single(i => i["path"]!.GetValue<string>() == "/api/v1/submissions")["keyId"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        body.Should().NotContain(bankKey).And.NotContain(ComplianceApiFactory.AdminKey);
        factory.DeleteDatabase();
    }

    [Test]
    public async Task Creations_RecordTheCreatedResource_TheQuery_AndTheInstitutionActedFor()
    {
        using var factory = new ComplianceApiFactory(database);
        using var admin = factory.Admin();
        var bankKey = await factory.CreateInstitutionAsync("A3", "371302");
        using var bank = factory.ClientWithKey(bankKey);
        var byAdmin = await admin.PostLedgerAsync("2022-11", Ledgers.Example, "&institution=A3");
        var rejected = await bank.PostLedgerAsync("2022-12", "not a ledger");
        using var document = new ByteArrayContent([1, 2, 3]);
        document.Headers.ContentType = new("application/pdf");
        var deliverable = await bank.PostAsync("/api/v1/deliverables?obligation=MATCHMAKING_REPORT&year=2022", document);
        var keys = (await admin.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray();

        var items = (await Eventually.UntilAsync(
            async () => (await admin.GetJsonAsync("/api/v1/audit?pageSize=500"))["items"]!.AsArray().Select(i => i!.AsObject()).ToList(),
            found => found.Count(i => i["method"]!.GetValue<string>() == "POST") == 5,
            "the five creations to be audited")).Where(i => i["method"]!.GetValue<string>() == "POST").ToList();

        using var scope = new AssertionScope();
        static (string? Query, string? Target, string? Institution) What(JsonObject row) =>
            (row["query"]?.GetValue<string>(), row["target"]?.GetValue<string>(), row["institution"]?.GetValue<string>());
        What(items.Single(i => i["path"]!.GetValue<string>() == "/api/v1/institutions")).Should().Be((null, "A3", "A3"));
        What(items.Single(i => i["path"]!.GetValue<string>() == "/api/v1/api-keys")).Should().Be((null, keys.Single(k => k!["institution"]?.GetValue<string>() == "A3")!["id"]!.GetValue<string>(), "A3"));
        What(items.Single(i => i["status"]!.GetValue<int>() == 201 && i["role"]!.GetValue<string>() == "admin" && i["path"]!.GetValue<string>() == "/api/v1/submissions"))
            .Should().Be(("?period=2022-11&institution=A3", (await byAdmin.JsonAsync())["id"]!.GetValue<string>(), "A3"));
        What(items.Single(i => i["status"]!.GetValue<int>() == 422))
            .Should().Be(("?period=2022-12", (await rejected.JsonAsync())["submissionId"]!.GetValue<string>(), "A3"));
        What(items.Single(i => i["path"]!.GetValue<string>() == "/api/v1/deliverables"))
            .Should().Be(("?obligation=MATCHMAKING_REPORT&year=2022", (await deliverable.JsonAsync())["id"]!.GetValue<string>(), "A3"));
        factory.DeleteDatabase();
    }

    [Test]
    public async Task AuditLog_IsForAdminsOnly_AndFiltersByKeyAndTime()
    {
        using var factory = new ComplianceApiFactory(database);
        using var admin = factory.Admin();
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync("A2", "371302"));
        var submission = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        var keyId = (await Eventually.UntilAsync(
            async () => (await admin.GetJsonAsync("/api/v1/audit?pageSize=500"))["items"]!.AsArray().Where(i => i!["path"]!.GetValue<string>() == "/api/v1/submissions").ToList(),
            found => found.Count == 1,
            "the submission to be audited"))[0]!["keyId"]!.GetValue<string>();

        var forbidden = await bank.GetAsync("/api/v1/audit");
        var byKey = await admin.GetJsonAsync($"/api/v1/audit?keyId={keyId}");
        var thisMonth = await admin.GetJsonAsync("/api/v1/audit?from=2023-01&to=2023-01");
        var lastMonth = await admin.GetJsonAsync("/api/v1/audit?from=2022-12&to=2022-12");
        var bad = await admin.GetAsync("/api/v1/audit?from=January");

        using var scope = new AssertionScope();
        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        byKey["items"]!.AsArray().Should().OnlyContain(i => i!["keyId"]!.GetValue<string>() == keyId);
        byKey["total"]!.GetValue<long>().Should().BeGreaterThan(0);
        thisMonth["total"]!.GetValue<long>().Should().BeGreaterThan(0, "the clock is at 2023-01-20");
        lastMonth["total"]!.GetValue<long>().Should().Be(0);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        submission.Should().NotBeNullOrEmpty();
        factory.DeleteDatabase();
    }
}
