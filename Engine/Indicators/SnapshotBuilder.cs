using Compliance.Engine.Ledger;
using NodaTime;

namespace Compliance.Engine.Indicators;

/// <summary>Adds rows to the running indicator totals of one period, in the same pass that validates them.</summary>
public sealed class SnapshotBuilder(YearMonth period)
{
    private readonly HashSet<string> _inclusiveBorrowers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _firstLoanBorrowers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _individualBusinessBorrowers = new(StringComparer.Ordinal);
    private decimal _totalBalance;
    private decimal _totalNplBalance;
    private decimal _inclusiveBalance;
    private decimal _inclusiveNplBalance;
    private decimal _inclusiveCreditBalance;
    private decimal _newInclusiveAmount;
    private decimal _newInclusiveRateWeight;
    private decimal _individualBusinessBalance;
    private decimal _operatingBalance;

    /// <summary>Adds one valid row.</summary>
    public void Add(LedgerRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var nonPerforming = Classification.IsNonPerforming(row.Classification);
        _totalBalance += row.Balance;
        if (nonPerforming)
        {
            _totalNplBalance += row.Balance;
        }

        if (Classification.IsInclusive(row.BorrowerType, row.Purpose, row.Product, row.CreditLine))
        {
            _inclusiveBalance += row.Balance;
            if (nonPerforming)
            {
                _inclusiveNplBalance += row.Balance;
            }

            if (Classification.IsCreditLoan(row.Guarantee))
            {
                _inclusiveCreditBalance += row.Balance;
            }

            if (row.Balance > 0)
            {
                _inclusiveBorrowers.Add(row.BorrowerId);
            }

            if (row.DisbursedOn.ToYearMonth() == period)
            {
                _newInclusiveAmount += row.Amount;
                _newInclusiveRateWeight += row.Amount * row.AnnualRate;
                if (row.FirstLoan)
                {
                    _firstLoanBorrowers.Add(row.BorrowerId);
                }
            }
        }

        if (Classification.IsIndividualBusinessOperating(row.BorrowerType, row.Purpose))
        {
            _individualBusinessBalance += row.Balance;
            if (row.Balance > 0)
            {
                _individualBusinessBorrowers.Add(row.BorrowerId);
            }
        }

        if (Classification.IsOperating(row.BorrowerType, row.Purpose))
        {
            _operatingBalance += row.Balance;
        }
    }

    /// <summary>The snapshot of every row added so far.</summary>
    public IndicatorSnapshot Build() => new()
    {
        TotalBalance = _totalBalance,
        TotalNplBalance = _totalNplBalance,
        InclusiveBalance = _inclusiveBalance,
        InclusiveNplBalance = _inclusiveNplBalance,
        InclusiveCreditBalance = _inclusiveCreditBalance,
        InclusiveBorrowers = _inclusiveBorrowers.Count,
        NewFirstLoanBorrowers = _firstLoanBorrowers.Count,
        NewInclusiveAmount = _newInclusiveAmount,
        NewInclusiveRateWeight = _newInclusiveRateWeight,
        IndividualBusinessBalance = _individualBusinessBalance,
        IndividualBusinessBorrowers = _individualBusinessBorrowers.Count,
        OperatingBalance = _operatingBalance,
    };
}
