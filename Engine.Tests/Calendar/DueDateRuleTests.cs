using Compliance.Engine.Calendar;
using FluentAssertions.Execution;
using NodaTime;
using static Compliance.Engine.Tests.Calendar.SeedCalendar;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>
/// The due-date rules of deadlines.md (<c>endOfMonth(M)</c>, <c>dayOfMonth(M, D)</c>, <c>nthWorkingDay(M, N)</c>,
/// <c>afterPeriod(D)</c>) as written in the obligations' data, and their due dates after 顺延.
/// </summary>
public sealed class DueDateRuleTests
{
    [TestCase("endOfMonth(5)")]
    [TestCase("endOfMonth( 5 )")]
    [TestCase("  endOfMonth (5)  ")]
    [TestCase("endOfMonth(05)")]
    public void Parse_EndOfMonth_IsEndOfMonth(string text)
    {
        var rule = DueDateRule.Parse(text);

        rule.Should().Be(new DueDateRule.EndOfMonth(5));
    }

    [TestCase("dayOfMonth(3,10)")]
    [TestCase("dayOfMonth(3, 10)")]
    [TestCase("dayOfMonth( 3 , 10 )")]
    [TestCase(" dayOfMonth (3 ,10) ")]
    public void Parse_DayOfMonth_IsDayOfMonth(string text)
    {
        var rule = DueDateRule.Parse(text);

        rule.Should().Be(new DueDateRule.DayOfMonth(3, 10));
    }

    [TestCase("nthWorkingDay(7,5)")]
    [TestCase("nthWorkingDay(7, 5)")]
    [TestCase("nthWorkingDay( 7 , 5 )")]
    [TestCase("\tnthWorkingDay(7,\t5)\n")]
    public void Parse_NthWorkingDay_IsNthWorkingDay(string text)
    {
        var rule = DueDateRule.Parse(text);

        rule.Should().Be(new DueDateRule.NthWorkingDay(7, 5));
    }

    [TestCase("afterPeriod(15)")]
    [TestCase("afterPeriod( 15 )")]
    [TestCase(" afterPeriod (15) ")]
    public void Parse_AfterPeriod_IsAfterPeriod(string text)
    {
        var rule = DueDateRule.Parse(text);

        rule.Should().Be(new DueDateRule.AfterPeriod(15));
    }

    [TestCase("endOfMonth(1)")]
    [TestCase("endOfMonth(12)")]
    [TestCase("dayOfMonth(1, 1)")]
    [TestCase("dayOfMonth(12, 31)")]
    [TestCase("nthWorkingDay(1, 1)")]
    [TestCase("nthWorkingDay(12, 23)")]
    [TestCase("afterPeriod(1)")]
    [TestCase("afterPeriod(28)")]
    public void Parse_RuleAtTheEdgeOfItsRange_RoundTripsThroughToString(string text)
    {
        var rule = DueDateRule.Parse(text);

        rule.ToString().Should().Be(text);
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("endOfMonth")]
    [TestCase("endOfMonth()")]
    [TestCase("endOfMonth(5")]
    [TestCase("endOfMonth 5")]
    [TestCase("endOfMonth(5,)")]
    [TestCase("endOfMonth(5, 1)")]
    [TestCase("endOfMonth(5) endOfMonth(6)")]
    [TestCase("endOfMonth(5);")]
    [TestCase("endOfMonth(five)")]
    [TestCase("endOfMonth(5.0)")]
    [TestCase("endOfMonth(+5)")]
    [TestCase("endOfMonth(-5)")]
    [TestCase("EndOfMonth(5)")]
    [TestCase("endofmonth(5)")]
    [TestCase("dayOfMonth(5)")]
    [TestCase("dayOfMonth(5, 1, 2)")]
    [TestCase("nthWorkingDay(7)")]
    [TestCase("afterPeriod(15, 1)")]
    [TestCase("afterPeriod()")]
    [TestCase("lastWorkingDay(6)")]
    [TestCase("endOfMonth(٥)")]
    public void Parse_MalformedRule_ThrowsFormatException(string text)
    {
        var parse = () => DueDateRule.Parse(text);

        parse.Should().Throw<FormatException>();
    }

