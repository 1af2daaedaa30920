using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;

namespace Compliance.Engine.Tests.Analytics;

/// <summary>Peers and ranking (analytics.md): the measures from two snapshots, a group's quartiles and a member's percentile.</summary>
public sealed class PeersTests
{
    private static readonly IndicatorSnapshot December = new()
    {
        TotalBalance = 10_000m, TotalNplBalance = 200m, InclusiveBalance = 1_000m, InclusiveNplBalance = 20m, InclusiveCreditBalance = 300m, InclusiveBorrowers = 100,
    };

    private static readonly IndicatorSnapshot Now = new()
    {
        TotalBalance = 11_000m, TotalNplBalance = 110m, InclusiveBalance = 1_250m, InclusiveNplBalance = 50m, InclusiveCreditBalance = 500m, InclusiveBorrowers = 130,
    };

    [TestCase("inclusiveGrowthYtd", "25")]
    [TestCase("totalGrowthYtd", "10")]
    [TestCase("growthGapPp", "15")]
    [TestCase("inclusiveNplRatio", "4")]
    [TestCase("nplGapPp", "3")]
    [TestCase("creditShare", "40")]
    [TestCase("creditShareChangePp", "10")]
    [TestCase("inclusiveBorrowersChange", "30")]
    public void Measure_FromThePeriodAndTheDecemberBefore(string measure, string expected) =>
        Peers.Of(measure, Now, December).Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [TestCase("inclusiveGrowthYtd", null)]
    [TestCase("growthGapPp", null)]
    [TestCase("creditShareChangePp", null)]
    [TestCase("inclusiveBorrowersChange", null)]
    [TestCase("inclusiveNplRatio", "4")]
    [TestCase("creditShare", "40")]
    public void Measure_WithoutTheDecember_IsUndefinedUnlessItReadsOnlyThePeriod(string measure, string? expected) =>
        Peers.Of(measure, Now, null).Should().Be(expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Test]
    public void Growth_OfAZeroBase_IsUndefined()
    {
        var empty = new IndicatorSnapshot();

        Peers.Of("totalGrowthYtd", Now, empty).Should().BeNull();
        Peers.Of("inclusiveNplRatio", empty, December).Should().BeNull();
    }

    [Test]
    public void Quartiles_OfOneToTen_AreNumpysInclusiveInterpolation() =>
        Peers.FiguresOf([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]).Should().Be(new PeerFigures(10, 1m, 3.25m, 5.5m, 7.75m, 10m));

    [Test]
    public void Quartiles_OfFiveValues_FallOnMembers() =>
        Peers.FiguresOf([7m, -2m, 40m, 3.5m, 12m]).Should().Be(new PeerFigures(5, -2m, 3.5m, 7m, 12m, 40m));

    [Test]
    public void Quartiles_OfOneValue_AreThatValue_AndOfNoneAreNothing()
    {
        Peers.FiguresOf([4.2m]).Should().Be(new PeerFigures(1, 4.2m, 4.2m, 4.2m, 4.2m, 4.2m));
        Peers.FiguresOf([]).Should().BeNull();
    }

    [TestCase("creditShare", 5, 56.25)] // worse: 1, 2, 3, 4, and half of the other 5: 4.5 of 8
    [TestCase("inclusiveNplRatio", 5, 43.75)] // lower is better, so worse: 6, 7, 8, and half of the other 5: 3.5 of 8
    [TestCase("creditShare", 1, 0)]
    [TestCase("creditShare", 8, 100)]
    [TestCase("inclusiveNplRatio", 1, 100)]
    public void Percentile_CountsWorseOthers_AndHalfOfEqualOnes(string measure, int value, double expected) =>
        Peers.Percentile(measure, value, [1m, 2m, 3m, 4m, 5m, 5m, 6m, 7m, 8m]).Should().Be((decimal)expected);

    [Test]
    public void Percentile_AllEqual_IsFifty_AndAlone_IsUndefined()
    {
        Peers.Percentile("creditShare", 3m, [3m, 3m, 3m]).Should().Be(50m);
        Peers.Percentile("creditShare", 3m, [3m]).Should().BeNull();
    }

    [Test]
    public void Rank_BestFirst_TiesByCodeOrdinal()
    {
        (string, decimal)[] values = [("b", 2m), ("a", 2m), ("C", 9m), ("d", 1m)];

        Peers.Rank("creditShare", values).Select(v => v.Code).Should().Equal("C", "a", "b", "d");
        Peers.Rank("nplGapPp", values).Select(v => v.Code).Should().Equal("d", "a", "b", "C");
    }
}
