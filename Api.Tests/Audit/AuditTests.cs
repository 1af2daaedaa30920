using System.Net;
using System.Net.Http.Json;
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
