using Compliance.Engine.Indicators;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Indicators;

/// <summary>The derived ratios of rules.md, in percent and unrounded, and undefined without a denominator.</summary>
public sealed class IndicatorSnapshotTests
{
    [Test]
    public void Ratios_WithBalances_AreUnroundedPercentages()
    {
        var snapshot = new IndicatorSnapshot
        {
            TotalBalance = 3_000m,
            TotalNplBalance = 10m,
            InclusiveBalance = 300m,
            InclusiveNplBalance = 10m,
            InclusiveCreditBalance = 75m,
        };

        var (inclusiveNpl, totalNpl, creditShare) = (snapshot.InclusiveNplRatio, snapshot.TotalNplRatio, snapshot.CreditShare);

        using (new AssertionScope())
        {
            inclusiveNpl.Should().Be(1000m / 300m);
            totalNpl.Should().Be(1000m / 3000m);
            creditShare.Should().Be(25m);
        }
    }

    [Test]
    public void Ratios_WithoutLoans_AreNull()
    {
        var snapshot = new IndicatorSnapshot();

        var (inclusiveNpl, totalNpl, creditShare) = (snapshot.InclusiveNplRatio, snapshot.TotalNplRatio, snapshot.CreditShare);

        using (new AssertionScope())
        {
            inclusiveNpl.Should().BeNull();
            totalNpl.Should().BeNull();
            creditShare.Should().BeNull();
        }
    }

    [Test]
    public void Ratios_WithLoansButNoInclusiveOnes_AreNullOnlyForInclusiveRatios()
    {
        var snapshot = new IndicatorSnapshot { TotalBalance = 1_000m, TotalNplBalance = 20m };

        var (inclusiveNpl, totalNpl, creditShare) = (snapshot.InclusiveNplRatio, snapshot.TotalNplRatio, snapshot.CreditShare);

        using (new AssertionScope())
        {
            inclusiveNpl.Should().BeNull();
            totalNpl.Should().Be(2m);
            creditShare.Should().BeNull();
        }
    }
}
