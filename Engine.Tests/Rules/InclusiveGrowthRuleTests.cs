using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>两增·增速: g(inclusiveBalance) ≥ g(totalBalance), against the start of the year (ytd) or the same period last year (yoy).</summary>
public sealed class InclusiveGrowthRuleTests
{
    [TestCase("1100.00", RuleOutcome.Pass)]
    [TestCase("1100.01", RuleOutcome.Pass)]
    [TestCase("1099.99", RuleOutcome.Warning)]
    [TestCase("900", RuleOutcome.Warning)]
    public void Evaluate_YtdGrowthAroundTotalGrowth_HoldsFromEquality(decimal inclusive, RuleOutcome expected)
    {
        var history = new HistoryBuilder().With("2023-12", Balances(1_000m, 10_000m)).At("2024-06", Balances(inclusive, 11_000m));

        var result = new InclusiveGrowthRule(GrowthBasis.Ytd, 12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("3300000000.00", RuleOutcome.Pass)]
    [TestCase("3299999999.99", RuleOutcome.Warning)]
    public void Evaluate_BalancesOfBillions_IsDecidedExactly(decimal inclusive, RuleOutcome expected)
    {
        var history = new HistoryBuilder()
            .With("2023-12", Balances(3_000_000_000.00m, 30_000_000_000.00m))
            .At("2024-06", Balances(inclusive, 33_000_000_000.00m));

        var result = new InclusiveGrowthRule(GrowthBasis.Ytd, 12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("900.00", RuleOutcome.Pass)]
    [TestCase("899.99", RuleOutcome.Warning)]
    public void Evaluate_BothBalancesShrinking_ComparesTheNegativeGrowthRates(decimal inclusive, RuleOutcome expected)
    {
        var history = new HistoryBuilder().With("2023-12", Balances(1_000m, 10_000m)).At("2024-06", Balances(inclusive, 9_000m));

        var result = new InclusiveGrowthRule(GrowthBasis.Ytd, 12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("2024-01", RuleOutcome.Warning)]
    [TestCase("2024-11", RuleOutcome.Warning)]
    [TestCase("2024-12", RuleOutcome.Breach)]
    public void Evaluate_FailingInAMonth_IsWarningBeforeTheAssessmentMonthAndBreachInIt(string period, RuleOutcome expected)
    {
        var history = new HistoryBuilder().With("2023-12", Balances(1_000m, 10_000m)).At(period, Balances(1_099.99m, 11_000m));

        var result = new InclusiveGrowthRule(GrowthBasis.Ytd, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(expected);
            result.Finding!.Severity.Should().Be(expected == RuleOutcome.Breach ? Severity.Breach : Severity.Warning);
        }
    }

    [Test]
    public void Evaluate_OtherAssessmentMonth_IsBreachInThatMonth()
    {
        var history = new HistoryBuilder().With("2023-12", Balances(1_000m, 10_000m)).At("2024-06", Balances(1_099.99m, 11_000m));

        var result = new InclusiveGrowthRule(GrowthBasis.Ytd, 6).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.Breach);
    }

    [Test]
    public void Evaluate_YtdFailing_WritesFiguresAndTheStartOfYear()
    {
        var history = new HistoryBuilder().With("2023-12", Balances(1_000m, 10_000m)).At("2024-06", Balances(1_099.99m, 11_000m));

        var finding = new InclusiveGrowthRule(GrowthBasis.Ytd, 12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Rule.Should().Be("INCLUSIVE_GROWTH");
            finding.Figures.Keys.Should().BeEquivalentTo("inclusiveGrowth", "totalGrowth", "gapPp", "basis");
            finding.Figures["inclusiveGrowth"].Should().Be(9.999m);
            finding.Figures["totalGrowth"].Should().Be(10m);
            finding.Figures["gapPp"].Should().Be(-0.001m);
            finding.Figures["basis"].Should().Be("ytd");
            finding.Baselines.Should().Equal(new Dictionary<string, object> { ["startOfYear"] = HistoryBuilder.Ref("2023-12") });
            finding.Message.Zh.Should().Contain("2024-06").And.Contain("2023-12");
            finding.Message.En.Should().Contain("2024-06").And.Contain("2023-12");
        }
    }

    [Test]
    public void Evaluate_YoyFailing_WritesFiguresAndTheSamePeriodLastYear()
    {
        var history = new HistoryBuilder()
            .With("2023-06", Balances(1_000m, 10_000m))
            .With("2023-12", Balances(500m, 10_000m))
            .At("2024-06", Balances(1_099.99m, 11_000m));

        var result = new InclusiveGrowthRule(GrowthBasis.Yoy, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Warning);
            result.Finding!.Figures["inclusiveGrowth"].Should().Be(9.999m);
            result.Finding.Figures["totalGrowth"].Should().Be(10m);
            result.Finding.Figures["gapPp"].Should().Be(-0.001m);
            result.Finding.Figures["basis"].Should().Be("yoy");
            result.Finding.Baselines.Should().Equal(new Dictionary<string, object> { ["samePeriodLastYear"] = HistoryBuilder.Ref("2023-06") });
        }
    }

    [Test]
    public void Evaluate_SameHistoryOnBothBases_ReadsEachItsOwnBaseline()
    {
        // Against June last year both grew 10 %; against last December inclusive loans did not grow at all.
        var history = new HistoryBuilder()
            .With("2023-06", Balances(1_000m, 10_000m))
            .With("2023-12", Balances(1_100m, 10_000m))
            .At("2024-06", Balances(1_100m, 11_000m));

        var yoy = new InclusiveGrowthRule(GrowthBasis.Yoy, 12).Evaluate(history);
        var ytd = new InclusiveGrowthRule(GrowthBasis.Ytd, 12).Evaluate(history);

        using (new AssertionScope())
        {
            yoy.Outcome.Should().Be(RuleOutcome.Pass);
            ytd.Outcome.Should().Be(RuleOutcome.Warning);
            ytd.Finding!.Figures["inclusiveGrowth"].Should().Be(0m);
            ytd.Finding.Figures["gapPp"].Should().Be(-10m);
        }
    }

    [Test]
    public void Evaluate_YtdInDecember_ComparesWithTheDecemberBefore()
    {
        var history = new HistoryBuilder()
            .With("2023-12", Balances(1_000m, 10_000m))
            .At("2024-12", Balances(1_050m, 10_600m));

        var result = new InclusiveGrowthRule(GrowthBasis.Ytd, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Breach);
            result.Finding!.Baselines["startOfYear"].Should().Be(HistoryBuilder.Ref("2023-12"));
        }
    }

