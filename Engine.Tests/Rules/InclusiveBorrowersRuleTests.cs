using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>两增·户数: inclusiveBorrowers ≥ start-of-year inclusiveBorrowers.</summary>
public sealed class InclusiveBorrowersRuleTests
{
    [TestCase(100, RuleOutcome.Pass)]
    [TestCase(101, RuleOutcome.Pass)]
    [TestCase(99, RuleOutcome.Warning)]
    [TestCase(0, RuleOutcome.Warning)]
    public void Evaluate_BorrowersAroundTheStartOfYear_HoldFromEquality(long borrowers, RuleOutcome expected)
    {
        var history = new HistoryBuilder().With("2023-12", Borrowers(100)).At("2024-06", Borrowers(borrowers));

        var result = new InclusiveBorrowersRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("2024-01", Severity.Warning)]
    [TestCase("2024-11", Severity.Warning)]
    [TestCase("2024-12", Severity.Breach)]
    public void Evaluate_FailingInAMonth_IsWarningBeforeTheAssessmentMonthAndBreachInIt(string period, Severity expected)
    {
        var history = new HistoryBuilder().With("2023-12", Borrowers(100)).At(period, Borrowers(99));

        var result = new InclusiveBorrowersRule(12).Evaluate(history);

        result.Finding!.Severity.Should().Be(expected);
    }

    [Test]
    public void Evaluate_Failing_WritesFiguresAndTheStartOfYear()
    {
        var history = new HistoryBuilder().With("2023-12", Borrowers(100)).At("2024-06", Borrowers(97));

        var finding = new InclusiveBorrowersRule(12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Rule.Should().Be("INCLUSIVE_BORROWERS");
            finding.Figures.Should().Equal(new Dictionary<string, object>
            {
                ["inclusiveBorrowers"] = 97L,
                ["startInclusiveBorrowers"] = 100L,
                ["shortfall"] = 3L,
            });
            finding.Baselines.Should().Equal(new Dictionary<string, object> { ["startOfYear"] = HistoryBuilder.Ref("2023-12") });
        }
    }

    [Test]
    public void Evaluate_LaterMonthsOfTheYear_AreNotTheBaseline()
    {
        var history = new HistoryBuilder()
            .With("2023-12", Borrowers(100))
            .With("2024-01", Borrowers(200))
            .At("2024-06", Borrowers(150));

        var result = new InclusiveBorrowersRule(12).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.Pass);
    }

    [Test]
    public void Evaluate_StartOfYearMissing_IsBaselineMissing()
    {
        var history = new HistoryBuilder().With("2023-11", Borrowers(100)).At("2024-06", Borrowers(150));

        var result = new InclusiveBorrowersRule(12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2023-12"));
        }
    }

    private static IndicatorSnapshot Borrowers(long count) => new() { InclusiveBorrowers = count, InclusiveBalance = count * 1_000m, TotalBalance = count * 5_000m };
}
