using System.Text.Json;
using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using Compliance.Engine.Tests.Rules;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Engine.Tests.Analytics;

/// <summary>Headroom and projection (analytics.md): each rule's figure against its threshold, oriented so that positive is room.</summary>
public sealed class HeadroomTests
{
    private static readonly IndicatorSnapshot Start = new()
    {
        TotalBalance = 10_000m,
        TotalNplBalance = 200m,
        InclusiveBalance = 1_000m,
        InclusiveNplBalance = 20m,
        InclusiveCreditBalance = 300m,
        InclusiveBorrowers = 100,
        NewInclusiveAmount = 100m,
        NewInclusiveRateWeight = 400m,
        IndividualBusinessBalance = 100m,
        IndividualBusinessBorrowers = 10,
        OperatingBalance = 500m,
    };

    [Test]
    public void Rules_FigureAboveItsFloor_HavePositiveMargins_AndCeilingsCountDownwards()
    {
        var now = Start with
        {
            TotalBalance = 10_500m, TotalNplBalance = 210m, InclusiveBalance = 1_100m, InclusiveCreditBalance = 346.5m, InclusiveNplBalance = 55m,
            InclusiveBorrowers = 97, IndividualBusinessBalance = 120m, IndividualBusinessBorrowers = 9,
        };
        var history = new HistoryBuilder().With("2022-12", Start).At("2023-06", now);

        var growth = new InclusiveGrowthRule(GrowthBasis.Ytd, 12).Evaluate(history).Headroom.Single();
        var credit = new CreditShareRule(1m, 12).Evaluate(history).Headroom.Single();
        var npl = new NplToleranceRule(3m).Evaluate(history).Headroom.Single();
        var borrowers = new InclusiveBorrowersRule(12).Evaluate(history).Headroom.Single();
        var individual = new IndividualBusinessRule(12).Evaluate(history).Headroom;

        using (new AssertionScope())
        {
            // Inclusive growth 10 % against total growth 5 %: 5 pp of room.
            growth.Should().Be(new HeadroomFigure(null, 10m, 5m, HeadroomUnit.Pp));
            growth.Margin.Should().Be(5m);
            // Credit share 31.5 % against 30 % at the start: +1.5 pp against +1 pp.
            credit.Margin.Should().Be(0.5m);
            // Inclusive NPL 5 % against 2 %: a gap of 3 pp at a tolerance of 3 pp leaves nothing; a ceiling counts threshold − figure.
            npl.Figure.Should().Be(3m);
            npl.Margin.Should().Be(0m);
            borrowers.Should().Be(new HeadroomFigure(null, 97m, 100m, HeadroomUnit.Count));
            borrowers.Margin.Should().Be(-3m);
            individual.Select(f => (f.Part, f.Unit, f.Margin)).Should().Equal(("balance", HeadroomUnit.Yuan, 20m), ("borrowers", HeadroomUnit.Count, -1m));
        }
    }

    [Test]
    public void NewLoanRate_RateBelowLastYear_HasRoom()
    {
        var history = new HistoryBuilder()
            .WithMonths(2022, 12, Start with { NewInclusiveAmount = 100m, NewInclusiveRateWeight = 500m })
            .WithMonths(2023, 1, Start)
            .At("2023-02", Start);

        var result = new NewLoanRateRule(12).Evaluate(history);

        result.Outcome.Should().Be(RuleOutcome.Pass);
        result.Headroom.Single().Should().Be(new HeadroomFigure(null, 4m, 5m, HeadroomUnit.Pp, AtMost: true));
        result.Headroom.Single().Margin.Should().Be(1m);
    }

    [Test]
    public void OperatingLoans_GrowthSkipped_LeavesTheIncrementAlone()
    {
        var history = new HistoryBuilder()
            .With("2021-12", Start with { OperatingBalance = 0m })
            .With("2022-06", Start with { OperatingBalance = 0m })
            .With("2022-12", Start with { OperatingBalance = 100m })
            .At("2023-06", Start with { OperatingBalance = 250m });

        var result = new OperatingLoansRule(12).Evaluate(history);

        result.Headroom.Should().Equal(new HeadroomFigure("increment", 150m, 0m, HeadroomUnit.Yuan));
    }

    [Test]
    public void FirstLoanShare_BeforeTheAssessmentMonth_IsNotApplicable_ButCarriesItsYearToDateFigure()
    {
        var history = new HistoryBuilder()
            .WithMonths(2022, 12, Start with { NewFirstLoanBorrowers = 1 })
            .WithMonths(2023, 2, Start with { NewFirstLoanBorrowers = 5 })
            .At("2023-03", Start with { NewFirstLoanBorrowers = 5 });

        var result = new FirstLoanShareRule(1m, 12).Evaluate(history);

        // 15 of 100 this year against 12 of 100 last year: +3 pp against +1 pp.
        result.Outcome.Should().Be(RuleOutcome.NotApplicable);
        result.Headroom.Single().Margin.Should().Be(2m);
    }

    [Test]
    public void AtMonth_ThreePoints_IsTheLeastSquaresLineAtDecember()
    {
        // Mean month 2, mean value 2; Sxy = 1, Sxx = 2, slope 0.5: 2 + 0.5 × (12 − 2) = 7.
        var value = Headroom.AtMonth([(1, 1m), (2, 3m), (3, 2m)], 12);

        value.Should().Be(7m);
    }

