using System.Net;
using System.Net.Http.Json;
using System.Text;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using MiniExcelLibs;

namespace Compliance.Api.Tests.Exports;

/// <summary><c>GET /exceptions/export</c>: the list's rows as CSV (UTF-8 with BOM) or XLSX, with Chinese headers by default.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ExportTests(TestDatabase database)
{
    private static readonly string[] Headers = ["机构代码", "机构名称", "地区代码", "报告期", "规则", "规则名称", "级别", "状态", "指标与阈值", "说明", "规则集", "创建时间（北京时间）", "更新时间（北京时间）"];

    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;
    private HttpClient _outsider = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("C3713001", "371302"));
        _outsider = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("41"));
        await _bank.WaitForEvaluationAsync(await _bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
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
    public async Task Csv_HasBomChineseHeadersAndOneRowPerException()
    {
        var expected = await _bank.ExceptionsAsync();

        var response = await _bank.GetAsync("/api/v1/exceptions/export?format=csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var lines = Encoding.UTF8.GetString(bytes.AsSpan(3)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        bytes.Take(3).Should().Equal(Encoding.UTF8.GetPreamble().ToArray());
        lines[0].Should().Be(string.Join(',', Headers));
        lines.Should().HaveCount(expected.Count + 1);
        lines.Skip(1).Should().OnlyContain(l => l.StartsWith("C3713001,测试银行 C3713001,371302,2022-12,", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("NPL_TOLERANCE,普惠型小微企业贷款不良容忍度,未达标,待处理,", StringComparison.Ordinal) && l.Contains("不良率差=", StringComparison.Ordinal));
    }

    [Test]
    public async Task Xlsx_ReadBack_HasTheSameRows()
    {
        var expected = await _bank.ExceptionsAsync("&rule=NPL_TOLERANCE");

        var response = await _bank.GetAsync("/api/v1/exceptions/export?format=xlsx&rule=NPL_TOLERANCE");
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();

        using var scope = new AssertionScope();
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        rows.Should().HaveCount(expected.Count).And.HaveCount(1);
        rows[0].Keys.Should().Equal(Headers);
        rows[0]["规则"].Should().Be("NPL_TOLERANCE");
        rows[0]["报告期"].Should().Be("2022-12");
        rows[0]["说明"].Should().Be(expected[0]["message"]!["zh"]!.GetValue<string>());
    }

    [Test]
    public async Task Export_OfWhatTheCallerMayNotSee_IsEmpty()
    {
        var csv = await _outsider.GetStringAsync("/api/v1/exceptions/export");

        csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Should().Equal(string.Join(',', Headers));
    }

    [Test]
    public async Task EmptyXlsx_StillHasItsHeaders()
    {
        var response = await _outsider.GetAsync("/api/v1/exceptions/export?format=xlsx");
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());

        var header = stream.Query(useHeaderRow: false).Cast<IDictionary<string, object>>().First();

        header.Values.Select(v => v?.ToString()).Should().Equal(Headers);
    }

    [Test]
    public async Task Export_OfAnInstitutionWhoseCodeAndNameStartAsFormulas_WritesThemAsQuotedText_InCsvAndXlsx()
    {
        const string code = "-1-1";
        const string name = "=HYPERLINK(\"http://x\",\"y\")";

        var (csv, rows) = await ExportOfANewInstitutionAsync(code, name);

        using var scope = new AssertionScope();
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Should().NotBeEmpty()
            .And.OnlyContain(l => l.StartsWith("'-1-1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",371302,", StringComparison.Ordinal));
        rows.Should().NotBeEmpty().And.OnlyContain(r => (string)r["机构代码"] == "'" + code && (string)r["机构名称"] == "'" + name);
    }

    [Test]
    public async Task Export_OfAnInstitutionWhoseNameHoldsASemicolonAndAFormula_QuotesItAndNeutralisesTheFormula_InCsv()
    {
        const string code = "SEMI-1";
        const string name = "银行;=1+1;";

        var (csv, rows) = await ExportOfANewInstitutionAsync(code, name);

        using var scope = new AssertionScope();
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Should().NotBeEmpty()
            .And.OnlyContain(l => l.StartsWith("SEMI-1,\"银行;'=1+1;\",371302,", StringComparison.Ordinal));
        rows.Should().NotBeEmpty().And.OnlyContain(r => (string)r["机构名称"] == name);
    }

    [TestCase("format=pdf")]
    [TestCase("status=lost")]
    [TestCase("from=2022")]
    public async Task BadQuery_Answers400(string query)
    {
        var response = await _bank.GetAsync($"/api/v1/exceptions/export?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync())["type"]!.GetValue<string>().Should().Be("/problems/invalid-request");
    }

    /// <summary>A new institution of that code and name, with one evaluated ledger: its own export, as CSV text and XLSX rows.</summary>
    private async Task<(string Csv, List<IDictionary<string, object>> Rows)> ExportOfANewInstitutionAsync(string code, string name)
    {
        using var admin = _factory.Admin();
        (await admin.PostAsJsonAsync("/api/v1/institutions", new { code, name, category = "rural", localLegalPerson = true, regionCode = "371302", reportingFrom = "2021-01" }))
            .EnsureSuccessStatusCode();
        using var bank = _factory.ClientWithKey(await _factory.CreateKeyAsync(new { name = $"{code} key", role = "institution", institution = code }));
        await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));

        var csv = await bank.GetStringAsync("/api/v1/exceptions/export?format=csv");
        await using var xlsx = new MemoryStream(await bank.GetByteArrayAsync("/api/v1/exceptions/export?format=xlsx"));
        return (csv, xlsx.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList());
    }
}
