using System.Globalization;
using Compliance.Engine.Indicators;
using NodaTime;

namespace Compliance.Engine.Rules;

/// <summary>A rule of rules.md: a pure function of a snapshot history and the rule's parameters.</summary>
public abstract class Rule
{
    /// <summary>The stable id, such as <c>NPL_TOLERANCE</c>.</summary>
    public abstract string Id { get; }

    /// <summary>Evaluates the rule for the history's current period.</summary>
    public abstract RuleResult Evaluate(SnapshotHistory history);

    /// <summary>A failing condition is a breach in the assessment month and a warning (预警) before it.</summary>
    protected static Severity ProgressSeverity(YearMonth period, int assessmentMonth) =>
        period.Month == assessmentMonth ? Severity.Breach : Severity.Warning;

    /// <summary>A result with the figures the rule compared, whatever it found.</summary>
    protected static RuleResult With(RuleResult result, params HeadroomFigure[] headroom)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result with { Headroom = headroom };
    }

    /// <summary>How a message names inclusive lending: in the words of the 口径 its history is counted in (rules.md, "Names").</summary>
    private protected static InclusiveWords Words(SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return InclusiveWords.Of(history.Scope);
    }

    protected static string Pct(decimal value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    protected static string Money(decimal value) => value.ToString("#,0.00", CultureInfo.InvariantCulture);

    protected static string Period(YearMonth period) => Periods.Format(period);

    protected static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The clause of a message that tells an increment below last year's, after the name of what grew.</summary>
    private protected static LocalizedText IncrementShortfall(IncrementVsLastYear increments)
    {
        ArgumentNullException.ThrowIfNull(increments);
        var (start, samePeriod, lastYearStart) = (Period(increments.StartOfYear.Period), Period(increments.SamePeriodLastYear.Period), Period(increments.LastYearStart.Period));
        return new LocalizedText(
            $"较年初（{start}）增加 {Money(increments.Increment)} 元，低于去年同期（{lastYearStart} 至 {samePeriod}）的增量 {Money(increments.LastYearIncrement)} 元",
            $"grew by {Money(increments.Increment)} yuan since the start of the year ({start}), less than last year's {Money(increments.LastYearIncrement)} yuan over the same months ({lastYearStart} to {samePeriod})");
    }
}

/// <summary>
/// The words of a 口径 for inclusive lending in a message (rules.md, "Names"): <see cref="Loans"/> the loans,
/// <see cref="Prefix"/> what names a measure of them (…信用贷款占比), <see cref="Borrowers"/> their borrowers with a
/// balance, and the English of the loans and of the prefix. The CBIRC's 普惠型小微企业贷款 and the PBoC's 普惠小微贷款
/// differ in English too.
/// </summary>
internal sealed record InclusiveWords(string Loans, string Prefix, string Borrowers, string LoansEn, string PrefixEn)
{
    public static InclusiveWords Cbirc { get; } =
        new("普惠型小微企业贷款", "普惠型小微企业", "普惠型小微企业有贷款余额户数", "inclusive loans to small and micro enterprises", "inclusive small and micro enterprise");

    public static InclusiveWords Pboc { get; } =
        new("普惠小微贷款", "普惠小微", "普惠小微贷款户数", "inclusive small and micro loans", "inclusive small and micro");

    public static InclusiveWords Of(StatisticalScope scope) => scope == StatisticalScope.Pboc ? Pboc : Cbirc;
}

/// <summary>Looks up the snapshots a rule needs, noting every period that is missing.</summary>
internal sealed class Needs(SnapshotHistory history)
{
    private readonly List<YearMonth> _missing = [];

    public bool AnyMissing => _missing.Count > 0;

    public IReadOnlyList<YearMonth> Missing => _missing;

    public StoredSnapshot? Snapshot(YearMonth period)
    {
        var snapshot = history.Find(period);
        if (snapshot is null)
        {
            _missing.Add(period);
        }

        return snapshot;
    }

    /// <summary>The months January to <paramref name="throughMonth"/> of <paramref name="year"/>, for year-to-date flows.</summary>
    public IReadOnlyList<StoredSnapshot> Months(int year, int throughMonth) => Months(year, throughMonth, _ => true);

    /// <summary>
    /// The months January to <paramref name="throughMonth"/> of <paramref name="year"/>, a snapshot that lacks the flow
    /// (<paramref name="has"/> false: stored before its indicator existed) counting as missing.
    /// </summary>
    public IReadOnlyList<StoredSnapshot> Months(int year, int throughMonth, Func<IndicatorSnapshot, bool> has)
    {
        var found = new List<StoredSnapshot>(throughMonth);
        for (var month = 1; month <= throughMonth; month++)
        {
            var period = new YearMonth(year, month);
            if (Snapshot(period) is not { } snapshot)
            {
                continue;
            }

            if (has(snapshot.Indicators))
            {
                found.Add(snapshot);
            }
            else
            {
                _missing.Add(period);
            }
        }

        return found;
    }

    public RuleResult MissingResult(string rule) => RuleResult.Missing(rule, _missing.Distinct().Order().ToList());
}

/// <summary>Builders for the <c>baselines</c> of a finding.</summary>
internal static class Baselines
{
    public static Dictionary<string, object> Of(params (string Name, StoredSnapshot Snapshot)[] snapshots)
    {
        var baselines = new Dictionary<string, object>();
        foreach (var (name, snapshot) in snapshots)
        {
            baselines[name] = new BaselineRef(snapshot.Period, snapshot.SubmissionId);
        }

        return baselines;
    }

    public static IReadOnlyList<BaselineRef> Months(IEnumerable<StoredSnapshot> snapshots) =>
        snapshots.OrderBy(s => s.Period).Select(s => new BaselineRef(s.Period, s.SubmissionId)).ToList();
}

/// <summary>
/// An indicator's increment so far this year (against the start of the year) beside last year's over the same months
/// (the same period last year against last year's start), and the three snapshots they read.
/// </summary>
internal sealed record IncrementVsLastYear(
    StoredSnapshot StartOfYear, StoredSnapshot SamePeriodLastYear, StoredSnapshot LastYearStart, decimal Increment, decimal LastYearIncrement)
{
    /// <summary>Whether this year's increment is not below last year's.</summary>
    public bool Holds => Increment >= LastYearIncrement;

    /// <summary>The <c>baselines</c> of a finding: <c>startOfYear</c>, <c>samePeriodLastYear</c>, <c>lastYearStart</c>.</summary>
    public Dictionary<string, object> Baselines =>
        Rules.Baselines.Of(("startOfYear", StartOfYear), ("samePeriodLastYear", SamePeriodLastYear), ("lastYearStart", LastYearStart));

    /// <summary>Both increments of <paramref name="indicator"/>, or <c>null</c> where a snapshot is missing (<paramref name="needs"/> then names it).</summary>
    public static IncrementVsLastYear? Of(SnapshotHistory history, Needs needs, Func<IndicatorSnapshot, decimal> indicator)
    {
        var start = needs.Snapshot(Periods.December(history.Period.Year - 1));
        var samePeriod = needs.Snapshot(Periods.PlusYears(history.Period, -1));
        var lastYearStart = needs.Snapshot(Periods.December(history.Period.Year - 2));
        if (start is null || samePeriod is null || lastYearStart is null)
        {
            return null;
        }

        return new IncrementVsLastYear(
            start,
            samePeriod,
            lastYearStart,
            indicator(history.Current.Indicators) - indicator(start.Indicators),
            indicator(samePeriod.Indicators) - indicator(lastYearStart.Indicators));
    }
}
