namespace Compliance.Engine.Rules;

/// <summary>两增·增速: inclusive-loan growth not below total-loan growth.</summary>
/// <remarks>
/// CBIRC 2022 notice on small/micro-enterprise lending (两增): growth against the start of the year (<c>ytd</c>);
/// the Shandong 助企惠商 action measures it against the same period last year (<c>yoy</c>). Not applicable where a
/// baseline balance is 0 (growth has no denominator).
/// </remarks>
public sealed class InclusiveGrowthRule(GrowthBasis basis, int assessmentMonth) : Rule
{
    public const string RuleId = "INCLUSIVE_GROWTH";

    private static readonly FigureDefinition InclusiveGrowth = new("inclusiveGrowth", FigureUnit.Percent, new("普惠型小微企业贷款增速", "Inclusive-loan growth"));

    private static readonly FigureDefinition TotalGrowth = new("totalGrowth", FigureUnit.Percent, new("各项贷款增速", "Total-loan growth"));

    private static readonly FigureDefinition GrowthGap = new("gapPp", FigureUnit.Pp, new("增速差", "Growth gap"));

    private static readonly FigureDefinition Basis = new("basis", FigureUnit.Text, new("增速基期", "Growth basis")) { Compared = false };

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [InclusiveGrowth, TotalGrowth, GrowthGap, Basis];

    public override string Id => RuleId;

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var needs = new Needs(history);
        var basePeriod = basis == GrowthBasis.Ytd ? Periods.December(history.Period.Year - 1) : Periods.PlusYears(history.Period, -1);
        var start = needs.Snapshot(basePeriod);
        if (start is null)
        {
            return needs.MissingResult(Id);
        }

        var now = history.Current.Indicators;
        var was = start.Indicators;
        if (was.InclusiveBalance == 0 || was.TotalBalance == 0)
        {
            return RuleResult.NotApplicable(Id, NotApplicableReason.ZeroBase);
        }

        var inclusiveGrowth = Fraction.Growth(Fraction.From(now.InclusiveBalance), Fraction.From(was.InclusiveBalance));
        var totalGrowth = Fraction.Growth(Fraction.From(now.TotalBalance), Fraction.From(was.TotalBalance));
        var headroom = new HeadroomFigure(null, inclusiveGrowth.ToDecimal(), totalGrowth.ToDecimal(), HeadroomUnit.Pp);
        if (inclusiveGrowth >= totalGrowth)
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var gap = (inclusiveGrowth - totalGrowth).ToDecimal();
        var baselineName = basis == GrowthBasis.Ytd ? "startOfYear" : "samePeriodLastYear";
        var (zhBase, enBase) = basis == GrowthBasis.Ytd ? ("较年初", "since the start of the year") : ("较去年同期", "against the same period last year");
        var ig = inclusiveGrowth.ToDecimal();
        var tg = totalGrowth.ToDecimal();
        var words = Words(history);
        return With(RuleResult.Failed(new Finding(
            Id,
            ProgressSeverity(history.Period, assessmentMonth),
            new Dictionary<string, object>
            {
                [InclusiveGrowth.Key] = ig,
                [TotalGrowth.Key] = tg,
                [GrowthGap.Key] = gap,
                [Basis.Key] = basis == GrowthBasis.Ytd ? "ytd" : "yoy",
            },
            Baselines.Of((baselineName, start)),
            new LocalizedText(
                $"{Period(history.Period)} {words.Loans}余额{zhBase}（基期 {Period(start.Period)}）增长 {Pct(ig)}%，低于各项贷款增速 {Pct(tg)}%，相差 {Pct(-gap)} 个百分点；要求{words.Loans}增速不低于各项贷款增速。",
                $"In {Period(history.Period)}, {words.LoansEn} grew {Pct(ig)}% {enBase} (baseline {Period(start.Period)}), below total-loan growth of {Pct(tg)}% by {Pct(-gap)} pp; their growth must not be below total-loan growth."))), headroom);
    }
}

/// <summary>The baseline of a growth rate.</summary>
public enum GrowthBasis
{
    /// <summary>Against the start of the year (年初), CBIRC.</summary>
    Ytd,

    /// <summary>Against the same period last year (去年同期), Shandong.</summary>
    Yoy,
}
