using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>信用贷款占比: creditShare − start-of-year creditShare ≥ minIncreasePp.</summary>
public sealed class CreditShareRuleTests
{
    [TestCase("1000", "210.00", RuleOutcome.Pass)]
    [TestCase("1000", "250", RuleOutcome.Pass)]
    [TestCase("1000", "209.99", RuleOutcome.Warning)]
    [TestCase("1000", "200", RuleOutcome.Warning)]
    [TestCase("2000", "420.00", RuleOutcome.Pass)]
    [TestCase("2000", "419.99", RuleOutcome.Warning)]
    public void Evaluate_ShareAroundOnePointAboveTheStart_HoldsFromExactlyOnePoint(decimal inclusive, decimal credit, RuleOutcome expected)
    {
        // The start of the year has a 20 % share; the target is 21 %.
        var history = new HistoryBuilder().With("2023-12", Credit(200m, 1_000m)).At("2024-06", Credit(credit, inclusive));

        var result = new CreditShareRule(1m, 12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("2024-03", Severity.Warning)]
    [TestCase("2024-11", Severity.Warning)]
    [TestCase("2024-12", Severity.Breach)]
    public void Evaluate_FailingInAMonth_IsWarningBeforeTheAssessmentMonthAndBreachInIt(string period, Severity expected)
    {
        var history = new HistoryBuilder().With("2023-12", Credit(200m, 1_000m)).At(period, Credit(209.99m, 1_000m));

        var result = new CreditShareRule(1m, 12).Evaluate(history);

        result.Finding!.Severity.Should().Be(expected);
    }

    [Test]
    public void Evaluate_Failing_WritesFiguresAndTheStartOfYear()
    {
        var history = new HistoryBuilder().With("2023-12", Credit(200m, 1_000m)).At("2024-06", Credit(209.99m, 1_000m));

        var finding = new CreditShareRule(1m, 12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Rule.Should().Be("CREDIT_SHARE");
            finding.Figures.Should().Equal(new Dictionary<string, object>
            {
                ["creditShare"] = 20.999m,
                ["startCreditShare"] = 20m,
                ["increasePp"] = 0.999m,
                ["minIncreasePp"] = 1m,
            });
            finding.Baselines.Should().Equal(new Dictionary<string, object> { ["startOfYear"] = HistoryBuilder.Ref("2023-12") });
        }
    }

    [TestCase("200.00", RuleOutcome.Pass)]
    [TestCase("199.99", RuleOutcome.Warning)]
    public void Evaluate_MinIncreaseZero_HoldsWhileTheShareDoesNotFall(decimal credit, RuleOutcome expected)
    {
        var history = new HistoryBuilder().With("2023-12", Credit(200m, 1_000m)).At("2024-06", Credit(credit, 1_000m));

        var result = new CreditShareRule(0m, 12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("0", "1000")]
    [TestCase("1000", "0")]
    public void Evaluate_NoInclusiveLoansNowOrAtTheStart_IsNotApplicable(decimal inclusiveNow, decimal inclusiveAtStart)
    {
        var history = new HistoryBuilder().With("2023-12", Credit(0m, inclusiveAtStart)).At("2024-06", Credit(0m, inclusiveNow));

        var result = new CreditShareRule(1m, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.NotApplicable);
            result.Finding.Should().BeNull();
        }
    }

    [Test]
    public void Evaluate_StartOfYearMissing_IsBaselineMissing()
    {
        var history = new HistoryBuilder().With("2024-01", Credit(200m, 1_000m)).At("2024-06", Credit(100m, 1_000m));

        var result = new CreditShareRule(1m, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2023-12"));
        }
    }

    private static IndicatorSnapshot Credit(decimal credit, decimal inclusive) => new()
    {
        InclusiveCreditBalance = credit,
        InclusiveBalance = inclusive,
        TotalBalance = inclusive * 10,
    };
}
