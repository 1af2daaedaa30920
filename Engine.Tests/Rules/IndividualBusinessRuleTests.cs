using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>个体工商户贷款增长: individualBusinessBalance ≥ start and individualBusinessBorrowers ≥ start; equal is no failure.</summary>
public sealed class IndividualBusinessRuleTests
{
    [TestCase("500.00", 10, RuleOutcome.Pass)]
    [TestCase("600", 11, RuleOutcome.Pass)]
    [TestCase("499.99", 10, RuleOutcome.Warning)]
    [TestCase("500", 9, RuleOutcome.Warning)]
    [TestCase("600", 9, RuleOutcome.Warning)]
    [TestCase("400", 11, RuleOutcome.Warning)]
    public void Evaluate_BalanceAndBorrowersAroundTheStart_HoldOnlyWhenNeitherFalls(decimal balance, long borrowers, RuleOutcome expected)
    {
        var history = new HistoryBuilder().With("2023-12", Business(500m, 10)).At("2024-06", Business(balance, borrowers));

        var result = new IndividualBusinessRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("2024-02", Severity.Warning)]
    [TestCase("2024-12", Severity.Breach)]
    public void Evaluate_FailingInAMonth_IsWarningBeforeTheAssessmentMonthAndBreachInIt(string period, Severity expected)
    {
        var history = new HistoryBuilder().With("2023-12", Business(500m, 10)).At(period, Business(499.99m, 10));

        var result = new IndividualBusinessRule(12).Evaluate(history);

        result.Finding!.Severity.Should().Be(expected);
    }

    [Test]
    public void Evaluate_Failing_WritesFiguresAndTheStartOfYear()
    {
        var history = new HistoryBuilder().With("2023-12", Business(500m, 10)).At("2024-06", Business(600m, 9));

        var finding = new IndividualBusinessRule(12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Rule.Should().Be("INDIVIDUAL_BUSINESS");
            finding.Figures.Should().Equal(new Dictionary<string, object>
            {
                ["balance"] = 600m,
                ["startBalance"] = 500m,
                ["borrowers"] = 9L,
                ["startBorrowers"] = 10L,
                ["strict"] = false,
            });
            finding.Baselines.Should().Equal(new Dictionary<string, object> { ["startOfYear"] = HistoryBuilder.Ref("2023-12") });
        }
    }

    [Test]
    public void Evaluate_StartOfYearMissing_IsBaselineMissing()
    {
        var history = new HistoryBuilder().At("2024-06", Business(600m, 11));

        var result = new IndividualBusinessRule(12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2023-12"));
        }
    }

    [TestCase("500", 10, RuleOutcome.Warning)]
    [TestCase("500.01", 11, RuleOutcome.Pass)]
    [TestCase("600", 10, RuleOutcome.Warning)]
    [TestCase("500", 11, RuleOutcome.Warning)]
    [TestCase("499.99", 11, RuleOutcome.Warning)]
    public void Evaluate_Strict_HoldsOnlyWhereBothGrow(decimal balance, long borrowers, RuleOutcome expected)
    {
        var history = new HistoryBuilder().With("2023-12", Business(500m, 10)).At("2024-06", Business(balance, borrowers));

        var result = new IndividualBusinessRule(12, Strictness.AlwaysStrict).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("2024-06", RuleOutcome.Warning)]
    [TestCase("2024-12", RuleOutcome.Breach)]
    public void Evaluate_StrictFlatBook_FailsAsWarningThenBreach_WhereNotStrictPasses(string period, RuleOutcome expected)
    {
        var history = new HistoryBuilder().With("2023-12", Business(500m, 10)).At(period, Business(500m, 10));

        var strict = new IndividualBusinessRule(12, Strictness.AlwaysStrict).Evaluate(history);
        var notStrict = new IndividualBusinessRule(12, Strictness.NotStrict).Evaluate(history);

        using (new AssertionScope())
        {
            strict.Outcome.Should().Be(expected);
            strict.Finding!.Figures["strict"].Should().Be(true);
            strict.Finding.Message.Zh.Should().Contain("高于年初");
            strict.Headroom.Select(h => h.Margin).Should().Equal(0m, 0m);
            notStrict.Outcome.Should().Be(RuleOutcome.Pass);
        }
    }

    [TestCase("2021-06", RuleOutcome.Pass)]
    [TestCase("2022-01", RuleOutcome.Warning)]
    [TestCase("2023-06", RuleOutcome.Warning)]
    public void Evaluate_StrictFromAYear_JudgesEarlierPeriodsNotStrictly(string period, RuleOutcome expected)
    {
        var start = Periods.Format(Periods.December(HistoryBuilder.Period(period).Year - 1));
        var history = new HistoryBuilder().With(start, Business(500m, 10)).At(period, Business(500m, 10));

        var result = new IndividualBusinessRule(12, Strictness.From(2022)).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_StrictWithNoBook_IsNotApplicableForNoBook_WhereNotStrictPasses()
    {
        var history = new HistoryBuilder().With("2023-12", Business(0m, 0)).At("2024-06", Business(0m, 0));

        var strict = new IndividualBusinessRule(12, Strictness.AlwaysStrict).Evaluate(history);
        var notStrict = new IndividualBusinessRule(12).Evaluate(history);

        using (new AssertionScope())
        {
            strict.Outcome.Should().Be(RuleOutcome.NotApplicable);
            strict.Reason.Should().Be("noBook");
            notStrict.Outcome.Should().Be(RuleOutcome.Pass);
        }
    }

    [Test]
    public void Evaluate_StrictWithABookOnlyNow_IsJudged()
    {
        var history = new HistoryBuilder().With("2023-12", Business(0m, 0)).At("2024-06", Business(100m, 1));

        var result = new IndividualBusinessRule(12, Strictness.AlwaysStrict).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.Pass);
    }

    private static IndicatorSnapshot Business(decimal balance, long borrowers) => new()
    {
        IndividualBusinessBalance = balance,
        IndividualBusinessBorrowers = borrowers,
        InclusiveBalance = 10_000m,
        TotalBalance = 100_000m,
    };
}
