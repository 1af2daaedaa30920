using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>
/// 惠商户: g(operatingBalance) ≥ g(totalBalance) against the same period last year (skipped where a base is 0), and
/// operatingBalance − start ≥ same-period-last-year operatingBalance − last year's start.
/// </summary>
public sealed class OperatingLoansRuleTests
{
    [TestCase("1400", "11000", RuleOutcome.Pass)]
    [TestCase("1300.00", "13000.00", RuleOutcome.Pass)]
    [TestCase("1300.00", "13000.01", RuleOutcome.Warning)]
    [TestCase("1299.99", "11000", RuleOutcome.Warning)]
    [TestCase("1299.99", "13000", RuleOutcome.Warning)]
    public void Evaluate_GrowthAndIncrementAroundTheirMarks_HoldsOnlyWhereBothHoldFromEquality(decimal operating, decimal total, RuleOutcome expected)
    {
        var history = LastYear().At("2024-06", Balances(operating, total));

        var result = new OperatingLoansRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("1300.00", "13000.01", "30", "30.0001", "200", TestName = "Evaluate_GrowthBelowTotalGrowthAlone_WritesAllFourFigures")]
    [TestCase("1299.99", "11000", "29.999", "10", "199.99", TestName = "Evaluate_IncrementBelowLastYearsAlone_WritesAllFourFigures")]
    [TestCase("1299.99", "13000", "29.999", "30", "199.99", TestName = "Evaluate_BothHalvesFailing_WritesAllFourFigures")]
    public void Evaluate_Failing_WritesBothGrowthsAndBothIncrements(decimal operating, decimal total, decimal growth, decimal totalGrowth, decimal increment)
    {
        var history = LastYear().At("2024-06", Balances(operating, total));

        var finding = new OperatingLoansRule(12).Evaluate(history).Finding!;

        finding.Figures.Should().Equal(new Dictionary<string, object>
        {
            ["growth"] = growth,
            ["totalGrowth"] = totalGrowth,
            ["increment"] = increment,
            ["lastYearIncrement"] = 200m,
        });
    }

    [Test]
    public void Evaluate_Failing_NamesTheThreeBaselines()
    {
        var history = LastYear().At("2024-06", Balances(1_299.99m, 11_000m));

        var finding = new OperatingLoansRule(12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Rule.Should().Be("OPERATING_LOANS");
            finding.Baselines.Should().Equal(new Dictionary<string, object>
            {
                ["samePeriodLastYear"] = HistoryBuilder.Ref("2023-06"),
                ["startOfYear"] = HistoryBuilder.Ref("2023-12"),
                ["lastYearStart"] = HistoryBuilder.Ref("2022-12"),
            });
        }
    }

    [Test]
    public void Evaluate_BothHalvesFailing_SaysBoth()
    {
        var history = LastYear().At("2024-06", Balances(1_299.99m, 13_000m));

        var message = new OperatingLoansRule(12).Evaluate(history).Finding!.Message;

        using (new AssertionScope())
        {
            message.Zh.Should().Be(
                "2024-06 小微企业主和个体工商户经营性贷款余额较去年同期（2023-06）增长 29.9990%，低于各项贷款增速 30.0000%；"
                + "较年初（2023-12）增加 199.99 元，低于去年同期（2022-12 至 2023-06）的增量 200.00 元。要求其增速不低于各项贷款增速、增量不低于去年同期。");
            message.En.Should().Be(
                "In 2024-06, operating loans of micro-business owners and individual businesses grew 29.9990% against the same period last year (2023-06), "
                + "below total-loan growth of 30.0000%, and grew by 199.99 yuan since the start of the year (2023-12), less than last year's 200.00 yuan "
                + "over the same months (2022-12 to 2023-06). Their growth against the same period last year must not be below total-loan growth, nor their increment below last year's.");
        }
    }

    [TestCase("1300.00", "13000.01", true, false)]
    [TestCase("1299.99", "11000", false, true)]
    public void Evaluate_OneHalfFailing_SaysOnlyThatHalf(decimal operating, decimal total, bool growthFails, bool incrementFails)
    {
        var history = LastYear().At("2024-06", Balances(operating, total));

        var message = new OperatingLoansRule(12).Evaluate(history).Finding!.Message;

        using (new AssertionScope())
        {
            message.Zh.Contains("%，低于各项贷款增速", StringComparison.Ordinal).Should().Be(growthFails);
            message.En.Contains("below total-loan growth of", StringComparison.Ordinal).Should().Be(growthFails);
            message.Zh.Contains("的增量", StringComparison.Ordinal).Should().Be(incrementFails);
            message.En.Contains("less than last year's", StringComparison.Ordinal).Should().Be(incrementFails);
        }
    }

