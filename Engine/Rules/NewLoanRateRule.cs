namespace Compliance.Engine.Rules;

/// <summary>新发放利率: this year's weighted rate on new inclusive loans below (strictly) or not above last year's.</summary>
/// <remarks>
/// CBIRC notices: 稳中有降 (not above last year's: the rule not strict) and, in 2022, 有所下降 (below it: <c>strict</c>).
/// Rates aggregate exactly: Σ amount × rate / Σ amount over the months January to the period, against the whole of last
/// year, compared unrounded. Not applicable where either year lent nothing new.
/// </remarks>
public sealed class NewLoanRateRule(int assessmentMonth, Strictness strict) : Rule
{
    /// <summary>The rule judged not strictly.</summary>
    public NewLoanRateRule(int assessmentMonth)
        : this(assessmentMonth, Strictness.NotStrict)
    {
    }

    public const string RuleId = "NEW_LOAN_RATE";

    private static readonly FigureDefinition Rate = new("rateYtd", FigureUnit.Percent, new("当年新发放普惠型小微企业贷款加权平均利率", "Weighted rate of new inclusive loans this year"));

    private static readonly FigureDefinition LastYearRate = new("lastYearRate", FigureUnit.Percent, new("上年新发放普惠型小微企业贷款加权平均利率", "Weighted rate of new inclusive loans last year"));

    private static readonly FigureDefinition Strict = new("strict", FigureUnit.Boolean, new("从严判断（须有所下降）", "Judged strictly (must fall)"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [Rate, LastYearRate, Strict];

    public override string Id => RuleId;

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var needs = new Needs(history);
        var thisYear = needs.Months(history.Period.Year, history.Period.Month);
        var lastYear = needs.Months(history.Period.Year - 1, 12);
        if (needs.AnyMissing)
        {
            return needs.MissingResult(Id);
        }

        var amount = thisYear.Sum(s => s.Indicators.NewInclusiveAmount);
        var lastAmount = lastYear.Sum(s => s.Indicators.NewInclusiveAmount);
        if (amount == 0 || lastAmount == 0)
        {
            return RuleResult.NotApplicable(Id, NotApplicableReason.ZeroBase);
        }

        var rate = Fraction.From(thisYear.Sum(s => s.Indicators.NewInclusiveRateWeight)) / Fraction.From(amount);
        var lastRate = Fraction.From(lastYear.Sum(s => s.Indicators.NewInclusiveRateWeight)) / Fraction.From(lastAmount);
        var headroom = new HeadroomFigure(null, rate.ToDecimal(), lastRate.ToDecimal(), HeadroomUnit.Pp, AtMost: true);
        var strictly = strict.AppliesTo(history.Period);
        if (strictly ? rate < lastRate : rate <= lastRate)
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var r1 = rate.ToDecimal();
        var r0 = lastRate.ToDecimal();
        var words = Words(history);
        return With(RuleResult.Failed(new Finding(
            Id,
            ProgressSeverity(history.Period, assessmentMonth),
            new Dictionary<string, object>
            {
                [Rate.Key] = r1,
                [LastYearRate.Key] = r0,
                [Strict.Key] = strictly,
            },
            new Dictionary<string, object> { ["ytdMonths"] = Baselines.Months(thisYear.Concat(lastYear)) },
            strictly
                ? new LocalizedText(
                    $"{Period(history.Period)} 当年新发放{words.Loans}加权平均利率 {Pct(r1)}%，未低于上年全年的 {Pct(r0)}%；要求利率有所下降。",
                    $"In {Period(history.Period)}, the weighted rate of new {words.LoansEn} this year is {Pct(r1)}%, not below last year's {Pct(r0)}%; it must fall.")
                : new LocalizedText(
                    $"{Period(history.Period)} 当年新发放{words.Loans}加权平均利率 {Pct(r1)}%，高于上年全年的 {Pct(r0)}%；要求利率稳中有降。",
                    $"In {Period(history.Period)}, the weighted rate of new {words.LoansEn} this year is {Pct(r1)}%, above last year's {Pct(r0)}%; it must hold steady or fall."))), headroom);
    }
}
