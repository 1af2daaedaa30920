using Compliance.Engine.Calendar;
using FluentAssertions.Execution;
using NodaTime;
using static Compliance.Engine.Tests.Calendar.SeedCalendar;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>
/// The working-day calendar of deadlines.md over the seed's 2022–2026: weekends and announced holidays rest,
/// make-up days (调休上班) work, a rest day moves a due date to the next working day (顺延), and a year the calendar
/// lacks counts weekends alone, with a warning.
/// </summary>
public sealed class WorkingDayCalendarTests
{
    [TestCase("2024-03-05")]
    [TestCase("2024-03-08")]
    [TestCase("2025-06-03")]
    [TestCase("2026-02-24")]
    [TestCase("2022-07-01")]
    public void IsWorkingDay_OrdinaryWeekday_IsTrue(string date)
    {
        var calendar = WorkingDays;

        var working = calendar.IsWorkingDay(Date(date));

        working.Should().BeTrue();
    }

    [TestCase("2024-03-09")]
    [TestCase("2024-03-10")]
    [TestCase("2025-07-05")]
    [TestCase("2026-11-29")]
    public void IsWorkingDay_OrdinaryWeekend_IsFalse(string date)
    {
        var calendar = WorkingDays;

        var working = calendar.IsWorkingDay(Date(date));

        working.Should().BeFalse();
    }

    [TestCase("2022-10-03", IsoDayOfWeek.Monday)]
    [TestCase("2023-04-05", IsoDayOfWeek.Wednesday)]
    [TestCase("2024-01-01", IsoDayOfWeek.Monday)]
    [TestCase("2024-02-15", IsoDayOfWeek.Thursday)]
    [TestCase("2024-06-10", IsoDayOfWeek.Monday)]
    [TestCase("2024-10-07", IsoDayOfWeek.Monday)]
    [TestCase("2025-01-01", IsoDayOfWeek.Wednesday)]
    [TestCase("2025-06-02", IsoDayOfWeek.Monday)]
    [TestCase("2026-02-23", IsoDayOfWeek.Monday)]
    public void IsWorkingDay_HolidayOnWeekday_IsFalse(string date, IsoDayOfWeek dayOfWeek)
    {
        var calendar = WorkingDays;

        var working = calendar.IsWorkingDay(Date(date));

        using (new AssertionScope())
        {
            Date(date).DayOfWeek.Should().Be(dayOfWeek);
            working.Should().BeFalse();
        }
    }

    [TestCase("2025-05-31", IsoDayOfWeek.Saturday)]
    [TestCase("2025-06-01", IsoDayOfWeek.Sunday)]
    [TestCase("2024-02-10", IsoDayOfWeek.Saturday)]
    public void IsWorkingDay_HolidayOnWeekend_IsFalse(string date, IsoDayOfWeek dayOfWeek)
    {
        var calendar = WorkingDays;

        var working = calendar.IsWorkingDay(Date(date));

        using (new AssertionScope())
        {
            Date(date).DayOfWeek.Should().Be(dayOfWeek);
            working.Should().BeFalse();
        }
    }

    [TestCase("2022-01-29", IsoDayOfWeek.Saturday)]
    [TestCase("2022-10-09", IsoDayOfWeek.Sunday)]
    [TestCase("2023-06-25", IsoDayOfWeek.Sunday)]
    [TestCase("2024-02-04", IsoDayOfWeek.Sunday)]
    [TestCase("2024-02-18", IsoDayOfWeek.Sunday)]
    [TestCase("2024-05-11", IsoDayOfWeek.Saturday)]
    [TestCase("2024-09-14", IsoDayOfWeek.Saturday)]
    [TestCase("2024-10-12", IsoDayOfWeek.Saturday)]
    [TestCase("2025-01-26", IsoDayOfWeek.Sunday)]
    [TestCase("2025-02-08", IsoDayOfWeek.Saturday)]
    [TestCase("2026-01-04", IsoDayOfWeek.Sunday)]
    [TestCase("2026-02-28", IsoDayOfWeek.Saturday)]
    public void IsWorkingDay_MakeUpWorkingDayOnWeekend_IsTrue(string date, IsoDayOfWeek dayOfWeek)
    {
        var calendar = WorkingDays;

        var working = calendar.IsWorkingDay(Date(date));

        using (new AssertionScope())
        {
            Date(date).DayOfWeek.Should().Be(dayOfWeek);
            working.Should().BeTrue();
        }
    }

