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

    private static IndicatorSnapshot Business(decimal balance, long borrowers) => new()
    {
        IndividualBusinessBalance = balance,
        IndividualBusinessBorrowers = borrowers,
        InclusiveBalance = 10_000m,
        TotalBalance = 100_000m,
    };
}
