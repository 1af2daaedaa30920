namespace Compliance.Engine.Rules;

/// <summary>增量不低于去年同期: this year's inclusive increment so far not below last year's over the same months.</summary>
/// <remarks>Shandong 助企惠商 action: 普惠型小微企业贷款增量不低于上年同期.</remarks>
public sealed class IncrementVsLastYearRule(int assessmentMonth) : Rule
{
    public const string RuleId = "INCREMENT_VS_LAST_YEAR";

    private static readonly FigureDefinition Increment = new("increment", FigureUnit.Yuan, new("普惠型小微企业贷款较年初增量", "Inclusive-loan increment since the start of the year"));

    private static readonly FigureDefinition LastYearIncrement = new("lastYearIncrement", FigureUnit.Yuan, new("去年同期增量", "Last year's increment over the same months"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [Increment, LastYearIncrement];

    public override string Id => RuleId;

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var needs = new Needs(history);
        if (IncrementVsLastYear.Of(history, needs, s => s.InclusiveBalance) is not { } increments)
        {
            return needs.MissingResult(Id);
        }

        var headroom = new HeadroomFigure(null, increments.Increment, increments.LastYearIncrement, HeadroomUnit.Yuan);
        if (increments.Holds)
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var shortfall = IncrementShortfall(increments);
        var words = Words(history);
        return With(RuleResult.Failed(new Finding(
            Id,
            ProgressSeverity(history.Period, assessmentMonth),
            new Dictionary<string, object>
            {
                [Increment.Key] = increments.Increment,
                [LastYearIncrement.Key] = increments.LastYearIncrement,
            },
            increments.Baselines,
            new LocalizedText(
                $"{Period(history.Period)} {words.Loans}{shortfall.Zh}；要求增量不低于去年同期。",
                $"In {Period(history.Period)}, {words.LoansEn} {shortfall.En}; the increment must not be below last year's."))), headroom);
    }
}
