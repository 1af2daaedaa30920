using Compliance.Engine.Ledger;
using NodaTime;

namespace Compliance.Engine.Indicators;

/// <summary>Adds rows to the running indicator totals of one period, in the same pass that validates them.</summary>
public sealed class SnapshotBuilder(YearMonth period)
{
    private readonly HashSet<string> _inclusiveBorrowers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _firstLoanBorrowers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _individualBusinessBorrowers = new(StringComparer.Ordinal);
    // Sums in fen (and fen × millionths of a percent for the rate weight): exact, and far from overflow in 128 bits.
    private Int128 _totalBalance;
    private Int128 _totalNplBalance;
    private Int128 _inclusiveBalance;
    private Int128 _inclusiveNplBalance;
    private Int128 _inclusiveCreditBalance;
    private Int128 _newInclusiveAmount;
    private Int128 _newInclusiveRateWeight;
    private Int128 _individualBusinessBalance;
    private Int128 _operatingBalance;

    /// <summary>Adds one valid row.</summary>
    public void Add(LedgerRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var nonPerforming = Classification.IsNonPerforming(row.Classification);
        var balance = row.BalanceFen;
        _totalBalance += balance;
        if (nonPerforming)
        {
            _totalNplBalance += balance;
        }

        if (Classification.IsInclusive(row.BorrowerType, row.Purpose, row.Product, row.CreditLineFen))
        {
            _inclusiveBalance += balance;
            if (nonPerforming)
            {
                _inclusiveNplBalance += balance;
            }

            if (Classification.IsCreditLoan(row.Guarantee))
            {
                _inclusiveCreditBalance += balance;
            }

            if (balance > 0)
            {
                _inclusiveBorrowers.Add(row.BorrowerId);
            }

            if (row.DisbursedOn.ToYearMonth() == period)
            {
                _newInclusiveAmount += row.AmountFen;
                _newInclusiveRateWeight += (Int128)row.AmountFen * row.AnnualRateMicros;
                if (row.FirstLoan)
                {
                    _firstLoanBorrowers.Add(row.BorrowerId);
                }
            }
        }

        if (Classification.IsIndividualBusinessOperating(row.BorrowerType, row.Purpose))
        {
            _individualBusinessBalance += balance;
            if (balance > 0)
            {
                _individualBusinessBorrowers.Add(row.BorrowerId);
            }
        }

        if (Classification.IsOperating(row.BorrowerType, row.Purpose))
        {
            _operatingBalance += balance;
        }
    }

    /// <summary>The snapshot of every row added so far.</summary>
    public IndicatorSnapshot Build() => new()
    {
        TotalBalance = Yuan(_totalBalance),
        TotalNplBalance = Yuan(_totalNplBalance),
        InclusiveBalance = Yuan(_inclusiveBalance),
        InclusiveNplBalance = Yuan(_inclusiveNplBalance),
        InclusiveCreditBalance = Yuan(_inclusiveCreditBalance),
        InclusiveBorrowers = _inclusiveBorrowers.Count,
        NewFirstLoanBorrowers = _firstLoanBorrowers.Count,
        NewInclusiveAmount = Yuan(_newInclusiveAmount),
        NewInclusiveRateWeight = (decimal)_newInclusiveRateWeight / 100_000_000m,
        IndividualBusinessBalance = Yuan(_individualBusinessBalance),
        IndividualBusinessBorrowers = _individualBusinessBorrowers.Count,
        OperatingBalance = Yuan(_operatingBalance),
    };

    private static decimal Yuan(Int128 fen) => (decimal)fen / 100m;
}