    [Test]
    public void IsWorkingDay_NewYearsEve2022AnnouncedInThe2023Notice_IsFalse()
    {
        var calendar = WorkingDays;

        var working = calendar.IsWorkingDay(Date("2022-12-31"));

        using (new AssertionScope())
        {
            Years[2023].Holidays.SelectMany(h => h.Dates).Should().Contain(Date("2022-12-31"));
            Years[2022].Holidays.SelectMany(h => h.Dates).Should().NotContain(Date("2022-12-31"));
            working.Should().BeFalse();
        }
    }

    [Test]
    public void IsWorkingDay_WeekdayAnnouncedInTheNextYearsNotice_IsFalse()
    {
        // 2022-12-31 is a Saturday anyway: a weekday of the year before shows that the date counts, not its weekend.
        var calendar = new WorkingDayCalendar(new Dictionary<int, CalendarYear>
        {
            [2025] = new("notice", [new Holiday("元旦", [Date("2024-12-31"), Date("2025-01-01")])], []),
        });

        var working = calendar.IsWorkingDay(Date("2024-12-31"));

        using (new AssertionScope())
        {
            Date("2024-12-31").DayOfWeek.Should().Be(IsoDayOfWeek.Tuesday);
            working.Should().BeFalse();
        }
    }

    [TestCase("2027-01-01", true)]
    [TestCase("2027-02-08", true)]
    [TestCase("2027-10-01", true)]
    [TestCase("2027-10-04", true)]
    [TestCase("2027-01-02", false)]
    [TestCase("2027-01-03", false)]
    [TestCase("2027-10-02", false)]
    public void IsWorkingDay_YearTheCalendarLacks_CountsWeekendsOnly(string date, bool expected)
    {
        var calendar = WorkingDays;

        var working = calendar.IsWorkingDay(Date(date));

        working.Should().Be(expected);
    }

