using Compliance.Engine.Calendar;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Engine.Tests.Calendar;

public sealed class DeadlineSweepTests
{
    private static readonly InstitutionFacts Linyi = new("C1", "371302", "rural", new YearMonth(2022, 1), "临沂银行");
    private static readonly InstitutionFacts Beijing = new("B1", "110101", "joint_stock", new YearMonth(2023, 3), "北京银行");
    private static readonly InstitutionFacts Jinan = new("J1", "370102", "joint_stock", new YearMonth(2022, 1), "济南分行", LegalPerson: false, Level: "provincial");

    [Test]
    public void Plan_NothingFiled_OwesTheLatestReminderOfEachDeadline_AndTheMissedOnes()
    {
        var today = new LocalDate(2022, 6, 1);

        var plan = DeadlineSweep.Plan(today, [Linyi], DeadlineSweep.Window(today, Obligations.All, SeedCalendar.WorkingDays), _ => false);

        var digest = plan.Reminders.Single(r => r.Deadline.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST");
        digest.Reminder.Should().Be(new ReminderDue(ReminderKind.Overdue, 1));
        plan.Missed.Select(m => (m.Deadline.Obligation.Code, Periods.Format(m.Deadline.Period))).Should().Contain(("CREDIT_POLICY_DIGEST", "2022-05"));
        plan.Reminders.Select(r => r.Deadline.Deadline.Obligation.Code).Should().NotContain("FOUR_LISTS");
    }

    [Test]
    public void Plan_Filed_OwesNothing_AndItsDueDateTellsHowLateItWas()
    {
        var today = new LocalDate(2022, 6, 10);
        var filedOn = Instant.FromUtc(2022, 6, 5, 1, 0); // 09:00 in Shanghai, five days after 2022-05-31

        var plan = DeadlineSweep.Plan(today, [Linyi], DeadlineSweep.Window(today, Obligations.All, SeedCalendar.WorkingDays),
            d => d.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST");
        var due = DeadlineSweep.DueDates([Linyi], Obligations.All, SeedCalendar.WorkingDays)("C1", "CREDIT_POLICY_DIGEST", new YearMonth(2022, 5));

        plan.Reminders.Should().NotContain(r => r.Deadline.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST");
        plan.Missed.Should().NotContain(m => m.Deadline.Obligation.Code == "CREDIT_POLICY_DIGEST");
        due.Should().Be(new LocalDate(2022, 5, 31));
        DeadlineSweep.DaysLate(due!.Value, filedOn).Should().Be(5);
    }

    [Test]
    public void DaysLate_FiledOnTheDueDateInChinaStandardTime_IsZero()
    {
        var filed = Instant.FromUtc(2022, 5, 31, 15, 59); // 23:59 on 2022-05-31 in Shanghai

        DeadlineSweep.DaysLate(new LocalDate(2022, 5, 31), filed).Should().Be(0);
        DeadlineSweep.DaysLate(new LocalDate(2022, 5, 31), filed.Plus(Duration.FromMinutes(1))).Should().Be(1);
    }

    [Test]
    public void DueDates_OfADeadlineThatBindsTheInstitution_MovesToTheNextWorkingDay_AndOfAnyOtherIsNull()
    {
        var dueDates = DeadlineSweep.DueDates([Linyi, Beijing, Jinan], Obligations.All, SeedCalendar.WorkingDays);

        using (new AssertionScope())
        {
            dueDates("C1", Obligation.LedgerMonthly, new YearMonth(2022, 9)).Should().Be(new LocalDate(2022, 10, 17));
            dueDates("J1", "WORK_REPORT_MIDYEAR", new YearMonth(2022, 7)).Should().Be(new LocalDate(2022, 7, 7));
            dueDates("J1", "WORK_REPORT_YEAREND", new YearMonth(2022, 12)).Should().Be(new LocalDate(2022, 12, 30));
            dueDates("C1", "WORK_REPORT_MIDYEAR", new YearMonth(2022, 7)).Should().BeNull("a rural bank's head office is outside the work reports' populations");
            dueDates("C1", "NO_SUCH_OBLIGATION", new YearMonth(2022, 9)).Should().BeNull();
            dueDates("NO_SUCH_INSTITUTION", Obligation.LedgerMonthly, new YearMonth(2022, 9)).Should().BeNull();
            dueDates("B1", "CREDIT_POLICY_DIGEST", new YearMonth(2023, 5)).Should().BeNull("it binds Linyi only");
            dueDates("B1", Obligation.LedgerMonthly, new YearMonth(2023, 2)).Should().BeNull("Beijing reports from 2023-03");
            dueDates("B1", "WORK_REPORT_YEAREND", new YearMonth(2023, 12)).Should().BeNull("a Shandong obligation");
        }
    }

    [Test]
    public void ChangedSince_TheSameDay_IsNothing()
    {
        var today = new LocalDate(2023, 7, 3);

        DeadlineSweep.ChangedSince(today, today, DeadlineSweep.Window(today, Obligations.All, SeedCalendar.WorkingDays)).Should().BeEmpty();
    }

    // Due dates from 2023-05-01 to 2023-08-31: the digest 2023-05-31, the ledgers of 2023-04 to 2023-07 (05-15, 06-15,
    // 07-17, 08-15), the matchmaking report and the four lists 06-30, the half-year report 07-07 (5th working day).
    [TestCase("2023-07-02", "2023-07-03", new[] { "LEDGER_MONTHLY 2023-04", "LEDGER_MONTHLY 2023-06" }, TestName = "ChangedSince_TheDayBefore_JuneLedger14DaysOff_AprilLedger49DaysOverdue")]
    [TestCase("2023-06-30", "2023-07-01", new[] { "FOUR_LISTS 2023-06", "MATCHMAKING_REPORT 2023-06" }, TestName = "ChangedSince_TheDayBefore_TheDayAfterADueDate")]
    [TestCase("2023-07-04", "2023-07-05", new[] { "CREDIT_POLICY_DIGEST 2023-05" }, TestName = "ChangedSince_TheDayBefore_AWeeklyOverdueReminder")]
    [TestCase("2023-07-07", "2023-07-08", new[] { "WORK_REPORT_MIDYEAR 2023-07" }, TestName = "ChangedSince_TheDayBefore_TheHalfYearReportMissed")]
    [TestCase("2023-07-08", "2023-07-09", new string[] { }, TestName = "ChangedSince_TheDayBefore_NoReminderDayToday")]
    public void ChangedSince_TheDayBefore_IsTheDeadlinesWithAReminderDayToday(string since, string today, string[] expected)
    {
        var day = NodaTime.Text.LocalDatePattern.Iso.Parse(today).Value;
        var window = DeadlineSweep.Window(day, Obligations.All, SeedCalendar.WorkingDays)
            .Where(d => d.DueDate >= new LocalDate(2023, 5, 1) && d.DueDate <= new LocalDate(2023, 8, 31));

        var changed = DeadlineSweep.ChangedSince(NodaTime.Text.LocalDatePattern.Iso.Parse(since).Value, day, window);

        changed.Select(d => $"{d.Obligation.Code} {Periods.Format(d.Period)}").Order(StringComparer.Ordinal).Should().Equal(expected);
    }

    [Test]
    public void ChangedSince_AfterDowntime_IsEveryDeadlineWhoseLatestReminderOrMissedStateMovedInBetween()
    {
        var window = DeadlineSweep.Window(new LocalDate(2023, 7, 20), Obligations.All, SeedCalendar.WorkingDays);

        var changed = DeadlineSweep.ChangedSince(new LocalDate(2023, 7, 1), new LocalDate(2023, 7, 20), window).ToList();

        changed.Should().Contain(d => d.Obligation.Code == Obligation.LedgerMonthly && d.Period == new YearMonth(2023, 6), "due 2023-07-17: missed since");
        changed.Should().Contain(d => d.Obligation.Code == "WORK_REPORT_MIDYEAR" && d.Year == 2023);
        changed.Should().NotContain(d => d.DueDate > new LocalDate(2023, 8, 3), "no reminder is owed more than 14 days ahead");
    }

    [Test]
    public void Plan_OverSomeDeadlines_OwesWhatThePlanOverTheWholeWindowOwesForThem()
    {
        var today = new LocalDate(2023, 7, 8);
        var window = DeadlineSweep.Window(today, Obligations.All, SeedCalendar.WorkingDays);
        var some = window.Where(d => d.Obligation.Code == "WORK_REPORT_MIDYEAR").ToList();

        var whole = DeadlineSweep.Plan(today, [Linyi, Beijing, Jinan], window, _ => false);
        var part = DeadlineSweep.Plan(today, [Linyi, Beijing, Jinan], some, _ => false);

        part.Reminders.Should().NotBeEmpty().And.BeEquivalentTo(whole.Reminders.Where(r => r.Deadline.Deadline.Obligation.Code == "WORK_REPORT_MIDYEAR"));
        part.Missed.Should().NotBeEmpty().And.BeEquivalentTo(whole.Missed.Where(m => m.Deadline.Obligation.Code == "WORK_REPORT_MIDYEAR"));
    }

    [Test]
    public void Fingerprint_ChangesWithAnInstitutionsFactsAnObligationOrADueDate_AndNotWithTheirOrder()
    {
        var all = Obligations.All;
        var window = DeadlineSweep.Window(new LocalDate(2023, 7, 8), all, SeedCalendar.WorkingDays);
        var fingerprint = DeadlineSweep.Fingerprint([Linyi, Beijing], all, window);
        IReadOnlyList<Obligation> With(Obligation changed) => [.. all.Select(o => o.Code == changed.Code ? changed : o)];

        using (new AssertionScope())
        {
            fingerprint.Should().MatchRegex("^[0-9a-f]{64}$");
            DeadlineSweep.Fingerprint([Beijing, Linyi], all.Reverse(), window.Reverse()).Should().Be(fingerprint);
            DeadlineSweep.Fingerprint([Linyi], all, window).Should().NotBe(fingerprint, "an institution is gone");
            DeadlineSweep.Fingerprint([Linyi with { ReportingFrom = new YearMonth(2021, 1) }, Beijing], all, window).Should().NotBe(fingerprint);
            DeadlineSweep.Fingerprint([Linyi with { RegionCode = "370102" }, Beijing], all, window).Should().NotBe(fingerprint);
            DeadlineSweep.Fingerprint([Linyi with { Category = "village" }, Beijing], all, window).Should().NotBe(fingerprint);
            DeadlineSweep.Fingerprint([Linyi with { LegalPerson = false }, Beijing], all, window).Should().NotBe(fingerprint, "legal status decides the work reports");
            DeadlineSweep.Fingerprint([Linyi with { Level = "provincial" }, Beijing], all, window).Should().NotBe(fingerprint, "the level decides the work reports");
            DeadlineSweep.Fingerprint([Linyi, Beijing], all, window.Select((d, i) => i == 0 ? d with { DueDate = d.DueDate.PlusDays(1) } : d)).Should().NotBe(fingerprint);
            DeadlineSweep.Fingerprint([Linyi, Beijing], all, window.Skip(1)).Should().NotBe(fingerprint, "an obligation's deadline is gone");
            DeadlineSweep.Fingerprint([Linyi, Beijing], With(Obligations.LedgerMonthly with { Years = new YearRange(2005, null) }), window)
                .Should().NotBe(fingerprint, "years outside the window decide which older missed deadlines are still owed");
            DeadlineSweep.Fingerprint([Linyi, Beijing], With(Obligations.FourLists with { Populations = [new Population(LegalPerson: true)] }), window)
                .Should().NotBe(fingerprint, "populations decide whom it binds");
            DeadlineSweep.Fingerprint([Linyi, Beijing], With(Obligations.FourLists with { ReminderOffsets = [-7, 0] }), window)
                .Should().NotBe(fingerprint, "the schedule decides which reminder is owed");
            DeadlineSweep.Fingerprint([Linyi with { Name = "另一个名字" }, Beijing], all, window).Should().Be(fingerprint, "a name owes nothing different");
            ReminderSchedule.Description.Should().Be("-14,-7,-3,-1,0,1,7, then every 7 days from +14");
        }
    }

    [Test]
    public void Plan_ObligationWithItsOwnReminderOffsets_OwesItsLatestOffset_ThenOneEverySevenDaysAfterTheLast()
    {
        var digest = Obligations.CreditPolicyDigest with { ReminderOffsets = [-10, 2] };
        string[] days = ["2022-05-20", "2022-05-21", "2022-06-01", "2022-06-02", "2022-06-08", "2022-06-09", "2022-06-16"];

        var owed = days.Select(day => NodaTime.Text.LocalDatePattern.Iso.Parse(day).Value)
            .Select(today => DeadlineSweep.Plan(today, [Linyi], DeadlineSweep.Window(today, [digest], SeedCalendar.WorkingDays), _ => false).Reminders
                .Where(r => r.Deadline.Deadline.Year == 2022).Select(r => r.Reminder.OffsetDays).SingleOrDefault(int.MinValue));

        // Due 2022-05-31: -10 is 2022-05-21, +2 2022-06-02, then +9 2022-06-09 and +16 2022-06-16.
        owed.Should().Equal(int.MinValue, -10, -10, 2, 2, 9, 16);
    }

    private static readonly InstitutionFacts Late = new("C2", "371302", "rural", new YearMonth(2023, 1), "临沂新行");

    // A DEADLINE_MISSED of each deadline, asked about under the table's obligations: whether it binds, and why not.
    [TestCase("J1", "WORK_REPORT_MIDYEAR", "2022-07", "2022-07-07", null, null, TestName = "Bindings_ProvincialBranchAndHalfYearReport_IsDueOnTheFifthWorkingDayOfJuly")]
    [TestCase("C1", "WORK_REPORT_MIDYEAR", "2022-07", null,
        "C1（类别 rural、层级 head_office、法人）不属于「半年工作报告（报人民银行济南分行）」适用的机构。",
        "C1 (rural, head_office, a legal person) is not among the institutions Half-year work report binds.",
        TestName = "Bindings_RuralHeadOfficeAndHalfYearReport_IsOutsideItsPopulations")]
    [TestCase("B1", "CREDIT_POLICY_DIGEST", "2023-05", null,
        "B1 的地区代码 110101 不在「梳理信贷政策报送人民银行」的适用地区（3713）内。", "B1's region 110101 is outside the region 3713 that Credit policy digest binds.",
        TestName = "Bindings_BeijingAndLinyisDigest_IsOutsideItsRegion")]
    [TestCase("C1", "CREDIT_POLICY_DIGEST", "2021-05", null,
        "「梳理信贷政策报送人民银行」的适用年度现为 2022 起，不含 2021 年。", "Credit policy digest is now in force from 2022, which leaves out 2021.",
        TestName = "Bindings_DigestOf2021_IsBeforeItsYears")]
    [TestCase("C1", "CREDIT_POLICY_DIGEST", "2022-06", null,
        "「梳理信贷政策报送人民银行」2022 年的截止日已调整为 2022-05-31（2022-05），2022-06 不再是它的截止期。",
        "Credit policy digest of 2022 is now due on 2022-05-31 (2022-05): 2022-06 is no longer its deadline.",
        TestName = "Bindings_DigestOfAPeriodNotItsDueMonth_IsNoLongerItsDeadline")]
    [TestCase("C2", Obligation.LedgerMonthly, "2022-12", null,
        "C2 自 2023-01 起报送，此截止期在其之前。", "C2 reports from 2023-01; this deadline comes before that.",
        TestName = "Bindings_LedgerBeforeTheReportingStart_DoesNotBind")]
    [TestCase("C1", "NO_SUCH", "2022-05", null, "义务 NO_SUCH 已不存在。", "The obligation NO_SUCH no longer exists.", TestName = "Bindings_UnknownObligation_NoLongerExists")]
    public void Bindings_OfADeadline_IsItsDueDateOrWhyItDoesNotBind(string institution, string obligation, string period, string? due, string? zh, string? en)
    {
        var bindings = DeadlineSweep.Bindings([Linyi, Beijing, Jinan, Late], Obligations.All, SeedCalendar.WorkingDays);

        var binding = bindings(institution, obligation, Periods.Parse(period));

        binding.Should().Be(new DeadlineBinding(
            due is null ? null : NodaTime.Text.LocalDatePattern.Iso.Parse(due).Value, zh is null ? null : new LocalizedText(zh, en!)));
    }

    [Test]
    public void Bindings_OfAnInstitutionNotKnown_IsNull()
    {
        var bindings = DeadlineSweep.Bindings([Linyi], Obligations.All, SeedCalendar.WorkingDays);

        bindings("NO_SUCH", Obligation.LedgerMonthly, new YearMonth(2022, 5)).Should().BeNull();
    }

    private static readonly LocalDate May31 = new(2022, 5, 31);

    // A missed deadline recorded as due on 2022-05-31, asked about on 2022-06-10.
    [TestCase("2022-05-31", null, null, TestName = "NoLongerOwed_SameDueDateNotFiled_StillOwed")]
    [TestCase("2022-05-31", "2022-06-01T02:00:00Z", null, TestName = "NoLongerOwed_SameDueDateFiledLate_StillOwed")]
    [TestCase("2022-06-30", null, "截止日已调整为 2022-06-30，尚未到期。|The due date is now 2022-06-30, which has not passed.", TestName = "NoLongerOwed_DueDateMovedPastToday_NotYetDue")]
    [TestCase("2022-06-10", null, "截止日已调整为 2022-06-10，尚未到期。|The due date is now 2022-06-10, which has not passed.", TestName = "NoLongerOwed_DueDateMovedToToday_NotYetDue")]
    [TestCase("2022-06-09", null, null, TestName = "NoLongerOwed_DueDateMovedButPassed_StillOwed")]
    [TestCase("2022-06-09", "2022-06-09T15:59:00Z", "截止日已调整为 2022-06-09，此前已报送，不再逾期。|The due date is now 2022-06-09, and it was filed by then.", TestName = "NoLongerOwed_DueDateMovedAndFiledByThen_NotMissed")]
    [TestCase("2022-06-09", "2022-06-09T16:00:00Z", null, TestName = "NoLongerOwed_DueDateMovedAndFiledAfter_StillMissed")]
    public void NoLongerOwed_RecordedDueDate_StandsUnlessTheDueDateMovedSoThatItIsNotMissed(string due, string? filed, string? why)
    {
        var binding = new DeadlineBinding(NodaTime.Text.LocalDatePattern.Iso.Parse(due).Value, null);
        Instant? filedAt = filed is null ? null : NodaTime.Text.InstantPattern.ExtendedIso.Parse(filed).Value;

        var answer = DeadlineSweep.NoLongerOwed(binding, May31, filedAt, new LocalDate(2022, 6, 10));

        answer.Should().Be(why is null ? null : new LocalizedText(why.Split('|')[0], why.Split('|')[1]));
    }

    [Test]
    public void NoLongerOwed_ADeadlineThatNoLongerBinds_IsWhyItDoesNot_AndOfAnUnknownInstitution_Null()
    {
        var unbound = DeadlineBinding.Not("不再适用。", "No longer binds.");

        using (new AssertionScope())
        {
            DeadlineSweep.NoLongerOwed(unbound, May31, null, new LocalDate(2022, 6, 10)).Should().Be(new LocalizedText("不再适用。", "No longer binds."));
            DeadlineSweep.NoLongerOwed(null, May31, null, new LocalDate(2022, 6, 10)).Should().BeNull();
        }
    }

    [Test]
    public void Deadlines_BeforeReportingFrom_AreNeverOwed()
    {
        var plan = DeadlineSweep.Plan(new LocalDate(2023, 3, 20), [Beijing], DeadlineSweep.Window(new LocalDate(2023, 3, 20), Obligations.All, SeedCalendar.WorkingDays), _ => false);

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

    /// <summary>
    /// What the sweep plans for fixed facts (institutions, obligations and a calendar written here, every day of two
    /// years, a fixed pattern of filings), as a digest pinned to <see cref="DeadlineSweep.PlanVersion"/>. A change to
    /// the planning code that changes any plan fails here until <see cref="DeadlineSweep.PlanVersion"/> is raised and
    /// the digest of the new version recorded: a sweep journaled under the old way then plans every deadline again.
    /// </summary>
    [Test]
    public void Plan_OfFixedFacts_IsTheOnePinnedToThePlanVersion()
    {
        var pinned = new Dictionary<int, string>
        {
            [1] = "6a152e5814c3bb54d13125fd31fab640b216137a1e10453b387f953c25736b95",
            [2] = "cb90c8a6788b5958085b3d92dc8d25040d03ea5afd5c9496ab8c79409867b84c",
            // The same plans: what changed is what a sweep on top of another reads (the filings no sweep has read yet).
            [3] = "cb90c8a6788b5958085b3d92dc8d25040d03ea5afd5c9496ab8c79409867b84c",
        };
        InstitutionFacts[] institutions =
        [
            new("P1", "371302", "rural", new YearMonth(2021, 7), "临沂农商行"),
            new("P2", "370102", "joint_stock", new YearMonth(2022, 3), "济南分行"),
            new("P3", "141100", "city_commercial", new YearMonth(2020, 1), "吕梁银行"),
            new("P4", "110101", "large_state", new YearMonth(2022, 11), "北京分行"),
        ];
        var calendar = new WorkingDayCalendar(new Dictionary<int, CalendarYear>
        {
            [2022] = new(null, [new Holiday("国庆节", [.. Enumerable.Range(1, 7).Select(d => new LocalDate(2022, 10, d))])], [new LocalDate(2022, 10, 8), new LocalDate(2022, 10, 9)]),
        });
        var lines = new List<string>();
        for (var today = new LocalDate(2022, 1, 1); today < new LocalDate(2024, 1, 1); today = today.PlusDays(1))
        {
            var plan = DeadlineSweep.Plan(today, institutions, DeadlineSweep.Window(today, Obligations.All, calendar),
                d => (d.Deadline.Period.Month + d.Institution[1]) % 3 == 0 && today > d.Deadline.DueDate.PlusDays(3));
            lines.AddRange(plan.Reminders.Select(r => $"{Periods.FormatDate(today)}|{r.Deadline.Institution}|{r.Deadline.Deadline.Obligation.Code}|{Periods.Format(r.Deadline.Deadline.Period)}|{Periods.FormatDate(r.Deadline.Deadline.DueDate)}|{r.Reminder.Kind}|{r.Reminder.OffsetDays}"));
            lines.AddRange(plan.Missed.Select(m => $"{Periods.FormatDate(today)}|missed|{m.Institution}|{m.Deadline.Obligation.Code}|{Periods.Format(m.Deadline.Period)}"));
        }

        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines))));

        lines.Should().Contain(l => l.Contains("|missed|", StringComparison.Ordinal)).And.Contain(l => l.Contains("|Overdue|", StringComparison.Ordinal));
        pinned.Should().ContainKey(DeadlineSweep.PlanVersion, "every plan version records the digest of its plans");
        digest.Should().Be(pinned[DeadlineSweep.PlanVersion],
            "the plan of these facts changed: raise DeadlineSweep.PlanVersion and record this digest under the new version");
    }
}
