using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Engine.Tests.Analytics;

/// <summary>
/// A target's progress (analytics.md, "Regional targets") against figures worked by hand: ratios of sums over the
/// population, a non-filer left out and counted in the coverage, each loan counted once (a branch within a summed
/// ancestor's ledger counted consolidated), a versus target read in the PBoC 口径, the projection value(m) × 12 / m,
/// every status, and a part of a region's contribution.
/// </summary>
public sealed class TargetProgressTests
{
    // 1411: a local bank that files (L1), a local one that filed only December 2021 (L2), a branch of a national bank
    // (N1), a local one reporting from 2022-07 that never files (LATE); and one outside the jurisdiction (X1).
    private static readonly TargetMember[] Members =
    [
        new("L1", "141102", "rural", true, new YearMonth(2021, 1)),
        new("L2", "141103", "village", true, new YearMonth(2021, 1)),
        new("N1", "141104", "large_state", false, new YearMonth(2021, 1)),
        new("LATE", "141105", "rural", true, new YearMonth(2022, 7)),
        new("X1", "370102", "rural", true, new YearMonth(2021, 1)),
    ];

    private readonly Dictionary<(string, YearMonth), IndicatorSnapshot> _snapshots = [];

    [SetUp]
    public void Forget() => _snapshots.Clear();

    private void File(string code, int year, int month, object cbirc, object? pboc = null)
    {
        var values = Values(cbirc);
        var pbocValues = pboc is null ? values : Values(pboc);
        _snapshots[(code, new YearMonth(year, month))] = Indicator.Snapshot(
            i => Boxed(i, values), i => pbocValues.ContainsKey(i.JsonName) ? Boxed(i, pbocValues) : Boxed(i, values));
    }

    private static Dictionary<string, decimal> Values(object values) =>
        values.GetType().GetProperties().ToDictionary(p => p.Name, p => Convert.ToDecimal(p.GetValue(values), System.Globalization.CultureInfo.InvariantCulture));

    private static object Boxed(Indicator indicator, Dictionary<string, decimal> values)
    {
        return Convert.ChangeType(values.GetValueOrDefault(indicator.JsonName), Nullable.GetUnderlyingType(indicator.Type) ?? indicator.Type, System.Globalization.CultureInfo.InvariantCulture);
    }

    private Func<string, YearMonth, IndicatorRead, decimal?> Figures() => TargetProgress.FiguresOf((code, period) => _snapshots.GetValueOrDefault((code, period)));

    private TargetProgressResult Progress(TargetSpec target) => TargetProgress.Of(target, 2022, Members, Figures());

    private static TargetSpec Target(string measure, string op, decimal? value, TargetVersus? versus = null, TargetPopulation? population = null, StatisticalScope? scope = null) =>
        new(new LocalizedText("目标", "Target"), null, "1411", 2022, population ?? new TargetPopulation(), TargetMeasure.Parse(measure, out _)!, op, value, versus, scope);

    private static decimal? Rounded(decimal? value, int decimals) => value is { } v ? Math.Round(v, decimals, MidpointRounding.AwayFromZero) : null;

