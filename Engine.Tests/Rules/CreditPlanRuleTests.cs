using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>
/// 信贷计划完成情况 (rules.md, CREDIT_PLAN): the inclusive increase since the start of the year against the plan's pace,
/// plan × m / 12 rounded half away from zero to the fen before December, the plan itself in December.
/// </summary>
public sealed class CreditPlanRuleTests
{
    // A plan whose June pace is 500,000.005 yuan before rounding: half away from zero, 500,000.01.
    private const decimal Plan = 1_000_000.01m;

    private static readonly IndicatorSnapshot Start = new() { TotalBalance = 50_000_000m, InclusiveBalance = 20_000_000m };

    private static readonly CreditPlanRule Rule = new(12);

    [Test]
    public void PaceOf_June_IsHalfThePlanRoundedHalfAwayFromZeroToTheFen() =>
        CreditPlanRule.PaceOf(Plan, 6, 12).Should().Be(500_000.01m);

    [Test]
    public void Evaluate_JuneIncreaseExactlyAtPace_Passes()
    {
        var result = Rule.Evaluate(June(500_000.01m));

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Pass);
            result.Headroom.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Figure = 500_000.01m, Threshold = 500_000.01m, Margin = 0m });
        }
    }

    [Test]
    public void Evaluate_JuneIncreaseAFenBelowPace_WarnsWithIncreasePlanPaceAndCompletion()
    {
        var result = Rule.Evaluate(June(500_000.00m));

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Warning);
            var finding = result.Finding!;
            finding.Figures["increase"].Should().Be(500_000.00m);
            finding.Figures["plan"].Should().Be(Plan);
            finding.Figures["pace"].Should().Be(500_000.01m);
            finding.Figures["completionPct"].Should().Be(500_000.00m / Plan * 100);
            finding.Baselines["startOfYear"].Should().Be(HistoryBuilder.Ref("2022-12"));
            finding.Message.Zh.Should().Contain("500,000.00").And.Contain("500,000.01").And.Contain("2023 年信贷计划 1,000,000.01 元");
            finding.Message.En.Should().Contain("500,000.01 yuan the 2023 credit plan of 1,000,000.01 yuan asks by this month");
        }
    }

    [Test]
    public void Evaluate_DecemberAtThePlan_Passes() =>
        Rule.Evaluate(December(Plan)).Outcome.Should().Be(RuleOutcome.Pass);

    [Test]
    public void Evaluate_DecemberAFenBelowThePlan_Breaches()
    {
        var result = Rule.Evaluate(December(Plan - 0.01m));

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Breach);
            result.Finding!.Figures["pace"].Should().Be(Plan);
        }
    }

    [Test]
    public void Evaluate_AfterAnEarlierAssessmentMonth_BreachesAgainstTheWholePlan()
    {
        var result = new CreditPlanRule(9).Evaluate(At("2023-10", Plan - 0.01m, Plan));

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Breach);
            result.Finding!.Figures["pace"].Should().Be(Plan);
        }
    }

    [Test]
    public void Evaluate_PlanOfZero_PassesAnIncreaseOfZeroAndWarnsAFall()
    {
        var flat = Rule.Evaluate(At("2023-06", 0m, 0m));
        var fell = Rule.Evaluate(At("2023-06", -0.01m, 0m));

        using (new AssertionScope())
        {
            flat.Outcome.Should().Be(RuleOutcome.Pass);
            fell.Outcome.Should().Be(RuleOutcome.Warning);
            fell.Finding!.Figures["completionPct"].Should().BeNull();
        }
    }

    [Test]
    public void Evaluate_YearWithoutAPlan_LacksItsPlanNeverPasses()
    {
        var history = new HistoryBuilder().With("2022-12", Start).WithPlan(2022, 5m).At("2023-06", Start);

        var result = Rule.Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPlans.Should().Equal(2023);
            result.MissingPeriods.Should().BeEmpty();
        }
    }

    [Test]
    public void Evaluate_WithoutTheStartOfTheYear_LacksThatPeriod()
    {
        var history = new HistoryBuilder().WithPlan(2023, Plan).At("2023-06", Start);

        var result = Rule.Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2022-12"));
            result.MissingPlans.Should().BeEmpty();
        }
    }

    [Test]
    public void Evaluate_InAPbocSet_ReadsThePbocInclusiveBalance()
    {
        var pbocStart = Start with { Pboc = Start with { InclusiveBalance = 10_000_000m } };
        var now = Start with { InclusiveBalance = 20_000_000m + Plan, Pboc = Start with { InclusiveBalance = 10_000_000m + Plan - 0.01m } };
        var history = new HistoryBuilder().With("2022-12", pbocStart).WithPlan(2023, Plan).At("2023-12", now);

        using (new AssertionScope())
        {
            Rule.Evaluate(history).Outcome.Should().Be(RuleOutcome.Pass);
            Rule.Evaluate(history.In(StatisticalScope.Pboc)!).Outcome.Should().Be(RuleOutcome.Breach);
        }
    }

    private static SnapshotHistory June(decimal increase) => At("2023-06", increase, Plan);

    private static SnapshotHistory December(decimal increase) => At("2023-12", increase, Plan);

    private static SnapshotHistory At(string period, decimal increase, decimal plan) =>
        new HistoryBuilder().With("2022-12", Start).WithPlan(2023, plan)
            .At(period, Start with { InclusiveBalance = Start.InclusiveBalance + increase });
}
