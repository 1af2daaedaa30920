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
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace Compliance.Api.Exceptions;

/// <summary>
/// <c>GET /api/v1/exceptions/export</c>: the rows of the list as a file a supervisor opens in Excel, in the language of
/// <c>lang</c> (<see cref="ExportLanguage"/>). CSV is UTF-8 with a byte order mark and streams row by row; XLSX is written
/// by MiniExcel. Every cell of both passes through <see cref="Neutralise"/>, so no value a client sent can become a
/// formula or a raw control character. In the CSV, a cell with a comma, a semicolon, a quote or a line break is quoted,
/// and a formula after a semicolon is neutralised too, for spreadsheets that separate cells by semicolons.
/// </summary>
internal static partial class ExceptionExport
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The Chinese headers of api.md, in order (the default language's).</summary>
    public static readonly string[] Headers = ExportLanguage.Zh.Headers;

    // OWASP's characters that make a spreadsheet read a cell as a formula.
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");

    public static async Task WriteCsvAsync(HttpResponse response, IAsyncEnumerable<ExceptionRecord> rows, ExportLanguage language, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(language);
        Downloads.Attach(response, CsvType, "exceptions");
        await WriteCsvAsync(response.Body, rows.Select(e => Cells(e, language)), language, ct);
    }

    /// <summary>The Chinese header line and one line per row, every cell neutralised.</summary>
    internal static Task WriteCsvAsync(Stream body, IAsyncEnumerable<string[]> rows, CancellationToken ct) => WriteCsvAsync(body, rows, ExportLanguage.Zh, ct);

    /// <summary>The header line of <paramref name="language"/> and one line per row, every cell neutralised.</summary>
    internal static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<string[]> rows, ExportLanguage language, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(language);
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', language.Headers) + "\r\n");
        await foreach (var row in rows.WithCancellation(ct))
        {
            await writer.WriteAsync(string.Join(',', row.Select(cell => Quote(AfterSemicolons(Neutralise(cell))))) + "\r\n");
        }
    }

    public static async Task WriteXlsxAsync(HttpResponse response, IAsyncEnumerable<ExceptionRecord> rows, ExportLanguage language, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(language);
        // MiniExcel writes a zip, which needs a seekable stream: it goes to a temporary file, rows read as they
        // stream from the database, and the file is then sent.
        var path = Path.Combine(Path.GetTempPath(), $"exceptions-{Guid.NewGuid():N}.xlsx");
        await using var file = PrivateFiles.Open(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        await WriteXlsxAsync(file, rows.Select(e => Cells(e, language)), language, ct);
        file.Position = 0;
        Downloads.Attach(response, XlsxType, "exceptions");
        response.ContentLength = file.Length;
        await file.CopyToAsync(response.Body, ct);
    }

    /// <summary>The sheet with the Chinese headers and one row per row, every cell neutralised.</summary>
    internal static Task WriteXlsxAsync(Stream file, IAsyncEnumerable<string[]> rows, CancellationToken ct) => WriteXlsxAsync(file, rows, ExportLanguage.Zh, ct);

    /// <summary>
    /// The sheet (异常 / Exceptions) with the headers of <paramref name="language"/> and one row per row, every cell
    /// neutralised; the headers name the columns of <see cref="XlsxRow"/>, so they are written even when there is no row.
    /// </summary>
    internal static Task WriteXlsxAsync(Stream file, IAsyncEnumerable<string[]> rows, ExportLanguage language, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(language);
        var columns = new OpenXmlConfiguration
        {
            DynamicColumns = [.. XlsxRow.Columns.Select((property, i) => new DynamicExcelColumn(property) { Name = language.Headers[i] })],
        };
        return file.SaveAsAsync(rows.ToBlockingEnumerable(ct).Select(row => new XlsxRow([.. row.Select(Neutralise)])), sheetName: language.SheetName,
            configuration: columns, cancellationToken: ct);
    }

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

    /// <summary>One exception as the export's cells in <paramref name="language"/>, in the order of its headers.</summary>
    public static string[] Cells(ExceptionRecord e, ExportLanguage language)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(language);
        return
        [
            e.Institution,
            e.InstitutionName ?? "",
            e.RegionCode ?? "",
            Periods.Format(e.Period),
            e.Rule,
            language.Of(ExceptionsApi.RuleNameOf(e)),
            language.Severity(e.Rule, e.Severity),
            language.Status(e.Status, e.WaivedUntil),
            FiguresText(e.Rule, e.Figures, language),
            language.Of(new LocalizedText(e.MessageZh, e.MessageEn)),
            e.RuleSetId is null ? "" : $"{e.RuleSetId} v{e.RuleSetVersion}",
            ExportLanguage.ChinaTime(e.CreatedAt),
            ExportLanguage.ChinaTime(e.UpdatedAt),
        ];
    }

    /// <summary>
    /// The figures as <c>name=value; …</c>: each by the name its rule declares in the catalogue (its key where the rule
    /// declares none), with its value as the API writes it (percentages and percentage points with 4 decimals, money
    /// in exact yuan).
    /// </summary>
    private static string FiguresText(string rule, string figures, ExportLanguage language)
    {
        var declared = RuleCatalog.Find(rule);
        return string.Join("; ", Formats.Figures(rule, figures).Select(f =>
            $"{(declared?.Figure(f.Key) is { } figure ? language.Of(figure.Name) : f.Key)}={Text(f.Value)}"));
    }

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

    /// <summary>A row of the sheet; its properties are the columns, which the language's headers name.</summary>
    internal sealed class XlsxRow(string[] cells)
    {
        /// <summary>The properties in the order of the headers.</summary>
        public static readonly string[] Columns =
        [
            nameof(Institution), nameof(InstitutionName), nameof(RegionCode), nameof(Period), nameof(Rule), nameof(RuleName), nameof(Severity),
            nameof(Status), nameof(Figures), nameof(Message), nameof(RuleSet), nameof(CreatedAt), nameof(UpdatedAt),
        ];

        public string Institution { get; } = cells[0];

        public string InstitutionName { get; } = cells[1];

        public string RegionCode { get; } = cells[2];

        public string Period { get; } = cells[3];

        public string Rule { get; } = cells[4];

        public string RuleName { get; } = cells[5];

        public string Severity { get; } = cells[6];

        public string Status { get; } = cells[7];

        public string Figures { get; } = cells[8];

        public string Message { get; } = cells[9];

        public string RuleSet { get; } = cells[10];

        public string CreatedAt { get; } = cells[11];

        public string UpdatedAt { get; } = cells[12];
    }
}