    [Test]
    public void GrowthTarget_RatioOfSums_NonFilerInCoverage_ProjectedFromTheLatestMonth()
    {
        File("L1", 2021, 12, new { totalBalance = 1000 });
        File("L1", 2022, 1, new { totalBalance = 1050 });
        File("L1", 2022, 2, new { totalBalance = 1100 });
        File("L1", 2022, 3, new { totalBalance = 1200 });
        File("L2", 2021, 12, new { totalBalance = 500 });
        File("N1", 2021, 12, new { totalBalance = 2000 });
        File("N1", 2022, 1, new { totalBalance = 2100 });
        File("N1", 2022, 2, new { totalBalance = 2100 });
        File("N1", 2022, 3, new { totalBalance = 2150 });
        File("X1", 2021, 12, new { totalBalance = 1 });
        File("X1", 2022, 3, new { totalBalance = 1000 });

        var progress = Progress(Target("growthPct(totalBalance)", ">=", 10));

        var months = progress.Months;
        months.Select(m => m.Period.Month).Should().Equal(Enumerable.Range(1, 12));
        months[0].Value.Should().Be(5m, "(3,150 − 3,000) / 3,000 × 100: L1 and N1; L2 lacks January");
        months[0].Coverage.Should().Be(new TargetCoverage(2, 3));
        months[0].Threshold.Should().Be(10m);
        months[0].Met.Should().BeFalse();
        Rounded(months[1].Value, 4).Should().Be(6.6667m, "(3,200 − 3,000) / 3,000 × 100");
        Rounded(months[2].Value, 4).Should().Be(11.6667m, "(3,350 − 3,000) / 3,000 × 100");
        months[2].Met.Should().BeTrue();
        months[3].Value.Should().BeNull();
        months[3].Met.Should().BeNull();
        months[3].Coverage.Should().Be(new TargetCoverage(0, 3));
        months[6].Coverage.Should().Be(new TargetCoverage(0, 4), "LATE reports from July");
        progress.Projection!.Period.Should().Be(new YearMonth(2022, 12));
        Rounded(progress.Projection.Value, 4).Should().Be(46.6667m, "11.6667 × 12 / 3, unrounded before: 35/3 × 4");
        progress.Projection.Threshold.Should().Be(10m);
        progress.Projection.Met.Should().BeTrue();
        progress.Status.Should().Be(ProgressStatus.OnTrack);
    }

    [Test]
    public void VersusTarget_ThresholdIsTheOtherPopulationsMeasure_InTheTargetsScope_ProjectedAlike()
    {
        // PBoC 口径 figures differ from CBIRC's: the target reads PBoC's.
        File("L1", 2021, 12, new { inclusiveBalance = 300 }, new { inclusiveBalance = 100 });
        File("L1", 2022, 1, new { inclusiveBalance = 300 }, new { inclusiveBalance = 120 });
        File("L1", 2022, 2, new { inclusiveBalance = 300 }, new { inclusiveBalance = 110 });
        File("L2", 2021, 12, new { inclusiveBalance = 50 }, new { inclusiveBalance = 50 });
        File("N1", 2021, 12, new { inclusiveBalance = 900 }, new { inclusiveBalance = 1000 });
        File("N1", 2022, 1, new { inclusiveBalance = 900 }, new { inclusiveBalance = 1100 });
        File("N1", 2022, 2, new { inclusiveBalance = 900 }, new { inclusiveBalance = 1150 });

        var target = Target("growthPct(inclusiveBalance)", ">", null,
            new TargetVersus(new TargetPopulation(["large_state", "joint_stock"]), TargetMeasure.Parse("growthPct(inclusiveBalance)", out _)!),
            new TargetPopulation(LocalLegalPerson: true), StatisticalScope.Pboc);
        var progress = Progress(target);

        progress.Months[0].Value.Should().Be(20m, "L1 alone: (120 − 100) / 100 × 100");
        progress.Months[0].Coverage.Should().Be(new TargetCoverage(1, 2), "L2 filed no January");
        progress.Months[0].Threshold.Should().Be(10m, "N1: (1,100 − 1,000) / 1,000 × 100");
        progress.Months[0].VersusCoverage.Should().Be(new TargetCoverage(1, 1));
        progress.Months[0].Met.Should().BeTrue();
        progress.Months[1].Value.Should().Be(10m);
        progress.Months[1].Threshold.Should().Be(15m);
        progress.Months[1].Met.Should().BeFalse();
        progress.Projection.Should().Be(new ProgressProjection(new YearMonth(2022, 12), 60m, 90m, false), "10 × 12 / 2 against 15 × 12 / 2");
        progress.Status.Should().Be(ProgressStatus.AtRisk);
    }

