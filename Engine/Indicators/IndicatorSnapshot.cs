namespace Compliance.Engine.Indicators;

/// <summary>
/// The indicators of one institution and period (rules.md), summed over the rows of one accepted ledger.
/// Money in yuan, exact.
/// </summary>
public sealed record IndicatorSnapshot
{
    public decimal TotalBalance { get; init; }

    public decimal TotalNplBalance { get; init; }

    public decimal InclusiveBalance { get; init; }

    public decimal InclusiveNplBalance { get; init; }

    public decimal InclusiveCreditBalance { get; init; }

    public long InclusiveBorrowers { get; init; }

    public long NewFirstLoanBorrowers { get; init; }

    public decimal NewInclusiveAmount { get; init; }

    /// <summary>Σ amount × annual_rate over inclusive rows new in the period, unrounded.</summary>
    public decimal NewInclusiveRateWeight { get; init; }

    public decimal IndividualBusinessBalance { get; init; }

    public long IndividualBusinessBorrowers { get; init; }

    public decimal OperatingBalance { get; init; }

    /// <summary>inclusiveNplBalance / inclusiveBalance in percent, or <c>null</c> where there are no inclusive loans.</summary>
    public decimal? InclusiveNplRatio => Percent(InclusiveNplBalance, InclusiveBalance);

    /// <summary>totalNplBalance / totalBalance in percent, or <c>null</c> where there are no loans.</summary>
    public decimal? TotalNplRatio => Percent(TotalNplBalance, TotalBalance);

    /// <summary>inclusiveCreditBalance / inclusiveBalance in percent, or <c>null</c> where there are no inclusive loans.</summary>
    public decimal? CreditShare => Percent(InclusiveCreditBalance, InclusiveBalance);

    private static decimal? Percent(decimal part, decimal whole) => whole == 0 ? null : part * 100m / whole;
}
