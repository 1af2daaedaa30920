namespace Compliance.Engine.Rules;

/// <summary>两增·户数: inclusive borrowers with a balance not fewer than at the start of the year.</summary>
/// <remarks>CBIRC 2022 notice (两增: 贷款户数不低于年初水平).</remarks>
public sealed class InclusiveBorrowersRule(int assessmentMonth) : Rule
{
    public const string RuleId = "INCLUSIVE_BORROWERS";

    private static readonly FigureDefinition Borrowers = new("inclusiveBorrowers", FigureUnit.Count, new("普惠型小微企业有贷款余额户数", "Inclusive borrowers with a balance"));

    private static readonly FigureDefinition StartBorrowers = new("startInclusiveBorrowers", FigureUnit.Count, new("年初有贷款余额户数", "Inclusive borrowers at the start of the year"));

    private static readonly FigureDefinition Shortfall = new("shortfall", FigureUnit.Count, new("较年初减少户数", "Fewer than at the start of the year"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [Borrowers, StartBorrowers, Shortfall];

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

        var now = history.Current.Indicators.InclusiveBorrowers;
        var was = start.Indicators.InclusiveBorrowers;
        var headroom = new HeadroomFigure(null, now, was, HeadroomUnit.Count);
        if (now >= was)
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var words = Words(history);
        return With(RuleResult.Failed(new Finding(
            Id,
            ProgressSeverity(history.Period, assessmentMonth),
            new Dictionary<string, object>
            {
                [Borrowers.Key] = now,
                [StartBorrowers.Key] = was,
                [Shortfall.Key] = was - now,
            },
            Baselines.Of(("startOfYear", start)),
            new LocalizedText(
                $"{Period(history.Period)} {words.Borrowers} {Count(now)} 户，少于年初（{Period(start.Period)}）的 {Count(was)} 户，差 {Count(was - now)} 户；要求户数不低于年初水平。",
                $"In {Period(history.Period)}, {Count(now)} {words.PrefixEn} borrowers had a balance, {Count(was - now)} fewer than the {Count(was)} at the start of the year ({Period(start.Period)}); the count must not fall below the start of the year."))), headroom);
    }
}
