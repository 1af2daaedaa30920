using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>
/// 首贷户占比: firstLoanBorrowersYtd / inclusiveBorrowers − last year's (firstLoanBorrowersYtd at 12 / start-of-year
/// inclusiveBorrowers) ≥ minIncreasePp, evaluated in the assessment month only, as a breach.
/// </summary>
public sealed class FirstLoanShareRuleTests
{
    [TestCase(4, RuleOutcome.Pass)]
    [TestCase(5, RuleOutcome.Pass)]
    [TestCase(3, RuleOutcome.Breach)]
    [TestCase(0, RuleOutcome.Breach)]
    public void Evaluate_ShareAroundOnePointAboveLastYear_HoldsFromExactlyOnePoint(long decemberFirstLoans, RuleOutcome expected)
    {
        // Last year 12 first-time borrowers on 100 at its end: 12 %. This year 22 + December's on 200: 4 in December is 13 %.
        var history = LastYearAt12Percent().WithMonths(2024, 11, FirstLoans(2)).At("2024-12", FirstLoans(decemberFirstLoans, 200));

        var result = new FirstLoanShareRule(1m, 12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_Failing_IsBreachWithFiguresStartOfYearAndBothYearsMonths()
    {
        var history = LastYearAt12Percent().WithMonths(2024, 11, FirstLoans(2)).At("2024-12", FirstLoans(3, 200));

        var result = new FirstLoanShareRule(1m, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Breach);
            result.Finding!.Rule.Should().Be("FIRST_LOAN_SHARE");
            result.Finding.Severity.Should().Be(Severity.Breach);
            result.Finding.Figures.Should().Equal(new Dictionary<string, object>
            {
                ["firstLoanShare"] = 12.5m,
                ["lastYearFirstLoanShare"] = 12m,
                ["increasePp"] = 0.5m,
                ["minIncreasePp"] = 1m,
            });
            result.Finding.Baselines.Keys.Should().BeEquivalentTo("startOfYear", "ytdMonths");
            result.Finding.Baselines["startOfYear"].Should().Be(HistoryBuilder.Ref("2023-12"));
            result.Finding.Baselines["ytdMonths"].Should().BeAssignableTo<IEnumerable<BaselineRef>>()
                .Which.Should().Equal(HistoryBuilder.Refs("2023-01", "2024-12"));
        }
    }

    [TestCase("2024-01")]
    [TestCase("2024-06")]
    [TestCase("2024-11")]
    public void Evaluate_BeforeTheAssessmentMonth_IsNotApplicableEvenWhenFailing(string period)
    {
        var history = LastYearAt12Percent().WithMonths(2024, 11, FirstLoans(0)).At(period, FirstLoans(0, 200));

        var result = new FirstLoanShareRule(1m, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.NotApplicable);
            result.Finding.Should().BeNull();
        }
    }

    [TestCase(16, RuleOutcome.Pass)]
    [TestCase(15, RuleOutcome.Breach)]
    public void Evaluate_AssessmentMonthJune_CountsJanuaryToJune(long juneFirstLoans, RuleOutcome expected)
    {
        // 10 first-time borrowers in January to May, and June's, on 200 against last year's 12 %.
        var history = LastYearAt12Percent().WithMonths(2024, 5, FirstLoans(2)).At("2024-06", FirstLoans(juneFirstLoans, 200));

        var result = new FirstLoanShareRule(1m, 6).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_MonthsMissingInEitherYear_IsBaselineMissingNamingThem()
    {
        var history = LastYearAt12Percent().WithMonths(2024, 11, FirstLoans(2)).Without("2023-05").Without("2024-03").At("2024-12", FirstLoans(4, 200));

        var result = new FirstLoanShareRule(1m, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2023-05"), HistoryBuilder.Period("2024-03"));
            result.Finding.Should().BeNull();
        }
    }

    [Test]
    public void Evaluate_StartOfYearMissing_IsBaselineMissingNamingItOnce()
    {
        var history = LastYearAt12Percent().WithMonths(2024, 11, FirstLoans(2)).Without("2023-12").At("2024-12", FirstLoans(4, 200));

        var result = new FirstLoanShareRule(1m, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2023-12"));
        }
    }

    [TestCase(0, 100)]
    [TestCase(200, 0)]
    public void Evaluate_NoInclusiveBorrowersNowOrAtTheStart_IsNotApplicable(long borrowersNow, long borrowersAtStart)
    {
        var history = new HistoryBuilder()
            .WithMonths(2023, 12, FirstLoans(1, borrowersAtStart))
            .WithMonths(2024, 11, FirstLoans(2))
            .At("2024-12", FirstLoans(4, borrowersNow));

        var result = new FirstLoanShareRule(1m, 12).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.NotApplicable);
    }

    /// <summary>2023: one first-time borrower a month, 100 inclusive borrowers at December.</summary>
    private static HistoryBuilder LastYearAt12Percent() => new HistoryBuilder().WithMonths(2023, 12, FirstLoans(1, 100));

    private static IndicatorSnapshot FirstLoans(long newFirstLoanBorrowers, long inclusiveBorrowers = 150) => new()
    {
        NewFirstLoanBorrowers = newFirstLoanBorrowers,
        InclusiveBorrowers = inclusiveBorrowers,
        InclusiveBalance = 1_000_000m,
        TotalBalance = 5_000_000m,
    };
}
