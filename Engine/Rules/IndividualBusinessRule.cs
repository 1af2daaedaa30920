namespace Compliance.Engine.Rules;

/// <summary>个体工商户贷款增长: individual-business operating loans and borrowers growing on the start of the year.</summary>
/// <remarks>
/// CBIRC 2022 notice: 个体工商户经营性贷款持续增长. Judged strictly (<c>strict</c>), a flat book is not growth: the balance
/// and the borrowers must each exceed the start of the year, and an institution with no such book (a balance of 0 at
/// the start of the year and now) is not applicable (<c>noBook</c>). Not strictly, equal to the start of the year is not
/// a failure, and no book passes.
/// </remarks>
public sealed class IndividualBusinessRule(int assessmentMonth, Strictness strict) : Rule
{
    /// <summary>The rule judged not strictly.</summary>
    public IndividualBusinessRule(int assessmentMonth)
        : this(assessmentMonth, Strictness.NotStrict)
    {
    }

    public const string RuleId = "INDIVIDUAL_BUSINESS";

    private static readonly FigureDefinition Balance = new("balance", FigureUnit.Yuan, new("个体工商户经营性贷款余额", "Individual-business operating loans"));

    private static readonly FigureDefinition StartBalance = new("startBalance", FigureUnit.Yuan, new("年初余额", "Balance at the start of the year"));

    private static readonly FigureDefinition Borrowers = new("borrowers", FigureUnit.Count, new("个体工商户贷款户数", "Individual-business borrowers"));

    private static readonly FigureDefinition StartBorrowers = new("startBorrowers", FigureUnit.Count, new("年初户数", "Borrowers at the start of the year"));

    private static readonly FigureDefinition Strict = new("strict", FigureUnit.Boolean, new("从严判断（须高于年初）", "Judged strictly (must exceed the start of the year)"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [Balance, StartBalance, Borrowers, StartBorrowers, Strict];

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
        var strictly = strict.AppliesTo(history.Period);
        if (strictly && now.IndividualBusinessBalance == 0 && was.IndividualBusinessBalance == 0)
        {
            return RuleResult.NotApplicable(Id, NotApplicableReason.NoBook);
        }

        HeadroomFigure[] headroom =
        [
            new("balance", now.IndividualBusinessBalance, was.IndividualBusinessBalance, HeadroomUnit.Yuan),
            new("borrowers", now.IndividualBusinessBorrowers, was.IndividualBusinessBorrowers, HeadroomUnit.Count),
        ];
        var holds = strictly
            ? now.IndividualBusinessBalance > was.IndividualBusinessBalance && now.IndividualBusinessBorrowers > was.IndividualBusinessBorrowers
            : now.IndividualBusinessBalance >= was.IndividualBusinessBalance && now.IndividualBusinessBorrowers >= was.IndividualBusinessBorrowers;
        if (holds)
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var (requiredZh, requiredEn) = strictly
            ? ("要求余额和户数均高于年初（持续增长）", "both must exceed the start of the year (a flat book is not growth)")
            : ("要求余额和户数均不低于年初", "neither may fall below the start of the year");

        return With(RuleResult.Failed(new Finding(
            Id,
            ProgressSeverity(history.Period, assessmentMonth),
            new Dictionary<string, object>
            {
                [Balance.Key] = now.IndividualBusinessBalance,
                [StartBalance.Key] = was.IndividualBusinessBalance,
                [Borrowers.Key] = now.IndividualBusinessBorrowers,
                [StartBorrowers.Key] = was.IndividualBusinessBorrowers,
                [Strict.Key] = strictly,
            },
            Baselines.Of(("startOfYear", start)),
            new LocalizedText(
                $"{Period(history.Period)} 个体工商户经营性贷款余额 {Money(now.IndividualBusinessBalance)} 元、{Count(now.IndividualBusinessBorrowers)} 户，年初（{Period(start.Period)}）为 {Money(was.IndividualBusinessBalance)} 元、{Count(was.IndividualBusinessBorrowers)} 户；{requiredZh}。",
                $"In {Period(history.Period)}, individual-business operating loans stand at {Money(now.IndividualBusinessBalance)} yuan to {Count(now.IndividualBusinessBorrowers)} borrowers, against {Money(was.IndividualBusinessBalance)} yuan to {Count(was.IndividualBusinessBorrowers)} at the start of the year ({Period(start.Period)}); {requiredEn}."))), headroom);
    }
}