    [TestCase(2021)]
    [TestCase(2027)]
    [TestCase(2030)]
    public void WarningFor_YearTheCalendarLacks_SaysWeekendsAloneCount(int year)
    {
        var calendar = WorkingDays;

        var warning = calendar.WarningFor(year);

        using (new AssertionScope())
        {
            calendar.Knows(year).Should().BeFalse();
            warning!.En.Should().Contain(year.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("weekends");
            warning.Zh.Should().Contain(year.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("周末");
            warning.ShouldBeInBothLanguages();
        }
    }

    [TestCase(2022)]
    [TestCase(2023)]
    [TestCase(2024)]
    [TestCase(2025)]
    [TestCase(2026)]
    public void WarningFor_YearOfTheSeed_IsNull(int year)
    {
        var calendar = WorkingDays;

        var warning = calendar.WarningFor(year);

        using (new AssertionScope())
        {
            calendar.Knows(year).Should().BeTrue();
            warning.Should().BeNull();
        }
    }

    [Test]
    public void WarningFor_YearAddedByAnAdmin_IsNull()
    {
        var years = new Dictionary<int, CalendarYear>(Years)
        {
            [2027] = CalendarFile.ReadYear("""{"holidays": [{"name": "元旦", "dates": ["2027-01-01"]}], "workdays": []}"""),
        };
        var calendar = new WorkingDayCalendar(years);

        var warning = calendar.WarningFor(2027);

        using (new AssertionScope())
        {
            warning.Should().BeNull();
            calendar.IsWorkingDay(Date("2027-01-01")).Should().BeFalse();
        }
    }

    [TestCase("2025-05-31", "2025-06-03")]
    [TestCase("2024-06-30", "2024-07-01")]
    [TestCase("2024-02-15", "2024-02-18")]
    [TestCase("2022-12-31", "2023-01-03")]
    [TestCase("2023-12-31", "2024-01-02")]
    [TestCase("2024-09-15", "2024-09-18")]
    [TestCase("2024-10-01", "2024-10-08")]
    [TestCase("2026-02-15", "2026-02-24")]
    [TestCase("2027-01-02", "2027-01-04")]
    public void OnOrAfter_RestDay_IsTheNextWorkingDay(string date, string expected)
    {
        var calendar = WorkingDays;

        var moved = calendar.OnOrAfter(Date(date));

        moved.Should().Be(Date(expected));
    }

    [TestCase("2024-03-05")]
    [TestCase("2024-02-18")]
    [TestCase("2024-09-14")]
    [TestCase("2027-01-01")]
    public void OnOrAfter_WorkingDay_IsTheSameDay(string date)
    {
        var calendar = WorkingDays;

        var moved = calendar.OnOrAfter(Date(date));

        moved.Should().Be(Date(date));
    }

    [TestCase("2022-07", 5, "2022-07-07")]
    [TestCase("2023-07", 5, "2023-07-07")]
    [TestCase("2024-07", 5, "2024-07-05")]
    [TestCase("2025-07", 5, "2025-07-07")]
    [TestCase("2026-07", 5, "2026-07-07")]
    [TestCase("2024-10", 1, "2024-10-08")]
    [TestCase("2024-10", 4, "2024-10-11")]
    [TestCase("2024-10", 5, "2024-10-12")]
    [TestCase("2024-02", 3, "2024-02-04")]
    [TestCase("2025-01", 1, "2025-01-02")]
    public void NthWorkingDay_Month_SkipsRestDaysAndCountsMakeUpDays(string month, int n, string expected)
    {
        var calendar = WorkingDays;

        var date = calendar.NthWorkingDay(Month(month), n);

        date.Should().Be(Date(expected));
    }

    [TestCase("2024-02", 18, "2024-02-29")]
    [TestCase("2024-10", 19, "2024-10-31")]
    [TestCase("2024-12", 22, "2024-12-31")]
    public void NthWorkingDay_LastWorkingDayOfTheMonth_IsInTheMonth(string month, int n, string expected)
    {
        var calendar = WorkingDays;

        var date = calendar.NthWorkingDay(Month(month), n);

        date.Should().Be(Date(expected));
    }

    // nthWorkingDay(M, N) is "the Nth working day of month M" (deadlines.md) and Parse accepts N up to 23, which
    // many months do not have: the answer must never be a day of the next month (or year).
    [TestCase("2024-02", 19)]
    [TestCase("2024-10", 20)]
    [TestCase("2024-12", 23)]
    public void NthWorkingDay_MonthWithFewerWorkingDaysThanN_ThrowsArgumentOutOfRange(string month, int n)
    {
        var calendar = WorkingDays;

        var act = () => calendar.NthWorkingDay(Month(month), n);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void NthWorkingDay_NotPositive_ThrowsArgumentOutOfRange(int n)
    {
        var calendar = WorkingDays;

        var act = () => calendar.NthWorkingDay(new YearMonth(2024, 7), n);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    // The last working day of a month: a weekend or a holiday at its end moves back within the month.
    [TestCase("2022-12", "2022-12-30")]
    [TestCase("2023-12", "2023-12-29")]
    [TestCase("2024-06", "2024-06-28")]
    [TestCase("2025-05", "2025-05-30")]
    [TestCase("2024-09", "2024-09-30")]
    [TestCase("2024-02", "2024-02-29")]
    [TestCase("2027-10", "2027-10-29")]
    public void LastWorkingDay_Month_IsWithinTheMonth(string month, string expected)
    {
        var calendar = WorkingDays;

        var date = calendar.LastWorkingDay(Month(month));

        date.Should().Be(Date(expected));
    }

    [TestCase("2024-02", 18)]
    [TestCase("2024-10", 19)]
    [TestCase("2024-07", 23)]
    [TestCase("2027-02", 20)]
    public void WorkingDaysIn_Month_CountsMakeUpDaysAndSkipsHolidays(string month, int expected)
    {
        var calendar = WorkingDays;

        var count = calendar.WorkingDaysIn(Month(month));

        count.Should().Be(expected);
    }
}
