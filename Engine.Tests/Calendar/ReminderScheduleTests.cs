using Compliance.Engine.Calendar;
using FluentAssertions.Execution;
using static Compliance.Engine.Tests.Calendar.SeedCalendar;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>
/// When reminders are owed (deadlines.md): upcoming at −14, −7, −3, −1 days, due on the day, overdue at +1, +7 and
/// every 7 days after; after downtime only the latest offset not after today; missed once the due day has passed.
/// </summary>
public sealed class ReminderScheduleTests
{
    private static readonly NodaTime.LocalDate DueDate = Date("2024-07-01");

    [TestCase(-14, ReminderKind.Upcoming)]
    [TestCase(-7, ReminderKind.Upcoming)]
    [TestCase(-3, ReminderKind.Upcoming)]
    [TestCase(-1, ReminderKind.Upcoming)]
    [TestCase(0, ReminderKind.Due)]
    [TestCase(1, ReminderKind.Overdue)]
    [TestCase(7, ReminderKind.Overdue)]
    [TestCase(14, ReminderKind.Overdue)]
    [TestCase(21, ReminderKind.Overdue)]
    [TestCase(28, ReminderKind.Overdue)]
    [TestCase(364, ReminderKind.Overdue)]
    public void DueOn_DayOfAnOffset_IsThatOffsetAndItsKind(int offset, ReminderKind kind)
    {
        var today = DueDate.PlusDays(offset);

        var reminder = ReminderSchedule.DueOn(today, DueDate);

        reminder.Should().Be(new ReminderDue(kind, offset));
    }

    [TestCase(-13, -14)]
    [TestCase(-8, -14)]
    [TestCase(-6, -7)]
    [TestCase(-5, -7)]
    [TestCase(-4, -7)]
    [TestCase(-2, -3)]
    [TestCase(2, 1)]
    [TestCase(6, 1)]
    [TestCase(8, 7)]
    [TestCase(10, 7)]
    [TestCase(13, 7)]
    [TestCase(15, 14)]
    [TestCase(20, 14)]
    [TestCase(22, 21)]
    [TestCase(100, 98)]
    public void DueOn_DayBetweenOffsets_IsTheLatestOffsetNotAfterToday(int daysFromDue, int offset)
    {
        var today = DueDate.PlusDays(daysFromDue);

        var reminder = ReminderSchedule.DueOn(today, DueDate);

        reminder.Should().Be(new ReminderDue(ReminderSchedule.KindOf(offset), offset));
    }

    [Test]
    public void DueOn_TenDaysAfterTheDueDateAfterDowntime_IsTheOverdueReminderOfDaySeven()
    {
        var today = DueDate.PlusDays(10);

        var reminder = ReminderSchedule.DueOn(today, DueDate);

        reminder.Should().Be(new ReminderDue(ReminderKind.Overdue, 7));
    }

    [Test]
    public void DueOn_FiveDaysBefore_IsTheUpcomingReminderOfSevenDaysBefore()
    {
        var today = DueDate.PlusDays(-5);

        var reminder = ReminderSchedule.DueOn(today, DueDate);

        reminder.Should().Be(new ReminderDue(ReminderKind.Upcoming, -7));
    }

    [TestCase(-15)]
    [TestCase(-30)]
    [TestCase(-400)]
    public void DueOn_BeforeTheFirstReminder_IsNull(int daysFromDue)
    {
        var today = DueDate.PlusDays(daysFromDue);

        var reminder = ReminderSchedule.DueOn(today, DueDate);

        reminder.Should().BeNull();
    }

    [TestCase("2024-12-31", "2025-01-07", 7)]
    [TestCase("2024-02-28", "2024-03-06", 7)]
    [TestCase("2023-02-28", "2023-03-06", 1)]
    [TestCase("2025-06-03", "2025-05-20", -14)]
    [TestCase("2024-02-18", "2024-02-04", -14)]
    public void DueOn_AcrossMonthsAndYears_CountsCalendarDays(string due, string today, int offset)
    {
        var dueDate = Date(due);

        var reminder = ReminderSchedule.DueOn(Date(today), dueDate);

        reminder.Should().Be(new ReminderDue(ReminderSchedule.KindOf(offset), offset));
    }

