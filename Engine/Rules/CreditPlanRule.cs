namespace Compliance.Engine.Rules;

/// <summary>信贷计划完成情况: a branch's inclusive increase since the start of the year against the credit plan it was handed.</summary>
/// <remarks>
/// The notices hold branches to the plan their head office hands down (其他银行分支机构…完成上级下达的普惠型小微企业信贷计划).
/// increase = inclusiveBalance (the set's 口径) − its start of year. From the assessment month on it must reach the plan;
/// in month m before it, the plan's pace, plan × m / assessmentMonth rounded half away from zero to the fen. A plan of
/// 0 passes whenever the increase is ≥ 0; a year without a recorded plan is missing input, never a pass.
/// </remarks>
public sealed class CreditPlanRule(int assessmentMonth) : Rule
{
    public const string RuleId = "CREDIT_PLAN";

    private static readonly FigureDefinition Increase = new("increase", FigureUnit.Yuan, new("普惠型小微企业贷款较年初增加额", "Inclusive increase since the start of the year"));

    private static readonly FigureDefinition Plan = new("plan", FigureUnit.Yuan, new("全年信贷计划", "Credit plan for the year"));

    private static readonly FigureDefinition Pace = new("pace", FigureUnit.Yuan, new("计划进度要求", "Plan's pace to date"));

    private static readonly FigureDefinition CompletionPct = new("completionPct", FigureUnit.Percent, new("计划完成率", "Plan completion"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [Increase, Plan, Pace, CompletionPct];

    public override string Id => RuleId;

    /// <summary>
    /// What the plan asks by <paramref name="month"/>: the plan from the assessment month on, before it the plan × month
    /// / assessment month, rounded half away from zero to the fen.
    /// </summary>
    public static decimal PaceOf(decimal plan, int month, int assessmentMonth) =>
        month >= assessmentMonth ? plan : Math.Round(plan * month / assessmentMonth, 2, MidpointRounding.AwayFromZero);

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var needs = new Needs(history);
        var start = needs.Snapshot(Periods.December(history.Period.Year - 1));
        var year = history.Period.Year;
        var hasPlan = history.CreditPlans.TryGetValue(year, out var plan);
        if (start is null || !hasPlan)
        {
            return needs.MissingResult(Id) with { MissingPlans = hasPlan ? [] : [year] };
        }

        var increase = history.Current.Indicators.InclusiveBalance - start.Indicators.InclusiveBalance;
        var pace = PaceOf(plan, history.Period.Month, assessmentMonth);
        var headroom = new HeadroomFigure(null, increase, pace, HeadroomUnit.Yuan);
        if (increase >= pace)
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var completion = plan == 0 ? (decimal?)null : increase / plan * 100;
        var assessed = history.Period.Month >= assessmentMonth;
        var words = Words(history);
        return With(RuleResult.Failed(new Finding(
            Id,
            assessed ? Severity.Breach : Severity.Warning,
            new Dictionary<string, object>
            {
                [Increase.Key] = increase,
                [Plan.Key] = plan,
                [Pace.Key] = pace,
                [CompletionPct.Key] = completion!,
            },
            Baselines.Of(("startOfYear", start)),
            new LocalizedText(
                $"{Period(history.Period)} {words.Loans}较年初（{Period(start.Period)}）增加 {Money(increase)} 元，"
                    + (assessed ? $"低于 {year} 年信贷计划 {Money(plan)} 元" : $"低于 {year} 年信贷计划 {Money(plan)} 元按月进度应达的 {Money(pace)} 元")
                    + (completion is { } done ? $"，完成 {Pct(done)}%。" : "。"),
                $"In {Period(history.Period)}, {words.LoansEn} grew by {Money(increase)} yuan since the start of the year ({Period(start.Period)}), "
                    + (assessed ? $"less than the {year} credit plan of {Money(plan)} yuan" : $"less than the {Money(pace)} yuan the {year} credit plan of {Money(plan)} yuan asks by this month")
                    + (completion is { } pct ? $" ({Pct(pct)}% completed)." : ".")))), headroom);
    }
}
