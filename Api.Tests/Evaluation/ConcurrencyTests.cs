using Compliance.Api.Jobs;
using Compliance.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>Hangfire delivers at least once: the same evaluation run concurrently writes each exception once.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ConcurrencyTests(TestDatabase database)
{
    [Test]
    public async Task SameEvaluation_RunConcurrently_WritesEachExceptionAndEventOnce()
    {
        using var factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Roles"] = "api" });
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync("C1", "371302"));
        var start = long.Parse(await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1", balance: 500_000m, amount: 500_000m))), System.Globalization.CultureInfo.InvariantCulture);
        var end = long.Parse(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example), System.Globalization.CultureInfo.InvariantCulture);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            var job = scope.ServiceProvider.GetRequiredService<EvaluateSubmissionJob>();
            await (i % 2 == 0 ? job.RunManyAsync([start, end], CancellationToken.None) : job.RunAsync(end, CancellationToken.None));
        })));
        var exceptions = await bank.ExceptionsAsync();

        exceptions.Should().NotBeEmpty();
        exceptions.Select(e => (e["period"]!.GetValue<string>(), e["ruleSet"]!["id"]!.GetValue<string>(), e["rule"]!.GetValue<string>())).Should().OnlyHaveUniqueItems();
        foreach (var exception in exceptions)
        {
            var detail = await bank.GetJsonAsync($"/api/v1/exceptions/{exception["id"]}");
            detail["events"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).Should().Equal("created");
        }

        (await bank.GetJsonAsync($"/api/v1/submissions/{end}"))["evaluation"]!["status"]!.GetValue<string>().Should().Be("done");
        factory.DeleteDatabase();
    }
}
