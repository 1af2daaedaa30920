using System.Net;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Api.Tests.Analytics;

/// <summary>
/// Filing statistics (analytics.md, "Filing statistics"), over a small Linyi population whose every figure is
/// computed by hand. The clock stands at 2022-12-20 01:00 China Standard Time (2022-12-19 17:00 UTC) when asked.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class FilingStatisticsTests(TestDatabase database)
{
    /// <summary>371302, bound from 2022-09: ledgers 2022-09 (on time), 2022-10 (late), 2022-11 (missing); the digest filed late.</summary>
    private const string Filer = "FS-FILER";

    /// <summary>371311, bound from 2022-11: nothing filed.</summary>
    private const string Silent = "FS-SILENT";

    /// <summary>371302, reporting from 2023-01: bound by no deadline of 2022.</summary>
    private const string Newcomer = "FS-NEW";

    /// <summary>110101 (Beijing), outside Linyi: files a ledger, counted nowhere in 3713.</summary>
    private const string Outsider = "FS-BEIJING";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task FileAsTheYearGoes()
    {
        // 2022-10-17 15:00 in Shanghai: the ledger of 2022-09 was due on Saturday 2022-10-15, moved (顺延) to Monday.
        _factory = new ComplianceApiFactory(database, now: Instant.FromUtc(2022, 10, 17, 7, 0));
        _admin = _factory.Admin();
        using var filer = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Filer, "371302", "2022-09"));
        using var silent = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Silent, "371311", "2022-11"));
        using var newcomer = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Newcomer, "371302", "2023-01"));
        using var outsider = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Outsider, "110101", "2022-01"));
        await filer.SubmitAcceptedAsync("2022-09", Ledgers.Example);
        await outsider.SubmitAcceptedAsync("2022-09", Ledgers.Example);

        // 2022-12-20 01:00 in Shanghai, still 2022-12-19 in UTC: days late count from the Shanghai date.
        _factory.Clock.Reset(Instant.FromUtc(2022, 12, 19, 17, 0));
        await filer.SubmitAcceptedAsync("2022-10", Ledgers.Example);
        var digest = await filer.PostAsync("/api/v1/deliverables?obligation=CREDIT_POLICY_DIGEST&year=2022", new ByteArrayContent("梳理报告"u8.ToArray()));
        digest.StatusCode.Should().Be(HttpStatusCode.Created, await digest.Content.ReadAsStringAsync());
        await _admin.WaitForAllEvaluationsAsync();
        _ = (silent, newcomer);
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Filing_OfLinyi_CountsEveryDeadlineOnTimeLateMissingOrPending()
    {
        var answer = await _admin.GetJsonAsync("/api/v1/analytics/filing?jurisdiction=3713&year=2022");

        using var scope = new AssertionScope();
        answer["year"]!.GetValue<int>().Should().Be(2022);
        Rows(answer["obligations"]!, "obligation", "due", "onTime", "late", "missing", "pending").Should().Equal(
            "CREDIT_POLICY_DIGEST 2 0 1 1 0",   // due 2022-05-31: filed on 2022-12-20, and never
            "LEDGER_MONTHLY 4 1 1 2 0",         // 2022-09 on 2022-10-17 (顺延), 2022-10 late, 2022-11 of both missing since 2022-12-15
            "MATCHMAKING_REPORT 2 0 0 2 0");    // the work reports bind no rural bank (deadlines.md)
        Rows(answer["institutions"]!, "code", "name", "onTime", "late", "missing", "pending", "daysLateTotal").Should().Equal(
            $"{Filer} 测试银行 {Filer} 1 2 2 0 238", // 35 days (2022-11-15 to 2022-12-20) + 203 days (2022-05-31 to 2022-12-20)
            $"{Silent} 测试银行 {Silent} 0 0 3 0 0");
    }

    [Test]
    public async Task Filing_OfARegulator_IsItsOwnJurisdictionByDefault_AndMayNarrowIt()
    {
        using var linyi = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3713"));
        using var shandong = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));

        var own = await linyi.GetJsonAsync("/api/v1/analytics/filing?year=2022");
        var narrowed = await shandong.GetJsonAsync("/api/v1/analytics/filing?jurisdiction=371311&year=2022");
        var national = await _admin.GetJsonAsync("/api/v1/analytics/filing?year=2022");

        using var scope = new AssertionScope();
        Rows(own["institutions"]!, "code").Should().Equal(Filer, Silent);
        Rows(narrowed["institutions"]!, "code").Should().Equal(Silent);
        Rows(national["institutions"]!, "code").Should().Equal(Outsider, Filer, Silent);
    }

    [TestCase("/api/v1/analytics/filing?jurisdiction=3713", "year")]
    [TestCase("/api/v1/analytics/filing?jurisdiction=3713&year=1999", "year")]
    [TestCase("/api/v1/analytics/filing?jurisdiction=371&year=2022", "jurisdiction")]
    [TestCase("/api/v1/analytics/filing?jurisdiction=37a3&year=2022", "jurisdiction")]
    public async Task Filing_WithoutAYearOrWithAMalformedJurisdiction_Answers400(string url, string field)
    {
        var response = await _admin.GetAsync(url);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal(field);
    }

    [TestCase("institution", null)]
    [TestCase("regulator 3713", "37")]
    [TestCase("regulator 3713", "371402")]
    [TestCase("regulator 41", "3713")]
    public async Task Filing_ForAnInstitutionOrAWiderOrDisjointJurisdiction_Answers403(string caller, string? jurisdiction)
    {
        var key = caller == "institution" ? await _factory.CreateKeyAsync(new { name = "filer", role = "institution", institution = Filer })
            : await _factory.CreateRegulatorAsync(caller["regulator ".Length..]);
        using var client = _factory.ClientWithKey(key);

        var response = await client.GetAsync($"/api/v1/analytics/filing?year=2022{(jurisdiction is null ? "" : $"&jurisdiction={jurisdiction}")}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    private static List<string> Rows(JsonNode rows, params string[] fields) =>
        [.. rows.AsArray().Select(r => string.Join(' ', fields.Select(f => r![f]!.ToString())))];
}
