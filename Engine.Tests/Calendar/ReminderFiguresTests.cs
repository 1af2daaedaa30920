using Compliance.Engine.Calendar;
using Compliance.Engine.Indicators;

namespace Compliance.Engine.Tests.Calendar;

public sealed class ReminderFiguresTests
{
    private static readonly IndicatorSnapshot Start = new()
    {
        TotalBalance = 2_000_000m, InclusiveBalance = 1_000_000m, InclusiveCreditBalance = 500_000m,
    };

    [Test]
    public void Closest_CreditShareShortOfItsTarget_IsNamed()
    {
        var latest = Start with { InclusiveCreditBalance = 504_000m };

        var text = ReminderFigures.Closest(latest, Start);

        text!.Zh.Should().Be("信用贷款占比较年初 +0.4pp，目标 +1pp");
        text.En.Should().Be("credit-loan share +0.4 pp on the start of the year, target +1 pp");
    }

    [Test]
    public void Closest_NplGapNearItsTolerance_IsNamed_WhenTheOthersAreComfortable()
    {
        var latest = Start with
        {
            InclusiveBalance = 1_100_000m, TotalBalance = 2_050_000m, InclusiveCreditBalance = 700_000m,
            InclusiveNplBalance = 33_000m, TotalNplBalance = 33_000m,
        };

        var text = ReminderFigures.Closest(latest, Start);

        text!.Zh.Should().StartWith("普惠型小微不良率高于各项贷款 1.4pp");
    }

    [Test]
    public void Closest_WithoutStartOfYear_UsesTheNplGapAlone_AndWithoutInclusiveLoansNothing()
    {
        var onlyLatest = ReminderFigures.Closest(Start, null);
        var none = ReminderFigures.Closest(new IndicatorSnapshot { TotalBalance = 5m }, null);

        onlyLatest!.En.Should().Be("inclusive NPL ratio 0.0 pp above the total, tolerance 3 pp");
        none.Should().BeNull();
    }
}
