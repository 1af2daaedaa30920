namespace Compliance.Engine.Rules;

/// <summary>首贷户占比: this year's first-time borrowers as a share of inclusive borrowers, up on last year's.</summary>
/// <remarks>
/// Shandong 助企惠商 action: 首贷户占比较年初提高 1 个百分点. This year: firstLoanBorrowersYtd / inclusiveBorrowers;
/// last year: last year's firstLoanBorrowersYtd at December / start-of-year inclusiveBorrowers. Evaluated in the
/// assessment month only, as a breach; not applicable where either borrower count is 0.
/// </remarks>
public sealed class FirstLoanShareRule(decimal minIncreasePp, int assessmentMonth) : Rule
{
    public const string RuleId = "FIRST_LOAN_SHARE";

    private static readonly FigureDefinition Share = new("firstLoanShare", FigureUnit.Percent, new("当年首贷户占比", "First-time borrower share this year"));

    private static readonly FigureDefinition LastYearShare = new("lastYearFirstLoanShare", FigureUnit.Percent, new("上年首贷户占比", "First-time borrower share last year"));

    private static readonly FigureDefinition Increase = new("increasePp", FigureUnit.Pp, new("较上年提高", "Increase on last year"));

    private static readonly FigureDefinition MinIncrease = new("minIncreasePp", FigureUnit.Pp, new("目标提高幅度", "Required increase"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [Share, LastYearShare, Increase, MinIncrease];

    public override string Id => RuleId;

    public override RuleResult Evaluate(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var assessed = history.Period.Month == assessmentMonth;
        var needs = new Needs(history);
        var thisYear = needs.Months(history.Period.Year, history.Period.Month);
        var lastYear = needs.Months(history.Period.Year - 1, 12);
        var start = history.Find(Periods.December(history.Period.Year - 1));
        if (needs.AnyMissing || start is null)
        {
            return assessed ? needs.MissingResult(Id) : RuleResult.NotApplicable(Id, NotApplicableReason.NotAssessmentMonth);
        }

        var borrowers = history.Current.Indicators.InclusiveBorrowers;
        var startBorrowers = start.Indicators.InclusiveBorrowers;
        if (borrowers == 0 || startBorrowers == 0)
        {
            return RuleResult.NotApplicable(Id, assessed ? NotApplicableReason.ZeroBase : NotApplicableReason.NotAssessmentMonth);
        }

        // The year-to-date share is followed every month, so its room shows before the month that decides the rule.
        var share = Fraction.Percent(Fraction.From(thisYear.Sum(s => s.Indicators.NewFirstLoanBorrowers)), Fraction.From(borrowers));
        var lastShare = Fraction.Percent(Fraction.From(lastYear.Sum(s => s.Indicators.NewFirstLoanBorrowers)), Fraction.From(startBorrowers));
        var increase = share - lastShare;
        var headroom = new HeadroomFigure(null, increase.ToDecimal(), minIncreasePp, HeadroomUnit.Pp);
        if (!assessed)
        {
            return With(RuleResult.NotApplicable(Id, NotApplicableReason.NotAssessmentMonth), headroom);
        }

        if (increase >= Fraction.From(minIncreasePp))
        {
            return With(RuleResult.Pass(Id), headroom);
        }

        var s1 = share.ToDecimal();
        var s0 = lastShare.ToDecimal();
        var inc = increase.ToDecimal();
        var words = Words(history);
        var baselines = Baselines.Of(("startOfYear", start));
        baselines["ytdMonths"] = Baselines.Months(thisYear.Concat(lastYear));
        return With(RuleResult.Failed(new Finding(
            Id,
            Severity.Breach,
            new Dictionary<string, object>
            {
                [Share.Key] = s1,
                [LastYearShare.Key] = s0,
                [Increase.Key] = inc,
                [MinIncrease.Key] = minIncreasePp,
            },
            baselines,
            new LocalizedText(
                $"{Period(history.Period)} 当年首贷户占{words.Borrowers}的 {Pct(s1)}%，上年为 {Pct(s0)}%，变动 {Pct(inc)} 个百分点，目标为提高至少 {minIncreasePp} 个百分点。",
                $"In {Period(history.Period)}, this year's first-time borrowers are {Pct(s1)}% of {words.PrefixEn} borrowers against {Pct(s0)}% last year, a change of {Pct(inc)} pp; the target is an increase of at least {minIncreasePp} pp."))), headroom);
    }
}
