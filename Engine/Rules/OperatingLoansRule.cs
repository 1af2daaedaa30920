namespace Compliance.Engine.Rules;

/// <summary>
/// 惠商户: the operating loans of micro-business owners and individual businesses growing, against the same period
/// last year, not slower than all loans, and their increment so far this year not below last year's.
/// </summary>
/// <remarks>
/// PBoC Jinan and Linyi 助企惠商 action (千亿惠商户): 小微企业主和个体工商户经营性贷款较去年同期增速不低于各项贷款增速，
/// 增量不低于上年同期. It reads <c>operatingBalance</c>, which has no credit-line test and so is the same under the
/// CBIRC and the PBoC 口径. The growth half is skipped, never not applicable, where the same period last year had no
/// operating or no total loans; the increment half then decides alone.
/// </remarks>
public sealed class OperatingLoansRule(int assessmentMonth) : Rule
{
    public const string RuleId = "OPERATING_LOANS";

    private static readonly FigureDefinition Growth = new("growth", FigureUnit.Percent, new("经营性贷款较去年同期增速", "Operating-loan growth against the same period last year"));

    private static readonly FigureDefinition TotalGrowth = new("totalGrowth", FigureUnit.Percent, new("各项贷款较去年同期增速", "Total-loan growth against the same period last year"));

    private static readonly FigureDefinition Increment = new("increment", FigureUnit.Yuan, new("经营性贷款较年初增量", "Operating-loan increment since the start of the year"));

    private static readonly FigureDefinition LastYearIncrement = new("lastYearIncrement", FigureUnit.Yuan, new("去年同期增量", "Last year's increment over the same months"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [Growth, TotalGrowth, Increment, LastYearIncrement];

    public override string Id => RuleId;

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var needs = new Needs(history);
        if (IncrementVsLastYear.Of(history, needs, s => s.OperatingBalance) is not { } increments)
        {
            return needs.MissingResult(Id);
        }

        var now = history.Current.Indicators;
        var was = increments.SamePeriodLastYear.Indicators;
        var growths = was.OperatingBalance == 0 || was.TotalBalance == 0
            ? ((Fraction Operating, Fraction Total)?)null
            : (Fraction.Growth(Fraction.From(now.OperatingBalance), Fraction.From(was.OperatingBalance)),
                Fraction.Growth(Fraction.From(now.TotalBalance), Fraction.From(was.TotalBalance)));
        var growthHolds = growths is not { } g || g.Operating >= g.Total;
        var increment = new HeadroomFigure("increment", increments.Increment, increments.LastYearIncrement, HeadroomUnit.Yuan);
        HeadroomFigure[] headroom = growths is { } both
            ? [new("growth", both.Operating.ToDecimal(), both.Total.ToDecimal(), HeadroomUnit.Pp), increment]
            : [increment];
        if (growthHolds && increments.Holds)
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var growth = growths?.Operating.ToDecimal();
        var totalGrowth = growths?.Total.ToDecimal();
        return With(RuleResult.Failed(new Finding(
            Id,
            ProgressSeverity(history.Period, assessmentMonth),
            new Dictionary<string, object>
            {
                // A skipped growth half is stored as null figures (rules.md), which the dictionary's type does not express.
                [Growth.Key] = growth!,
                [TotalGrowth.Key] = totalGrowth!,
                [Increment.Key] = increments.Increment,
                [LastYearIncrement.Key] = increments.LastYearIncrement,
            },
            increments.Baselines,
            Message(history, increments, growth, totalGrowth, growthHolds))), headroom);
    }

    private static LocalizedText Message(SnapshotHistory history, IncrementVsLastYear increments, decimal? growth, decimal? totalGrowth, bool growthHolds)
    {
        var samePeriod = Period(increments.SamePeriodLastYear.Period);
        var zh = new List<string>();
        var en = new List<string>();
        if (growth is { } g && totalGrowth is { } t && !growthHolds)
        {
            zh.Add($"余额较去年同期（{samePeriod}）增长 {Pct(g)}%，低于各项贷款增速 {Pct(t)}%");
            en.Add($"grew {Pct(g)}% against the same period last year ({samePeriod}), below total-loan growth of {Pct(t)}%");
        }
        else if (growth is null)
        {
            zh.Add($"去年同期（{samePeriod}）余额为 0，不比较增速");
            en.Add($"had no growth to compare, a balance of the same period last year ({samePeriod}) being 0");
        }

        if (!increments.Holds)
        {
            var shortfall = IncrementShortfall(increments);
            zh.Add(shortfall.Zh);
            en.Add(shortfall.En);
        }

        return new LocalizedText(
            $"{Period(history.Period)} 小微企业主和个体工商户经营性贷款{string.Join("；", zh)}。要求其增速不低于各项贷款增速、增量不低于去年同期。",
            $"In {Period(history.Period)}, operating loans of micro-business owners and individual businesses {string.Join(", and ", en)}. Their growth against the same period last year must not be below total-loan growth, nor their increment below last year's.");
    }
}
