using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;
using NodaTime;
using static Compliance.Engine.Tests.Calendar.SeedCalendar;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>
/// The obligations of deadlines.md and their deadlines for an institution: monthly ledgers from its
/// <c>reportingFrom</c> period, the others once a year from that period's year; who each applies to.
/// </summary>
public sealed class ObligationTests
{
    [Test]
    public void DeadlinesIn_LedgerForAYear_AreThePeriodsDecemberBeforeThroughNovember()
    {
        var ledger = Obligations.LedgerMonthly;

        var deadlines = ledger.DeadlinesIn(2024, new YearMonth(2020, 1), WorkingDays).ToList();

        using (new AssertionScope())
        {
            deadlines.Should().HaveCount(12);
            deadlines.Select(d => d.Period).Should().Equal(Enumerable.Range(0, 12).Select(i => new YearMonth(2023, 12).PlusMonths(i)));
            deadlines.Select(d => d.NominalDate).Should().Equal(Enumerable.Range(1, 12).Select(m => new LocalDate(2024, m, 15)));
            deadlines.Should().OnlyContain(d => d.Year == 2024 && d.Obligation == ledger);
        }
    }

    [Test]
    public void DeadlinesIn_Ledger2024_AreDueOnTheFifteenthMovedToWorkingDays()
    {
        var ledger = Obligations.LedgerMonthly;

        var deadlines = ledger.DeadlinesIn(2024, new YearMonth(2020, 1), WorkingDays);

        deadlines.Select(d => d.DueDate).Should().Equal(
            Date("2024-01-15"), Date("2024-02-18"), Date("2024-03-15"), Date("2024-04-15"),
            Date("2024-05-15"), Date("2024-06-17"), Date("2024-07-15"), Date("2024-08-15"),
            Date("2024-09-18"), Date("2024-10-15"), Date("2024-11-15"), Date("2024-12-16"));
    }

    [Test]
    public void DeadlinesIn_LedgerOfJanuary2024_IsDueOnTheMakeUpSundayAfterSpringFestival()
    {
        var ledger = Obligations.LedgerMonthly;

        var deadline = ledger.DeadlinesIn(2024, new YearMonth(2024, 1), WorkingDays).First();

        using (new AssertionScope())
        {
            deadline.Period.Should().Be(new YearMonth(2024, 1));
            deadline.NominalDate.Should().Be(Date("2024-02-15"));
            deadline.DueDate.Should().Be(Date("2024-02-18"));
            deadline.DueDate.DayOfWeek.Should().Be(IsoDayOfWeek.Sunday);
        }
    }

    [TestCase("2024-06", 2024, "2024-06", 6)]
    [TestCase("2024-01", 2024, "2024-01", 11)]
    [TestCase("2023-12", 2024, "2023-12", 12)]
    [TestCase("2024-11", 2024, "2024-11", 1)]
    [TestCase("2024-06", 2025, "2024-12", 12)]
    [TestCase("2024-12", 2025, "2024-12", 12)]
    [TestCase("2025-03", 2025, "2025-03", 9)]
    public void DeadlinesIn_LedgerReportingFromAPeriod_StartsAtThatPeriod(string reportingFrom, int year, string first, int count)
    {
        var ledger = Obligations.LedgerMonthly;

        var deadlines = ledger.DeadlinesIn(year, Month(reportingFrom), WorkingDays).ToList();

        using (new AssertionScope())
        {
            deadlines.Should().HaveCount(count);
            deadlines[0].Period.Should().Be(Month(first));
            deadlines.Should().OnlyContain(d => d.Period >= Month(reportingFrom));
        }
    }

    [TestCase("2024-12", 2024)]
    [TestCase("2024-06", 2023)]
    [TestCase("2025-01", 2024)]
    public void DeadlinesIn_LedgerBeforeReportingFrom_IsEmpty(string reportingFrom, int year)
    {
        var ledger = Obligations.LedgerMonthly;

        var deadlines = ledger.DeadlinesIn(year, Month(reportingFrom), WorkingDays);

        deadlines.Should().BeEmpty();
    }

