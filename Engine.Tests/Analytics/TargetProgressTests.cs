using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Engine.Tests.Analytics;

/// <summary>
/// A target's progress (analytics.md, "Regional targets") against figures worked by hand: ratios of sums over the
/// population, a non-filer left out and counted in the coverage, a versus target read in the PBoC 口径, the
/// projection value(m) × 12 / m, and every status.
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

    private TargetProgressResult Progress(TargetSpec target) => TargetProgress.Of(target, 2022, Members, TargetProgress.FiguresOf((code, period) => _snapshots.GetValueOrDefault((code, period))));

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

    [TestCase(1200, ProgressStatus.Met)]
    [TestCase(1201, ProgressStatus.AtRisk)]
    public void CumulativeTarget_DecemberDecides(int goal, ProgressStatus status)
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
        progress.Status.Should().Be(status, "once December has data, never onTrack");
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
