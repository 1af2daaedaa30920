using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Tests.Analytics;

/// <summary>The measure language of regional targets (analytics.md, "Regional targets"): every form, every refusal.</summary>
public sealed class TargetMeasureTests
{
    [TestCase("growthPct(totalBalance)", TargetMeasureKind.GrowthPct, "totalBalance", null, false)]
    [TestCase("increase(operatingBalance)", TargetMeasureKind.Increase, "operatingBalance", null, false)]
    [TestCase("cumulative(newInclusiveAmount)", TargetMeasureKind.Cumulative, "newInclusiveAmount", null, true)]
    [TestCase("cumulative(newFirstLoanBorrowers)", TargetMeasureKind.Cumulative, "newFirstLoanBorrowers", null, true)]
    [TestCase("shareChangePp(inclusiveCreditBalance, inclusiveBalance)", TargetMeasureKind.ShareChangePp, "inclusiveCreditBalance", "inclusiveBalance", true)]
    [TestCase("shareChangePp(individualBusinessBalance,totalBalance)", TargetMeasureKind.ShareChangePp, "individualBusinessBalance", "totalBalance", false)]
    [TestCase("change(inclusiveBorrowers)", TargetMeasureKind.Change, "inclusiveBorrowers", null, true)]
    [TestCase("growthPct(inclusiveBalance)", TargetMeasureKind.GrowthPct, "inclusiveBalance", null, true)]
    public void Parse_EveryForm(string text, TargetMeasureKind kind, string indicator, string? denominator, bool perScope)
    {
        var measure = TargetMeasure.Parse(text, out var error);

        error.Should().BeNull();
        measure.Should().NotBeNull();
        measure!.Kind.Should().Be(kind);
        measure.Indicator.JsonName.Should().Be(indicator);
        measure.Denominator?.JsonName.Should().Be(denominator);
        (measure.Denominator is null).Should().Be(denominator is null);
        measure.NamesPerScope.Should().Be(perScope);
        TargetMeasure.Parse(measure.ToString(), out _).Should().Be(measure, "the text a measure writes parses back to it");
    }

    [TestCase("growthPct(totalBalance)", FigureUnit.Percent, 4)]
    [TestCase("shareChangePp(inclusiveCreditBalance, inclusiveBalance)", FigureUnit.Pp, 4)]
    [TestCase("increase(operatingBalance)", FigureUnit.Yuan, 2)]
    [TestCase("cumulative(newInclusiveAmount)", FigureUnit.Yuan, 2)]
    [TestCase("cumulative(newFirstLoanBorrowers)", FigureUnit.Count, 2)]
    [TestCase("change(inclusiveBorrowers)", FigureUnit.Count, 2)]
    public void Unit_OfEachForm_IsThatOfItsFigures_AndDecidesTheirDecimals(string text, FigureUnit unit, int decimals)
    {
        var measure = TargetMeasure.Parse(text, out _)!;

        (measure.Unit, measure.Decimals).Should().Be((unit, decimals));
    }

    [TestCase(null, "is one of")]
    [TestCase("", "is one of")]
    [TestCase("totalBalance", "is one of")]
    [TestCase("growthPct totalBalance", "is one of")]
    [TestCase("growthPct(totalBalance))", "is one of")]
    [TestCase("ratio(totalBalance)", "'ratio' is not a measure")]
    [TestCase("GrowthPct(totalBalance)", "'GrowthPct' is not a measure")]
    [TestCase("growthPct(loans)", "'loans' is not an indicator")]
    [TestCase("growthPct(TotalBalance)", "'TotalBalance' is not an indicator")]
    [TestCase("growthPct()", "'' is not an indicator")]
    [TestCase("growthPct(totalBalance, inclusiveBalance)", "takes one indicator")]
    [TestCase("shareChangePp(inclusiveBalance)", "takes two indicators")]
    [TestCase("change(inclusiveBorrowers, totalBalance)", "takes one indicator")]
    [TestCase("cumulative(totalBalance)", "cumulative takes a flow indicator")]
    [TestCase("cumulative(inclusiveBorrowers)", "cumulative takes a flow indicator")]
    public void Parse_Refuses(string? text, string because)
    {
        TargetMeasure.Parse(text, out var error).Should().BeNull();
        error!.En.Should().StartWith("measure").And.Contain(because);
        error.Zh.Should().StartWith("measure");
        error.ShouldBeInBothLanguages();
    }

    [Test]
    public void Flows_AreDeclaredIndicators() =>
        TargetMeasure.Flows.Should().OnlyContain(f => Indicator.All.Any(i => i.JsonName == f));
}
