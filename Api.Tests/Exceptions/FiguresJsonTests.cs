using Compliance.Engine.Exceptions;

namespace Compliance.Api.Tests.Exceptions;

/// <summary>How a finding's figures are stored: numbers unrounded, lists as arrays, a figure not computed as null.</summary>
public sealed class FiguresJsonTests
{
    [Test]
    public void FiguresJson_FigureNotComputed_IsStoredAsNull()
    {
        var figures = new Dictionary<string, object>
        {
            ["growth"] = ((decimal?)null)!,
            ["increment"] = -0.01m,
            ["lastYearIncrement"] = 0m,
        };

        var json = FindingJson.Figures(figures).ToJsonString();

        json.Should().Be("""{"growth":null,"increment":-0.01,"lastYearIncrement":0}""");
    }

    [Test]
    public void Figures_AsAnswered_RoundEveryGrowthToFourDecimals_AndKeepMoneyAndNullsAsStored()
    {
        var answered = Compliance.Api.Http.Formats.Figures("OPERATING_LOANS", """{"growth":1.234567,"totalGrowth":-2.000049,"increment":100.125,"lastYearIncrement":null}""");

        answered.ToJsonString().Should().Be("""{"growth":1.2346,"totalGrowth":-2.0000,"increment":100.125,"lastYearIncrement":null}""");
    }
}
