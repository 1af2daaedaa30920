using Compliance.Engine.Indicators;
using NodaTime;

namespace Compliance.Engine.Rules;

/// <summary>
/// The snapshot of one period, from the latest accepted version of its ledger, and the submission it came from
/// (0 for a dry run's snapshot, which is not stored).
/// </summary>
public sealed record StoredSnapshot(YearMonth Period, long SubmissionId, IndicatorSnapshot Indicators);

/// <summary>
/// The snapshot under evaluation and the institution's other snapshots that its rules may read: the periods of
/// its year, the year before and December two years before (rules.md, "Baselines").
/// </summary>
public sealed class SnapshotHistory
{
    private readonly Dictionary<YearMonth, StoredSnapshot> _snapshots;

    public SnapshotHistory(string institution, StoredSnapshot current, IEnumerable<StoredSnapshot> others)
    {
        ArgumentNullException.ThrowIfNull(current);
        Institution = institution;
        Current = current;
        _snapshots = others.Where(s => s.Period != current.Period).ToDictionary(s => s.Period);
        _snapshots[current.Period] = current;
    }

    public string Institution { get; }

    /// <summary>
    /// The institution's credit plans (上级下达的信贷计划, api.md "Credit plans"): the inclusive increase asked of it, in yuan,
    /// by year; a year without one is absent.
    /// </summary>
    public IReadOnlyDictionary<int, decimal> CreditPlans { get; init; } = new Dictionary<int, decimal>();

    /// <summary>
    /// The 口径 its inclusive indicators are counted in: the CBIRC's as loaded, the PBoC's once <see cref="In"/> has
    /// counted it so; a rule names inclusive lending in the words of this 口径 (rules.md, "Names").
    /// </summary>
    public StatisticalScope Scope { get; init; } = StatisticalScope.Cbirc;

    public StoredSnapshot Current { get; }

    public YearMonth Period => Current.Period;

    /// <summary>The earliest period any rule may read for <paramref name="period"/>: December two years before.</summary>
    public static YearMonth EarliestNeeded(YearMonth period) => Periods.December(period.Year - 2);

    /// <summary>
    /// The history as a 口径 counts it, with that <see cref="Scope"/>: this one for the CBIRC's; for the PBoC's, each
    /// snapshot's <c>pboc</c>, a period whose snapshot predates that 口径 counting as missing, and <c>null</c> where the
    /// current one does.
    /// </summary>
    public SnapshotHistory? In(StatisticalScope scope)
    {
        if (scope == StatisticalScope.Cbirc)
        {
            return this;
        }

        return Current.Indicators.In(scope) is { } current
            ? new SnapshotHistory(Institution, Current with { Indicators = current },
                _snapshots.Values.Where(s => s.Period != Period && s.Indicators.In(scope) is not null).Select(s => s with { Indicators = s.Indicators.In(scope)! }))
            {
                CreditPlans = CreditPlans,
                Scope = scope,
            }
            : null;
    }

    /// <summary>The snapshot of a period, or <c>null</c> where none was accepted.</summary>
    public StoredSnapshot? Find(YearMonth period) => _snapshots.GetValueOrDefault(period);
}