    [Test]
    public void Parse_Null_ThrowsFormatException()
    {
        var parse = () => DueDateRule.Parse(null!);

        parse.Should().Throw<FormatException>();
    }

    [TestCase("endOfQuarter(2)", "“endOfQuarter(2)”不是截止日规则")]
    [TestCase("endOfMonth(13)", "“endOfMonth(13)”不是有效的截止日规则")]
    public void Parse_RuleThatDoesNotRead_SaysWhyInBothLanguages(string text, string chinese)
    {
        var parse = () => DueDateRule.Parse(text);

        var refusal = parse.Should().Throw<CalendarFormatException>().WithMessage($"'{text}' is not a*").Which.Text;
        refusal.Zh.Should().StartWith(chinese);
        refusal.ShouldBeInBothLanguages();
    }

    [TestCase("endOfMonth(0)")]
    [TestCase("endOfMonth(13)")]
    [TestCase("dayOfMonth(0, 1)")]
    [TestCase("dayOfMonth(13, 1)")]
    [TestCase("dayOfMonth(2, 0)")]
    [TestCase("dayOfMonth(2, 32)")]
    [TestCase("nthWorkingDay(0, 5)")]
    [TestCase("nthWorkingDay(13, 5)")]
    [TestCase("nthWorkingDay(7, 0)")]
    [TestCase("nthWorkingDay(7, 24)")]
    [TestCase("afterPeriod(0)")]
    [TestCase("afterPeriod(29)")]
    [TestCase("afterPeriod(31)")]
    public void Parse_OutOfRangeRule_ThrowsFormatException(string text)
    {
        var parse = () => DueDateRule.Parse(text);

        parse.Should().Throw<FormatException>();
    }

    [TestCase("endOfMonth(99999999999)")]
    [TestCase("dayOfMonth(2, 2147483648)")]
    [TestCase("nthWorkingDay(7, 99999999999999999999)")]
    [TestCase("afterPeriod(4294967296)")]
    public void Parse_NumberBeyondInt32_ThrowsFormatException(string text)
    {
        var parse = () => DueDateRule.Parse(text);

        parse.Should().Throw<FormatException>();
    }

    [TestCase("afterPeriod(15)", true)]
    [TestCase("endOfMonth(5)", false)]
    [TestCase("dayOfMonth(3, 10)", false)]
    [TestCase("nthWorkingDay(7, 5)", false)]
    public void IsMonthly_Rule_IsTrueForAfterPeriodOnly(string text, bool expected)
    {
        var rule = DueDateRule.Parse(text);

        var monthly = rule.IsMonthly;

        monthly.Should().Be(expected);
    }

    [TestCase("endOfMonth(5)", "2025-01", "2025-05-31", "2025-05-30")]
    [TestCase("endOfMonth(6)", "2024-01", "2024-06-30", "2024-06-28")]
    [TestCase("endOfMonth(12)", "2022-01", "2022-12-31", "2022-12-30")]
    [TestCase("afterPeriod(15)", "2024-01", "2024-02-15", "2024-02-18")]
    [TestCase("nthWorkingDay(7, 5)", "2022-01", "2022-07-07", "2022-07-07")]
    public void DueDate_ExampleOfTheSpec_Holds(string text, string subject, string nominal, string due)
    {
        var rule = DueDateRule.Parse(text);

        var nominalDate = rule.Nominal(Month(subject), WorkingDays);
        var dueDate = rule.DueDate(Month(subject), WorkingDays);

        using (new AssertionScope())
        {
            nominalDate.Should().Be(Date(nominal));
            dueDate.Should().Be(Date(due));
        }
    }

