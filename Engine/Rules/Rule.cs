using System.Globalization;
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

    protected static string Pct(decimal value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    protected static string Money(decimal value) => value.ToString("#,0.00", CultureInfo.InvariantCulture);

    protected static string Period(YearMonth period) => Periods.Format(period);

    protected static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
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
    public IReadOnlyList<StoredSnapshot> Months(int year, int throughMonth)
    {
        var found = new List<StoredSnapshot>(throughMonth);
        for (var month = 1; month <= throughMonth; month++)
        {
            if (Snapshot(new YearMonth(year, month)) is { } snapshot)
            {
                found.Add(snapshot);
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
