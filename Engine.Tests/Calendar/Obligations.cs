using Compliance.Engine.Calendar;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>The six obligations in force at first start (deadlines.md), written as data.</summary>
internal static class Obligations
{
    /// <summary>
    /// Whom the work reports bind in Shandong: provincial-level institutions, and the head offices of joint-stock and
    /// city commercial banks.
    /// </summary>
    public static IReadOnlyList<Population> WorkReportPopulations { get; } =
        [new Population(Levels: ["provincial"]), new Population(LegalPerson: true, Categories: ["joint_stock", "city_commercial"])];

    public static Obligation LedgerMonthly { get; } = Create("LEDGER_MONTHLY", "月度贷款台账报送", "Monthly loan ledger", "", "afterPeriod(15)", years: new YearRange(2000, null));

    public static Obligation CreditPolicyDigest { get; } = Create("CREDIT_POLICY_DIGEST", "梳理信贷政策报送人民银行", "Credit policy digest", "3713", "endOfMonth(5)");

    public static Obligation MatchmakingReport { get; } = Create("MATCHMAKING_REPORT", "对接活动工作报告及照片", "Matchmaking report", "3713", "endOfMonth(6)");

    public static Obligation FourLists { get; } = Create("FOUR_LISTS", "公开“四项清单”", "Four lists", "1411", "endOfMonth(6)");

    public static Obligation WorkReportMidyear { get; } =
        Create("WORK_REPORT_MIDYEAR", "半年工作报告（报人民银行济南分行）", "Half-year work report", "37", "nthWorkingDay(7, 5)", WorkReportPopulations);

    public static Obligation WorkReportYearend { get; } = Create("WORK_REPORT_YEAREND", "年度工作报告", "Year-end work report", "37", "endOfMonth(12)", WorkReportPopulations);

    public static IReadOnlyList<Obligation> All { get; } =
        [LedgerMonthly, CreditPolicyDigest, MatchmakingReport, FourLists, WorkReportMidyear, WorkReportYearend];

    public static Obligation ByCode(string code) => All.Single(o => o.Code == code);

    /// <summary>An obligation of every institution of its region, in force from 2022 (the notices' year) unless told otherwise.</summary>
    public static Obligation Create(
        string code, string zh, string en, string regionPrefix, string due, IReadOnlyList<Population>? populations = null, YearRange? years = null) =>
        new(code, new LocalizedText(zh, en), regionPrefix, populations, years ?? new YearRange(2022, null), DueDateRule.Parse(due));
}