    [TestCase(1200, ProgressStatus.OnTrack)]
    [TestCase(1201, ProgressStatus.AtRisk)]
    public void CumulativeTarget_DecemberIncomplete_TheProjectionDecides(int goal, ProgressStatus status)
    {
        for (var month = 1; month <= 12; month++)
        {
            File("L1", 2022, month, new { newInclusiveAmount = 1 }, new { newInclusiveAmount = 100 });
            if (month != 6)
            {
                File("N1", 2022, month, new { newInclusiveAmount = 50 });
            }
        }

        var progress = Progress(Target("cumulative(newInclusiveAmount)", ">=", goal, population: new TargetPopulation(LocalLegalPerson: true), scope: StatisticalScope.Pboc));

        progress.Months[4].Value.Should().Be(500m, "January to May in the PBoC 口径");
        progress.Months[11].Value.Should().Be(1200m);
        progress.Months[11].Coverage.Should().Be(new TargetCoverage(1, 3), "L2 and LATE filed nothing");
        progress.Projection!.Value.Should().Be(1200m, "1,200 × 12 / 12");
        progress.Status.Should().Be(status, "December's coverage is not complete: L2 and LATE filed nothing");
    }

    [TestCase(3000, ProgressStatus.Met)]
    [TestCase(3001, ProgressStatus.Missed)]
    public void DecemberComplete_MetOrMissed(int goal, ProgressStatus status)
    {
        File("L1", 2021, 12, new { totalBalance = 1000 });
        File("L1", 2022, 12, new { totalBalance = 2000 });
        File("L2", 2021, 12, new { totalBalance = 500 });
        File("L2", 2022, 12, new { totalBalance = 2500 });
        var target = Target("increase(totalBalance)", ">=", goal, population: new TargetPopulation(LocalLegalPerson: true));

        var progress = TargetProgress.Of(target, 2022, [.. Members.Where(m => m.Code != "LATE")], Figures());

        progress.Months[11].Value.Should().Be(3000m, "(2,000 + 2,500) − (1,000 + 500)");
        progress.Months[11].Coverage.Should().Be(new TargetCoverage(2, 2));
        progress.Status.Should().Be(status);
        progress.Extent.Should().Be(ProgressExtent.Full);
        progress.Jurisdiction.Should().Be("1411");
    }

    [Test]
    public void ABranchInsideItsParentsLedger_IsCountedConsolidated_WhereTheParentIsSummed()
    {
        // P (provincial, 14) holds B1's and B2's loans; B2 sits under B1. In 1411 P is outside: B1 is summed, B2 is in B1's ledger.
        TargetMember[] members =
        [
            new("P", "140105", "large_state", false, new YearMonth(2021, 1)),
            new("B1", "141102", "large_state", false, new YearMonth(2021, 1)) { Ancestors = ["P"] },
            new("B2", "141103", "large_state", false, new YearMonth(2021, 1)) { Ancestors = ["B1", "P"] },
            new("L1", "141104", "rural", true, new YearMonth(2021, 1)),
        ];
        File("P", 2021, 12, new { totalBalance = 10_000 });
        File("P", 2022, 1, new { totalBalance = 11_000 });
        File("B1", 2021, 12, new { totalBalance = 3_000 });
        File("B1", 2022, 1, new { totalBalance = 3_600 });
        File("B2", 2021, 12, new { totalBalance = 1_000 });
        File("B2", 2022, 1, new { totalBalance = 1_100 });
        File("L1", 2021, 12, new { totalBalance = 500 });
        File("L1", 2022, 1, new { totalBalance = 800 });
        var measure = TargetMeasure.Parse("increase(totalBalance)", out _)!;

        var shanxi = TargetProgress.Measure(measure, null, "14", new TargetPopulation(), new YearMonth(2022, 1), members, Figures());
        var luliang = TargetProgress.Measure(measure, null, "1411", new TargetPopulation(), new YearMonth(2022, 1), members, Figures());
        var locals = TargetProgress.Measure(measure, null, "14", new TargetPopulation(LocalLegalPerson: false), new YearMonth(2022, 1), members, Figures());

        shanxi.Value.Should().Be(1_300m, "P's 1,000 and L1's 300; B1 and B2 are in P's ledger");
        shanxi.Coverage.Should().Be(new TargetCoverage(2, 4, 2));
        luliang.Value.Should().Be(900m, "B1's 600 (its ledger holds B2's) and L1's 300");
        luliang.Coverage.Should().Be(new TargetCoverage(2, 3, 1));
        locals.Coverage.Should().Be(new TargetCoverage(1, 3, 2), "the same trees within a population of categories");
    }

