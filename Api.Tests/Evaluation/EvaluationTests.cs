using System.Net;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>Ledger in, exceptions out: the whole path through HTTP, SQLite and Hangfire.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class EvaluationTests(TestDatabase database)
{
    // Start of year: inclusive 2,000,000 (half of it credit loans, two borrowers), total 10,000,000, no NPL.
    private static readonly string Ledger2021 = Csv(
        Row("L1", borrowerId: "B1", guarantee: "credit", balance: 1_000_000m, amount: 1_000_000m),
        Row("L2", borrowerId: "B2", guarantee: "guarantee", balance: 1_000_000m, amount: 1_000_000m),
        Row("L9", borrowerId: "B9", borrowerType: "large", creditLine: 50_000_000m, guarantee: "mortgage", balance: 8_000_000m, amount: 8_000_000m));

    // Year end: inclusive +5 % against total +11 %, the credit share down, and B2's loan substandard.
    private static readonly string Ledger2022 = Csv(
        Row("L1", borrowerId: "B1", guarantee: "credit", balance: 1_000_000m, amount: 1_000_000m),
        Row("L2", borrowerId: "B2", guarantee: "guarantee", classification: "substandard", balance: 1_100_000m, amount: 1_100_000m),
        Row("L9", borrowerId: "B9", borrowerType: "large", creditLine: 50_000_000m, guarantee: "mortgage", balance: 9_000_000m, amount: 9_000_000m));

    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("N1100001", "110101"));
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _bank?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test, Order(1)]
    public async Task YearEndLedger_AgainstStartOfYear_WritesTheNationalSetsExceptions()
    {
        var start = await _bank.SubmitAcceptedAsync("2021-12", Ledger2021);
        var end = await _bank.SubmitAcceptedAsync("2022-12", Ledger2022);

        await _bank.WaitForEvaluationAsync(start);
        var receipt = await _bank.WaitForEvaluationAsync(end);
        var exceptions = await _bank.ExceptionsAsync("&period=2022-12");

        using var scope = new AssertionScope();
        receipt["evaluation"]!["status"]!.GetValue<string>().Should().Be("done");
        receipt["evaluation"]!["ruleSets"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Should().Equal("national");
        exceptions.Select(e => (e["rule"]!.GetValue<string>(), e["severity"]!.GetValue<string>())).Should().BeEquivalentTo(new[]
        {
            ("INCLUSIVE_GROWTH", "breach"),
            ("NPL_TOLERANCE", "breach"),
            ("CREDIT_SHARE", "breach"),
            ("BASELINE_MISSING", "warning"),
        });
        var growth = exceptions.Single(e => e["rule"]!.GetValue<string>() == "INCLUSIVE_GROWTH");
        growth["figures"]!["inclusiveGrowth"]!.GetValue<decimal>().Should().Be(5.0000m);
        growth["figures"]!["totalGrowth"]!.GetValue<decimal>().Should().Be(11.0000m);
        growth["figures"]!["basis"]!.GetValue<string>().Should().Be("ytd");
        growth["baselines"]!["startOfYear"]!["period"]!.GetValue<string>().Should().Be("2021-12");
        growth["baselines"]!["startOfYear"]!["submissionId"]!.GetValue<string>().Should().Be(start);
        growth["submissionId"]!.GetValue<string>().Should().Be(end);
        growth["status"]!.GetValue<string>().Should().Be("open");
        growth["message"]!["zh"]!.GetValue<string>().Should().Contain("5.0000%").And.Contain("11.0000%");
        var npl = exceptions.Single(e => e["rule"]!.GetValue<string>() == "NPL_TOLERANCE");
        npl["figures"]!["inclusiveNplRatio"]!.GetValue<decimal>().Should().Be(52.3810m);
        npl["figures"]!["tolerancePp"]!.GetValue<decimal>().Should().Be(3m);
        var missing = exceptions.Single(e => e["rule"]!.GetValue<string>() == "BASELINE_MISSING");
        missing["figures"]!["blockedRules"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("NEW_LOAN_RATE");
    }

    [Test, Order(2)]
    public async Task StartOfYearLedger_WithNoHistory_ReportsOnlyTheMissingBaselines()
    {
        var exceptions = await _bank.ExceptionsAsync("&period=2021-12");

        exceptions.Should().ContainSingle().Which["rule"]!.GetValue<string>().Should().Be("BASELINE_MISSING");
        exceptions[0]["figures"]!["missingPeriods"]!.AsArray().Select(p => p!.GetValue<string>()).Should().Contain("2020-12");
    }

    [Test, Order(3)]
    public async Task SameSubmission_EvaluatedAgain_ChangesNothing()
    {
        var before = await _bank.ExceptionsAsync();
        var id = before.First(e => e["period"]!.GetValue<string>() == "2022-12")["submissionId"]!.GetValue<string>();
        var jobs = _factory.Services.GetRequiredService<Hangfire.IBackgroundJobClient>();

        var job = Hangfire.BackgroundJobClientExtensions.Enqueue<Jobs.EvaluateSubmissionJob>(jobs, j => j.RunAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None));
        await Eventually.JobSucceededAsync(job);
        var after = await _bank.ExceptionsAsync();

        after.Select(e => e.ToJsonString()).Should().Equal(before.Select(e => e.ToJsonString()));
        foreach (var exception in after)
        {
            var detail = await _bank.GetJsonAsync($"/api/v1/exceptions/{exception["id"]}");
            detail["events"]!.AsArray().Should().ContainSingle("only the creation event, however often it is evaluated");
        }
    }

    [Test, Order(4)]
    public async Task ResubmittedStartOfYear_ReevaluatesTheYearEnd_AndClearsWhatNoLongerHolds()
    {
        // A larger start-of-year total: total loans now shrink over 2022, so inclusive growth beats it.
        var corrected = Ledger2021.Replace("8000000,8000000", "12000000,12000000", StringComparison.Ordinal);
        var response = await _bank.PostLedgerAsync("2021-12", corrected);
        var receipt = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        receipt["version"]!.GetValue<int>().Should().Be(2);
        await _bank.WaitForAllEvaluationsAsync();
        var growth = (await _bank.ExceptionsAsync("&period=2022-12&rule=INCLUSIVE_GROWTH")).Single();
        growth["status"]!.GetValue<string>().Should().Be("cleared");
        var detail = await _bank.GetJsonAsync($"/api/v1/exceptions/{growth["id"]}");
        detail["events"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).Should().Equal("created", "cleared");
        (await _bank.ExceptionsAsync("&period=2022-12&status=open")).Select(e => e["rule"]!.GetValue<string>())
            .Should().BeEquivalentTo("NPL_TOLERANCE", "CREDIT_SHARE", "BASELINE_MISSING");
    }

    [Test, Order(5)]
    public async Task ExceptionList_Filters_ByRuleSeverityAndPeriodRange()
    {
        var breaches = await _bank.GetJsonAsync("/api/v1/exceptions?severity=breach&from=2022-01&to=2022-12&pageSize=2&page=1");

        using var scope = new AssertionScope();
        breaches["total"]!.GetValue<long>().Should().Be(3);
        breaches["pageSize"]!.GetValue<int>().Should().Be(2);
        breaches["items"]!.AsArray().Should().HaveCount(2);
        (await _bank.GetAsync("/api/v1/exceptions?pageSize=501")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _bank.GetAsync("/api/v1/exceptions?page=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _bank.GetAsync("/api/v1/exceptions?period=2022-13")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
