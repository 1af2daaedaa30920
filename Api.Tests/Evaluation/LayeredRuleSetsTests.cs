using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>
/// Every authority's rules apply (rules.md): a Shandong bank answers to the national set, in the CBIRC 口径, and to
/// the Shandong set, in the PBoC 口径, each set's failures its own exceptions; before 2022 only the national set is
/// in force for it.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class LayeredRuleSetsTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private int _institutions;

    [OneTimeSetUp]
    public void StartServer() => _factory = new ComplianceApiFactory(database);

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task ShandongBank_CreditShareFalling_IsOneExceptionOfEachSet()
    {
        using var bank = await NewShandongBankAsync();
        // Credit loans are half the inclusive balance at the start of the year and a third at its end.
        await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"), Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage")));
        var december = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Csv(
            Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"),
            Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage", amount: 200_000m, balance: 200_000m)));
        await bank.WaitForAllEvaluationsAsync();

        var receipt = await bank.GetJsonAsync($"/api/v1/submissions/{december}");
        var creditShare = await bank.ExceptionsAsync("&period=2022-12&rule=CREDIT_SHARE");

        using var scope = new AssertionScope();
        receipt["evaluation"]!["ruleSets"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().Equal("national", "shandong");
        receipt["evaluation"]!["rules"]!.AsArray()
            .Where(r => r!["rule"]!.GetValue<string>() == "CREDIT_SHARE")
            .Select(r => (r!["ruleSet"]!.GetValue<string>(), r["outcome"]!.GetValue<string>()))
            .Should().Equal(("national", "breach"), ("shandong", "breach"));
        creditShare.Select(e => e["ruleSet"]!["id"]!.GetValue<string>()).Should().BeEquivalentTo(["national", "shandong"]);
        creditShare.Select(e => e["figures"]!["increasePp"]!.GetValue<decimal>()).Distinct().Should().ContainSingle("no borrower is at the cap, so both 口径 count alike");
        (await bank.ExceptionsAsync("&period=2022-12&ruleSet=shandong")).Should().OnlyContain(e => e["ruleSet"]!["id"]!.GetValue<string>() == "shandong");
        (await bank.ExceptionsAsync("&period=2022-12&rule=NPL_TOLERANCE&ruleSet=shandong")).Should().BeEmpty("the Shandong set has no NPL tolerance rule");
    }

    [Test]
    public async Task ShandongBank_In2021_IsEvaluatedByTheNationalSetAlone()
    {
        using var bank = await NewShandongBankAsync();

        var receipt = await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1"), Ledgers.Row("L2", borrowerId: "B2", classification: "substandard"))));

        using var scope = new AssertionScope();
        receipt["evaluation"]!["ruleSets"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().Equal("national");
        receipt["evaluation"]!["rules"]!.AsArray().Should().OnlyContain(r => r!["ruleSet"]!.GetValue<string>() == "national");
        (await bank.ExceptionsAsync("&period=2021-12")).Should().OnlyContain(e => e["ruleSet"]!["id"]!.GetValue<string>() == "national");
    }

    private async Task<HttpClient> NewShandongBankAsync() =>
        _factory.ClientWithKey(await _factory.CreateInstitutionAsync($"SD{Interlocked.Increment(ref _institutions):D3}", "371302", "2020-01"));
}
