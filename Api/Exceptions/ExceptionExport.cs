using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Compliance.Api.Http;
using Compliance.Data;
using Compliance.Data.Exceptions;
using Compliance.Engine;
using Compliance.Engine.Rules;
using MiniExcelLibs;
using NodaTime.Text;

namespace Compliance.Api.Exceptions;

/// <summary>
/// <c>GET /api/v1/exceptions/export</c>: the rows of the list as a file a supervisor opens in Excel, with Chinese
/// headers. CSV is UTF-8 with a byte order mark and streams row by row; XLSX is written by MiniExcel. Every cell of
/// both passes through <see cref="Neutralise"/>, so no value a client sent can become a formula or a raw control character.
/// In the CSV, a cell with a comma, a semicolon, a quote or a line break is quoted, and a formula after a semicolon is
/// neutralised too, for spreadsheets that separate cells by semicolons.
/// </summary>
internal static partial class ExceptionExport
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The headers of api.md, in order.</summary>
    public static readonly string[] Headers = ["机构代码", "机构名称", "地区代码", "报告期", "规则", "规则名称", "级别", "状态", "指标与阈值", "说明", "规则集", "创建时间", "更新时间"];

    // OWASP's characters that make a spreadsheet read a cell as a formula.
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");

    public static async Task WriteCsvAsync(HttpResponse response, IAsyncEnumerable<ExceptionRecord> rows, CancellationToken ct)
    {
        Downloads.Attach(response, CsvType, "exceptions");
        await WriteCsvAsync(response.Body, rows.Select(Cells), ct);
    }

    /// <summary>The header line and one line per row, every cell neutralised.</summary>
    internal static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<string[]> rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', Headers) + "\r\n");
        await foreach (var row in rows.WithCancellation(ct))
        {
            await writer.WriteAsync(string.Join(',', row.Select(cell => Quote(AfterSemicolons(Neutralise(cell))))) + "\r\n");
        }
    }

    public static async Task WriteXlsxAsync(HttpResponse response, IAsyncEnumerable<ExceptionRecord> rows, CancellationToken ct)
    {
        // MiniExcel writes a zip, which needs a seekable stream: it goes to a temporary file, rows read as they
        // stream from the database, and the file is then sent.
        var path = Path.Combine(Path.GetTempPath(), $"exceptions-{Guid.NewGuid():N}.xlsx");
        await using var file = PrivateFiles.Open(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        await WriteXlsxAsync(file, rows.Select(Cells), ct);
        file.Position = 0;
        Downloads.Attach(response, XlsxType, "exceptions");
        response.ContentLength = file.Length;
        await file.CopyToAsync(response.Body, ct);
    }

    /// <summary>The sheet 异常 with the headers and one row per row, every cell neutralised.</summary>
    internal static Task WriteXlsxAsync(Stream file, IAsyncEnumerable<string[]> rows, CancellationToken ct) =>
        file.SaveAsAsync(rows.ToBlockingEnumerable(ct).Select(row => new XlsxRow([.. row.Select(Neutralise)])), sheetName: "异常", cancellationToken: ct);

    /// <summary>
    /// A cell as it may go into a file Excel opens (OWASP, "CSV Injection"): a value that starts with <c>=</c>,
    /// <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return is prefixed with <c>'</c>, so it is read as text and
    /// never as a formula; and every control character, line or paragraph separator and bidirectional formatting
    /// character becomes U+FFFD, so a row stored before names and identifiers were checked cannot put a raw NUL, an
    /// escape, a line break or a right-to-left override into the file.
    /// </summary>
    internal static string Neutralise(string cell)
    {
        var text = cell.Length > 0 && FormulaStarts.Contains(cell[0]) ? "'" + cell : cell;
        return text.AsSpan().ContainsAny(ControlCharacters.All) ? ControlCharacters.Replace(text) : text;
    }

    /// <summary>One exception as the export's cells, in the order of <see cref="Headers"/>.</summary>
    public static string[] Cells(ExceptionRecord e) =>
    [
        e.Institution,
        e.InstitutionName ?? "",
        e.RegionCode ?? "",
        Periods.Format(e.Period),
        e.Rule,
        RuleCatalog.Find(e.Rule)?.Name.Zh ?? e.Rule,
        e.Severity,
        e.Status,
        FiguresText(e.Rule, e.Figures),
        e.MessageZh,
        e.RuleSetId is null ? "" : $"{e.RuleSetId} v{e.RuleSetVersion}",
        InstantPattern.ExtendedIso.Format(e.CreatedAt),
        InstantPattern.ExtendedIso.Format(e.UpdatedAt),
    ];

    /// <summary>The figures as <c>name=value; …</c>, those the rule declares in percent or percentage points with 4 decimals.</summary>
    private static string FiguresText(string rule, string figures) =>
        string.Join("; ", Formats.Figures(rule, figures).Select(f => $"{f.Key}={Text(f.Value)}"));

    private static string Text(JsonNode? value) => value switch
    {
        JsonArray array => string.Join(" ", array.Select(Text)),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<decimal>(out var d) => d.ToString(CultureInfo.InvariantCulture),
        null => "",
        _ => value.ToJsonString(),
    };

    /// <summary>
    /// A CSV cell with what follows each semicolon neutralised as the start of a cell is (after any spaces and quotes):
    /// a spreadsheet whose list separator is <c>;</c> splits the line there, and the quotes of a comma-separated file
    /// do not hold a cell together for it, since they stand where its cells do not begin.
    /// </summary>
    private static string AfterSemicolons(string cell) => cell.Contains(';', StringComparison.Ordinal) ? FormulaAfterSemicolon().Replace(cell, "$1'$2") : cell;

    [GeneratedRegex("(;[ \"]*)([=+\\-@])", RegexOptions.CultureInvariant)]
    private static partial Regex FormulaAfterSemicolon();

    /// <summary>A cell quoted, its quotes doubled, when it holds a comma, a semicolon, a quote or a line break.</summary>
    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",;\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    /// <summary>A row of the sheet; the attributes name its columns even when there is no row.</summary>
    internal sealed class XlsxRow(string[] cells)
    {
        [MiniExcelLibs.Attributes.ExcelColumnName("机构代码")]
        public string Institution { get; } = cells[0];

        [MiniExcelLibs.Attributes.ExcelColumnName("机构名称")]
        public string InstitutionName { get; } = cells[1];

        [MiniExcelLibs.Attributes.ExcelColumnName("地区代码")]
        public string RegionCode { get; } = cells[2];

        [MiniExcelLibs.Attributes.ExcelColumnName("报告期")]
        public string Period { get; } = cells[3];

        [MiniExcelLibs.Attributes.ExcelColumnName("规则")]
        public string Rule { get; } = cells[4];

        [MiniExcelLibs.Attributes.ExcelColumnName("规则名称")]
        public string RuleName { get; } = cells[5];

        [MiniExcelLibs.Attributes.ExcelColumnName("级别")]
        public string Severity { get; } = cells[6];

        [MiniExcelLibs.Attributes.ExcelColumnName("状态")]
        public string Status { get; } = cells[7];

        [MiniExcelLibs.Attributes.ExcelColumnName("指标与阈值")]
        public string Figures { get; } = cells[8];

        [MiniExcelLibs.Attributes.ExcelColumnName("说明")]
        public string Message { get; } = cells[9];

        [MiniExcelLibs.Attributes.ExcelColumnName("规则集")]
        public string RuleSet { get; } = cells[10];

        [MiniExcelLibs.Attributes.ExcelColumnName("创建时间")]
        public string CreatedAt { get; } = cells[11];

        [MiniExcelLibs.Attributes.ExcelColumnName("更新时间")]
        public string UpdatedAt { get; } = cells[12];
    }
}