    // endOfMonth is due on the month's last working day: 2025-05-31 starts the 端午 holiday, 2024-06-30 is a Sunday,
    // 2022-12-31 is in the 元旦 holiday and 2023-12-30/31 a weekend; the other rules move forward (顺延).
    [TestCase("CREDIT_POLICY_DIGEST", 2025, "2025-05", "2025-05-31", "2025-05-30")]
    [TestCase("CREDIT_POLICY_DIGEST", 2024, "2024-05", "2024-05-31", "2024-05-31")]
    [TestCase("MATCHMAKING_REPORT", 2024, "2024-06", "2024-06-30", "2024-06-28")]
    [TestCase("MATCHMAKING_REPORT", 2025, "2025-06", "2025-06-30", "2025-06-30")]
    [TestCase("FOUR_LISTS", 2024, "2024-06", "2024-06-30", "2024-06-28")]
    [TestCase("WORK_REPORT_MIDYEAR", 2022, "2022-07", "2022-07-07", "2022-07-07")]
    [TestCase("WORK_REPORT_MIDYEAR", 2024, "2024-07", "2024-07-05", "2024-07-05")]
    [TestCase("WORK_REPORT_YEAREND", 2022, "2022-12", "2022-12-31", "2022-12-30")]
    [TestCase("WORK_REPORT_YEAREND", 2023, "2023-12", "2023-12-31", "2023-12-29")]
    [TestCase("WORK_REPORT_YEAREND", 2024, "2024-12", "2024-12-31", "2024-12-31")]
    public void DeadlinesIn_AnnualObligation_IsOnceAYearInTheMonthOfItsNominalDate(string code, int year, string period, string nominal, string due)
    {
        var obligation = Obligations.ByCode(code);

        var deadlines = obligation.DeadlinesIn(year, new YearMonth(2022, 1), WorkingDays).ToList();

        using (new AssertionScope())
        {
            deadlines.Should().ContainSingle();
            var deadline = deadlines[0];
            deadline.Obligation.Should().Be(obligation);
            deadline.Period.Should().Be(Month(period));
            deadline.NominalDate.Should().Be(Date(nominal));
            deadline.DueDate.Should().Be(Date(due));
            deadline.Year.Should().Be(year);
        }
    }

    [TestCase("CREDIT_POLICY_DIGEST")]
    [TestCase("MATCHMAKING_REPORT")]
    [TestCase("FOUR_LISTS")]
    [TestCase("WORK_REPORT_MIDYEAR")]
    [TestCase("WORK_REPORT_YEAREND")]
    public void DeadlinesIn_AnnualObligationFromReportingFromsYear_IsDueThatYearWhateverTheMonth(string code)
    {
        var obligation = Obligations.ByCode(code);

        var deadlines = obligation.DeadlinesIn(2025, new YearMonth(2025, 11), WorkingDays);

        deadlines.Should().ContainSingle().Which.Year.Should().Be(2025);
    }

    [TestCase("CREDIT_POLICY_DIGEST", "2025-01", 2024)]
    [TestCase("MATCHMAKING_REPORT", "2025-01", 2024)]
    [TestCase("FOUR_LISTS", "2024-12", 2023)]
    [TestCase("WORK_REPORT_MIDYEAR", "2023-01", 2022)]
    [TestCase("WORK_REPORT_YEAREND", "2023-01", 2022)]
    public void DeadlinesIn_AnnualObligationBeforeReportingFromsYear_IsEmpty(string code, string reportingFrom, int year)
    {
        var obligation = Obligations.ByCode(code);

        var deadlines = obligation.DeadlinesIn(year, Month(reportingFrom), WorkingDays);

        deadlines.Should().BeEmpty();
    }

    [Test]
    public void DeadlinesIn_SixObligationsOverAYear_AreTwelveLedgersAndOneOfEachOther()
    {
        var reportingFrom = new YearMonth(2022, 1);

        var deadlines = Obligations.All.SelectMany(o => o.DeadlinesIn(2024, reportingFrom, WorkingDays)).ToList();

        deadlines.GroupBy(d => d.Obligation.Code).ToDictionary(g => g.Key, g => g.Count()).Should().Equal(new Dictionary<string, int>
        {
            ["LEDGER_MONTHLY"] = 12,
            ["CREDIT_POLICY_DIGEST"] = 1,
            ["MATCHMAKING_REPORT"] = 1,
            ["FOUR_LISTS"] = 1,
            ["WORK_REPORT_MIDYEAR"] = 1,
            ["WORK_REPORT_YEAREND"] = 1,
        });
    }

    [TestCase(2023, 0)]
    [TestCase(2024, 1)]
    [TestCase(2025, 1)]
    [TestCase(2026, 0)]
    public void DeadlinesIn_AnnualObligationInForceSomeYears_OnlyInThoseYears(int year, int count)
    {
        var obligation = Obligations.Create("FOUR_LISTS", "公开“四项清单”", "Four lists", "1411", "endOfMonth(6)", years: new YearRange(2024, 2025));

        var deadlines = obligation.DeadlinesIn(year, new YearMonth(2022, 1), WorkingDays);

        deadlines.Should().HaveCount(count);
    }

    [Test]
    public void DeadlinesIn_LedgerNoLongerInForce_IsEmpty()
    {
        var ledger = Obligations.Create("LEDGER_MONTHLY", "月度贷款台账报送", "Monthly loan ledger", "", "afterPeriod(15)", years: new YearRange(2022, 2024));

        var deadlines = ledger.DeadlinesIn(2025, new YearMonth(2022, 1), WorkingDays);

        deadlines.Should().BeEmpty();
    }