    [TestCase(-14, ReminderKind.Upcoming)]
    [TestCase(-1, ReminderKind.Upcoming)]
    [TestCase(0, ReminderKind.Due)]
    [TestCase(1, ReminderKind.Overdue)]
    [TestCase(35, ReminderKind.Overdue)]
    public void KindOf_Offset_IsUpcomingBeforeDueOnAndOverdueAfter(int offset, ReminderKind kind)
    {
        var actual = ReminderSchedule.KindOf(offset);

        actual.Should().Be(kind);
    }

    [TestCase(-30, false)]
    [TestCase(-1, false)]
    [TestCase(0, false)]
    [TestCase(1, true)]
    [TestCase(10, true)]
    public void IsMissed_Today_IsTrueOnlyAfterTheDueDay(int daysFromDue, bool expected)
    {
        var today = DueDate.PlusDays(daysFromDue);

        var missed = ReminderSchedule.IsMissed(today, DueDate);

        missed.Should().Be(expected);
    }

    [TestCase(-15, new int[0])]
    [TestCase(-14, new[] { -14 })]
    [TestCase(-2, new[] { -14, -7, -3 })]
    [TestCase(0, new[] { -14, -7, -3, -1, 0 })]
    [TestCase(1, new[] { -14, -7, -3, -1, 0, 1 })]
    [TestCase(7, new[] { -14, -7, -3, -1, 0, 1, 7 })]
    [TestCase(13, new[] { -14, -7, -3, -1, 0, 1, 7 })]
    [TestCase(21, new[] { -14, -7, -3, -1, 0, 1, 7, 14, 21 })]
    [TestCase(34, new[] { -14, -7, -3, -1, 0, 1, 7, 14, 21, 28 })]
    public void OffsetsThrough_Latest_IsEveryOffsetUpToItInOrder(int latest, int[] expected)
    {
        var offsets = ReminderSchedule.OffsetsThrough(latest);

        offsets.Should().Equal(expected);
    }

    [Test]
    public void DueOn_EveryDayFromFifteenBeforeToFiftyAfter_NeverGoesBackAndIsAnOffsetOfTheSchedule()
    {
        var days = Enumerable.Range(-15, 66).ToList();

        var reminders = days.Select(d => ReminderSchedule.DueOn(DueDate.PlusDays(d), DueDate)).ToList();

        using (new AssertionScope())
        {
            reminders[0].Should().BeNull();
            var offsets = reminders.Skip(1).Select(r => r!.OffsetDays).ToList();
            offsets.Should().BeInAscendingOrder();
            offsets.Distinct().Should().Equal(ReminderSchedule.OffsetsThrough(50));
        }
    }

    [TestCase(-4, null)]
    [TestCase(-3, -3)]
    [TestCase(-1, -3)]
    [TestCase(0, 0)]
    [TestCase(6, 0)]
    [TestCase(7, 7)]
    [TestCase(13, 7)]
    [TestCase(14, 14)]
    public void DueOn_OffsetsOfAnObligation_IsTheLatestOfThem_ThenEverySevenDaysAfterTheLast(int days, int? expected)
    {
        int[] offsets = [-3, 0];

        var reminder = ReminderSchedule.DueOn(DueDate.PlusDays(days), DueDate, offsets);

        reminder.Should().Be(expected is { } offset ? new ReminderDue(ReminderSchedule.KindOf(offset), offset) : null);
    }

    [Test]
    public void Describe_OffsetsOfAnObligation_NamesThemAndTheRepeat()
    {
        ReminderSchedule.Describe([-3, 0]).Should().Be("-3,0, then every 7 days from +7");
    }
}

