using System.Text;
using Compliance.Engine.Analytics;
using NodaTime;

namespace Compliance.Engine.Tests.Analytics;

public sealed class SupportToolTests
{
    private static SupportTool Seed()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Compliance.sln")))
        {
            directory = directory.Parent;
        }

        using var file = File.OpenRead(Path.Combine(directory!.FullName, "db", "seed", "support-tool.json"));
        return SupportTool.Read(file);
    }

    private static SupportTool Read(string json) => SupportTool.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [TestCase("2021Q4", 0)]
    [TestCase("2022Q1", 1)]
    [TestCase("2022Q2", 2)]
    [TestCase("2022Q4", 2)]
    [TestCase("2023Q2", 2)]
    [TestCase("2023Q3", 0)]
    public void SeedSchedule_RateOfQuarter(string quarter, decimal ratePct) =>
        Seed().RatePct(Quarter.Parse(quarter)).Should().Be(ratePct);

    [Test]
    public void SeedSchedule_NamesItsSource() => Seed().Source.Should().Contain("普惠小微贷款支持工具");

    [TestCase(2022, 1, "2021-12", "2022-03")]
    [TestCase(2022, 2, "2022-03", "2022-06")]
    [TestCase(2022, 4, "2022-09", "2022-12")]
    public void Quarter_EndsAndStartsWhereThePreviousEnds(int year, int number, string previousEnd, string end)
    {
        var quarter = new Quarter(year, number);

        Periods.Format(quarter.PreviousEnd).Should().Be(previousEnd);
        Periods.Format(quarter.End).Should().Be(end);
        quarter.ToString().Should().Be($"{year}Q{number}");
        Quarter.Parse(quarter.ToString()).Should().Be(quarter);
    }

    [TestCase("2022Q0")]
    [TestCase("2022Q5")]
    [TestCase("2022-Q1")]
    [TestCase("22Q1")]
    [TestCase("")]
    public void Quarter_RejectsWhatIsNotOne(string text) => Quarter.TryParse(text, out _).Should().BeFalse();

    [Test]
    public void Quarter_OfAYear_IsItsFourQuartersInOrder() =>
        Quarter.Of(2022).Select(q => q.ToString()).Should().Equal("2022Q1", "2022Q2", "2022Q3", "2022Q4");

    [TestCase(1_000_000, 1, 10_000)]
    [TestCase(-5_000, 2, 0)]
    [TestCase(0.25, 2, 0.01)]      // 0.005 rounds half up to the fen
    [TestCase(0.24, 2, 0)]         // 0.0048 rounds down
    [TestCase(123_456.75, 2, 2_469.14)] // 2469.135 rounds half up
    public void Amount_IsTheRateOfThePositiveIncrease_RoundedHalfUpToTheFen(decimal increase, decimal ratePct, decimal amount) =>
        SupportTool.Amount(eligible: true, increase, ratePct).Should().Be(amount);

    [Test]
    public void Amount_OfAnInstitutionNotEligible_IsZero() => SupportTool.Amount(eligible: false, 1_000_000m, 2m).Should().Be(0m);

    [Test]
    public void QuarterOf_WithBothBalances_HasTheIncreaseAndAmount()
    {
        var quarter = Seed().QuarterOf(new Quarter(2022, 2), eligible: true, 1_000_000m, 1_500_000.50m);

        quarter.Should().Be(new SupportToolQuarter(new Quarter(2022, 2), 1_000_000m, 1_500_000.50m, 500_000.50m, 2m, 10_000.01m));
    }

    [Test]
    public void QuarterOf_WithABalanceMissing_HasNoIncreaseNorAmount()
    {
        var quarter = Seed().QuarterOf(new Quarter(2022, 1), eligible: true, 1_000_000m, null);

        quarter.Increase.Should().BeNull();
        quarter.Amount.Should().BeNull();
        quarter.RatePct.Should().Be(1m);
    }

    [TestCase("""{"rates": [{"from": "2022Q1", "to": "2022Q1", "ratePct": 1}]}""", "source")]
    [TestCase("""{"source": "s", "rates": []}""", "no rates")]
    [TestCase("""{"source": "s", "rates": [{"from": "2022-03", "to": "2022Q1", "ratePct": 1}]}""", "quarters")]
    [TestCase("""{"source": "s", "rates": [{"from": "2022Q2", "to": "2022Q1", "ratePct": 1}]}""", "before it")]
    [TestCase("""{"source": "s", "rates": [{"from": "2022Q1", "to": "2022Q1", "ratePct": 101}]}""", "from 0 to 100")]
    [TestCase("""{"source": "s", "rates": [{"from": "2022Q1", "to": "2022Q1"}]}""", "from 0 to 100")]
    [TestCase("""{"source": "s", "rates": [{"from": "2022Q1", "to": "2022Q3", "ratePct": 1}, {"from": "2022Q3", "to": "2023Q2", "ratePct": 2}]}""", "overlaps")]
    public void Read_RejectsAMalformedSchedule(string json, string message) =>
        FluentActions.Invoking(() => Read(json)).Should().Throw<FormatException>().WithMessage($"*{message}*");

    [Test]
    public void Quarter_RunsAcrossTheYear() =>
        new Quarter(2023, 1).PreviousEnd.Should().Be(new YearMonth(2022, 12));
}
