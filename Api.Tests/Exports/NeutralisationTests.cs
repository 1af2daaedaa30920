using System.Text;
using Compliance.Api.Exceptions;
using FluentAssertions.Execution;
using MiniExcelLibs;
using Sylvan.Data.Csv;

namespace Compliance.Api.Tests.Exports;

/// <summary>
/// The export's cells, whatever a client stored: none can become a spreadsheet formula (OWASP's rule: a leading
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return is prefixed with <c>'</c>), and none writes a raw
/// control character, line or paragraph separator or bidirectional formatting character; in every column, in CSV and in
/// XLSX alike. In the CSV, a cell with a comma, a semicolon or a quote is quoted, and no part of a line that a spreadsheet
/// separating cells by semicolons reads as a cell starts as a formula either.
/// </summary>
public sealed class NeutralisationTests
{
    private static readonly string[] Payloads = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-1-1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"];

    private static IEnumerable<TestCaseData> ColumnsTimesPayloads =>
        from column in Enumerable.Range(0, ExceptionExport.Headers.Length)
        from payload in Payloads
        select new TestCaseData(column, payload).SetArgDisplayNames(ExceptionExport.Headers[column], Printable(payload));

    private static readonly string[] Separated = [";=1+1", "银行;=1+1;", "a; +1", "a;\"=1+1", "a;@SUM(A1)", "x;-2;y", "a,=1+1", "\"=1+1\""];

    /// <summary>The characters that break a line or reorder the text around them without being seen.</summary>
    private static readonly string[] Invisible = ["\u0085", "\u0080", "\u009F", "\u2028", "\u2029", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"];

    private static IEnumerable<TestCaseData> ColumnsTimesSeparated =>
        from column in Enumerable.Range(0, ExceptionExport.Headers.Length)
        from payload in Separated
        select new TestCaseData(column, payload).SetArgDisplayNames(ExceptionExport.Headers[column], payload);

    private static IEnumerable<TestCaseData> Columns =>
        Enumerable.Range(0, ExceptionExport.Headers.Length).Select(c => new TestCaseData(c).SetArgDisplayNames(ExceptionExport.Headers[c]));

    [TestCaseSource(nameof(ColumnsTimesPayloads))]
    public async Task Cell_StartingAsAFormula_IsWrittenAsTextWithAQuote_InCsvAndXlsx(int column, string payload)
    {
        var row = SafeRow();
        row[column] = payload;
        var expected = "'" + payload.Replace('\t', '\uFFFD').Replace('\r', '\uFFFD');

        var csv = await CsvRowAsync(row);
        var xlsx = await XlsxRowAsync(row);

        using var scope = new AssertionScope();
        csv[column].Should().Be(expected);
        xlsx[column].Should().Be(expected);
        csv.Where((_, i) => i != column).Should().Equal(SafeRow().Where((_, i) => i != column), "the other cells are written as they are");
        xlsx.Where((_, i) => i != column).Should().Equal(SafeRow().Where((_, i) => i != column), "the other cells are written as they are");
    }

    [TestCaseSource(nameof(Columns))]
    public async Task Cell_WithControlCharacters_IsWrittenWithReplacementCharacters_InCsvAndXlsx(int column)
    {
        var row = SafeRow();
        row[column] = "甲\u0000乙\u001B[31m丙\u007F\n丁";

        var bytes = await CsvBytesAsync(row);
        var csv = await CsvRowAsync(row);
        var xlsx = await XlsxRowAsync(row);

        using var scope = new AssertionScope();
        Encoding.UTF8.GetString(bytes).TrimEnd('\n', '\r').Split("\r\n").Should()
            .OnlyContain(line => !line.Any(c => c < 0x20 || c == 0x7F), "no raw control character, nor a line break inside a cell");
        csv[column].Should().Be("甲\uFFFD乙\uFFFD[31m丙\uFFFD\uFFFD丁");
        xlsx[column].Should().Be("甲\uFFFD乙\uFFFD[31m丙\uFFFD\uFFFD丁");
    }

    [TestCaseSource(nameof(ColumnsTimesSeparated))]
    public async Task Csv_ReadWithSemicolonsAsSeparators_HasNoCellStartingAsAFormula(int column, string payload)
    {
        var row = SafeRow();
        row[column] = payload;

        var line = Encoding.UTF8.GetString(await CsvBytesAsync(row)).Split("\r\n")[1];

        // A reader that splits at every semicolon, and one that also takes a quote opening a cell as quoting it.
        line.Split(';').Skip(1).Select(cell => cell.TrimStart(' ', '"')).Should()
            .NotContain(cell => cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal), line);
    }

