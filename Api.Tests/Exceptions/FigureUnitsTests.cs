using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;
using MiniExcelLibs;

namespace Compliance.Api.Tests.Exceptions;

/// <summary>
/// Each figure's unit is the one its rule declares (<see cref="RuleCatalog"/>): the catalogue answers the declaration,
/// every exception carries <c>units</c> from it, and the exports round exactly the figures it declares in percent or
/// percentage points. One bank filed the example ledger (an NPL breach); another lost two of its three inclusive
/// borrowers over 2022 (counts); a third missed a deadline and filed late.
/// </summary>
public sealed class FigureUnitsTests
{
    private const string NplBank = "FU-NPL";
    private const string ShrinkingBank = "FU-SHRINK";
    private const string LateBank = "FU-LATE";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory();
        _admin = _factory.Admin();
        using var npl = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(NplBank, "371302"));
        await npl.WaitForEvaluationAsync(await npl.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        using var shrinking = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(ShrinkingBank, "371302"));
        await shrinking.WaitForEvaluationAsync(await shrinking.SubmitAcceptedAsync("2021-12", Ledgers.Csv(
            Ledgers.Row("L1", borrowerId: "B1"), Ledgers.Row("L2", borrowerId: "B2"), Ledgers.Row("L3", borrowerId: "B3"))));
        await shrinking.WaitForEvaluationAsync(await shrinking.SubmitAcceptedAsync("2022-12", Ledgers.Csv(Ledgers.Row("L1", borrowerId: "B1"))));
        using var late = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(LateBank, "371302", reportingFrom: "2022-01"));
        await _admin.SweepAsync("2022-06-02");
        (await late.FileDeliverableAsync("CREDIT_POLICY_DIGEST", 2022, "梳理报告"u8.ToArray())).EnsureSuccessStatusCode();
        await _admin.SweepAsync("2022-06-08");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Catalogue_EveryRule_AnswersTheFiguresItDeclares_WithUnitAndNames()
    {
        var rules = (await _admin.GetJsonAsync("/api/v1/rules"))["items"]!.AsArray().Select(r => r!.AsObject()).ToList();

        using var scope = new AssertionScope();
        rules.Select(r => r["id"]!.GetValue<string>()).Should().Equal(RuleCatalog.All.Select(r => r.Id));
        foreach (var rule in RuleCatalog.All)
        {
            var answered = rules.Single(r => r["id"]!.GetValue<string>() == rule.Id)["figures"]!.AsArray()
                .Select(f => (f!["key"]!.GetValue<string>(), f["unit"]!.GetValue<string>(), f["name"]!["zh"]!.GetValue<string>(), f["name"]!["en"]!.GetValue<string>()));
            answered.Should().Equal(rule.Figures.Select(f => (f.Key, f.Unit.Name(), f.Name.Zh, f.Name.En)), rule.Id);
        }

        var npl = rules.Single(r => r["id"]!.GetValue<string>() == "NPL_TOLERANCE")["figures"]!.AsArray();
        npl.Select(f => (f!["key"]!.GetValue<string>(), f["unit"]!.GetValue<string>()))
            .Should().Equal(("inclusiveNplRatio", "percent"), ("totalNplRatio", "percent"), ("gapPp", "pp"), ("tolerancePp", "pp"));
        npl[3]!["name"]!["zh"]!.GetValue<string>().Should().Be("不良容忍度");
    }

    [Test]
    public async Task Exceptions_InTheListAndAlone_CarryTheDeclaredUnitOfEachOfTheirFigures()
    {
        var list = await _admin.ExceptionsAsync();

        using var scope = new AssertionScope();
        list.Select(e => e["rule"]!.GetValue<string>()).Should().Contain(["NPL_TOLERANCE", "INCLUSIVE_BORROWERS", "CREDIT_SHARE", "BASELINE_MISSING", "DEADLINE_MISSED"]);
        foreach (var exception in list)
        {
            var alone = await _admin.GetJsonAsync($"/api/v1/exceptions/{exception["id"]}");
            Units(exception).Should().Equal(Declared(exception), "the list's {0}", exception["rule"]);
            Units(alone).Should().Equal(Declared(alone), "{0} alone", exception["rule"]);
        }

        Units(Of(list, NplBank, "NPL_TOLERANCE")).Should().Equal(
            ("inclusiveNplRatio", "percent"), ("totalNplRatio", "percent"), ("gapPp", "pp"), ("tolerancePp", "pp"));
        Units(Of(list, ShrinkingBank, "INCLUSIVE_BORROWERS")).Should().Equal(
            ("inclusiveBorrowers", "count"), ("startInclusiveBorrowers", "count"), ("shortfall", "count"));
        Units(Of(list, ShrinkingBank, "BASELINE_MISSING")).Should().Equal(("missingPeriods", "list"), ("missingPlans", "list"), ("blockedRules", "list"));
    }

    [Test]
    public async Task MissedDeadline_FiledLate_CarriesTheUnitsOfTheSweepsFigures()
    {
        var missed = (await _admin.ExceptionsAsync($"&rule=DEADLINE_MISSED&institution={LateBank}"))
            .Single(e => e["figures"]!["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST");

        var alone = await _admin.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}");

        using var scope = new AssertionScope();
        Units(missed).Should().Equal(("obligation", "text"), ("dueDate", "date"), ("filedAt", "date"));
        Units(alone).Should().Equal(("obligation", "text"), ("dueDate", "date"), ("filedAt", "date"));
    }

    [Test]
    public async Task Transition_Answer_CarriesTheUnits()
    {
        var exception = Of(await _admin.ExceptionsAsync($"&institution={ShrinkingBank}"), ShrinkingBank, "CREDIT_SHARE");

        var response = await _admin.PostAsJsonAsync($"/api/v1/exceptions/{exception["id"]}/resolve", new { note = "已核实" });
        var answer = await response.JsonAsync();

        using var scope = new AssertionScope();
        answer["status"]!.GetValue<string>().Should().Be("resolved");
        Units(answer).Should().Equal(("creditShare", "percent"), ("startCreditShare", "percent"), ("increasePp", "pp"), ("minIncreasePp", "pp"));
    }

    [Test]
    public async Task Export_EveryFigureDeclaredInPercentOrPercentagePoints_IsWrittenWithFourDecimals_TheParameterEchoedToo()
    {
        await StoreFiguresAsync(NplBank, "NPL_TOLERANCE", """{"inclusiveNplRatio":5.123456,"totalNplRatio":1.2,"gapPp":3.923456,"tolerancePp":3}""");

        var (csv, xlsx) = await ExportAsync(NplBank, "NPL_TOLERANCE");
        var answered = Of(await _admin.ExceptionsAsync($"&institution={NplBank}"), NplBank, "NPL_TOLERANCE");

        using var scope = new AssertionScope();
        const string Expected = "普惠型小微企业贷款不良率=5.1235; 各项贷款不良率=1.2000; 不良率差=3.9235; 不良容忍度=3.0000";
        csv.Should().Contain($",\"{Expected}\",");
        xlsx.Should().Be(Expected);
        answered["figures"]!.ToJsonString().Should().Be("""{"inclusiveNplRatio":5.1235,"totalNplRatio":1.2000,"gapPp":3.9235,"tolerancePp":3.0000}""");
    }

    [Test]
    public async Task Export_FiguresDeclaredAsCounts_AreWrittenExactly()
    {
        var (csv, xlsx) = await ExportAsync(ShrinkingBank, "INCLUSIVE_BORROWERS");

        using var scope = new AssertionScope();
        const string Expected = "普惠型小微企业有贷款余额户数=1; 年初有贷款余额户数=3; 较年初减少户数=2";
        csv.Should().Contain($",\"{Expected}\",");
        xlsx.Should().Be(Expected);
    }

    [Test]
    public async Task StoredFigure_ItsRuleDoesNotDeclare_IsAnsweredAndExportedAsStored_WithoutAUnit_WhateverItsName()
    {
        // A key a rule no longer declares (a figure of an earlier version, say) has no unit to read, so its name decides nothing.
        await StoreFiguresAsync(ShrinkingBank, "BASELINE_MISSING", """{"missingPeriods":["2022-01"],"blockedRules":["FIRST_LOAN_SHARE"],"firstLoanShare":12.345678}""");

        var (csv, xlsx) = await ExportAsync(ShrinkingBank, "BASELINE_MISSING");
        var answered = Of(await _admin.ExceptionsAsync($"&institution={ShrinkingBank}"), ShrinkingBank, "BASELINE_MISSING");

        using var scope = new AssertionScope();
        const string Expected = "缺少基期数据的报告期=2022-01; 无法评估的规则=FIRST_LOAN_SHARE; firstLoanShare=12.345678";
        csv.Should().Contain($",\"{Expected}\",");
        xlsx.Should().Be(Expected);
        answered["figures"]!["firstLoanShare"]!.ToJsonString().Should().Be("12.345678");
        Units(answered).Should().Equal(("missingPeriods", "list"), ("blockedRules", "list"));
    }

    /// <summary>The exception of the national set for an institution's 2022-12 under a rule.</summary>
    [Test]
    public async Task Targets_AnswerTheUnitOfTheirMeasure()
    {
        var luliang = (await _admin.GetJsonAsync("/api/v1/targets?jurisdiction=1411&year=2022"))["items"]!.AsArray();
        var linyi = (await _admin.GetJsonAsync("/api/v1/targets?jurisdiction=3713&year=2022"))["items"]!.AsArray();

        var units = luliang.Concat(linyi).ToDictionary(t => t!["id"]!.GetValue<string>(), t => t!["unit"]!.GetValue<string>());

        using var scope = new AssertionScope();
        units.Should().Contain("luliang-total-growth", "percent");
        units.Should().Contain("luliang-credit-share", "pp");
        units.Should().Contain("luliang-borrowers", "count");
        units.Should().Contain("linyi-operating-increase", "yuan");
        units.Should().Contain("linyi-inclusive-disbursed", "yuan");
    }

    private static JsonObject Of(IEnumerable<JsonObject> exceptions, string institution, string rule) =>
        exceptions.Single(e => e["institution"]!.GetValue<string>() == institution && e["rule"]!.GetValue<string>() == rule
            && e["period"]!.GetValue<string>() == "2022-12" && e["ruleSet"]!["id"]!.GetValue<string>() == "national");

    private static List<(string, string)> Units(JsonObject exception) =>
        [.. exception["units"]!.AsObject().Select(u => (u.Key, u.Value!.GetValue<string>()))];

    /// <summary>The declared unit of each of the exception's figures that its rule declares, in the figures' order.</summary>
    private static List<(string, string)> Declared(JsonObject exception)
    {
        var rule = exception["rule"]!.GetValue<string>();
        return [.. exception["figures"]!.AsObject().Select(f => (f.Key, RuleCatalog.UnitOf(rule, f.Key)?.Name())).Where(u => u.Item2 is not null).Select(u => (u.Key, u.Item2!))];
    }

    private async Task StoreFiguresAsync(string institution, string rule, string figures) =>
        (await TestDatabases.ExecuteSqliteAsync(_factory.Location, """UPDATE exceptions SET figures = @figures WHERE institution = @institution AND "rule" = @rule AND period = '2022-12' AND rule_set_id = 'national'""",
            new { figures, institution, rule })).Should().Be(1);

    /// <summary>The CSV of one institution's exceptions of a rule, and the figures cell of its XLSX row.</summary>
    private async Task<(string Csv, string Xlsx)> ExportAsync(string institution, string rule)
    {
        var query = $"institution={institution}&rule={rule}&period=2022-12&ruleSet=national";
        var csv = Encoding.UTF8.GetString(await _admin.GetByteArrayAsync($"/api/v1/exceptions/export?format=csv&{query}"));
        await using var xlsx = new MemoryStream(await _admin.GetByteArrayAsync($"/api/v1/exceptions/export?format=xlsx&{query}"));
        var row = xlsx.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().Single();
        return (csv, (string)row["指标与阈值"]);
    }
}
