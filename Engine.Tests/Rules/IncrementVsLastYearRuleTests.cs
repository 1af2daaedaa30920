using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>增量不低于去年同期: inclusiveBalance − start ≥ same-period-last-year inclusiveBalance − last year's start.</summary>
public sealed class IncrementVsLastYearRuleTests
{
    [TestCase("1100.00", RuleOutcome.Pass)]
    [TestCase("1200", RuleOutcome.Pass)]
    [TestCase("1099.99", RuleOutcome.Warning)]
    [TestCase("900", RuleOutcome.Warning)]
    public void Evaluate_IncrementAroundLastYears_HoldsFromEquality(decimal inclusive, RuleOutcome expected)
    {
        var history = LastYearGrewBy100().At("2024-06", Inclusive(inclusive));

        var result = new IncrementVsLastYearRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_Failing_WritesBothIncrementsAndAllThreeBaselines()
    {
        var history = LastYearGrewBy100().At("2024-06", Inclusive(1_099.99m));

        var finding = new IncrementVsLastYearRule(12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Rule.Should().Be("INCREMENT_VS_LAST_YEAR");
            finding.Severity.Should().Be(Severity.Warning);
            finding.Figures.Should().Equal(new Dictionary<string, object>
            {
                ["increment"] = 99.99m,
                ["lastYearIncrement"] = 100m,
            });
            finding.Baselines.Should().Equal(new Dictionary<string, object>
            {
                ["startOfYear"] = HistoryBuilder.Ref("2023-12"),
                ["samePeriodLastYear"] = HistoryBuilder.Ref("2023-06"),
                ["lastYearStart"] = HistoryBuilder.Ref("2022-12"),
            });
        }
    }

    [Test]
    public void Evaluate_Failing_SaysBothIncrementsAndTheirPeriods()
    {
        var history = LastYearGrewBy100().At("2024-06", Inclusive(1_099.99m));

        var message = new IncrementVsLastYearRule(12).Evaluate(history).Finding!.Message;

        using (new AssertionScope())
        {
            message.Zh.Should().Be("2024-06 普惠型小微企业贷款较年初（2023-12）增加 99.99 元，低于去年同期（2022-12 至 2023-06）的增量 100.00 元；要求增量不低于去年同期。");
            message.En.Should().Be("In 2024-06, inclusive loans to small and micro enterprises grew by 99.99 yuan since the start of the year (2023-12), less than last year's 100.00 yuan over the same months (2022-12 to 2023-06); the increment must not be below last year's.");
        }
    }

    [TestCase("1200.00", RuleOutcome.Pass)]
    [TestCase("1199.99", RuleOutcome.Breach)]
    public void Evaluate_December_ComparesWholeYearsAndIsBreach(decimal inclusive, RuleOutcome expected)
    {
        var history = DecemberHistory().At("2024-12", Inclusive(inclusive));

        var result = new IncrementVsLastYearRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_DecemberFailing_NamesTheStartOfYearAlsoAsTheSamePeriodLastYear()
    {
        var history = DecemberHistory().At("2024-12", Inclusive(1_199.99m));

        var finding = new IncrementVsLastYearRule(12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Baselines["startOfYear"].Should().Be(HistoryBuilder.Ref("2023-12"));
            finding.Baselines["samePeriodLastYear"].Should().Be(HistoryBuilder.Ref("2023-12"));
            finding.Baselines["lastYearStart"].Should().Be(HistoryBuilder.Ref("2022-12"));
            finding.Figures["increment"].Should().Be(199.99m);
            finding.Figures["lastYearIncrement"].Should().Be(200m);
        }
    }

    [TestCase("900.00", RuleOutcome.Pass)]
    [TestCase("899.99", RuleOutcome.Warning)]
    public void Evaluate_BothYearsShrinking_ComparesTheNegativeIncrements(decimal inclusive, RuleOutcome expected)
    {
        var history = new HistoryBuilder()
            .With("2022-12", Inclusive(1_000m))
            .With("2023-06", Inclusive(900m))
            .With("2023-12", Inclusive(1_000m))
            .At("2024-06", Inclusive(inclusive));

        var result = new IncrementVsLastYearRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("2022-12")]
    [TestCase("2023-06")]
    [TestCase("2023-12")]
    public void Evaluate_OneBaselineMissing_IsBaselineMissingNamingIt(string missing)
    {
        var history = LastYearGrewBy100().Without(missing).At("2024-06", Inclusive(1_200m));

        var result = new IncrementVsLastYearRule(12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period(missing));
        }
    }

    [Test]
    public void Evaluate_AllBaselinesMissing_NamesThemInOrder()
    {
        var history = new HistoryBuilder().At("2024-06", Inclusive(1_200m));

        var result = new IncrementVsLastYearRule(12).Evaluate(history);

        result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2022-12"), HistoryBuilder.Period("2023-06"), HistoryBuilder.Period("2023-12"));
    }

    /// <summary>2022-12: 800; 2023-06: 900 (+100 by June last year); 2023-12: 1,000.</summary>
    private static HistoryBuilder LastYearGrewBy100() => new HistoryBuilder()
        .With("2022-12", Inclusive(800m))
        .With("2023-06", Inclusive(900m))
        .With("2023-12", Inclusive(1_000m));

    /// <summary>In December the same period last year is the start of this year: 2022-12 800 → 2023-12 1,000 is +200.</summary>
    private static HistoryBuilder DecemberHistory() => new HistoryBuilder().With("2022-12", Inclusive(800m)).With("2023-12", Inclusive(1_000m));

    private static IndicatorSnapshot Inclusive(decimal balance) => new() { InclusiveBalance = balance, TotalBalance = balance * 10 };
}
