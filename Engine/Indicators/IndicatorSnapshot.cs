namespace Compliance.Engine.Indicators;

/// <summary>The statistical definition (口径) of inclusive lending a rule set reads (rules.md, "Rule sets").</summary>
public enum StatisticalScope
{
    /// <summary><c>cbirc</c>: 普惠型小微企业贷款, 单户授信1000万元及以下.</summary>
    Cbirc,

    /// <summary><c>pboc</c>: 普惠小微贷款, 单户授信小于1000万元.</summary>
    Pboc,
}

/// <summary>
/// The indicators of one institution and period (rules.md), summed over the rows of one accepted ledger.
/// Money in yuan, exact.
/// </summary>
/// <remarks>
/// Each property marked <see cref="IndicatorAttribute"/> is an indicator, declared here once: <see cref="Indicator.All"/>
/// reads the declarations, and the store's columns (snake_case of the name) and the API's JSON (camelCase) follow
/// from them. The summaries below give each indicator's JSON name and meaning. The inclusive indicators are in the
/// CBIRC 口径; those marked <see cref="IndicatorAttribute.PerScope"/> are in <see cref="Pboc"/> again, in the PBoC 口径
/// (ledger.md, "Classification").
/// </remarks>
public sealed record IndicatorSnapshot
{
    /// <summary><c>totalBalance</c> 各项贷款余额: Σ balance, all rows.</summary>
    [Indicator(IndicatorKind.Money)]
    public decimal TotalBalance { get; init; }

    /// <summary><c>totalNplBalance</c>: Σ balance, non-performing rows.</summary>
    [Indicator(IndicatorKind.Money)]
    public decimal TotalNplBalance { get; init; }

    /// <summary><c>inclusiveBalance</c> 普惠型小微贷款余额: Σ balance, inclusive rows.</summary>
    [Indicator(IndicatorKind.Money, PerScope = true)]
    public decimal InclusiveBalance { get; init; }

    /// <summary><c>inclusiveNplBalance</c>: Σ balance, inclusive non-performing rows.</summary>
    [Indicator(IndicatorKind.Money, PerScope = true)]
    public decimal InclusiveNplBalance { get; init; }

    /// <summary><c>inclusiveCreditBalance</c> 信用贷款余额: Σ balance, inclusive credit-loan rows.</summary>
    [Indicator(IndicatorKind.Money, PerScope = true)]
    public decimal InclusiveCreditBalance { get; init; }

    /// <summary><c>inclusiveBorrowers</c> 有贷款余额户数: distinct borrowers of inclusive rows with balance &gt; 0.</summary>
    [Indicator(IndicatorKind.Count, PerScope = true)]
    public long InclusiveBorrowers { get; init; }

    /// <summary><c>newFirstLoanBorrowers</c> 当期首贷户: distinct borrowers of inclusive rows new in the period with <c>first_loan</c> = Y.</summary>
    [Indicator(IndicatorKind.Count, PerScope = true)]
    public long NewFirstLoanBorrowers { get; init; }

    /// <summary>
    /// <c>newFirstLoanEnterprises</c> 当期新增小微企业法人首贷户: distinct small and micro enterprises (not natural persons)
    /// with a row new in the period, <c>first_loan</c> = Y, and not a 票据贴现/转贴现, whatever their credit line (the
    /// notice sets no 单户授信 test, so one figure under both 口径). <c>null</c> for a snapshot stored before it existed,
    /// until the snapshot is recomputed from its loans; a rule that meets the null counts the month as missing.
    /// </summary>
    [Indicator(IndicatorKind.Count)]
    public long? NewFirstLoanEnterprises { get; init; }

    /// <summary><c>newInclusiveAmount</c> 当期新发放普惠金额: Σ amount, inclusive rows new in the period.</summary>
    [Indicator(IndicatorKind.Money, PerScope = true)]
    public decimal NewInclusiveAmount { get; init; }

    /// <summary><c>newInclusiveRateWeight</c>: Σ amount × annual_rate over inclusive rows new in the period, unrounded.</summary>
    [Indicator(IndicatorKind.Exact, PerScope = true)]
    public decimal NewInclusiveRateWeight { get; init; }

    /// <summary><c>individualBusinessBalance</c> 个体工商户经营性贷款余额: Σ balance, individual businesses' business loans.</summary>
    [Indicator(IndicatorKind.Money)]
    public decimal IndividualBusinessBalance { get; init; }

    /// <summary><c>individualBusinessBorrowers</c>: distinct borrowers of the same rows with balance &gt; 0.</summary>
    [Indicator(IndicatorKind.Count)]
    public long IndividualBusinessBorrowers { get; init; }

    /// <summary><c>operatingBalance</c> 小微企业主和个体工商户经营性贷款余额: Σ balance, micro owners' and individual businesses' business loans.</summary>
    [Indicator(IndicatorKind.Money)]
    public decimal OperatingBalance { get; init; }

    /// <summary>
    /// The same snapshot as the PBoC 口径 counts it (<c>pboc</c>): its inclusive indicators under that 口径, the rest
    /// the same; <c>null</c> for a snapshot stored before the PBoC 口径 existed, until it is recomputed.
    /// </summary>
    public IndicatorSnapshot? Pboc { get; init; }

    /// <summary>The snapshot as a 口径 counts it: this one for the CBIRC's, <see cref="Pboc"/> (or <c>null</c>) for the PBoC's.</summary>
    public IndicatorSnapshot? In(StatisticalScope scope) => scope == StatisticalScope.Pboc ? Pboc : this;

    /// <summary>inclusiveNplBalance / inclusiveBalance in percent, or <c>null</c> where there are no inclusive loans.</summary>
    public decimal? InclusiveNplRatio => Percent(InclusiveNplBalance, InclusiveBalance);

    /// <summary>totalNplBalance / totalBalance in percent, or <c>null</c> where there are no loans.</summary>
    public decimal? TotalNplRatio => Percent(TotalNplBalance, TotalBalance);

    /// <summary>inclusiveCreditBalance / inclusiveBalance in percent, or <c>null</c> where there are no inclusive loans.</summary>
    public decimal? CreditShare => Percent(InclusiveCreditBalance, InclusiveBalance);

    private static decimal? Percent(decimal part, decimal whole) => whole == 0 ? null : part * 100m / whole;
}