    [TestCase(";=1+1", "\";'=1+1\"", ";'=1+1")]
    [TestCase("银行;=1+1;", "\"银行;'=1+1;\"", "银行;'=1+1;")]
    [TestCase("a; +1", "\"a; '+1\"", "a; '+1")]
    [TestCase("a;\"=1+1", "\"a;\"\"'=1+1\"", "a;\"'=1+1")]
    [TestCase("a;b", "\"a;b\"", "a;b")]
    [TestCase("gapPp=-1.2000; tolerancePp=3", "\"gapPp=-1.2000; tolerancePp=3\"", "gapPp=-1.2000; tolerancePp=3")]
    [TestCase("a,=1+1", "\"a,=1+1\"", "a,=1+1")]
    [TestCase("a \"b\"", "\"a \"\"b\"\"\"", "a \"b\"")]
    public async Task Cell_WithASeparatorOrAQuote_IsQuoted_AndReadsBackWhole(string payload, string written, string read)
    {
        var row = SafeRow();
        row[1] = payload;

        var line = Encoding.UTF8.GetString(await CsvBytesAsync(row)).Split("\r\n")[1];
        var csv = await CsvRowAsync(row);
        var xlsx = await XlsxRowAsync(row);

        using var scope = new AssertionScope();
        line.Should().StartWith($"C3713001,{written},371302,");
        csv.Should().HaveCount(ExceptionExport.Headers.Length);
        csv[1].Should().Be(read);
        xlsx[1].Should().Be(payload, "a sheet's cells have no separators to split them");
    }

    [TestCaseSource(nameof(Columns))]
    public async Task Cell_WithLineSeparatorsOrBidirectionalControls_IsWrittenWithReplacementCharacters_InCsvAndXlsx(int column)
    {
        var row = SafeRow();
        row[column] = "甲" + string.Join("乙", Invisible) + "丙";
        var expected = "甲" + string.Join("乙", Invisible.Select(_ => "\uFFFD")) + "丙";

        var csv = await CsvRowAsync(row);
        var xlsx = await XlsxRowAsync(row);

        using var scope = new AssertionScope();
        csv[column].Should().Be(expected);
        xlsx[column].Should().Be(expected);
    }

    [TestCase("-1.2", "'-1.2")]
    [TestCase("gapPp=-1.2000; tolerancePp=3", "gapPp=-1.2000; tolerancePp=3")]
    [TestCase("2022-12", "2022-12")]
    [TestCase("", "")]
    [TestCase("测试银行 = 1", "测试银行 = 1")]
    public void Neutralise_OrdinaryValue_IsKept_ALeadingMinusQuotedAsText(string value, string expected)
    {
        var written = ExceptionExport.Neutralise(value);

        written.Should().Be(expected);
    }

    /// <summary>A row of values that need nothing done to them, one per column.</summary>
    private static string[] SafeRow() =>
        ["C3713001", "测试银行", "371302", "2022-12", "NPL_TOLERANCE", "不良容忍度", "breach", "open", "gapPp=3.9200", "普惠型小微企业贷款不良率高出", "national v1",
            "2023-01-20T02:00:00Z", "2023-01-20T02:00:00Z"];

    private static async Task<byte[]> CsvBytesAsync(string[] row)
    {
        using var stream = new MemoryStream();
        await ExceptionExport.WriteCsvAsync(stream, Rows(row), CancellationToken.None);
        return stream.ToArray();
    }

    private static async Task<string[]> CsvRowAsync(string[] row)
    {
        using var text = new StringReader(Encoding.UTF8.GetString(await CsvBytesAsync(row)).TrimStart('\uFEFF'));
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true });
        csv.Read().Should().BeTrue();
        return [.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)];
    }

    private static async Task<string[]> XlsxRowAsync(string[] row)
    {
        using var stream = new MemoryStream();
        await ExceptionExport.WriteXlsxAsync(stream, Rows(row), CancellationToken.None);
        stream.Position = 0;
        var read = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().Single();
        return [.. ExceptionExport.Headers.Select(h => read[h]?.ToString() ?? "")];
    }

    private static async IAsyncEnumerable<string[]> Rows(string[] row)
    {
        await Task.Yield();
        yield return row;
    }

    private static string Printable(string text) => text.Replace("\t", "\\t", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}
