using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>新发放利率稳中有降: newInclusiveRateYtd ≤ last year's newInclusiveRateYtd at 12, Σ weight / Σ amount exactly.</summary>
public sealed class NewLoanRateRuleTests
{
    [TestCase("4000.00", RuleOutcome.Pass)]
    [TestCase("3999.97", RuleOutcome.Pass)]
    [TestCase("4000.03", RuleOutcome.Warning)]
    public void Evaluate_RateAroundLastYears_HoldsFromEquality(decimal marchWeight, RuleOutcome expected)
    {
        // 1,000 a month at 4 % all of last year; January and February at 4 %, and March's weight on 1,000.
        var history = LastYearAt4Percent().WithMonths(2024, 2, Lending(1_000m, 4_000m)).At("2024-03", Lending(1_000m, marchWeight));

        var result = new NewLoanRateRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_Failing_WritesBothRatesAndBothYearsMonths()
    {
        var history = LastYearAt4Percent().WithMonths(2024, 2, Lending(1_000m, 4_000m)).At("2024-03", Lending(1_000m, 4_000.03m));

        var finding = new NewLoanRateRule(12).Evaluate(history).Finding!;

        using (new AssertionScope())
        {
            finding.Rule.Should().Be("NEW_LOAN_RATE");
            finding.Severity.Should().Be(Severity.Warning);
            finding.Figures.Should().Equal(new Dictionary<string, object>
            {
                ["rateYtd"] = 4.00001m,
                ["lastYearRate"] = 4m,
                ["strict"] = false,
            });
            finding.Baselines.Keys.Should().Equal("ytdMonths");
            finding.Baselines["ytdMonths"].Should().BeAssignableTo<IEnumerable<BaselineRef>>()
                .Which.Should().Equal(HistoryBuilder.Refs("2023-01", "2024-03"));
        }
    }

    [Test]
    public void Evaluate_FailingInDecember_IsBreach()
    {
        var history = LastYearAt4Percent().WithMonths(2024, 11, Lending(1_000m, 4_000m)).At("2024-12", Lending(1_000m, 4_000.12m));

        var result = new NewLoanRateRule(12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Breach);
            result.Finding!.Figures["rateYtd"].Should().Be(4.00001m);
        }
    }

    [TestCase("11350.00", RuleOutcome.Pass)]
    [TestCase("11350.01", RuleOutcome.Warning)]
    [TestCase("11700", RuleOutcome.Warning)]
    public void Evaluate_RatesOfUnequalMonths_AreWeightedByAmountNotAveraged(decimal januaryWeight, RuleOutcome expected)
    {
        // Last year: 1,000 at 4.35 % and 2,000 at 3.5 %, a weighted 3.78333… % (the plain mean of the two months would be 3.925 %).
        var history = new HistoryBuilder()
            .WithMonths(2023, 12, Lending(0m, 0m))
            .With("2023-01", Lending(1_000m, 4_350m))
            .With("2023-02", Lending(2_000m, 7_000m))
            .At("2024-01", Lending(3_000m, januaryWeight));

        var result = new NewLoanRateRule(12).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_MonthsMissingInEitherYear_IsBaselineMissingNamingThem()
    {
        var history = LastYearAt4Percent().WithMonths(2024, 2, Lending(1_000m, 4_000m)).Without("2023-07").Without("2024-02").At("2024-03", Lending(1_000m, 4_000m));

        var result = new NewLoanRateRule(12).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.BaselineMissing);
            result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2023-07"), HistoryBuilder.Period("2024-02"));
        }
    }

    [Test]
    public void Evaluate_NoNewLendingThisYear_IsNotApplicable()
    {
        var history = LastYearAt4Percent().WithMonths(2024, 2, Lending(0m, 0m)).At("2024-03", Lending(0m, 0m));

        var result = new NewLoanRateRule(12).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.NotApplicable);
    }

    [Test]
    public void Evaluate_NoNewLendingLastYear_IsNotApplicable()
    {
        var history = new HistoryBuilder().WithMonths(2023, 12, Lending(0m, 0m)).WithMonths(2024, 2, Lending(1_000m, 9_000m)).At("2024-03", Lending(1_000m, 9_000m));

        var result = new NewLoanRateRule(12).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.NotApplicable);
    }

    [TestCase("4000.00", RuleOutcome.Warning)]
    [TestCase("3999.97", RuleOutcome.Pass)]
    [TestCase("4000.03", RuleOutcome.Warning)]
    public void Evaluate_Strict_HoldsOnlyBelowLastYearsRate(decimal marchWeight, RuleOutcome expected)
    {
        var history = LastYearAt4Percent().WithMonths(2024, 2, Lending(1_000m, 4_000m)).At("2024-03", Lending(1_000m, marchWeight));

        var result = new NewLoanRateRule(12, Strictness.AlwaysStrict).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Evaluate_UnchangedRate_FailsStrictlyAsBreachInDecember_AndPassesNotStrictly()
    {
        var history = LastYearAt4Percent().WithMonths(2024, 11, Lending(1_000m, 4_000m)).At("2024-12", Lending(1_000m, 4_000m));

        var strict = new NewLoanRateRule(12, Strictness.AlwaysStrict).Evaluate(history);
        var notStrict = new NewLoanRateRule(12, Strictness.NotStrict).Evaluate(history);

        using (new AssertionScope())
        {
            strict.Outcome.Should().Be(RuleOutcome.Breach);
            strict.Finding!.Figures.Should().Equal(new Dictionary<string, object>
            {
                ["rateYtd"] = 4m,
                ["lastYearRate"] = 4m,
                ["strict"] = true,
            });
            strict.Finding.Message.En.Should().Contain("not below last year's").And.Contain("it must fall");
            strict.Headroom.Single().Margin.Should().Be(0m);
            notStrict.Outcome.Should().Be(RuleOutcome.Pass);
        }
    }

    [Test]
    public void Evaluate_StrictUnroundedRateEqualToFourDecimals_StillFallsBelow()
    {
        // 3.99999… % shows as 4.0000 % but is below last year's 4 %.
        var history = LastYearAt4Percent().WithMonths(2024, 2, Lending(1_000m, 4_000m)).At("2024-03", Lending(1_000m, 3_999.99m));

        var result = new NewLoanRateRule(12, Strictness.AlwaysStrict).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.Pass);
    }

    [TestCase(2025, RuleOutcome.Pass)]
    [TestCase(2024, RuleOutcome.Warning)]
    public void Evaluate_StrictFromAYear_JudgesEarlierPeriodsNotStrictly(int fromYear, RuleOutcome expected)
    {
        var history = LastYearAt4Percent().WithMonths(2024, 2, Lending(1_000m, 4_000m)).At("2024-03", Lending(1_000m, 4_000m));

        var result = new NewLoanRateRule(12, Strictness.From(fromYear)).Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    private static HistoryBuilder LastYearAt4Percent() => new HistoryBuilder().WithMonths(2023, 12, Lending(1_000m, 4_000m));

    private static IndicatorSnapshot Lending(decimal amount, decimal weight) => new()
    {
        NewInclusiveAmount = amount,
        NewInclusiveRateWeight = weight,
        InclusiveBalance = 50_000m,
        TotalBalance = 500_000m,
    };
}
