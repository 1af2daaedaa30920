using Compliance.Engine.Institutions;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Engine.Tests.Rules;

/// <summary>
/// Builds the <see cref="SnapshotHistory"/> a rule reads: indicator snapshots by period, each stored with the
/// submission id yyyyMM of its period (2023-12 is submission 202312), so a test can name the baselines it expects.
/// </summary>
internal sealed class HistoryBuilder
{
    public const string Institution = "B0001";

    private readonly Dictionary<YearMonth, IndicatorSnapshot> _others = [];

    private readonly Dictionary<int, decimal> _plans = [];

    public static YearMonth Period(string text) => Periods.Parse(text);

    /// <summary>A legal person (a rural commercial bank's head office) of <paramref name="regionCode"/>: every rule's population but a branch's.</summary>
    public static InstitutionProfile LegalPerson(string regionCode = "371302") =>
        new(regionCode, InstitutionCategory.Rural, true, InstitutionLevel.HeadOffice);

    public static long SubmissionOf(YearMonth period) => (period.Year * 100L) + period.Month;

    public static StoredSnapshot Stored(string period, IndicatorSnapshot indicators) =>
        new(Period(period), SubmissionOf(Period(period)), indicators);

    /// <summary>The reference a finding's <c>baselines</c> hold for the snapshot of <paramref name="period"/>.</summary>
    public static BaselineRef Ref(string period) => new(Period(period), SubmissionOf(Period(period)));

    /// <summary>The references of every month from <paramref name="from"/> to <paramref name="through"/>, in order.</summary>
    public static IReadOnlyList<BaselineRef> Refs(string from, string through)
    {
        var refs = new List<BaselineRef>();
        for (var period = Period(from); period <= Period(through); period = period.PlusMonths(1))
        {
            refs.Add(new BaselineRef(period, SubmissionOf(period)));
        }

        return refs;
    }

    public HistoryBuilder With(string period, IndicatorSnapshot indicators)
    {
        _others[Period(period)] = indicators;
        return this;
    }

    /// <summary>The same indicators for every month from January to <paramref name="throughMonth"/> of <paramref name="year"/>.</summary>
    public HistoryBuilder WithMonths(int year, int throughMonth, IndicatorSnapshot indicators)
    {
        for (var month = 1; month <= throughMonth; month++)
        {
            _others[new YearMonth(year, month)] = indicators;
        }

        return this;
    }

    /// <summary>The institution's credit plan of <paramref name="year"/>: the inclusive increase asked of it, in yuan.</summary>
    public HistoryBuilder WithPlan(int year, decimal plan)
    {
        _plans[year] = plan;
        return this;
    }

    public HistoryBuilder Without(string period)
    {
        _others.Remove(Period(period));
        return this;
    }

    /// <summary>The history of <paramref name="period"/> with <paramref name="current"/> under evaluation.</summary>
    public SnapshotHistory At(string period, IndicatorSnapshot current) =>
        new(Institution, Stored(period, current), _others.Select(s => new StoredSnapshot(s.Key, SubmissionOf(s.Key), s.Value)).ToList())
        {
            CreditPlans = new Dictionary<int, decimal>(_plans),
        };
}
