using System.Globalization;
using Compliance.Data.CreditPlans;
using Compliance.Data.Snapshots;
using Compliance.Engine;
using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Analytics;

/// <summary>
/// The snapshots the jurisdiction views read (the preview, the support tool, targets, peers): the latest accepted
/// version of each institution-period a scope sees, in one query a view, read as <see cref="SnapshotStore"/> stores
/// them.
/// </summary>
public sealed class AnalyticsSnapshots(Db db)
{
    // The latest accepted version of each period within [From, To] of every institution a scope sees, by institution.
    private static string LatestInRangeOfScopeSql { get; } = $"""
        SELECT {SnapshotStore.ColumnsOf("s")}, s.institution AS Institution, i.region_code AS RegionCode,
               i.category AS Category, i.legal_person AS LegalPerson, i.level AS Level
        FROM snapshots s {SnapshotStore.Latest} JOIN institutions i ON i.code = s.institution
        WHERE s.period >= @From AND s.period <= @To AND {Scope.Filter}
        ORDER BY s.institution, s.period
        """;

    // The latest accepted version of five periods (a year's quarter ends and the December before) of every institution a scope sees.
    private static string QuarterEndsSql { get; } = $"""
        SELECT {SnapshotStore.ColumnsOf("s")}, s.institution AS Institution
        FROM snapshots s {SnapshotStore.Latest} JOIN institutions i ON i.code = s.institution
        WHERE s.period IN (@P0, @P1, @P2, @P3, @P4) AND {Scope.Filter}
        """;

    // The figures of reads, of the latest accepted version of each month within [From, To] of every institution a scope sees.
    // Read in the PBoC 口径, an indicator the 口径 does not change is NULL where the snapshot has no PBoC figures either.
    private static string MonthsSql(IReadOnlyList<IndicatorRead> reads) => $"""
        SELECT s.institution, s.period, {string.Join(", ", reads.Select(ColumnOf))}
        FROM snapshots s {SnapshotStore.Latest} JOIN institutions i ON i.code = s.institution
        WHERE s.period >= @From AND s.period <= @To AND {Scope.Filter}
        """;

    // The widest statement MonthsSql composes, every figure in both 口径: composed once so that the T-SQL checks parse
    // each form of column it may read.
    private static string EveryMonthFigureSql { get; } = MonthsSql([.. Indicator.All.SelectMany(i => new[] { new IndicatorRead(i, false), new IndicatorRead(i, true) })]);

    private static string ColumnOf(IndicatorRead read) =>
        !read.Pboc ? $"s.{read.Indicator.Column}"
        : read.Indicator.PbocColumn is { } pboc ? $"s.{pboc}"
        : $"CASE WHEN s.{SnapshotStore.PbocMarker} IS NULL THEN NULL ELSE s.{read.Indicator.Column} END";

    // The latest accepted version of two periods of every institution a scope sees.
    private static string TwoPeriodsSql { get; } = $"""
        SELECT {SnapshotStore.ColumnsOf("s")}, s.institution AS Institution
        FROM snapshots s {SnapshotStore.Latest} JOIN institutions i ON i.code = s.institution
        WHERE s.period IN (@First, @Second) AND {Scope.Filter}
        """;

