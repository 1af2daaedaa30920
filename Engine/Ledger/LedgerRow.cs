using NodaTime;

namespace Compliance.Engine.Ledger;

/// <summary>One validated loan (借据) of a ledger.</summary>
public sealed class LedgerRow
{
    /// <summary>Where the record is: the physical CSV line on which it starts, the NDJSON line, or the JSON index.</summary>
    public long Line { get; internal set; }

    public string LoanId { get; internal set; } = "";

    public string BorrowerId { get; internal set; } = "";

    /// <summary>The borrower's number among the ledger's distinct borrowers (0, 1, 2, …), or -1 where none was given.</summary>
    internal int BorrowerIndex { get; set; } = -1;

    public string? CreditCode { get; internal set; }

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

    public string? Region { get; internal set; }

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

/// <summary>Receives each valid row while a ledger is read, so rows are written in the same pass.</summary>
public interface ILedgerSink
{
    /// <summary>Called for each valid row, in ledger order, until the first error; the row object is reused.</summary>
    void Write(LedgerRow row);
}
