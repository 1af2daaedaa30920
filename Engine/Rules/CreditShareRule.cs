namespace Compliance.Engine.Rules;

/// <summary>信用贷款占比: the inclusive credit-loan share up at least <c>minIncreasePp</c> on the start of the year.</summary>
/// <remarks>
/// Shandong 助企惠商 action: 信用贷款占比较年初提高 1 个百分点; the CBIRC notice asks only that it keep rising (持续提高),
/// which a rule set expresses with <c>minIncreasePp</c> = 0. Not applicable where either inclusive balance is 0.
/// </remarks>
public sealed class CreditShareRule(decimal minIncreasePp, int assessmentMonth) : Rule
{
    public const string RuleId = "CREDIT_SHARE";

    private static readonly FigureDefinition Share = new("creditShare", FigureUnit.Percent, new("普惠型小微企业信用贷款占比", "Inclusive credit-loan share"));

    private static readonly FigureDefinition StartShare = new("startCreditShare", FigureUnit.Percent, new("年初信用贷款占比", "Credit-loan share at the start of the year"));

    private static readonly FigureDefinition Increase = new("increasePp", FigureUnit.Pp, new("较年初提高", "Increase on the start of the year"));

    private static readonly FigureDefinition MinIncrease = new("minIncreasePp", FigureUnit.Pp, new("目标提高幅度", "Required increase"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [Share, StartShare, Increase, MinIncrease];

    public override string Id => RuleId;

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var needs = new Needs(history);
        var start = needs.Snapshot(Periods.December(history.Period.Year - 1));
        if (start is null)
        {
            return needs.MissingResult(Id);
        }

        var now = history.Current.Indicators;
        var was = start.Indicators;
        if (now.InclusiveBalance == 0 || was.InclusiveBalance == 0)
        {
            return RuleResult.NotApplicable(Id, NotApplicableReason.ZeroBase);
        }

        var share = Fraction.Percent(Fraction.From(now.InclusiveCreditBalance), Fraction.From(now.InclusiveBalance));
        var startShare = Fraction.Percent(Fraction.From(was.InclusiveCreditBalance), Fraction.From(was.InclusiveBalance));
        var increase = share - startShare;
        var headroom = new HeadroomFigure(null, increase.ToDecimal(), minIncreasePp, HeadroomUnit.Pp);
        if (increase >= Fraction.From(minIncreasePp))
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var s = share.ToDecimal();
        var s0 = startShare.ToDecimal();
        var inc = increase.ToDecimal();
        var words = Words(history);
        return With(RuleResult.Failed(new Finding(
            Id,
            ProgressSeverity(history.Period, assessmentMonth),
            new Dictionary<string, object>
            {
                [Share.Key] = s,
                [StartShare.Key] = s0,
                [Increase.Key] = inc,
                [MinIncrease.Key] = minIncreasePp,
            },
            Baselines.Of(("startOfYear", start)),
            new LocalizedText(
                $"{Period(history.Period)} {words.Prefix}信用贷款占比 {Pct(s)}%，较年初（{Period(start.Period)}）{Pct(s0)}% 变动 {Pct(inc)} 个百分点，目标为提高至少 {minIncreasePp} 个百分点。",
                $"In {Period(history.Period)}, the {words.PrefixEn} credit-loan share is {Pct(s)}%, {Pct(inc)} pp against {Pct(s0)}% at the start of the year ({Period(start.Period)}); the target is an increase of at least {minIncreasePp} pp."))), headroom);
    }
}
