using System.Net.Http.Json;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>A waiver with <c>until</c>: the first evaluation after that date reopens what still holds (actor system).</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class WaiverTests(TestDatabase database)
{
    [Test]
    public async Task WaiverThatEnded_NextEvaluationFindingItAgain_ReopensIt()
    {
        using var factory = new ComplianceApiFactory(database);
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync("W1", "110101"));
        using var regulator = factory.ClientWithKey(await factory.CreateRegulatorAsync(""));
        using var admin = factory.Admin();
        await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        var npl = (await bank.ExceptionsAsync("&rule=NPL_TOLERANCE")).Single();
        (await regulator.PostAsJsonAsync($"/api/v1/exceptions/{npl["id"]}/waive", new { note = "疫情期间豁免", until = "2023-01-31" })).EnsureSuccessStatusCode();

        await admin.PostAsync("/api/v1/evaluations?institution=W1&from=2022-12&to=2022-12", null);
        await bank.WaitForAllEvaluationsAsync();
        var stillWaived = await bank.GetJsonAsync($"/api/v1/exceptions/{npl["id"]}");
        factory.Clock.AdvanceDays(12); // 2023-02-01 in Shanghai
        await admin.PostAsync("/api/v1/evaluations?institution=W1&from=2022-12&to=2022-12", null);
        await bank.WaitForAllEvaluationsAsync();
        var reopened = await bank.GetJsonAsync($"/api/v1/exceptions/{npl["id"]}");

        stillWaived["status"]!.GetValue<string>().Should().Be("waived");
        stillWaived["waivedUntil"]!.GetValue<string>().Should().Be("2023-01-31");
        reopened["status"]!.GetValue<string>().Should().Be("open");
        var last = reopened["events"]!.AsArray().Last()!;
        last["kind"]!.GetValue<string>().Should().Be("reopened");
        last["actor"]!["role"]!.GetValue<string>().Should().Be("system");
        last["fromStatus"]!.GetValue<string>().Should().Be("waived");
        factory.DeleteDatabase();
    }
}
