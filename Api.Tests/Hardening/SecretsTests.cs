using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// Secrets and personal data stay out of logs and lists: no log line carries an API key, a webhook secret or a
/// ledger's row (loan ids, borrower ids, credit codes), and the webhook secret is answered once, at creation.
/// </summary>
public sealed class SecretsTests
{
    [Test]
    public async Task LogsAndLists_CarryNoKeyNoSecretAndNoLedgerRow()
    {
        using var factory = new ComplianceApiFactory() { CaptureLogs = true };
        using var admin = factory.Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code = "SEC1", name = "保密银行", category = "rural", localLegalPerson = true, regionCode = "371302", reportingFrom = "2021-01",
            webhookUrl = "http://127.0.0.1:9/hook",
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var secret = (await created.JsonAsync())["webhookSecret"]!.GetValue<string>();
        var key = await factory.CreateKeyAsync(new { name = "sec", role = "institution", institution = "SEC1" });
        using var bank = factory.ClientWithKey(key);
        var ledger = Ledgers.Example + Ledgers.Row("LOAN-PRIVATE-0001", borrowerId: "BORROWER-PRIVATE-77") + "\n";
        var accepted = await bank.SubmitAcceptedAsync("2022-12", ledger);
        await bank.WaitForEvaluationAsync(accepted);
        (await bank.PostLedgerAsync("2022-11", ledger.Replace("micro", "nonsense-type", StringComparison.Ordinal))).StatusCode
            .Should().Be(HttpStatusCode.UnprocessableEntity);
        using var anonymous = factory.ClientWithKey("cpl_not-a-real-key-but-secret-looking");
        (await anonymous.GetAsync("/api/v1/exceptions")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var lists = await admin.GetStringAsync("/api/v1/institutions") + await admin.GetStringAsync("/api/v1/institutions/SEC1")
            + await admin.GetStringAsync("/api/v1/api-keys") + await admin.GetStringAsync("/api/v1/audit?pageSize=500");
        var logs = string.Join('\n', factory.Logs);

        logs.Should().NotBeEmpty("the server logs what it does");
        foreach (var forbidden in new[] { secret, key, ComplianceApiFactory.AdminKey, "cpl_not-a-real-key-but-secret-looking", "LOAN-PRIVATE-0001", "BORROWER-PRIVATE-77", "91371300MA3C1XY40W" })
        {
            logs.Should().NotContain(forbidden);
        }

        lists.Should().NotContain(secret).And.NotContain(key).And.NotContain(ComplianceApiFactory.AdminKey);
        factory.DeleteDatabase();
    }
}