    [TestCase(5, 2022, "2022-05-31", "2022-05-31")]
    [TestCase(5, 2023, "2023-05-31", "2023-05-31")]
    [TestCase(5, 2024, "2024-05-31", "2024-05-31")]
    [TestCase(5, 2025, "2025-05-31", "2025-05-30")]
    [TestCase(5, 2026, "2026-05-31", "2026-05-29")]
    [TestCase(6, 2022, "2022-06-30", "2022-06-30")]
    [TestCase(6, 2023, "2023-06-30", "2023-06-30")]
    [TestCase(6, 2024, "2024-06-30", "2024-06-28")]
    [TestCase(6, 2025, "2025-06-30", "2025-06-30")]
    [TestCase(6, 2026, "2026-06-30", "2026-06-30")]
    [TestCase(12, 2022, "2022-12-31", "2022-12-30")]
    [TestCase(12, 2023, "2023-12-31", "2023-12-29")]
    [TestCase(12, 2024, "2024-12-31", "2024-12-31")]
    [TestCase(2, 2024, "2024-02-29", "2024-02-29")]
    [TestCase(2, 2025, "2025-02-28", "2025-02-28")]
    [TestCase(9, 2024, "2024-09-30", "2024-09-30")]
    public void EndOfMonth_Year_IsNominallyTheLastDay_AndDueOnTheLastWorkingDayOfTheMonth(int month, int year, string nominal, string due)
    {
        var rule = new DueDateRule.EndOfMonth(month);

        var nominalDate = rule.Nominal(new YearMonth(year, 1), WorkingDays);
        var dueDate = rule.DueDate(new YearMonth(year, 1), WorkingDays);

        using (new AssertionScope())
        {
            nominalDate.Should().Be(Date(nominal));
            dueDate.Should().Be(Date(due));
        }
    }

    [TestCase(1)]
    [TestCase(5)]
    [TestCase(12)]
    public void EndOfMonth_AnyMonthOfTheSubjectYear_IsTheSameDate(int subjectMonth)
    {
        var rule = new DueDateRule.EndOfMonth(5);

        var nominal = rule.Nominal(new YearMonth(2025, subjectMonth), WorkingDays);

        nominal.Should().Be(Date("2025-05-31"));
    }

    [TestCase(2, 31, 2024, "2024-02-29")]
    [TestCase(2, 30, 2024, "2024-02-29")]
    [TestCase(2, 29, 2023, "2023-02-28")]
    [TestCase(2, 31, 2023, "2023-02-28")]
    [TestCase(4, 31, 2024, "2024-04-30")]
    [TestCase(6, 31, 2025, "2025-06-30")]
    [TestCase(3, 31, 2024, "2024-03-31")]
    [TestCase(3, 10, 2024, "2024-03-10")]
    public void DayOfMonth_DayBeyondTheMonth_ClampsToItsLastDay(int month, int day, int year, string expected)
    {
        var rule = new DueDateRule.DayOfMonth(month, day);

        var nominal = rule.Nominal(new YearMonth(year, 1), WorkingDays);

        nominal.Should().Be(Date(expected));
    }

    [TestCase(4, 31, 2022, "2022-04-30", "2022-05-05")]
    [TestCase(3, 10, 2024, "2024-03-10", "2024-03-11")]
    [TestCase(10, 1, 2025, "2025-10-01", "2025-10-09")]
    [TestCase(2, 31, 2024, "2024-02-29", "2024-02-29")]
    public void DayOfMonth_RestDay_MovesToTheNextWorkingDay(int month, int day, int year, string nominal, string due)
    {
        var rule = new DueDateRule.DayOfMonth(month, day);

        var nominalDate = rule.Nominal(new YearMonth(year, 1), WorkingDays);
        var dueDate = rule.DueDate(new YearMonth(year, 1), WorkingDays);

        using (new AssertionScope())
        {
            nominalDate.Should().Be(Date(nominal));
            dueDate.Should().Be(Date(due));
        }
    }

