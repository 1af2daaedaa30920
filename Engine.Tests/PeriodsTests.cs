using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Engine.Tests;

/// <summary>Reporting periods: calendar months written yyyy-MM, with the last day as the as-of date.</summary>
public sealed class PeriodsTests
{
    [TestCase("2024-01", 2024, 1)]
    [TestCase("2024-12", 2024, 12)]
    [TestCase("0999-06", 999, 6)]
    public void TryParse_StrictPeriod_Parses(string text, int year, int month)
    {
        var parsed = Periods.TryParse(text, out var period);

        using (new AssertionScope())
        {
            parsed.Should().BeTrue();
            period.Should().Be(new YearMonth(year, month));
        }
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("2024-1")]
    [TestCase("2024-13")]
    [TestCase("2024-00")]
    [TestCase("2024/01")]
    [TestCase("202401")]
    [TestCase("2024-01-01")]
    [TestCase(" 2024-01")]
    public void TryParse_OtherText_Fails(string? text)
    {
        var parsed = Periods.TryParse(text, out var period);

        using (new AssertionScope())
        {
            parsed.Should().BeFalse();
            period.Should().BeNull();
        }
    }

    [Test]
    public void Parse_OtherText_ThrowsFormatException()
    {
        var parse = () => Periods.Parse("2024-1");

        parse.Should().Throw<FormatException>();
    }

    [Test]
    public void Format_Period_IsYearDashTwoDigitMonth()
    {
        var text = Periods.Format(new YearMonth(2024, 3));

        text.Should().Be("2024-03");
    }

    [TestCase(2024, 2, 29)]
    [TestCase(2023, 2, 28)]
    [TestCase(2024, 4, 30)]
    [TestCase(2024, 12, 31)]
    public void LastDay_Month_IsItsLastCalendarDay(int year, int month, int day)
    {
        var last = Periods.LastDay(new YearMonth(year, month));

        last.Should().Be(new LocalDate(year, month, day));
    }

    [Test]
    public void PlusYears_Negative_IsTheSameMonthEarlier()
    {
        var earlier = Periods.PlusYears(new YearMonth(2024, 6), -1);

        earlier.Should().Be(new YearMonth(2023, 6));
    }

    [Test]
    public void YearToDate_March_IsJanuaryToMarch()
    {
        var months = Periods.YearToDate(new YearMonth(2024, 3));

        months.Should().Equal(new YearMonth(2024, 1), new YearMonth(2024, 2), new YearMonth(2024, 3));
    }

    [Test]
    public void December_Year_IsItsTwelfthMonth()
    {
        var december = Periods.December(2023);

        december.Should().Be(new YearMonth(2023, 12));
    }

    [Test]
    public void FormatDate_Date_IsIso()
    {
        var text = Periods.FormatDate(new LocalDate(2024, 2, 9));

        text.Should().Be("2024-02-09");
    }
}
