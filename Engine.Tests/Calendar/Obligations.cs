using Compliance.Engine.Calendar;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>The six obligations in force at first start (deadlines.md), written as data.</summary>
internal static class Obligations
{
    public static Obligation LedgerMonthly { get; } = Create("LEDGER_MONTHLY", "月度贷款台账报送", "Monthly loan ledger", "", "afterPeriod(15)");

    public static Obligation CreditPolicyDigest { get; } = Create("CREDIT_POLICY_DIGEST", "梳理信贷政策报送人民银行", "Credit policy digest", "3713", "endOfMonth(5)");

    public static Obligation MatchmakingReport { get; } = Create("MATCHMAKING_REPORT", "对接活动工作报告及照片", "Matchmaking report", "3713", "endOfMonth(6)");

    public static Obligation FourLists { get; } = Create("FOUR_LISTS", "公开“四项清单”", "Four lists", "1411", "endOfMonth(6)");

    public static Obligation WorkReportMidyear { get; } = Create("WORK_REPORT_MIDYEAR", "半年工作报告（报人民银行济南分行）", "Half-year work report", "37", "nthWorkingDay(7, 5)");

    public static Obligation WorkReportYearend { get; } = Create("WORK_REPORT_YEAREND", "年度工作报告", "Year-end work report", "37", "endOfMonth(12)");

    public static IReadOnlyList<Obligation> All { get; } =
        [LedgerMonthly, CreditPolicyDigest, MatchmakingReport, FourLists, WorkReportMidyear, WorkReportYearend];

    public static Obligation ByCode(string code) => All.Single(o => o.Code == code);

    public static Obligation Create(string code, string zh, string en, string regionPrefix, string due, IReadOnlyList<string>? categories = null, YearRange? years = null) =>
        new(code, new LocalizedText(zh, en), regionPrefix, categories, years ?? new YearRange(2000, null), DueDateRule.Parse(due));
}
