using Compliance.Engine.Ledger;
using NodaTime;

namespace Compliance.Engine.Indicators;

/// <summary>
/// Adds rows to the running indicator totals of one period, in the same pass that validates them. Its per-borrower state
/// lives outside the managed heap until it is disposed (a finalizer gives it back where a caller does not).
/// </summary>
/// <param name="period">The period the rows are of.</param>
/// <param name="expectedBorrowers">An estimate of the borrowers to come (0 if unknown), so per-borrower state is sized once.</param>
public sealed class SnapshotBuilder(YearMonth period, int expectedBorrowers = 0) : IDisposable
{
    private const byte IndividualBusinessWithBalance = 4;
    private const byte FirstLoanEnterprise = 8;

    // What each borrower has been counted as, by the borrower's number: a byte a borrower, not a set of strings.
    // Rows read by a validator carry its numbering; rows built otherwise are numbered here.
    private IdTable? _ownBorrowers;
    private readonly NativeBuffer<byte> _counted = new(Math.Max(1 << 12, expectedBorrowers));
    private readonly BorrowerBook _book = new(expectedBorrowers);
    private long _individualBusinessBorrowers;
    private long _newFirstLoanEnterprises;
    // Sums in fen (and fen × millionths of a percent for the rate weight): exact, and far from overflow in 128 bits.
    private Int128 _totalBalance;
    private Int128 _totalNplBalance;
    private Int128 _individualBusinessBalance;
    private Int128 _operatingBalance;

    /// <summary>Adds one valid row.</summary>
    public void Add(LedgerRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var nonPerforming = Classification.IsNonPerforming(row.Classification);
        var balance = row.BalanceFen;
        var borrower = row.BorrowerIndex >= 0 ? row.BorrowerIndex : (_ownBorrowers ??= new IdTable()).Find(row.BorrowerIdChars(), out _);
        if (borrower >= _counted.Length)
        {
            _counted.Resize(Math.Max(_counted.Length * 2, borrower + 1));
        }

        _totalBalance += balance;
        if (nonPerforming)
        {
            _totalNplBalance += balance;
        }

        // Whether the row is inclusive, under either 口径, waits for the borrower's other rows (its effective line).
        _book.Add(borrower, row, nonPerforming, row.DisbursedOn.ToYearMonth() == period);

        if (Classification.IsIndividualBusinessOperating(row.BorrowerType, row.Purpose))
        {
            _individualBusinessBalance += balance;
            if (balance > 0)
            {
                _individualBusinessBorrowers += Count(borrower, IndividualBusinessWithBalance);
            }
        }

        if (row.FirstLoan && Classification.IsFirstLoanEnterpriseRow(row.BorrowerType, row.Product) && row.DisbursedOn.ToYearMonth() == period)
        {
            _newFirstLoanEnterprises += Count(borrower, FirstLoanEnterprise);
        }

        if (Classification.IsOperating(row.BorrowerType, row.Purpose))
        {
            _operatingBalance += balance;
        }
    }

    /// <summary>Keeps the type and credit line of a borrower's first row, valid or not, for validation to compare its other rows with.</summary>
    internal void RegisterBorrower(int borrower, BorrowerType type, long creditLineFen) => _book.Register(borrower, type, creditLineFen);

    /// <summary>The type and credit line kept for a borrower's first row.</summary>
    internal (BorrowerType Type, long CreditLineFen) BorrowerOf(int borrower) => _book.FirstOf(borrower);

    /// <summary>The snapshot of every row added so far: its inclusive indicators in the CBIRC 口径, and again in the PBoC's.</summary>
    public IndicatorSnapshot Build()
    {
        var common = new IndicatorSnapshot
        {
            TotalBalance = Yuan(_totalBalance),
            TotalNplBalance = Yuan(_totalNplBalance),
            IndividualBusinessBalance = Yuan(_individualBusinessBalance),
            IndividualBusinessBorrowers = _individualBusinessBorrowers,
            NewFirstLoanEnterprises = _newFirstLoanEnterprises,
            OperatingBalance = Yuan(_operatingBalance),
        };
        return Inclusive(common, _book.Inclusive(Classification.PassesCbirc)) with { Pboc = Inclusive(common, _book.Inclusive(Classification.PassesPboc)) };
    }

    private static IndicatorSnapshot Inclusive(IndicatorSnapshot common, BorrowerBook.Sums sums) => common with
    {
        InclusiveBalance = Yuan(sums.Balance),
        InclusiveNplBalance = Yuan(sums.NplBalance),
        InclusiveCreditBalance = Yuan(sums.CreditBalance),
        InclusiveBorrowers = sums.Borrowers,
        NewFirstLoanBorrowers = sums.NewFirstLoanBorrowers,
        NewInclusiveAmount = Yuan(sums.NewAmount),
        NewInclusiveRateWeight = (decimal)sums.NewRateWeight / 100_000_000m,
    };

    /// <summary>The warnings only the whole ledger decides: W004 and, from 2023-07, W006, in the order of their lines.</summary>
    public IEnumerable<LedgerIssue> BorrowerWarnings() => _book.Warnings(period, int.MaxValue, out _);

    /// <summary>The first <paramref name="keep"/> of <see cref="BorrowerWarnings()"/>; <paramref name="count"/> counts them all.</summary>
    internal List<LedgerIssue> BorrowerWarnings(int keep, out long count) => _book.Warnings(period, keep, out count);

    /// <summary>Gives the per-borrower state back: nothing more can be added, built or warned about after.</summary>
    public void Dispose()
    {
        _book.Dispose();
        _counted.Dispose();
        _ownBorrowers?.Dispose();
    }

    private static decimal Yuan(Int128 fen) => (decimal)fen / 100m;

    /// <summary>1 the first time a borrower is counted as <paramref name="kind"/>, else 0.</summary>
    private int Count(int borrower, byte kind)
    {
        if ((_counted[borrower] & kind) != 0)
        {
            return 0;
        }

        _counted[borrower] |= kind;
        return 1;
    }
}