    [Test]
    public void ABranchWhoseParentLacksASnapshot_IsSummedInstead_AndOneLackingItsOwnUnderASummedParentIsConsolidated()
    {
        TargetMember[] members =
        [
            new("P", "141101", "large_state", false, new YearMonth(2021, 1)),
            new("B1", "141102", "large_state", false, new YearMonth(2021, 1)) { Ancestors = ["P"] },
            new("Q", "141103", "joint_stock", false, new YearMonth(2021, 1)),
            new("C1", "141104", "joint_stock", false, new YearMonth(2021, 1)) { Ancestors = ["Q"] },
        ];
        File("P", 2021, 12, new { totalBalance = 10_000 });
        File("B1", 2021, 12, new { totalBalance = 3_000 });
        File("B1", 2022, 1, new { totalBalance = 3_600 });
        File("Q", 2021, 12, new { totalBalance = 5_000 });
        File("Q", 2022, 1, new { totalBalance = 5_500 });

        var figure = TargetProgress.Measure(
            TargetMeasure.Parse("increase(totalBalance)", out _)!, null, "1411", new TargetPopulation(), new YearMonth(2022, 1), members, Figures());

        figure.Value.Should().Be(1_100m, "B1's 600, its parent lacking January; Q's 500, whose ledger holds C1's");
        figure.Coverage.Should().Be(new TargetCoverage(2, 4, 1), "P lacks a snapshot; C1 is within Q's ledger");
    }

    [Test]
    public void Contribution_ComputedOverThePart_ThresholdTheTargetsValue_NothingJudged()
    {
        File("L1", 2021, 12, new { totalBalance = 1000 });
        File("L1", 2022, 12, new { totalBalance = 1500 });
        File("N1", 2021, 12, new { totalBalance = 2000 });
        File("N1", 2022, 12, new { totalBalance = 2100 });

        var progress = TargetProgress.ContributionOf(Target("increase(totalBalance)", ">=", 100), 2022, "141102", Members, Figures());

        progress.Extent.Should().Be(ProgressExtent.Contribution);
        progress.Jurisdiction.Should().Be("141102");
        progress.Months[11].Value.Should().Be(500m, "L1 alone, the only member in 141102");
        progress.Months[11].Threshold.Should().Be(100m);
        progress.Months[11].Coverage.Should().Be(new TargetCoverage(1, 1));
        progress.Months.Should().OnlyContain(m => m.Met == null);
        progress.Projection.Should().Be(new ProgressProjection(new YearMonth(2022, 12), 500m, 100m, null));
        progress.Status.Should().BeNull();
    }

    [Test]
    public void Contribution_OfAVersusTarget_ComparesWithTheVersusMeasureOverThePart()
    {
        File("L1", 2021, 12, new { inclusiveBalance = 100 }, new { inclusiveBalance = 100 });
        File("L1", 2022, 1, new { inclusiveBalance = 130 }, new { inclusiveBalance = 130 });
        File("N1", 2021, 12, new { inclusiveBalance = 1000 }, new { inclusiveBalance = 1000 });
        File("N1", 2022, 1, new { inclusiveBalance = 1100 }, new { inclusiveBalance = 1100 });
        var target = Target("growthPct(inclusiveBalance)", ">", null,
            new TargetVersus(new TargetPopulation(["large_state"]), TargetMeasure.Parse("growthPct(inclusiveBalance)", out _)!),
            new TargetPopulation(LocalLegalPerson: true), StatisticalScope.Pboc);

        var part = TargetProgress.ContributionOf(target, 2022, "141102", Members, Figures());

        part.Months[0].Value.Should().Be(30m);
        part.Months[0].Threshold.Should().BeNull("no national bank in 141102");
        part.Months[0].VersusCoverage.Should().Be(new TargetCoverage(0, 0));
        part.Projection.Should().BeNull("no month has both figures");
        part.Status.Should().BeNull();
    }

