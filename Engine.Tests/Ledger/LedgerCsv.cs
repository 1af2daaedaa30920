using System.Globalization;
using System.Text;
using Compliance.Engine.Ledger;
using NodaTime;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>
/// Builds CSV ledgers for the reader's tests: the header of ledger.md's example and rows of valid defaults (an
/// inclusive micro loan of period 2022-06) with the columns a test cares about overridden.
/// </summary>
internal static class LedgerCsv
{
    public const string Header =
        "loan_id,borrower_id,credit_code,borrower_type,credit_line,product,purpose,guarantee,classification,amount,balance,disbursed_on,matures_on,annual_rate,first_loan,industry,region";

    /// <summary>The example of ledger.md, verbatim.</summary>
    public const string Example =
        Header + "\n"
        + "L0001,C001,91371300MA3C1XY40W,micro,3000000,loan,business,credit,normal,1000000,800000.00,2022-01-15,2023-01-14,4.35,Y,F,371302\n"
        + "L0002,C002,,individual_business,500000,loan,business,guarantee,substandard,300000,300000,2021-11-02,2022-11-01,5.10,N,H,371311\n"
        + "L0003,C003,,large,500000000,discount,business,pledge,normal,20000000,20000000,2022-06-10,2022-12-10,1.90,N,C,371302\n";

    public static readonly YearMonth Period = new(2022, 6);

    private static readonly string[] Columns = Header.Split(',');

    private static readonly Dictionary<string, string> Defaults = new()
    {
        ["loan_id"] = "L1",
        ["borrower_id"] = "C1",
        ["credit_code"] = "",
        ["borrower_type"] = "micro",
        ["credit_line"] = "3000000",
        ["product"] = "loan",
        ["purpose"] = "business",
        ["guarantee"] = "credit",
        ["classification"] = "normal",
        ["amount"] = "1000000",
        ["balance"] = "800000.00",
        ["disbursed_on"] = "2022-01-15",
        ["matures_on"] = "2023-01-14",
        ["annual_rate"] = "4.35",
        ["first_loan"] = "Y",
        ["industry"] = "F",
        ["region"] = "371302",
    };

    /// <summary>One valid record with the given loan id, the named columns replaced (quoted where RFC 4180 needs it).</summary>
    public static string Loan(string loanId, params (string Column, string Value)[] overrides)
    {
        var values = new Dictionary<string, string>(Defaults) { ["loan_id"] = loanId };
        foreach (var (column, value) in overrides)
        {
            if (!values.ContainsKey(column))
            {
                throw new ArgumentException($"No column {column} in the test header.", nameof(overrides));
            }

            values[column] = value;
        }

        return string.Join(',', Columns.Select(c => Quote(values[c])));
    }

    /// <summary>The header and the records, each ending in LF.</summary>
    public static string Ledger(params string[] records) => string.Concat(records.Prepend(Header).Select(r => r + "\n"));

    /// <summary>Reads UTF-8 text (no byte order mark) for <see cref="Period"/> unless told otherwise.</summary>
    public static LedgerReadResult Read(string text, RecordingSink? sink = null, YearMonth? period = null) =>
        ReadBytes(Encoding.UTF8.GetBytes(text), LedgerEncodings.ForCharset("utf-8")!, sink, period);

    public static LedgerReadResult ReadBytes(byte[] body, Encoding encoding, RecordingSink? sink = null, YearMonth? period = null)
    {
        using var stream = new MemoryStream(body);
        return LedgerReader.ReadCsv(stream, encoding, period ?? Period, sink ?? new RecordingSink());
    }

    /// <summary>An issue as "code line column", with <c>null</c> spelled out, so failures read plainly.</summary>
    public static string Describe(LedgerIssue issue) =>
        string.Create(CultureInfo.InvariantCulture, $"{issue.Code} {issue.Line?.ToString(CultureInfo.InvariantCulture) ?? "null"} {issue.Column ?? "null"}");

    public static IEnumerable<string> Describe(IEnumerable<LedgerIssue> issues) => issues.Select(Describe);

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}

/// <summary>An <see cref="ILedgerSink"/> that keeps a copy of every row it receives (the reader reuses its row object).</summary>
internal sealed class RecordingSink : ILedgerSink
{
    private readonly List<LedgerRow> _rows = [];

    public IReadOnlyList<LedgerRow> Rows => _rows;

    public void Write(LedgerRow row) => _rows.Add(new LedgerRow
    {
        Line = row.Line,
        LoanId = row.LoanId,
        BorrowerId = row.BorrowerId,
        CreditCode = row.CreditCode,
        BorrowerType = row.BorrowerType,
        CreditLine = row.CreditLine,
        Product = row.Product,
        Purpose = row.Purpose,
        Guarantee = row.Guarantee,
        Classification = row.Classification,
        Amount = row.Amount,
        Balance = row.Balance,
        DisbursedOn = row.DisbursedOn,
        MaturesOn = row.MaturesOn,
        AnnualRate = row.AnnualRate,
        FirstLoan = row.FirstLoan,
        Industry = row.Industry,
        Region = row.Region,
    });
}