    [TestCase(GrowthBasis.Ytd, "2023-06", "2023-12")]
    [TestCase(GrowthBasis.Yoy, "2023-12", "2023-06")]
    public void Evaluate_BaselineOfItsBasisMissing_IsBaselineMissing(GrowthBasis basis, string present, string missing)
    {
        var history = new HistoryBuilder().With(present, Balances(1_000m, 10_000m)).At("2024-06", Balances(2_000m, 11_000m));

        var result = new InclusiveGrowthRule(basis, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period(missing));
            result.Finding.Should().BeNull();
        }
    }

    [TestCase("0", "10000")]
    [TestCase("1000", "0")]
    [TestCase("0", "0")]
    public void Evaluate_BaselineBalanceZero_IsNotApplicable(decimal startInclusive, decimal startTotal)
    {
        var history = new HistoryBuilder().With("2023-12", Balances(startInclusive, startTotal)).At("2024-06", Balances(1_000m, 11_000m));

        var result = new InclusiveGrowthRule(GrowthBasis.Ytd, 12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.NotApplicable);
            result.Finding.Should().BeNull();
            result.Reason.Should().NotBeNullOrWhiteSpace();
        }
    }

    private static IndicatorSnapshot Balances(decimal inclusive, decimal total) => new() { InclusiveBalance = inclusive, TotalBalance = total };
}
