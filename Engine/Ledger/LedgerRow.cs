using NodaTime;

namespace Compliance.Engine.Ledger;

/// <summary>One validated loan (借据) of a ledger.</summary>
public sealed class LedgerRow
{
    /// <summary>The physical line on which the record starts.</summary>
    public long Line { get; internal set; }

    public string LoanId { get; internal set; } = "";

    public string BorrowerId { get; internal set; } = "";

    public string? CreditCode { get; internal set; }

    public BorrowerType BorrowerType { get; internal set; }

    public decimal CreditLine { get; internal set; }

    public Product Product { get; internal set; }

    public Purpose Purpose { get; internal set; }

    public Guarantee Guarantee { get; internal set; }

    public LoanClass Classification { get; internal set; }

    public decimal Amount { get; internal set; }

    public decimal Balance { get; internal set; }

    public LocalDate DisbursedOn { get; internal set; }

    public LocalDate MaturesOn { get; internal set; }

    public decimal AnnualRate { get; internal set; }

    public bool FirstLoan { get; internal set; }

    public char? Industry { get; internal set; }

    public string? Region { get; internal set; }
}

/// <summary>Receives each valid row while a ledger is read, so rows are written in the same pass.</summary>
public interface ILedgerSink
{
    /// <summary>Called for each valid row, in ledger order, until the first error; the row object is reused.</summary>
    void Write(LedgerRow row);
}
