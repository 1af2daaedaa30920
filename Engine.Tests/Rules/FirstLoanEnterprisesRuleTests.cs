using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>新增小微企业法人首贷户高于上年: firstLoanEnterprisesYtd &gt; last year's of the same months, strictly.</summary>
public sealed class FirstLoanEnterprisesRuleTests
{
    [TestCase(3, 3, RuleOutcome.Warning)]
    [TestCase(4, 3, RuleOutcome.Pass)]
    [TestCase(2, 3, RuleOutcome.Warning)]
    [TestCase(0, 0, RuleOutcome.Warning)]
    [TestCase(1, 0, RuleOutcome.Pass)]
    public void Evaluate_ThisYearAgainstLastYearsSameMonths_HoldsOnlyAbove(long thisYear, long lastYear, RuleOutcome expected)
    {
        var history = Months(lastYear, thisYear).At("2024-06", Enterprises(0));

        var result = new FirstLoanEnterprisesRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [TestCase("2024-03", Severity.Warning)]
    [TestCase("2024-12", Severity.Breach)]
    public void Evaluate_FailingInAMonth_IsWarningBeforeTheAssessmentMonthAndBreachInIt(string period, Severity expected)
    {
        var history = Months(3, 3).At(period, Enterprises(0));

        var result = new FirstLoanEnterprisesRule(12).Evaluate(history);

        result.Finding!.Severity.Should().Be(expected);
    }

    [Test]
    public void Evaluate_LastYearsLaterMonths_AreNotCounted()
    {
        // Last year's September comes after the period's month: the year-to-date figures compare the same months.
        var history = Months(3, 4).With("2023-09", Enterprises(100)).At("2024-06", Enterprises(0));

        var result = new FirstLoanEnterprisesRule(12).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.Pass);
    }

    [Test]
    public void Evaluate_Failing_WritesBothYearToDateCountsAndBothYearsMonths()
    {
        var history = Months(3, 2).At("2024-06", Enterprises(1));

        var result = new FirstLoanEnterprisesRule(12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Finding!.Rule.Should().Be("FIRST_LOAN_ENTERPRISES");
            result.Finding.Figures.Should().Equal(new Dictionary<string, object>
            {
                ["firstLoanEnterprisesYtd"] = 3L,
                ["lastYearYtd"] = 3L,
            });
            result.Finding.Baselines.Keys.Should().Equal("ytdMonths");
            result.Finding.Baselines["ytdMonths"].Should().BeAssignableTo<IEnumerable<BaselineRef>>()
                .Which.Should().Equal(HistoryBuilder.Refs("2023-01", "2023-06").Concat(HistoryBuilder.Refs("2024-01", "2024-06")));
            result.Finding.Message.Zh.Should().Contain("3 户").And.Contain("高于上年");
            result.Headroom.Should().Equal(new HeadroomFigure(null, 3m, 3m, HeadroomUnit.Count));
            result.Headroom[0].Margin.Should().Be(0m, "a margin of 0 fails a strict condition");
        }
    }

    [Test]
    public void Evaluate_AMonthMissingInEitherYear_IsBaselineMissingNamingIt()
    {
        var history = Months(3, 4).Without("2023-02").Without("2024-05").At("2024-06", Enterprises(0));

        var result = new FirstLoanEnterprisesRule(12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2023-02"), HistoryBuilder.Period("2024-05"));
        }
    }

    [Test]
    public void Evaluate_AMonthStoredBeforeTheIndicator_IsMissingUntilRecomputed()
    {
        var history = Months(3, 4).With("2023-04", new IndicatorSnapshot { NewFirstLoanEnterprises = null, TotalBalance = 1_000m })
            .At("2024-06", Enterprises(0));

        var result = new FirstLoanEnterprisesRule(12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2023-04"));
        }
    }

    [Test]
    public void Evaluate_TheCurrentSnapshotStoredBeforeTheIndicator_IsMissing()
    {
        var history = Months(3, 4).At("2024-06", new IndicatorSnapshot { TotalBalance = 1_000m });

        var result = new FirstLoanEnterprisesRule(12).Evaluate(history);

        result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2024-06"));
    }

    [Test]
    public void Evaluate_InASetOfEitherScope_ReadsTheSameFigure()
    {
        var history = Months(3, 3).At("2024-06", Enterprises(0));
        var rules = new[] { new RuleSpec("FIRST_LOAN_ENTERPRISES", null) };

        var cbirc = new RuleSet("c", 1, new RuleSetSpec("", new YearRange(2000, null), rules)).Evaluate(history, HistoryBuilder.LegalPerson());
        var pboc = new RuleSet("p", 1, new RuleSetSpec("", new YearRange(2000, null), rules) { Scope = StatisticalScope.Pboc }).Evaluate(history, HistoryBuilder.LegalPerson());

        using (new AssertionScope())
        {
            cbirc.Single().Outcome.Should().Be(RuleOutcome.Warning);
            pboc.Single().Outcome.Should().Be(RuleOutcome.Warning);
            pboc.Single().Finding!.Figures.Should().Equal(cbirc.Single().Finding!.Figures);
        }
    }

    /// <summary>
    /// Every month of 2023 and January to May of 2024 with no new first-loan enterprise, but
    /// <paramref name="lastYear"/> in 2023-03 and <paramref name="thisYear"/> in 2024-02.
    /// </summary>
    private static HistoryBuilder Months(long lastYear, long thisYear) => new HistoryBuilder()
        .WithMonths(2023, 12, Enterprises(0)).WithMonths(2024, 11, Enterprises(0))
        .With("2023-03", Enterprises(lastYear)).With("2024-02", Enterprises(thisYear));

    // Both 口径 carry the figure, as a snapshot of today's ingest does.
    private static IndicatorSnapshot Enterprises(long count)
    {
        var snapshot = new IndicatorSnapshot { NewFirstLoanEnterprises = count, TotalBalance = 1_000m, InclusiveBalance = 100m };
        return snapshot with { Pboc = snapshot };
    }
}
