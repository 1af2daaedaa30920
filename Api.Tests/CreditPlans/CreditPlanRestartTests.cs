using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Tests.Support;
using NodaTime;

namespace Compliance.Api.Tests.CreditPlans;

/// <summary>
/// The change of a plan is kept with the pending mark it sets, not only in a job's arguments: an evaluation left pending
/// when the server stopped is enqueued again at start, and the exceptions it moves still name the change.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class CreditPlanRestartTests(TestDatabase database)
{
    private const string Branch = "RS-M";

    private static readonly Instant Now = Instant.FromUtc(2023, 7, 20, 2, 0);

    [Test]
    public async Task APlanChangedJustBeforeAStop_IsNamedOnTheExceptionItsEvaluationOpensAfterTheRestart()
    {
        string path;
        string june;
        using (var first = new ComplianceApiFactory(database, now: Now))
        {
            using var admin = first.Admin();
            (await admin.PostAsJsonAsync("/api/v1/institutions", new
            {
                code = Branch, name = "临沂某分行", category = "large_state", legalPerson = false, localLegalPerson = false, level = "municipal",
                regionCode = "371302", reportingFrom = "2022-12",
            })).EnsureSuccessStatusCode();
            (await admin.PostLedgerAsync("2022-12", Ledgers.Csv(Ledgers.Row("L1", creditLine: 5_000_000m, balance: 1_000_000m, amount: 1_000_000m)), $"&institution={Branch}")).EnsureSuccessStatusCode();
            june = (await (await admin.PostLedgerAsync("2023-06", Ledgers.Csv(Ledgers.Row("L1", creditLine: 5_000_000m, balance: 1_500_000m, amount: 1_500_000m)), $"&institution={Branch}")).JsonAsync())["id"]!.GetValue<string>();
            await admin.WaitForAllEvaluationsAsync();
            path = first.Location;
        }

        using (var apiOnly = new ComplianceApiFactory(database, location: path, settings: new Dictionary<string, string?> { ["Compliance:Roles"] = "api" }, now: Now))
        {
            using var admin = apiOnly.Admin();
            var put = await admin.PutAsJsonAsync($"/api/v1/institutions/{Branch}/credit-plans/2023", new { inclusiveIncrease = 1_000_000.02m, note = "总行下达计划" });
            put.StatusCode.Should().Be(HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
            (await admin.GetJsonAsync($"/api/v1/submissions/{june}"))["evaluation"]!["status"]!.GetValue<string>().Should().Be("pending");
        }

        using var restarted = new ComplianceApiFactory(database, location: path, now: Now);
        using var client = restarted.Admin();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
        await client.WaitForEvaluationAsync(june);
        var plan = (await client.ExceptionsAsync($"&institution={Branch}&ruleSet=national&period=2023-06&rule=CREDIT_PLAN")).Single();
        var events = (await client.GetJsonAsync($"/api/v1/exceptions/{plan["id"]}"))["events"]!.AsArray()
            .Select(e => (e!["kind"]!.GetValue<string>(), e["note"]?.GetValue<string>())).ToList();

        events.Should().Equal(("created", "信贷计划 2023：无 → 1,000,000.02，总行下达计划"));
        restarted.DeleteDatabase();
    }
}
