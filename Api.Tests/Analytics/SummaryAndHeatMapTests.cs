using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Compliance.Api.Analytics;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Tests.Analytics;

/// <summary>
/// The summary and the heat map of a jurisdiction's period (analytics.md, "Summary and heat map"): the population of
/// Heze (3713) in 2022-12 is a bank whose credit-loan share fell (a breach of each set) and a bank that has not
/// filed; a bank of Beijing and a Heze bank reporting only from 2023 are not of it.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class SummaryAndHeatMapTests(TestDatabase database)
{
    private const string Filer = "HM-Z1";
    private const string NonFiler = "HM-A1";
    private const string Late = "HM-LATE";
    private const string Outsider = "HM-BJ";
    private const string Query = "?jurisdiction=3713&period=2022-12";

    private static readonly (string RuleSet, string Rule)[] ShandongColumns =
    [
        ("national", "INCLUSIVE_GROWTH"), ("national", "INCLUSIVE_BORROWERS"), ("national", "CREDIT_PLAN"), ("national", "NPL_TOLERANCE"),
        ("national", "CREDIT_SHARE"), ("national", "INDIVIDUAL_BUSINESS"), ("national", "NEW_LOAN_RATE"), ("national", "FIRST_LOAN_ENTERPRISES"),
        ("national", "BASELINE_MISSING"),
        ("shandong", "INCLUSIVE_GROWTH"), ("shandong", "INCREMENT_VS_LAST_YEAR"), ("shandong", "CREDIT_SHARE"), ("shandong", "FIRST_LOAN_SHARE"),
        ("shandong", "OPERATING_LOANS"), ("shandong", "BASELINE_MISSING"),
    ];

    private ComplianceApiFactory _factory = null!;
    private string _filerKey = null!;
    private string _december = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _filerKey = await _factory.CreateInstitutionAsync(Filer, "371302");
        await _factory.CreateInstitutionAsync(NonFiler, "371311");
        await _factory.CreateInstitutionAsync(Late, "371302", reportingFrom: "2023-01");
        using var outsider = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Outsider, "110101"));
        using var bank = _factory.ClientWithKey(_filerKey);
        // Credit loans are half the inclusive balance at the start of the year and a third at its end.
        await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"), Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage")));
        _december = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Csv(
            Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"),
            Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage", amount: 200_000m, balance: 200_000m)));
        await outsider.SubmitAcceptedAsync("2022-12", Ledgers.Csv(Ledgers.Row("L1", classification: "substandard")));
        using var admin = _factory.Admin();
        await admin.WaitForAllEvaluationsAsync();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Summary_OfHeze_CountsItsPopulationAndItsExceptionsByStatusAndSeverity()
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));
        using var admin = _factory.Admin();
        var exceptions = await admin.ExceptionsAsync("&period=2022-12&region=3713");

        var summary = await regulator.GetJsonAsync($"/api/v1/analytics/summary{Query}");

        using var scope = new AssertionScope();
        summary["jurisdiction"]!.GetValue<string>().Should().Be("3713");
        summary["period"]!.GetValue<string>().Should().Be("2022-12");
        summary["institutions"]!.ToJsonString().Should().Be("""{"expected":2,"filed":1,"evaluated":1}""");
        exceptions.Should().OnlyContain(e => e["institution"]!.GetValue<string>() == Filer);
        var counts = summary["exceptions"]!.AsArray().Select(c => c!.AsObject()).ToList();
        counts.Select(c => (c["ruleSet"]?.GetValue<string>(), c["rule"]!.GetValue<string>(), c["severity"]!.GetValue<string>(), c["status"]!.GetValue<string>(), c["count"]!.GetValue<long>()))
            .Should().BeEquivalentTo(exceptions
                .GroupBy(e => (e["ruleSet"]!["id"]!.GetValue<string>(), e["rule"]!.GetValue<string>(), e["severity"]!.GetValue<string>(), e["status"]!.GetValue<string>()))
                .Select(g => ((string?)g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Key.Item4, (long)g.Count())));
        counts.Should().Contain(c => c["ruleSet"]!.GetValue<string>() == "national" && c["rule"]!.GetValue<string>() == "CREDIT_SHARE" && c["severity"]!.GetValue<string>() == "breach" && c["count"]!.GetValue<long>() == 1);
        counts.Should().Contain(c => c["ruleSet"]!.GetValue<string>() == "shandong" && c["rule"]!.GetValue<string>() == "CREDIT_SHARE" && c["severity"]!.GetValue<string>() == "breach" && c["count"]!.GetValue<long>() == 1);
        summary["open"]!.GetValue<long>().Should().Be(exceptions.Count, "every exception is still open");
        summary["breaches"]!.GetValue<long>().Should().Be(exceptions.Count(e => e["severity"]!.GetValue<string>() == "breach")).And.BeGreaterThanOrEqualTo(2);
        summary.ToJsonString().Should().NotContain(Outsider).And.NotContain(Late);
    }

    [Test]
    public async Task Summary_AfterOneExceptionIsResolved_CountsItResolvedAndNoLongerOpen()
    {
        using var admin = _factory.Admin();
        var creditShare = (await admin.ExceptionsAsync($"&period=2022-12&institution={Filer}&rule=CREDIT_SHARE&ruleSet=national")).Single();
        var before = await admin.GetJsonAsync($"/api/v1/analytics/summary{Query}");
        (await admin.PostAsJsonAsync($"/api/v1/exceptions/{creditShare["id"]!.GetValue<string>()}/resolve", new { note = "已核实" })).StatusCode.Should().Be(HttpStatusCode.OK);

        var after = await admin.GetJsonAsync($"/api/v1/analytics/summary{Query}");
        (await admin.PostAsJsonAsync($"/api/v1/exceptions/{creditShare["id"]!.GetValue<string>()}/reopen", new { note = "复核" })).StatusCode.Should().Be(HttpStatusCode.OK);

        using var scope = new AssertionScope();
        after["open"]!.GetValue<long>().Should().Be(before["open"]!.GetValue<long>() - 1);
        after["breaches"]!.GetValue<long>().Should().Be(before["breaches"]!.GetValue<long>(), "a resolved breach is still a breach of the period");
        after["exceptions"]!.AsArray().Should().Contain(c => c!["ruleSet"]!.GetValue<string>() == "national" && c["rule"]!.GetValue<string>() == "CREDIT_SHARE" && c["status"]!.GetValue<string>() == "resolved" && c["count"]!.GetValue<long>() == 1);
    }

    /// <summary>
    /// The heat map is written by hand, as it is read; the OpenAPI document describes it by its declared records. What
    /// is written must be exactly that record: it reads into <see cref="AnalyticsApi.HeatMapView"/> with no member
    /// unknown, none missing and no null where the record has none, and the record written back is the same JSON.
    /// </summary>
    [Test]
    public async Task HeatMap_AsWritten_IsExactlyItsDeclaredRecord()
    {
        using var admin = _factory.Admin();
        var written = await admin.GetStringAsync($"/api/v1/analytics/heatmap{Query}");
        var options = new JsonSerializerOptions(_factory.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };

        var read = JsonSerializer.Deserialize<AnalyticsApi.HeatMapView>(written, options)!;

        using var scope = new AssertionScope();
        read.Institutions.Should().NotBeEmpty().And.Contain(r => r.Cells.Any(c => c.ExceptionId != null), "a cell with an exception is part of the contract");
        JsonNode.DeepEquals(JsonNode.Parse(written), JsonSerializer.SerializeToNode(read, options)).Should().BeTrue("the declared record, written back, is what the server wrote:\n{0}", written);
    }

    [Test]
    public async Task HeatMap_OfHeze_HasTheShandongColumns_TheWorstRowFirst_AndTheNonFilerNotFiled()
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3713"));
        using var bank = _factory.ClientWithKey(_filerKey);
        var receipt = await bank.GetJsonAsync($"/api/v1/submissions/{_december}");
        var exceptions = await bank.ExceptionsAsync("&period=2022-12");

        var map = await regulator.GetJsonAsync("/api/v1/analytics/heatmap?period=2022-12");

        using var scope = new AssertionScope();
        map["jurisdiction"]!.GetValue<string>().Should().Be("3713", "a regulator's own jurisdiction is the default");
        map["rules"]!.AsArray().Select(r => (r!["ruleSet"]!.GetValue<string>(), r["rule"]!.GetValue<string>())).Should().Equal(ShandongColumns);
        (map["rules"]![0]!["name"]!["zh"]!.GetValue<string>(), map["rules"]![0]!["name"]!["en"]!.GetValue<string>()).Should().Be(("两增·普惠型小微企业贷款增速", "Inclusive loan growth vs total loan growth"));
        var rows = map["institutions"]!.AsArray().Select(r => r!.AsObject()).ToList();
        rows.Select(r => r["code"]!.GetValue<string>()).Should().Equal([Filer, NonFiler], "the bank with breaches comes first though its code sorts last");
        rows[0]["filed"]!.GetValue<bool>().Should().BeTrue();
        rows[0]["name"]!.GetValue<string>().Should().Be($"测试银行 {Filer}");
        rows[0]["category"]!.GetValue<string>().Should().Be("rural");
        var outcomes = receipt["evaluation"]!["rules"]!.AsArray().ToDictionary(r => (r!["ruleSet"]!.GetValue<string>(), r["rule"]!.GetValue<string>()), r => r!["outcome"]!.GetValue<string>());
        foreach (var cell in rows[0]["cells"]!.AsArray().Select(c => c!.AsObject()))
        {
            var key = (cell["ruleSet"]!.GetValue<string>(), cell["rule"]!.GetValue<string>());
            cell["outcome"]!.GetValue<string>().Should().Be(outcomes[key], $"the stored outcome of {key}");
            var exception = exceptions.SingleOrDefault(e => e["ruleSet"]!["id"]!.GetValue<string>() == key.Item1 && e["rule"]!.GetValue<string>() == key.Item2);
            cell["exceptionId"]?.GetValue<string>().Should().Be(exception?["id"]!.GetValue<string>(), $"the exception of {key}");
            cell["severity"]?.GetValue<string>().Should().Be(exception?["severity"]!.GetValue<string>());
            cell["status"]?.GetValue<string>().Should().Be(exception?["status"]!.GetValue<string>());
        }

        var creditShare = rows[0]["cells"]!.AsArray().Where(c => c!["rule"]!.GetValue<string>() == "CREDIT_SHARE").ToList();
        creditShare.Select(c => (c!["ruleSet"]!.GetValue<string>(), c["outcome"]!.GetValue<string>(), c["severity"]!.GetValue<string>(), c["status"]!.GetValue<string>()))
            .Should().Equal(("national", "breach", "breach", "open"), ("shandong", "breach", "breach", "open"));
        rows[1]["filed"]!.GetValue<bool>().Should().BeFalse();
        rows[1]["cells"]!.AsArray().Should().HaveCount(ShandongColumns.Length)
            .And.OnlyContain(c => c!["outcome"]!.GetValue<string>() == "notFiled" && c["exceptionId"] == null);
        map.ToJsonString().Should().NotContain(Outsider).And.NotContain(Late);
    }

    [Test]
    public async Task HeatMap_OfBeijing_HasOnlyTheNationalColumns()
    {
        using var admin = _factory.Admin();

        var map = await admin.GetJsonAsync("/api/v1/analytics/heatmap?jurisdiction=11&period=2022-12");

        using var scope = new AssertionScope();
        map["rules"]!.AsArray().Select(r => (r!["ruleSet"]!.GetValue<string>(), r["rule"]!.GetValue<string>())).Should().Equal(ShandongColumns.Where(c => c.RuleSet == "national"));
        map["institutions"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()).Should().Equal(Outsider);
    }

    [Test]
    public async Task HeatMap_WhileTheEvaluationIsNotDone_IsPending_AndTheSummaryNotEvaluated()
    {
        if (database == TestDatabase.SqlServer)
        {
            Assert.Ignore("the evaluation is marked pending through the SQLite file or the PostgreSQL database");
        }

        using var admin = _factory.Admin();
        await MarkDecemberAsync("pending");
        try
        {
            var map = await admin.GetJsonAsync($"/api/v1/analytics/heatmap{Query}");
            var summary = await admin.GetJsonAsync($"/api/v1/analytics/summary{Query}");

            using var scope = new AssertionScope();
            var filer = map["institutions"]!.AsArray().Single(r => r!["code"]!.GetValue<string>() == Filer)!;
            filer["filed"]!.GetValue<bool>().Should().BeTrue();
            filer["cells"]!.AsArray().Should().OnlyContain(c => c!["outcome"]!.GetValue<string>() == "pending");
            filer["cells"]!.AsArray().Should().Contain(c => c!["exceptionId"] != null, "the exceptions stay attached while the evaluation runs again");
            summary["institutions"]!.ToJsonString().Should().Be("""{"expected":2,"filed":1,"evaluated":0}""");
        }
        finally
        {
            await MarkDecemberAsync("done");
        }
    }

    /// <summary>Sets the December submission's evaluation status beside the server, as a run still under way leaves it.</summary>
    private async Task MarkDecemberAsync(string status)
    {
        const string sql = "UPDATE submissions SET evaluation_status = @status WHERE id = @id";
        var parameters = new { status, id = long.Parse(_december, System.Globalization.CultureInfo.InvariantCulture) };
        var changed = database == TestDatabase.Postgres
            ? await PostgresDatabases.ExecuteAsync(_factory.Location, sql, parameters)
            : await TestDatabases.ExecuteSqliteAsync(_factory.Location, sql, parameters);
        changed.Should().Be(1);
    }

    [TestCase("institution", "?period=2022-12", HttpStatusCode.Forbidden)]
    [TestCase("regulator 3713", "?jurisdiction=37&period=2022-12", HttpStatusCode.Forbidden)]
    [TestCase("regulator 3713", "?jurisdiction=&period=2022-12", HttpStatusCode.Forbidden)]
    [TestCase("regulator 11", "?jurisdiction=3713&period=2022-12", HttpStatusCode.Forbidden)]
    [TestCase("regulator 3713", "?jurisdiction=3&period=2022-12", HttpStatusCode.BadRequest)]
    [TestCase("regulator 3713", "?jurisdiction=3713", HttpStatusCode.BadRequest)]
    [TestCase("regulator 3713", "?jurisdiction=3713&period=2022-13", HttpStatusCode.BadRequest)]
    [TestCase("admin", "?period=2022-12", HttpStatusCode.OK)]
    public async Task Analytics_ByCallerAndQuery_AnswersAsAccessPrescribes(string caller, string query, HttpStatusCode expected)
    {
        var key = caller switch
        {
            "institution" => _filerKey,
            "admin" => ComplianceApiFactory.AdminKey,
            _ => await _factory.CreateRegulatorAsync(caller["regulator ".Length..]),
        };
        using var client = _factory.ClientWithKey(key);

        using var scope = new AssertionScope();
        foreach (var endpoint in new[] { "summary", "heatmap" })
        {
            var response = await client.GetAsync($"/api/v1/analytics/{endpoint}{query}");
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(expected, $"{endpoint}: {body}");
            if (expected != HttpStatusCode.OK)
            {
                response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
                body.Should().NotContain(Filer);
            }
        }
    }
}