    [Test]
    public void Of_TwoMonthsOfCreditShare_ProjectsTheFigureAndKeepsAFixedThreshold()
    {
        var sets = new[] { Set("national", "", StatisticalScope.Cbirc, ("CREDIT_SHARE", 1m), ("BASELINE_MISSING", null)) };
        var snapshots = new[]
        {
            HistoryBuilder.Stored("2022-12", Start),
            HistoryBuilder.Stored("2023-01", Start with { InclusiveCreditBalance = 302m }),
            HistoryBuilder.Stored("2023-02", Start with { InclusiveCreditBalance = 305m }),
        };

        var items = Headroom.Of(sets, HistoryBuilder.Institution, HistoryBuilder.LegalPerson("371302"), new YearMonth(2023, 2), snapshots, new Dictionary<int, decimal>());

        // +0.2 pp in January, +0.5 pp in February: slope 0.3, so 0.5 + 0.3 × 10 = 3.5 pp in December, 2.5 pp above +1 pp.
        using (new AssertionScope())
        {
            items.Should().HaveCount(2);
            items[0].Should().BeEquivalentTo(new { RuleSet = "national", Rule = "CREDIT_SHARE", Part = (string?)null, Outcome = RuleOutcome.Warning, Figure = 0.5m, Threshold = 1m, Margin = -0.5m, Unit = HeadroomUnit.Pp });
            items[0].Projection.Should().Be(new HeadroomProjection(new YearMonth(2023, 12), 3.5m, 2.5m));
            items[1].Should().BeEquivalentTo(new { Rule = "BASELINE_MISSING", Outcome = RuleOutcome.Pass, Figure = (decimal?)null, Margin = (decimal?)null, Projection = (HeadroomProjection?)null });
        }
    }

    [Test]
    public void Of_BaselineMissing_HasNoFigures_AndOneMonthNoProjection()
    {
        var sets = new[] { Set("national", "", StatisticalScope.Cbirc, ("CREDIT_SHARE", 1m), ("NPL_TOLERANCE", 3m)) };

        var items = Headroom.Of(sets, HistoryBuilder.Institution, HistoryBuilder.LegalPerson("371302"), new YearMonth(2023, 1), [HistoryBuilder.Stored("2023-01", Start)], new Dictionary<int, decimal>());

        using (new AssertionScope())
        {
            items[0].Should().BeEquivalentTo(new { Rule = "CREDIT_SHARE", Outcome = RuleOutcome.BaselineMissing, Figure = (decimal?)null, Threshold = (decimal?)null, Unit = (HeadroomUnit?)null });
            items[1].Margin.Should().Be(3m);
            items[1].Projection.Should().BeNull();
        }
    }

    [Test]
    public void Tightest_ShandongBank_NamesItsPbocSetFigure_WhenThatIsTheSmallestMargin()
    {
        // The national set asks the CBIRC credit share only to keep rising; Shandong's asks +1 pp of the PBoC 口径, where it rose 0.4 pp.
        var start = Start with { Pboc = Start };
        var now = Start with { InclusiveCreditBalance = 320m, Pboc = Start with { InclusiveCreditBalance = 304m } };
        var sets = new[]
        {
            Set("shandong", "37", StatisticalScope.Pboc, ("CREDIT_SHARE", 1m)),
            Set("national", "", StatisticalScope.Cbirc, ("CREDIT_SHARE", 0m), ("NPL_TOLERANCE", 3m)),
        };
        var history = new HistoryBuilder().With("2022-12", start).At("2023-06", now);

        var tightest = Headroom.Tightest(Headroom.Of(RuleEvaluation.Of(sets, HistoryBuilder.LegalPerson("371302"), history)));

        tightest.Should().BeEquivalentTo(new { RuleSet = "shandong", Rule = "CREDIT_SHARE", Figure = 0.4m, Threshold = 1m, Margin = -0.6m });
    }

    [Test]
    public void Tightest_PpBeforeYuan_AndEqualMarginsGoToTheEarlierSet()
    {
        HeadroomItem Item(string set, string rule, decimal margin, HeadroomUnit unit) => new(set, rule, null, RuleOutcome.Pass, margin, 0m, margin, unit);
        var items = new[]
        {
            Item("national", "INCREMENT_VS_LAST_YEAR", -500m, HeadroomUnit.Yuan),
            Item("national", "CREDIT_SHARE", 2m, HeadroomUnit.Pp),
            Item("shandong", "CREDIT_SHARE", 2m, HeadroomUnit.Pp),
        };

        var tightest = Headroom.Tightest(items);

        tightest.Should().BeSameAs(items[1]);
    }

    private static RuleSet Set(string id, string jurisdiction, StatisticalScope scope, params (string Rule, decimal? Parameter)[] rules) =>
        new(id, 1, new RuleSetSpec(jurisdiction, new YearRange(2022, null), [.. rules.Select(r => new RuleSpec(r.Rule, Parameters(r.Rule, r.Parameter)))]) { Scope = scope });

    private static Dictionary<string, JsonElement>? Parameters(string rule, decimal? value) => (rule, value) switch
    {
        ("CREDIT_SHARE", { } v) => new() { ["minIncreasePp"] = JsonSerializer.SerializeToElement(v) },
        ("NPL_TOLERANCE", { } v) => new() { ["tolerancePp"] = JsonSerializer.SerializeToElement(v) },
        _ => null,
    };
}
