using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>不良容忍度: inclusiveNplRatio − totalNplRatio ≤ tolerancePp, a breach in every month.</summary>
public sealed class NplToleranceRuleTests
{
    [TestCase("50.00", RuleOutcome.Pass)]
    [TestCase("49.99", RuleOutcome.Pass)]
    [TestCase("0", RuleOutcome.Pass)]
    [TestCase("50.01", RuleOutcome.Breach)]
    [TestCase("1000", RuleOutcome.Breach)]
    public void Evaluate_GapAroundThreePoints_HoldsUpToExactlyThree(decimal inclusiveNpl, RuleOutcome expected)
    {
        // Inclusive NPL of 50 on 1,000 is 5 %; total NPL of 200 on 10,000 is 2 %: a gap of exactly 3 points.
        var history = new HistoryBuilder().At("2024-06", Npl(inclusiveNpl, 1_000m, 200m, 10_000m));

        var result = new NplToleranceRule(3m).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_GapOfRepeatingRatiosExactlyThree_Holds()
    {
        // 10/300 = 3.333… % against 10/3000 = 0.333… %: exactly 3 points, though neither ratio is a finite decimal.
        var history = new HistoryBuilder().At("2024-06", Npl(10m, 300m, 10m, 3_000m));

        var result = new NplToleranceRule(3m).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.Pass);
    }

    [TestCase("150000000.00", RuleOutcome.Pass)]
    [TestCase("150000000.01", RuleOutcome.Breach)]
    public void Evaluate_BalancesOfBillions_IsDecidedExactly(decimal inclusiveNpl, RuleOutcome expected)
    {
        // A bank's real scale: 3 billion inclusive at 5 % NPL against 30 billion at 2 %.
        var history = new HistoryBuilder().At("2024-06", Npl(inclusiveNpl, 3_000_000_000.00m, 600_000_000.00m, 30_000_000_000.00m));

        var result = new NplToleranceRule(3m).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("2024-01")]
    [TestCase("2024-06")]
    [TestCase("2024-12")]
    public void Evaluate_FailingInAnyMonth_IsBreach(string period)
    {
        var history = new HistoryBuilder().At(period, Npl(50.01m, 1_000m, 200m, 10_000m));

        var result = new NplToleranceRule(3m).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Breach);
            result.Finding!.Severity.Should().Be(Severity.Breach);
        }
    }

    [Test]
    public void Evaluate_Failing_WritesFiguresAndNoBaselines()
    {
        var history = new HistoryBuilder().At("2024-06", Npl(50.01m, 1_000m, 200m, 10_000m));

        var finding = new NplToleranceRule(3m).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Rule.Should().Be("NPL_TOLERANCE");
            finding.Figures.Should().Equal(new Dictionary<string, object>
            {
                ["inclusiveNplRatio"] = 5.001m,
                ["totalNplRatio"] = 2m,
                ["gapPp"] = 3.001m,
                ["tolerancePp"] = 3m,
            });
            finding.Baselines.Should().BeEmpty();
        }
    }

    [TestCase("0", "20.00", RuleOutcome.Pass)]
    [TestCase("0", "20.01", RuleOutcome.Breach)]
    [TestCase("1.5", "35.00", RuleOutcome.Pass)]
    [TestCase("1.5", "35.01", RuleOutcome.Breach)]
    public void Evaluate_OtherTolerance_IsTheThreshold(decimal tolerancePp, decimal inclusiveNpl, RuleOutcome expected)
    {
        var history = new HistoryBuilder().At("2024-06", Npl(inclusiveNpl, 1_000m, 200m, 10_000m));

        var result = new NplToleranceRule(tolerancePp).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_InclusiveRatioBelowTotal_Holds()
    {
        var history = new HistoryBuilder().At("2024-06", Npl(0m, 1_000m, 2_000m, 10_000m));

        var result = new NplToleranceRule(3m).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.Pass);
    }

    [TestCase("0", "10000")]
    [TestCase("0", "0")]
    public void Evaluate_NoInclusiveLoans_IsNotApplicable(decimal inclusive, decimal total)
    {
        var history = new HistoryBuilder().At("2024-06", Npl(0m, inclusive, 0m, total));

        var result = new NplToleranceRule(3m).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.NotApplicable);
            result.Finding.Should().BeNull();
        }
    }

    [Test]
    public void Evaluate_NoOtherSnapshots_NeedsNoBaseline()
    {
        var history = new HistoryBuilder().At("2024-01", Npl(60m, 1_000m, 200m, 10_000m));

        var result = new NplToleranceRule(3m).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Breach);
            result.MissingPeriods.Should().BeEmpty();
        }
    }

    private static IndicatorSnapshot Npl(decimal inclusiveNpl, decimal inclusive, decimal totalNpl, decimal total) => new()
    {
        InclusiveNplBalance = inclusiveNpl,
        InclusiveBalance = inclusive,
        TotalNplBalance = totalNpl,
        TotalBalance = total,
    };
}