    /// <summary>
    /// The history of every stored institution-period in [<paramref name="from"/>, <paramref name="to"/>] that the
    /// scope sees (the latest accepted version of each), as <see cref="SnapshotStore.LoadForEvaluationAsync"/> loads it for the job:
    /// one query for every institution, each period's history drawn from its institution's snapshots, and one for their
    /// credit plans in force.
    /// </summary>
    public async Task<IReadOnlyList<(InstitutionProfile Institution, SnapshotHistory History)>> LoadHistoriesAsync(Scope scope, YearMonth from, YearMonth to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenAsync(ct);
        var rows = await SnapshotStore.QueryAsync(connection, new CommandDefinition(connection.Sql(LatestInRangeOfScopeSql), new
        {
            From = Periods.Format(SnapshotHistory.EarliestNeeded(from)),
            To = Periods.Format(to),
            ScopeInstitution = scope.Institution,
            ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        var plans = await CreditPlansInForce.OfScopeAsync(connection, scope, from.Year, to.Year, ct);
        var histories = new List<(InstitutionProfile, SnapshotHistory)>();
        foreach (var institution in rows.GroupBy(r => r.Institution, StringComparer.Ordinal))
        {
            var stored = institution.Select(r => r.ToStored()).ToList();
            var profile = institution.First().Profile;
            foreach (var current in stored.Where(s => s.Period >= from))
            {
                histories.Add((profile, SnapshotStore.HistoryOf(institution.Key, current, stored.Where(s => s.Period < current.Period), plans.Of(institution.Key))));
            }
        }

        return histories;
    }

    /// <summary>
    /// The latest accepted snapshot of each quarter end of <paramref name="year"/> and of the December before, of every
    /// institution the scope sees, by institution and period: one query.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Institution, YearMonth Period), IndicatorSnapshot>> QuarterEndsAsync(Scope scope, int year, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenAsync(ct);
        var rows = await SnapshotStore.QueryAsync(connection, new CommandDefinition(connection.Sql(QuarterEndsSql), new
        {
            P0 = Periods.Format(Periods.December(year - 1)),
            P1 = Periods.Format(new YearMonth(year, 3)),
            P2 = Periods.Format(new YearMonth(year, 6)),
            P3 = Periods.Format(new YearMonth(year, 9)),
            P4 = Periods.Format(Periods.December(year)),
            ScopeInstitution = scope.Institution,
            ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        return rows.ToDictionary(r => (r.Institution, Periods.Parse(r.Period)), r => r.Indicators);
    }

    /// <summary>
    /// The figures <paramref name="reads"/> name of the latest accepted snapshot of every month of
    /// <paramref name="year"/> and of the December before, of every institution the scope sees: one query reading those
    /// columns alone. A figure is <c>null</c> where the institution has no snapshot of the month, or none in its 口径.
    /// </summary>
    public async Task<Func<string, YearMonth, IndicatorRead, decimal?>> YearFiguresAsync(
        Scope scope, int year, IReadOnlyList<IndicatorRead> reads, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(reads);
        await using var connection = await db.OpenAsync(ct);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(connection.Sql(MonthsSql(reads)), new
        {
            From = Periods.Format(Periods.December(year - 1)),
            To = Periods.Format(Periods.December(year)),
            ScopeInstitution = scope.Institution,
            ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        var figures = new Dictionary<(string, YearMonth), decimal?[]>();
        var periods = new Dictionary<string, YearMonth>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var text = reader.GetString(1);
            if (!periods.TryGetValue(text, out var period))
            {
                periods[text] = period = Periods.Parse(text);
            }

            var row = new decimal?[reads.Count];
            for (var r = 0; r < reads.Count; r++)
            {
                row[r] = reader.IsDBNull(r + 2) ? null : Convert.ToDecimal(SnapshotStore.Read(reads[r].Indicator, reader.GetValue(r + 2)), CultureInfo.InvariantCulture);
            }

            figures[(reader.GetString(0), period)] = row;
        }

        var index = reads.Select((read, at) => (read, at)).ToDictionary(r => r.read, r => r.at);
        return (institution, period, read) => figures.TryGetValue((institution, period), out var row) ? row[index[read]] : null;
    }

    /// <summary>
    /// The latest accepted snapshot of <paramref name="first"/> and of <paramref name="second"/>, of every institution
    /// the scope sees, by institution and period: one query.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Institution, YearMonth Period), IndicatorSnapshot>> TwoPeriodsAsync(
        Scope scope, YearMonth first, YearMonth second, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenAsync(ct);
        var rows = await SnapshotStore.QueryAsync(connection, new CommandDefinition(connection.Sql(TwoPeriodsSql), new
        {
            First = Periods.Format(first),
            Second = Periods.Format(second),
            ScopeInstitution = scope.Institution,
            ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        return rows.ToDictionary(r => (r.Institution, Periods.Parse(r.Period)), r => r.Indicators);
    }
}
