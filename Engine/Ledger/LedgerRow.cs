using NodaTime;

namespace Compliance.Engine.Ledger;

/// <summary>
/// One validated loan (借据) of a ledger. Its texts are kept in buffers the row reuses, read without a copy through the
/// <c>…Chars()</c> methods; the string properties make a string only when asked (and keep it until the value changes).
/// </summary>
public sealed class LedgerRow
{
    private readonly RowText _loanId = new();
    private readonly RowText _borrowerId = new();
    private readonly RowText _creditCode = new();
    private readonly RowText _region = new();

    /// <summary>Where the record is: the physical CSV line on which it starts, the NDJSON line, or the JSON index.</summary>
    public long Line { get; internal set; }

    public string LoanId { get => _loanId.Value ?? ""; internal set => _loanId.Set(value); }

    /// <summary>The loan id without a copy, valid until the row is reused.</summary>
    public ReadOnlySpan<char> LoanIdChars() => _loanId.Span;

    public string BorrowerId { get => _borrowerId.Value ?? ""; internal set => _borrowerId.Set(value); }

    /// <summary>The borrower id without a copy, valid until the row is reused.</summary>
    public ReadOnlySpan<char> BorrowerIdChars() => _borrowerId.Span;

    /// <summary>The borrower's number among the ledger's distinct borrowers (0, 1, 2, …), or -1 where none was given.</summary>
    internal int BorrowerIndex { get; set; } = -1;

    public string? CreditCode { get => _creditCode.Value; internal set => _creditCode.Set(value); }

    /// <summary>The credit code without a copy, empty where there is none; valid until the row is reused.</summary>
    public ReadOnlySpan<char> CreditCodeChars() => _creditCode.Span;

    public BorrowerType BorrowerType { get; internal set; }

    /// <summary>单户授信总额 in yuan.</summary>
    public decimal CreditLine { get => CreditLineFen / 100m; internal set => CreditLineFen = ToUnits(value, 100m); }

    /// <summary>单户授信总额 in fen (分), exact.</summary>
    public long CreditLineFen { get; internal set; }

    public Product Product { get; internal set; }

    public Purpose Purpose { get; internal set; }

    public Guarantee Guarantee { get; internal set; }

    public LoanClass Classification { get; internal set; }

    /// <summary>发放金额 in yuan.</summary>
    public decimal Amount { get => AmountFen / 100m; internal set => AmountFen = ToUnits(value, 100m); }

    /// <summary>发放金额 in fen (分), exact.</summary>
    public long AmountFen { get; internal set; }

    /// <summary>贷款余额 in yuan.</summary>
    public decimal Balance { get => BalanceFen / 100m; internal set => BalanceFen = ToUnits(value, 100m); }

    /// <summary>贷款余额 in fen (分), exact.</summary>
    public long BalanceFen { get; internal set; }

    public LocalDate DisbursedOn { get; internal set; }

    public LocalDate MaturesOn { get; internal set; }

    /// <summary>执行年利率 in percent.</summary>
    public decimal AnnualRate { get => AnnualRateMicros / 1_000_000m; internal set => AnnualRateMicros = ToUnits(value, 1_000_000m); }

    /// <summary>执行年利率 in millionths of a percent (4.35 % is 4,350,000), exact.</summary>
    public long AnnualRateMicros { get; internal set; }

    public bool FirstLoan { get; internal set; }

    public char? Industry { get; internal set; }

    public string? Region { get => _region.Value; internal set => _region.Set(value); }

    /// <summary>The region code without a copy, empty where there is none; valid until the row is reused.</summary>
    public ReadOnlySpan<char> RegionChars() => _region.Span;

    /// <summary>Sets the loan id from a span, copied into the row's buffer.</summary>
    internal void SetLoanId(ReadOnlySpan<char> value) => _loanId.Set(value);

    /// <summary>Sets the borrower id from a span, copied into the row's buffer.</summary>
    internal void SetBorrowerId(ReadOnlySpan<char> value) => _borrowerId.Set(value);

    /// <summary>Sets the credit code from a span (none where empty), copied into the row's buffer.</summary>
    internal void SetCreditCode(ReadOnlySpan<char> value) => _creditCode.SetOrNone(value);

    /// <summary>Sets the region code from a span (none where empty), copied into the row's buffer.</summary>
    internal void SetRegion(ReadOnlySpan<char> value) => _region.SetOrNone(value);

    /// <summary>
    /// A row from its exact values, as a ledger's row was kept once read (money in fen, the rate in millionths of a
    /// percent): for what rebuilds indicators from rows kept, without reading the ledger again.
    /// </summary>
    public static LedgerRow FromFen(
        long line,
        string loanId,
        string borrowerId,
        string? creditCode,
        BorrowerType borrowerType,
        long creditLineFen,
        Product product,
        Purpose purpose,
        Guarantee guarantee,
        LoanClass classification,
        long amountFen,
        long balanceFen,
        LocalDate disbursedOn,
        LocalDate maturesOn,
        long annualRateMicros,
        bool firstLoan,
        char? industry,
        string? region) => new()
        {
            Line = line,
            LoanId = loanId,
            BorrowerId = borrowerId,
            CreditCode = creditCode,
            BorrowerType = borrowerType,
            CreditLineFen = creditLineFen,
            Product = product,
            Purpose = purpose,
            Guarantee = guarantee,
            Classification = classification,
            AmountFen = amountFen,
            BalanceFen = balanceFen,
            DisbursedOn = disbursedOn,
            MaturesOn = maturesOn,
            AnnualRateMicros = annualRateMicros,
            FirstLoan = firstLoan,
            Industry = industry,
            Region = region,
        };

    private static long ToUnits(decimal value, decimal perUnit) => (long)(value * perUnit);
}

/// <summary>A text of the row being read, in a buffer reused from row to row; a string only when one is asked for.</summary>
internal sealed class RowText
{
    private char[] _chars = new char[32];
    private int _length = -1; // -1: no value
    private string? _string;

    /// <summary>The text, or empty where there is none.</summary>
    public ReadOnlySpan<char> Span => _length < 0 ? [] : _chars.AsSpan(0, _length);

    /// <summary>The text as a string, made once per value; <c>null</c> where there is none.</summary>
    public string? Value => _length < 0 ? null : _string ??= new string(Span);

    public void Set(ReadOnlySpan<char> value)
    {
        if (value.Length > _chars.Length)
        {
            _chars = new char[Math.Max(value.Length, _chars.Length * 2)];
        }

        value.CopyTo(_chars);
        _length = value.Length;
        _string = null;
    }

    public void Set(string? value)
    {
        if (value is null)
        {
            _length = -1;
            _string = null;
            return;
        }

        Set(value.AsSpan());
        _string = value;
    }

    /// <summary>Sets the text, or none where it is empty.</summary>
    public void SetOrNone(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            Set((string?)null);
        }
        else
        {
            Set(value);
        }
    }
}

/// <summary>Receives each valid row while a ledger is read, so rows are written in the same pass.</summary>
public interface ILedgerSink
{
    /// <summary>Called for each valid row, in ledger order, until the first error; the row object is reused.</summary>
    void Write(LedgerRow row);
}