    [Test]
    public void Contribution_OutsideTheTargetsJurisdiction_Refused()
    {
        var act = () => TargetProgress.ContributionOf(Target("increase(totalBalance)", ">=", 100), 2022, "3713", Members, Figures());

        act.Should().Throw<ArgumentException>();
    }

    [Test]
    public void AncestorsOf_FollowsEveryParent_AndStopsAtACycle()
    {
        var parents = new Dictionary<string, string> { ["C"] = "B", ["B"] = "A", ["X"] = "Y", ["Y"] = "X" };

        TargetMember.AncestorsOf("C", parents).Should().Equal("B", "A");
        TargetMember.AncestorsOf("A", parents).Should().BeEmpty();
        TargetMember.AncestorsOf("X", parents).Should().Equal("Y");
    }

    [Test]
    public void Cumulative_LeavesOutAnInstitutionLackingAnyMonth()
    {
        for (var month = 1; month <= 12; month++)
        {
            if (month != 6)
            {
                File("N1", 2022, month, new { newInclusiveAmount = 50 });
            }
        }

        var progress = Progress(Target("cumulative(newInclusiveAmount)", ">=", 0, population: new TargetPopulation(["large_state"]), scope: StatisticalScope.Cbirc));

        progress.Months[4].Value.Should().Be(250m);
        progress.Months[5].Value.Should().BeNull("N1 lacks June, so every month from June");
        progress.Months[11].Coverage.Should().Be(new TargetCoverage(0, 1));
        progress.Projection!.Period.Should().Be(new YearMonth(2022, 12));
        progress.Projection.Value.Should().Be(600m, "May is the latest month with data: 250 × 12 / 5");
    }

    [TestCase("increase(operatingBalance)", 400.25)]
    [TestCase("change(inclusiveBorrowers)", 2)]
    [TestCase("shareChangePp(inclusiveCreditBalance, inclusiveBalance)", 10)]
    public void OtherMeasures_OfJanuary(string measure, decimal expected)
    {
        File("L1", 2021, 12, new { operatingBalance = 1000.25m, inclusiveBorrowers = 10, inclusiveCreditBalance = 20, inclusiveBalance = 100 });
        File("L1", 2022, 1, new { operatingBalance = 1500.5m, inclusiveBorrowers = 13, inclusiveCreditBalance = 30, inclusiveBalance = 120 });
        File("N1", 2021, 12, new { operatingBalance = 200, inclusiveBorrowers = 5, inclusiveCreditBalance = 0, inclusiveBalance = 100 });
        File("N1", 2022, 1, new { operatingBalance = 100, inclusiveBorrowers = 4, inclusiveCreditBalance = 10, inclusiveBalance = 80 });

        var progress = Progress(Target(measure, ">", 0, scope: StatisticalScope.Cbirc));

        progress.Months[0].Value.Should().Be(expected, "1,600.50 − 1,200.25; 17 − 15; 40/200 − 20/200 in pp");
        progress.Months[0].Coverage.Should().Be(new TargetCoverage(2, 3));
    }

    [Test]
    public void GrowthOfAZeroBase_IsNull()
    {
        File("L1", 2021, 12, new { totalBalance = 0 });
        File("L1", 2022, 1, new { totalBalance = 100 });

        var progress = Progress(Target("growthPct(totalBalance)", ">=", 10));

        progress.Months[0].Value.Should().BeNull();
        progress.Months[0].Coverage.Should().Be(new TargetCoverage(1, 3));
        progress.Status.Should().Be(ProgressStatus.NoData);
    }

    [Test]
    public void NoSnapshots_NoData()
    {
        var progress = Progress(Target("growthPct(totalBalance)", ">=", 10));

        progress.Months.Should().OnlyContain(m => m.Value == null && m.Met == null && m.Coverage.Included == 0);
        progress.Projection.Should().BeNull();
        progress.Status.Should().Be(ProgressStatus.NoData);
    }
}
