using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>基期数据缺失: one warning per period naming every missing snapshot and the rules it blocked.</summary>
public sealed class BaselineMissingRuleTests
{
    private static readonly SnapshotHistory History = new HistoryBuilder().At("2024-06", new IndicatorSnapshot { InclusiveBalance = 1m, TotalBalance = 1m });

    [Test]
    public void Summarize_NothingMissing_Passes()
    {
        RuleResult[] results = [RuleResult.Pass("NPL_TOLERANCE"), RuleResult.NotApplicable("CREDIT_SHARE", "no inclusive loans")];

        var summary = BaselineMissingRule.Summarize(History, results);

        using (new AssertionScope())
        {
            summary.Rule.Should().Be("BASELINE_MISSING");
            summary.Outcome.Should().Be(RuleOutcome.Pass);
            summary.Finding.Should().BeNull();
        }
    }

    [Test]
    public void Summarize_RulesMissingBaselines_WarnsWithTheDistinctPeriodsInOrderAndTheBlockedRules()
    {
        RuleResult[] results =
        [
            RuleResult.Missing("NEW_LOAN_RATE", [HistoryBuilder.Period("2023-07"), HistoryBuilder.Period("2024-02")]),
            RuleResult.Pass("NPL_TOLERANCE"),
            RuleResult.Missing("INCLUSIVE_GROWTH", [HistoryBuilder.Period("2023-12")]),
            RuleResult.Missing("CREDIT_SHARE", [HistoryBuilder.Period("2023-12")]),
        ];

        var summary = BaselineMissingRule.Summarize(History, results);

        using (new AssertionScope())
        {
            summary.Outcome.Should().Be(RuleOutcome.Warning);
            summary.Finding!.Rule.Should().Be("BASELINE_MISSING");
            summary.Finding.Severity.Should().Be(Severity.Warning);
            summary.Finding.Figures.Keys.Should().BeEquivalentTo("missingPeriods", "missingPlans", "blockedRules");
            summary.Finding.Figures["missingPlans"].Should().BeAssignableTo<IEnumerable<string>>().Which.Should().BeEmpty();
            summary.Finding.Figures["missingPeriods"].Should().BeAssignableTo<IEnumerable<string>>()
                .Which.Should().Equal("2023-07", "2023-12", "2024-02");
            summary.Finding.Figures["blockedRules"].Should().BeAssignableTo<IEnumerable<string>>()
                .Which.Should().Equal("NEW_LOAN_RATE", "INCLUSIVE_GROWTH", "CREDIT_SHARE");
            summary.Finding.Baselines.Should().BeEmpty();
            summary.Finding.Message.Zh.Should().Contain("2024-06").And.Contain("2023-07").And.Contain("新发放普惠型小微企业贷款利率");
            summary.Finding.Message.En.Should().Contain("2024-06").And.Contain("2024-02").And.Contain("Credit-loan share");
        }
    }

    [Test]
    public void Summarize_MissingPeriodsAcrossYears_SortsChronologically()
    {
        RuleResult[] results =
        [
            RuleResult.Missing("NEW_LOAN_RATE", [HistoryBuilder.Period("2024-01")]),
            RuleResult.Missing("INCREMENT_VS_LAST_YEAR", [HistoryBuilder.Period("2022-12"), HistoryBuilder.Period("2023-06")]),
        ];

        var summary = BaselineMissingRule.Summarize(History, results);

        summary.Finding!.Figures["missingPeriods"].Should().BeAssignableTo<IEnumerable<string>>()
            .Which.Should().Equal("2022-12", "2023-06", "2024-01");
    }
}
