using Compliance.Engine.Calendar;
using NodaTime;
using NodaTime.Testing;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>Business dates are reckoned in China Standard Time (UTC+8), never in the machine's zone.</summary>
public sealed class ReportingZoneTests
{
    [TestCase("2024-01-31T15:59:59Z", 2024, 1, 31)]
    [TestCase("2024-01-31T16:00:00Z", 2024, 2, 1)]
    [TestCase("2023-12-31T16:00:00Z", 2024, 1, 1)]
    public void Today_ClockAroundMidnightInShanghai_IsTheShanghaiDate(string utc, int year, int month, int day)
    {
        var clock = new FakeClock(NodaTime.Text.InstantPattern.General.Parse(utc).Value);

        var today = ReportingZone.Today(clock);

        today.Should().Be(new LocalDate(year, month, day));
    }

    [Test]
    public void DateOf_InstantLateInUtcDay_IsTheNextShanghaiDay()
    {
        var instant = Instant.FromUtc(2024, 6, 30, 20, 0);

        var date = ReportingZone.DateOf(instant);

        date.Should().Be(new LocalDate(2024, 7, 1));
    }

    [Test]
    public void Shanghai_Zone_IsAsiaShanghaiAtUtcPlusEight()
    {
        var zone = ReportingZone.Shanghai;

        zone.GetUtcOffset(Instant.FromUtc(2024, 7, 1, 0, 0)).Should().Be(Offset.FromHours(8));
    }
}
