using Compliance.Engine.Calendar;
using NodaTime;

namespace Compliance.Engine.Tests.Calendar;

public sealed class DeadlineSweepTests
{
    private static readonly InstitutionFacts Linyi = new("C1", "371302", "rural", new YearMonth(2022, 1), "临沂银行");
    private static readonly InstitutionFacts Beijing = new("B1", "110101", "joint_stock", new YearMonth(2023, 3), "北京银行");

    [Test]
    public void Plan_NothingFiled_OwesTheLatestReminderOfEachDeadline_AndTheMissedOnes()
    {
        var today = new LocalDate(2022, 6, 1);

        var plan = DeadlineSweep.Plan(today, [Linyi], Obligations.All, SeedCalendar.WorkingDays, _ => null);

        var digest = plan.Reminders.Single(r => r.Deadline.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST");
        digest.Reminder.Should().Be(new ReminderDue(ReminderKind.Overdue, 1));
        plan.Missed.Select(m => (m.Deadline.Obligation.Code, Periods.Format(m.Deadline.Period))).Should().Contain(("CREDIT_POLICY_DIGEST", "2022-05"));
        plan.Reminders.Select(r => r.Deadline.Deadline.Obligation.Code).Should().NotContain("FOUR_LISTS");
    }

    [Test]
    public void Plan_Filed_OwesNothing_AndRecordsHowLateItWas()
    {
        var today = new LocalDate(2022, 6, 10);
        var filedOn = Instant.FromUtc(2022, 6, 5, 1, 0); // 09:00 in Shanghai, five days after 2022-05-31

        var plan = DeadlineSweep.Plan(today, [Linyi], Obligations.All, SeedCalendar.WorkingDays,
            d => d.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST" ? filedOn : null);

        plan.Reminders.Should().NotContain(r => r.Deadline.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST");
        plan.Missed.Should().NotContain(m => m.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST");
        plan.FiledLate.Should().ContainSingle(l => l.Deadline.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST").Which.DaysLate.Should().Be(5);
    }

    [Test]
    public void Plan_FiledOnTheDueDateInChinaStandardTime_IsNotLate()
    {
        var filed = Instant.FromUtc(2022, 5, 31, 15, 59); // 23:59 on 2022-05-31 in Shanghai

        var plan = DeadlineSweep.Plan(new LocalDate(2022, 6, 10), [Linyi], Obligations.All, SeedCalendar.WorkingDays,
            d => d.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST" ? filed : null);

        plan.FiledLate.Should().BeEmpty();
    }

    [Test]
    public void Deadlines_BeforeReportingFrom_AreNeverOwed()
    {
        var plan = DeadlineSweep.Plan(new LocalDate(2023, 3, 20), [Beijing], Obligations.All, SeedCalendar.WorkingDays, _ => null);

        plan.Reminders.Should().BeEmpty("the first ledger owed is 2023-03's, due 2023-04-17, more than 14 days away");
        plan.Missed.Should().BeEmpty();
    }

    // The ledger of 2022-09 is due on Saturday 2022-10-15, moved (顺延) to Monday 2022-10-17.
    [TestCase("2022-10-20", 2022, 10, 17, 15, 59, DeadlineStanding.OnTime, 0)]
    [TestCase("2022-10-20", 2022, 10, 17, 16, 0, DeadlineStanding.Late, 1)]
    [TestCase("2022-12-20", 2022, 12, 19, 17, 0, DeadlineStanding.Late, 64)]
    [TestCase("2022-10-17", null, null, null, null, null, DeadlineStanding.Pending, 0)]
    [TestCase("2022-10-18", null, null, null, null, null, DeadlineStanding.Missing, 0)]
    public void StatesOn_ALedgerDeadline_StandsByItsDueDateMovedToAWorkingDay_AndTheShanghaiDateOfItsFiling(
        string today, int? year, int? month, int? day, int? hour, int? minute, DeadlineStanding standing, int daysLate)
    {
        Instant? filed = year is null ? null : Instant.FromUtc(year.Value, month!.Value, day!.Value, hour!.Value, minute!.Value);

        var state = DeadlineSweep.StatesOn(NodaTime.Text.LocalDatePattern.Iso.Parse(today).Value, 2022, [Linyi], Obligations.All, SeedCalendar.WorkingDays, _ => filed)
            .Single(s => s.Deadline.Deadline.Obligation.Code == Obligation.LedgerMonthly && s.Deadline.Deadline.Period == new YearMonth(2022, 9));

        state.Deadline.Deadline.DueDate.Should().Be(new LocalDate(2022, 10, 17));
        state.Standing.Should().Be(standing);
        state.DaysLate.Should().Be(daysLate);
    }

    [Test]
    public void StatesOn_AYear_ListsTheDeadlinesOfThatYearOnly()
    {
        var states = DeadlineSweep.StatesOn(new LocalDate(2022, 12, 20), 2022, [Linyi, Beijing], Obligations.All, SeedCalendar.WorkingDays, _ => null).ToList();

        states.Should().OnlyContain(s => s.Deadline.Institution == "C1", "Beijing reports from 2023-03");
        states.Where(s => s.Deadline.Deadline.Obligation.Code == Obligation.LedgerMonthly).Select(s => Periods.Format(s.Deadline.Deadline.Period))
            .Should().Equal("2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06", "2022-07", "2022-08", "2022-09", "2022-10", "2022-11");
    }
}
