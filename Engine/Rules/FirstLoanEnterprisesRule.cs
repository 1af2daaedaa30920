using Compliance.Engine.Indicators;

namespace Compliance.Engine.Rules;

/// <summary>新增小微企业法人首贷户高于上年: this year's new first-loan small and micro enterprises above last year's, month for month.</summary>
/// <remarks>
/// CBIRC 2022 notice (首贷户, asked of large and joint-stock banks): 新增小微企业法人首贷户高于上年. firstLoanEnterprisesYtd
/// (Σ newFirstLoanEnterprises, January to the period) against last year's over the same months; 高于 is strict, so 0
/// against 0 fails. The indicator has no 单户授信 test, so the rule reads the same figure under either 口径. A month
/// without a snapshot, or whose snapshot predates the indicator (not yet recomputed), is missing.
/// </remarks>
public sealed class FirstLoanEnterprisesRule(int assessmentMonth) : Rule
{
    public const string RuleId = "FIRST_LOAN_ENTERPRISES";

    private static readonly FigureDefinition Ytd = new("firstLoanEnterprisesYtd", FigureUnit.Count, new("当年新增小微企业法人首贷户", "New first-loan small and micro enterprises this year"));

    private static readonly FigureDefinition LastYearYtd = new("lastYearYtd", FigureUnit.Count, new("上年同期新增小微企业法人首贷户", "The same months of last year"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [Ytd, LastYearYtd];

    public override string Id => RuleId;

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var needs = new Needs(history);
        var known = (IndicatorSnapshot s) => s.NewFirstLoanEnterprises is not null;
        var thisYear = needs.Months(history.Period.Year, history.Period.Month, known);
        var lastYear = needs.Months(history.Period.Year - 1, history.Period.Month, known);
        if (needs.AnyMissing)
        {
            return needs.MissingResult(Id);
        }

        var ytd = thisYear.Sum(s => s.Indicators.NewFirstLoanEnterprises!.Value);
        var lastYtd = lastYear.Sum(s => s.Indicators.NewFirstLoanEnterprises!.Value);
        var headroom = new HeadroomFigure(null, ytd, lastYtd, HeadroomUnit.Count);
        if (ytd > lastYtd)
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var (from, through) = (Period(lastYear[0].Period), Period(lastYear[^1].Period));
        return With(RuleResult.Failed(new Finding(
            Id,
            ProgressSeverity(history.Period, assessmentMonth),
            new Dictionary<string, object>
            {
                [Ytd.Key] = ytd,
                [LastYearYtd.Key] = lastYtd,
            },
            new Dictionary<string, object> { ["ytdMonths"] = Baselines.Months(thisYear.Concat(lastYear)) },
            new LocalizedText(
                $"{Period(history.Period)} 当年新增小微企业法人首贷户 {Count(ytd)} 户，上年同期（{from} 至 {through}）为 {Count(lastYtd)} 户；要求高于上年。",
                $"In {Period(history.Period)}, this year's new first-loan small and micro enterprises number {Count(ytd)}, against {Count(lastYtd)} over the same months of last year ({from} to {through}); they must exceed last year's."))), headroom);
    }
}
