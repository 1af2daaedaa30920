using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using MiniExcelLibs;
using NodaTime;
using Sylvan.Data.Csv;

namespace Compliance.Api.Tests.Exports;

/// <summary>
/// The export speaks the language of <c>lang</c> (api.md, "Exceptions"): Chinese by default, English with
/// <c>lang=en</c>, anything else 400. Its headers, severities, statuses (a waiver with its date), rule names in their
/// set's scope, figures as <c>name=value</c> with the catalogue's names, and times as China Standard Time text, in CSV
/// and XLSX alike. A Shandong bank's credit-loan share fell over 2022: CREDIT_SHARE breaches in the national set
/// (waived until March by its regulator, a day later in China than in UTC) and in the Shandong set (explained by the
/// bank), and the Shandong set lacks 2020-12 (a warning); the bank filed no ledger for most months, so the sweep found
/// missed deadlines (逾期).
/// </summary>
public sealed class ExportLanguageTests
{
    private const string Bank = "EL-SD";

    private static readonly string[] ZhHeaders =
        ["机构代码", "机构名称", "地区代码", "报告期", "规则", "规则名称", "级别", "状态", "指标与阈值", "说明", "规则集", "创建时间（北京时间）", "更新时间（北京时间）"];

    private static readonly string[] EnHeaders =
        ["Institution code", "Institution name", "Region code", "Period", "Rule", "Rule name", "Severity", "Status", "Figures and thresholds", "Message", "Rule set",
            "Created (Beijing time)", "Updated (Beijing time)"];

    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;
    private HttpClient _outsider = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory();
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Bank, "371302", "2020-01"));
        _outsider = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("41"));
        await _bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"), Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage")));
        await _bank.SubmitAcceptedAsync("2022-12", Ledgers.Csv(
            Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"),
            Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage", amount: 200_000m, balance: 200_000m)));
        await _bank.WaitForAllEvaluationsAsync();

        var creditShare = (await _bank.ExceptionsAsync("&period=2022-12&rule=CREDIT_SHARE")).ToDictionary(e => e["ruleSet"]!["id"]!.GetValue<string>(), e => e["id"]!.GetValue<string>());
        (await _bank.PostAsJsonAsync($"/api/v1/exceptions/{creditShare["shandong"]}/explanation", new { text = "年末集中投放抵押贷款" })).EnsureSuccessStatusCode();
        // 2023-01-20T17:00Z is already 2023-01-21 in China.
        _factory.Clock.Advance(Duration.FromHours(15));
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));
        (await regulator.PostAsJsonAsync($"/api/v1/exceptions/{creditShare["national"]}/waive", new { note = "待年报核实", until = "2023-03-31" })).EnsureSuccessStatusCode();
        using var admin = _factory.Admin();
        await admin.SweepAsync("2022-06-02");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _bank?.Dispose();
        _outsider?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Csv_WithoutLang_IsChinese_WordForWordAsApiMdSays()
    {
        var (headers, rows) = await CsvAsync("");

        using var scope = new AssertionScope();
        headers.Should().Equal(ZhHeaders);
        var national = Row(rows, "national", "CREDIT_SHARE");
        national[5].Should().Be("普惠型小微企业信用贷款占比");
        national[6].Should().Be("未达标");
        national[7].Should().Be("暂缓（至2023-03-31）");
        national[8].Should().Be("普惠型小微企业信用贷款占比=33.3333; 年初信用贷款占比=50.0000; 较年初提高=-16.6667; 目标提高幅度=1.0000");
        national[11].Should().Be("2023-01-20 10:00:00");
        national[12].Should().Be("2023-01-21 01:00:00");
        var shandong = Row(rows, "shandong", "CREDIT_SHARE");
        shandong[5].Should().Be("普惠小微信用贷款占比");
        shandong[7].Should().Be("已说明");
        shandong[9].Should().Contain("普惠小微信用贷款占比");
        var missing = Row(rows, "shandong", "BASELINE_MISSING");
        missing[6].Should().Be("预警");
        missing[7].Should().Be("待处理");
        missing[8].Should().StartWith("缺少基期数据的报告期=2020-12");
        var missed = rows.First(r => r[4] == "DEADLINE_MISSED");
        missed[5..8].Should().Equal("逾期未报送", "逾期", "待处理");
        missed[8].Should().MatchRegex("^报送事项=[A-Z_]+; 报送截止日=\\d{4}-\\d{2}-\\d{2}$");
        missed[10].Should().BeEmpty();
        rows.Should().Equal(await ExpectedAsync("zh"), (a, b) => a.SequenceEqual(b));
    }

    [Test]
    public async Task Csv_InEnglish_HasEnglishHeadersWordsNamesAndFigures()
    {
        var (headers, rows) = await CsvAsync("&lang=en");

        using var scope = new AssertionScope();
        headers.Should().Equal(EnHeaders);
        var national = Row(rows, "national", "CREDIT_SHARE");
        national[5].Should().Be("Credit-loan share");
        national[6].Should().Be("Breach");
        national[7].Should().Be("Waived (until 2023-03-31)");
        national[8].Should().Be("Inclusive credit-loan share=33.3333; Credit-loan share at the start of the year=50.0000; Increase on the start of the year=-16.6667; Required increase=1.0000");
        national[9].Should().StartWith("In 2022-12,");
        national[11].Should().Be("2023-01-20 10:00:00");
        national[12].Should().Be("2023-01-21 01:00:00");
        Row(rows, "shandong", "CREDIT_SHARE")[7].Should().Be("Explained");
        Row(rows, "shandong", "BASELINE_MISSING")[6..8].Should().Equal("Warning", "Open");
        var missed = rows.First(r => r[4] == "DEADLINE_MISSED");
        missed[5..8].Should().Equal("Deadline missed", "Overdue", "Open");
        missed[8].Should().MatchRegex("^Obligation=[A-Z_]+; Due date=\\d{4}-\\d{2}-\\d{2}$");
        rows.Should().Equal(await ExpectedAsync("en"), (a, b) => a.SequenceEqual(b));
    }

    [TestCase("zh")]
    [TestCase("en")]
    public async Task Xlsx_HasTheSameHeadersAndCellsAsTheCsv(string lang)
    {
        var (headers, csvRows) = await CsvAsync($"&lang={lang}");
        await using var stream = new MemoryStream(await _bank.GetByteArrayAsync($"/api/v1/exceptions/export?format=xlsx&lang={lang}"));

        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();

        using var scope = new AssertionScope();
        rows.Should().NotBeEmpty();
        rows[0].Keys.Should().Equal(headers);
        rows.Select(r => r.Values.Select(v => v?.ToString() ?? "").ToArray()).Should().Equal(csvRows, (a, b) => a.SequenceEqual(b));
    }

    [TestCase("zh")]
    [TestCase("en")]
    public async Task EmptyXlsx_HasTheHeadersOfItsLanguage(string lang)
    {
        await using var stream = new MemoryStream(await _outsider.GetByteArrayAsync($"/api/v1/exceptions/export?format=xlsx&lang={lang}"));

        var header = stream.Query(useHeaderRow: false).Cast<IDictionary<string, object>>().First();

        header.Values.Select(v => v?.ToString()).Should().Equal(lang == "en" ? EnHeaders : ZhHeaders);
    }

    [TestCase("fr")]
    [TestCase("EN")]
    [TestCase("zh-CN")]
    [TestCase("")]
    public async Task AnyOtherLang_Answers400(string lang)
    {
        var response = await _bank.GetAsync($"/api/v1/exceptions/export?lang={lang}");

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync())["type"]!.GetValue<string>().Should().Be("/problems/invalid-request");
    }

    /// <summary>The export's header and rows, as CSV read back.</summary>
    private async Task<(string[] Headers, List<string[]> Rows)> CsvAsync(string query)
    {
        var text = Encoding.UTF8.GetString(await _bank.GetByteArrayAsync($"/api/v1/exceptions/export?format=csv{query}")).TrimStart('\uFEFF');
        using var csv = CsvDataReader.Create(new StringReader(text), new CsvDataReaderOptions { HasHeaders = true });
        var headers = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add([.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)]);
        }

        return (headers, rows);
    }

    private static string[] Row(List<string[]> rows, string ruleSet, string rule) =>
        rows.Single(r => r[4] == rule && r[10].StartsWith(ruleSet + " v", StringComparison.Ordinal));

    /// <summary>
    /// The rows the list answers, written as api.md says the export writes them in <paramref name="lang"/>: the rule
    /// name of the exception's scope, each figure by its catalogue name and exact value, and the times in China.
    /// </summary>
    private async Task<List<string[]>> ExpectedAsync(string lang)
    {
        var catalogue = (await _bank.GetJsonAsync("/api/v1/rules"))["items"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!);
        var china = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        string Time(JsonNode? at) => NodaTime.Text.InstantPattern.ExtendedIso.Parse(at!.GetValue<string>()).Value.InZone(china).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        string Value(JsonNode? value) => value switch
        {
            JsonArray list => string.Join(" ", list.Select(Value)),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            null => "",
            _ => value.ToJsonString(),
        };
        string Figures(JsonObject e) => string.Join("; ", e["figures"]!.AsObject().Select(f =>
            $"{catalogue[e["rule"]!.GetValue<string>()]["figures"]!.AsArray().Single(d => d!["key"]!.GetValue<string>() == f.Key)!["name"]![lang]!.GetValue<string>()}={Value(f.Value)}"));
        var (severities, statuses) = lang == "en"
            ? (new Dictionary<string, string> { ["warning"] = "Warning", ["breach"] = "Breach", ["DEADLINE_MISSED"] = "Overdue" },
                new Dictionary<string, string> { ["open"] = "Open", ["explained"] = "Explained", ["resolved"] = "Resolved", ["waived"] = "Waived", ["cleared"] = "Cleared" })
            : (new Dictionary<string, string> { ["warning"] = "预警", ["breach"] = "未达标", ["DEADLINE_MISSED"] = "逾期" },
                new Dictionary<string, string> { ["open"] = "待处理", ["explained"] = "已说明", ["resolved"] = "已办结", ["waived"] = "暂缓", ["cleared"] = "已消除" });
        string Status(JsonObject e) => statuses[e["status"]!.GetValue<string>()] + (e["waivedUntil"] is { } until
            ? lang == "en" ? $" (until {until.GetValue<string>()})" : $"（至{until.GetValue<string>()}）"
            : "");

        return [.. (await _bank.ExceptionsAsync()).Select(e => new[]
        {
            Bank, $"测试银行 {Bank}", "371302", e["period"]!.GetValue<string>(), e["rule"]!.GetValue<string>(), e["ruleName"]![lang]!.GetValue<string>(),
            severities[e["rule"]!.GetValue<string>() == "DEADLINE_MISSED" ? "DEADLINE_MISSED" : e["severity"]!.GetValue<string>()], Status(e), Figures(e),
            e["message"]![lang]!.GetValue<string>(), e["ruleSet"] is { } set ? $"{set["id"]!.GetValue<string>()} v{set["version"]!.GetValue<int>()}" : "",
            Time(e["createdAt"]), Time(e["updatedAt"]),
        })];
    }
}