    [TestCase("0", "10000", "0.00", RuleOutcome.Pass)]
    [TestCase("0", "10000", "-0.01", RuleOutcome.Warning)]
    [TestCase("0", "0", "0.00", RuleOutcome.Pass)]
    [TestCase("0", "0", "-0.01", RuleOutcome.Warning)]
    [TestCase("500", "0", "0.00", RuleOutcome.Pass)]
    [TestCase("500", "0", "-0.01", RuleOutcome.Warning)]
    public void Evaluate_GrowthBaseZero_SkipsTheGrowthAndTheIncrementDecides(decimal samePeriodOperating, decimal samePeriodTotal, decimal increment, RuleOutcome expected)
    {
        var history = GrowthBaseZero(samePeriodOperating, samePeriodTotal).At("2024-06", Balances(samePeriodOperating + 100m + increment, 1_000_000m));

        var result = new OperatingLoansRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("0", "10000")]
    [TestCase("500", "0")]
    public void Evaluate_GrowthBaseZeroAndIncrementFailing_WritesNullGrowths(decimal samePeriodOperating, decimal samePeriodTotal)
    {
        var history = GrowthBaseZero(samePeriodOperating, samePeriodTotal).At("2024-06", Balances(samePeriodOperating + 99.99m, 1_000_000m));

        var finding = new OperatingLoansRule(12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Figures.Keys.Should().Equal("growth", "totalGrowth", "increment", "lastYearIncrement");
            finding.Figures["growth"].Should().BeNull();
            finding.Figures["totalGrowth"].Should().BeNull();
            finding.Figures["increment"].Should().Be(-0.01m);
            finding.Figures["lastYearIncrement"].Should().Be(0m);
            finding.Message.Zh.Should().Contain("去年同期（2023-06）余额为 0，不比较增速").And.Contain("的增量 0.00 元");
            finding.Message.En.Should().Contain("had no growth to compare").And.Contain("less than last year's 0.00 yuan");
        }
    }

    [Test]
    public void Evaluate_NoLoansAtAll_PassesAndIsNeverNotApplicable()
    {
        var history = new HistoryBuilder()
            .With("2022-12", new IndicatorSnapshot())
            .With("2023-06", new IndicatorSnapshot())
            .With("2023-12", new IndicatorSnapshot())
            .At("2024-06", new IndicatorSnapshot());

        var result = new OperatingLoansRule(12).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.Pass);
    }

    [TestCase(12, "2024-01", RuleOutcome.Warning)]
    [TestCase(12, "2024-11", RuleOutcome.Warning)]
    [TestCase(12, "2024-12", RuleOutcome.Breach)]
    [TestCase(6, "2024-06", RuleOutcome.Breach)]
    public void Evaluate_FailingInAMonth_IsWarningBeforeTheAssessmentMonthAndBreachInIt(int assessmentMonth, string period, RuleOutcome expected)
    {
        var history = EveryMonthOfLastYear().At(period, Balances(1_199.99m, 11_000m));

        var result = new OperatingLoansRule(assessmentMonth).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(expected);
            result.Finding!.Severity.Should().Be(expected == RuleOutcome.Breach ? Severity.Breach : Severity.Warning);
        }
    }

    [Test]
    public void Evaluate_DecemberFailing_NamesTheStartOfYearAlsoAsTheSamePeriodLastYear()
    {
        var history = EveryMonthOfLastYear().At("2024-12", Balances(1_199.99m, 11_000m));

        var finding = new OperatingLoansRule(12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Baselines.Should().Equal(new Dictionary<string, object>
            {
                ["samePeriodLastYear"] = HistoryBuilder.Ref("2023-12"),
                ["startOfYear"] = HistoryBuilder.Ref("2023-12"),
                ["lastYearStart"] = HistoryBuilder.Ref("2022-12"),
            });
            finding.Figures["growth"].Should().Be(19.999m);
            finding.Figures["totalGrowth"].Should().Be(10m);
            finding.Figures["increment"].Should().Be(199.99m);
            finding.Figures["lastYearIncrement"].Should().Be(200m);
        }
    }

    [TestCase("2024-06", "2022-12")]
    [TestCase("2024-06", "2023-06")]
    [TestCase("2024-06", "2023-12")]
    [TestCase("2024-06", "2022-12,2023-06")]
    [TestCase("2024-06", "2023-06,2023-12")]
    [TestCase("2024-06", "2022-12,2023-06,2023-12")]
    [TestCase("2024-12", "2023-12")]
    [TestCase("2024-12", "2022-12,2023-12")]
    public void Evaluate_BaselinesMissing_IsBaselineMissingNamingExactlyThem(string period, string missing)
    {
        var periods = missing.Split(',');
        var builder = EveryMonthOfLastYear();
        foreach (var p in periods)
        {
            builder.Without(p);
        }

        var result = new OperatingLoansRule(12).Evaluate(builder.At(period, Balances(1_500m, 11_000m)));

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(periods.Select(HistoryBuilder.Period));
            result.Finding.Should().BeNull();
        }
    }

    /// <summary>2022-12: 800 of 9,000; 2023-06: 1,000 of 10,000 (+200 by June last year); 2023-12: 1,100 of 10,500.</summary>
    private static HistoryBuilder LastYear() => new HistoryBuilder()
        .With("2022-12", Balances(800m, 9_000m))
        .With("2023-06", Balances(1_000m, 10_000m))
        .With("2023-12", Balances(1_100m, 10_500m));

    /// <summary>2022-12: 800; every month of 2023: 1,000 of 10,000, so every month of 2024 has +200 to match.</summary>
    private static HistoryBuilder EveryMonthOfLastYear() => new HistoryBuilder()
        .With("2022-12", Balances(800m, 9_000m))
        .WithMonths(2023, 12, Balances(1_000m, 10_000m));

    /// <summary>
    /// A same period last year with no operating or no total loans (the latter not from a real ledger, where operating
    /// loans are part of all loans); last year's increment is 0 and this year's start is 100 above it. The current
    /// total loans grow a hundredfold, which no operating growth here would match were it compared.
    /// </summary>
    private static HistoryBuilder GrowthBaseZero(decimal samePeriodOperating, decimal samePeriodTotal) => new HistoryBuilder()
        .With("2022-12", Balances(samePeriodOperating, 9_000m))
        .With("2023-06", Balances(samePeriodOperating, samePeriodTotal))
        .With("2023-12", Balances(samePeriodOperating + 100m, 10_500m));

    private static IndicatorSnapshot Balances(decimal operating, decimal total) => new() { OperatingBalance = operating, TotalBalance = total };
}