    [Test]
    public void DeadlinesIn_YearTheCalendarLacks_StillGivesDeadlinesOffWeekends()
    {
        var obligation = Obligations.CreditPolicyDigest;

        var deadline = obligation.DeadlinesIn(2027, new YearMonth(2022, 1), WorkingDays).Single();

        using (new AssertionScope())
        {
            deadline.NominalDate.Should().Be(Date("2027-05-31"));
            deadline.DueDate.Should().Be(Date("2027-05-31"));
            WorkingDays.WarningFor(deadline.Year).Should().NotBeNull();
        }
    }

    [TestCase("LEDGER_MONTHLY", "371302", true)]
    [TestCase("LEDGER_MONTHLY", "110000", true)]
    [TestCase("LEDGER_MONTHLY", "141102", true)]
    [TestCase("CREDIT_POLICY_DIGEST", "371302", true)]
    [TestCase("CREDIT_POLICY_DIGEST", "371300", true)]
    [TestCase("CREDIT_POLICY_DIGEST", "370102", false)]
    [TestCase("CREDIT_POLICY_DIGEST", "141102", false)]
    [TestCase("MATCHMAKING_REPORT", "371329", true)]
    [TestCase("MATCHMAKING_REPORT", "371002", false)]
    [TestCase("FOUR_LISTS", "141102", true)]
    [TestCase("FOUR_LISTS", "141002", false)]
    [TestCase("FOUR_LISTS", "371302", false)]
    [TestCase("WORK_REPORT_MIDYEAR", "370102", true)]
    [TestCase("WORK_REPORT_MIDYEAR", "371302", true)]
    [TestCase("WORK_REPORT_MIDYEAR", "141102", false)]
    [TestCase("WORK_REPORT_MIDYEAR", "133701", false)]
    [TestCase("WORK_REPORT_YEAREND", "379999", true)]
    [TestCase("WORK_REPORT_YEAREND", "360102", false)]
    public void AppliesTo_RegionCode_MatchesByPrefix(string code, string regionCode, bool expected)
    {
        var obligation = Obligations.ByCode(code);

        var applies = obligation.AppliesTo(new InstitutionProfile(regionCode, "city_commercial", true, "head_office"));

        applies.Should().Be(expected);
    }

    [TestCase("large_state")]
    [TestCase("joint_stock")]
    [TestCase("city_commercial")]
    [TestCase("rural")]
    [TestCase("village")]
    [TestCase("policy")]
    [TestCase("foreign")]
    [TestCase("other")]
    public void AppliesTo_ObligationWithoutPopulations_BindsEveryInstitutionOfItsRegion(string category)
    {
        var countyBranch = new InstitutionProfile("371302", category, false, "county");

        var applies = Obligations.All.Select(o => o.AppliesTo(countyBranch));

        applies.Should().Equal([true, true, true, false, false, false], "a county branch is no provincial-level institution and no head office");
    }

    // deadlines.md: region 37, provincial-level institutions (各省级金融机构), and the head offices of joint-stock and city
    // commercial banks among the notice's addressees.
    [TestCase("rural", true, "head_office", false, TestName = "AppliesTo_WorkReports_CountyRuralBank_IsNotBound")]
    [TestCase("village", true, "head_office", false, TestName = "AppliesTo_WorkReports_VillageBank_IsNotBound")]
    [TestCase("rural", true, "provincial", true, TestName = "AppliesTo_WorkReports_ProvincialRuralCreditUnion_IsBound")]
    [TestCase("joint_stock", false, "provincial", true, TestName = "AppliesTo_WorkReports_JointStockProvincialBranch_IsBound")]
    [TestCase("large_state", false, "provincial", true, TestName = "AppliesTo_WorkReports_LargeStateProvincialBranch_IsBound")]
    [TestCase("joint_stock", false, "municipal", false, TestName = "AppliesTo_WorkReports_JointStockMunicipalBranch_IsNotBound")]
    [TestCase("city_commercial", false, "county", false, TestName = "AppliesTo_WorkReports_CityCommercialCountyBranch_IsNotBound")]
    [TestCase("city_commercial", true, "head_office", true, TestName = "AppliesTo_WorkReports_CityCommercialHeadOffice_IsBound")]
    [TestCase("joint_stock", true, "head_office", true, TestName = "AppliesTo_WorkReports_JointStockHeadOffice_IsBound")]
    [TestCase("large_state", true, "head_office", false, TestName = "AppliesTo_WorkReports_LargeStateHeadOffice_IsNotBound")]
    public void AppliesTo_WorkReports_BindAnInstitutionMatchingAnyAlternative(string category, bool legalPerson, string level, bool expected)
    {
        var institution = new InstitutionProfile("370102", category, legalPerson, level);

        var applies = new[] { Obligations.WorkReportMidyear, Obligations.WorkReportYearend }.Select(o => o.AppliesTo(institution));

        applies.Should().Equal(expected, expected);
    }

    [Test]
    public void FiledBy_OfTheLedger_IsASubmission_AndOfAnyOther_ADeliverable()
    {
        var filedBy = Obligations.All.Select(o => o.FiledBy);

        filedBy.Should().Equal("submission", "deliverable", "deliverable", "deliverable", "deliverable", "deliverable");
    }
}