    [TestCase(2022, "2022-07-07")]
    [TestCase(2023, "2023-07-07")]
    [TestCase(2024, "2024-07-05")]
    [TestCase(2025, "2025-07-07")]
    [TestCase(2026, "2026-07-07")]
    public void NthWorkingDay_EarlyJuly_IsTheFifthWorkingDayAndDueThatDay(int year, string expected)
    {
        var rule = new DueDateRule.NthWorkingDay(7, 5);

        var nominal = rule.Nominal(new YearMonth(year, 1), WorkingDays);
        var due = rule.DueDate(new YearMonth(year, 1), WorkingDays);

        using (new AssertionScope())
        {
            nominal.Should().Be(Date(expected));
            due.Should().Be(nominal);
        }
    }

    // February 2024 has 18 working days (the Spring Festival rests from the 10th to the 17th; the 4th and the 18th are
    // worked), July 2024 has 23: the 23rd working day of February is its last, the 29th.
    [TestCase(2, 23, 2024, "2024-02-29")]
    [TestCase(2, 18, 2024, "2024-02-29")]
    [TestCase(2, 17, 2024, "2024-02-28")]
    [TestCase(7, 23, 2024, "2024-07-31")]
    public void NthWorkingDay_MonthWithFewerWorkingDays_IsItsLastWorkingDay(int month, int n, int year, string expected)
    {
        var rule = new DueDateRule.NthWorkingDay(month, n);

        var nominal = rule.Nominal(new YearMonth(year, 1), WorkingDays);
        var due = rule.DueDate(new YearMonth(year, 1), WorkingDays);

        using (new AssertionScope())
        {
            nominal.Should().Be(Date(expected));
            due.Should().Be(nominal);
        }
    }

    [TestCase("2023-12", "2024-01-15", "2024-01-15")]
    [TestCase("2024-01", "2024-02-15", "2024-02-18")]
    [TestCase("2024-05", "2024-06-15", "2024-06-17")]
    [TestCase("2024-08", "2024-09-15", "2024-09-18")]
    [TestCase("2024-09", "2024-10-15", "2024-10-15")]
    [TestCase("2024-11", "2024-12-15", "2024-12-16")]
    [TestCase("2024-12", "2025-01-15", "2025-01-15")]
    [TestCase("2025-01", "2025-02-15", "2025-02-17")]
    [TestCase("2026-01", "2026-02-15", "2026-02-24")]
    [TestCase("2022-09", "2022-10-15", "2022-10-17")]
    public void AfterPeriod_Period_IsDayOfTheNextMonthMovedToAWorkingDay(string period, string nominal, string due)
    {
        var rule = new DueDateRule.AfterPeriod(15);

        var nominalDate = rule.Nominal(Month(period), WorkingDays);
        var dueDate = rule.DueDate(Month(period), WorkingDays);

        using (new AssertionScope())
        {
            nominalDate.Should().Be(Date(nominal));
            dueDate.Should().Be(Date(due));
        }
    }

    [Test]
    public void EndOfMonth_YearTheCalendarLacks_MovesBackOffWeekendsOnly()
    {
        var rule = new DueDateRule.EndOfMonth(10);

        var due = rule.DueDate(new YearMonth(2027, 1), WorkingDays);

        due.Should().Be(Date("2027-10-29"), "2027-10-31 is a Sunday and 2027 has no holidays in the calendar");
    }

    [Test]
    public void DueDate_YearTheCalendarLacks_MovesOffWeekendsOnly()
    {
        var rule = new DueDateRule.AfterPeriod(1);

        var due = rule.DueDate(new YearMonth(2027, 9), WorkingDays);

        using (new AssertionScope())
        {
            due.Should().Be(Date("2027-10-01"));
            WorkingDays.WarningFor(due.Year).Should().NotBeNull();
        }
    }
}
