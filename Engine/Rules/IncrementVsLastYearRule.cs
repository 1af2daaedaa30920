namespace Compliance.Engine.Rules;

/// <summary>增量不低于去年同期: this year's inclusive increment so far not below last year's over the same months.</summary>
/// <remarks>Shandong 助企惠商 action: 普惠型小微企业贷款增量不低于上年同期.</remarks>
public sealed class IncrementVsLastYearRule(int assessmentMonth) : Rule
{
    public const string RuleId = "INCREMENT_VS_LAST_YEAR";

    public override string Id => RuleId;

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var needs = new Needs(history);
        var start = needs.Snapshot(Periods.December(history.Period.Year - 1));
        var samePeriod = needs.Snapshot(Periods.PlusYears(history.Period, -1));
        var lastYearStart = needs.Snapshot(Periods.December(history.Period.Year - 2));
        if (start is null || samePeriod is null || lastYearStart is null)
        {
            return needs.MissingResult(Id);
        }

        var increment = history.Current.Indicators.InclusiveBalance - start.Indicators.InclusiveBalance;
        var lastYearIncrement = samePeriod.Indicators.InclusiveBalance - lastYearStart.Indicators.InclusiveBalance;
        if (increment >= lastYearIncrement)
        {
            return RuleResult.Pass(Id);
        }

        return RuleResult.Failed(new Finding(
            Id,
            ProgressSeverity(history.Period, assessmentMonth),
            new Dictionary<string, object>
            {
                ["increment"] = increment,
                ["lastYearIncrement"] = lastYearIncrement,
            },
            Baselines.Of(("startOfYear", start), ("samePeriodLastYear", samePeriod), ("lastYearStart", lastYearStart)),
            new LocalizedText(
                $"{Period(history.Period)} 普惠型小微企业贷款较年初（{Period(start.Period)}）增加 {Money(increment)} 元，低于去年同期（{Period(lastYearStart.Period)} 至 {Period(samePeriod.Period)}）的增量 {Money(lastYearIncrement)} 元；要求增量不低于去年同期。",
                $"In {Period(history.Period)}, inclusive loans grew by {Money(increment)} yuan since the start of the year ({Period(start.Period)}), less than last year's {Money(lastYearIncrement)} yuan over the same months ({Period(lastYearStart.Period)} to {Period(samePeriod.Period)}); the increment must not be below last year's.")));
    }
}
