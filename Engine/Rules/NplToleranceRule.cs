namespace Compliance.Engine.Rules;

/// <summary>不良容忍度: the inclusive NPL ratio at most <c>tolerancePp</c> points above the total NPL ratio.</summary>
/// <remarks>
/// Jiyuan guidance and the CBIRC notice: 普惠型小微企业贷款不良率不高于各项贷款不良率 3 个百分点. A breach in every
/// month. Not applicable where there are no inclusive loans (the ratio has no denominator).
/// </remarks>
public sealed class NplToleranceRule(decimal tolerancePp) : Rule
{
    public const string RuleId = "NPL_TOLERANCE";

    private static readonly FigureDefinition InclusiveRatio = new("inclusiveNplRatio", FigureUnit.Percent, new("普惠型小微企业贷款不良率", "Inclusive NPL ratio"));

    private static readonly FigureDefinition TotalRatio = new("totalNplRatio", FigureUnit.Percent, new("各项贷款不良率", "Total NPL ratio"));

    private static readonly FigureDefinition RatioGap = new("gapPp", FigureUnit.Pp, new("不良率差", "NPL ratio gap"));

    private static readonly FigureDefinition Tolerance = new("tolerancePp", FigureUnit.Pp, new("不良容忍度", "NPL tolerance"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [InclusiveRatio, TotalRatio, RatioGap, Tolerance];

    public override string Id => RuleId;

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var now = history.Current.Indicators;
        if (now.InclusiveBalance == 0 || now.TotalBalance == 0)
        {
            return RuleResult.NotApplicable(Id, NotApplicableReason.ZeroBase);
        }

        var inclusiveRatio = Fraction.Percent(Fraction.From(now.InclusiveNplBalance), Fraction.From(now.InclusiveBalance));
        var totalRatio = Fraction.Percent(Fraction.From(now.TotalNplBalance), Fraction.From(now.TotalBalance));
        var gap = inclusiveRatio - totalRatio;
        var headroom = new HeadroomFigure(null, gap.ToDecimal(), tolerancePp, HeadroomUnit.Pp, AtMost: true);
        if (gap <= Fraction.From(tolerancePp))
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var ir = inclusiveRatio.ToDecimal();
        var tr = totalRatio.ToDecimal();
        var gp = gap.ToDecimal();
        var words = Words(history);
        return With(RuleResult.Failed(new Finding(
            Id,
            Severity.Breach,
            new Dictionary<string, object>
            {
                [InclusiveRatio.Key] = ir,
                [TotalRatio.Key] = tr,
                [RatioGap.Key] = gp,
                [Tolerance.Key] = tolerancePp,
            },
            new Dictionary<string, object>(),
            new LocalizedText(
                $"{Period(history.Period)} {words.Loans}不良率 {Pct(ir)}%，高于各项贷款不良率 {Pct(tr)}% 达 {Pct(gp)} 个百分点，超出不良容忍度（{tolerancePp} 个百分点），未达标；该报告期不再适用不良容忍度内的尽职免责。",
                $"In {Period(history.Period)}, the NPL ratio of {words.LoansEn}, {Pct(ir)}%, exceeds the total NPL ratio of {Pct(tr)}% by {Pct(gp)} pp, beyond the NPL tolerance of {tolerancePp} pp: not met, and the exemption from blame (due diligence) that the tolerance allows no longer covers the period."))), headroom);
    }
}
