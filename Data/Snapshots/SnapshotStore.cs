using System.Data.Common;
using System.Globalization;
using Compliance.Data.Submissions;
using Compliance.Engine;
using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Snapshots;

/// <summary>A submission to evaluate: its institution, period and the snapshots its rules may read.</summary>
public sealed record EvaluationSubject(long SubmissionId, string Institution, string RegionCode, int Version, bool IsLatest, SnapshotHistory History);

/// <summary>The snapshot of a period, as the indicators endpoint lists it.</summary>
public sealed record PeriodSnapshot(YearMonth Period, long SubmissionId, int Version, IndicatorSnapshot Indicators);

/// <summary>
/// What recomputing a batch of snapshots came to: how many it took (recomputed by it, or by another node meanwhile), and
/// the submissions whose evaluation it marked pending, for the caller to enqueue.
/// </summary>
public sealed record RecomputedBatch(int Snapshots, IReadOnlyList<long> ToEvaluate);

/// <summary>Indicator snapshots: written with their submission, read by evaluation (which never reads loans).</summary>
public sealed class SnapshotStore(Db db)
{
    // The indicator columns, in the order of Indicator.All: the snapshots table has one per declared indicator, then
    // one for each PBoC-口径 value (null until a snapshot stored before that 口径 is recomputed).
    private static readonly string[] IndicatorColumns = [.. Indicator.All.Select(i => i.Column), .. Indicator.PerScope.Select(i => i.PbocColumn!)];

    // The parameters of the same columns, in the same order.
    private static readonly string[] IndicatorParameters = [.. Indicator.All.Select(i => i.Name), .. Indicator.PerScope.Select(i => "Pboc" + i.Name)];

    private static readonly string Columns = ColumnsOf("s");

    // A snapshot is recomputed once: stored before the PBoC 口径, its PBoC values are NULL until then, and every
    // snapshot stored since has them. The first of those columns is the marker.
    private static readonly string PbocMarker = Indicator.PerScope[0].PbocColumn!;

    // The latest accepted version of each period of one institution within [From, To].
    private static string LatestInRangeSql { get; } = $"""
        SELECT {Columns}
        FROM snapshots s
        WHERE s.institution = @Institution AND s.period >= @From AND s.period <= @To
          AND s.version = (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period)
        ORDER BY s.period
        """;

    // The latest accepted version of each period within [From, To] of every institution a scope sees, by institution.
    private static string LatestInRangeOfScopeSql { get; } = $"""
        SELECT {Columns}, s.institution AS Institution, i.region_code AS RegionCode
        FROM snapshots s JOIN institutions i ON i.code = s.institution
        WHERE s.period >= @From AND s.period <= @To AND {Scope.Filter}
          AND s.version = (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period)
        ORDER BY s.institution, s.period
        """;

    private static string SubjectSql { get; } = $"""
        SELECT {Columns}, s.institution AS Institution, i.region_code AS RegionCode,
               (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period) AS LatestVersion
        FROM snapshots s JOIN institutions i ON i.code = s.institution
        WHERE s.submission_id = @submissionId
        """;

    private const string LatestPeriodsSql = "SELECT institution, MAX(period) FROM snapshots GROUP BY institution";

    private static string LatestOfPeriodSql { get; } = $"""
        SELECT {Columns}, s.institution AS Institution FROM snapshots s
        WHERE s.period = @period
          AND s.version = (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period)
        """;

    // The latest accepted version of five periods (a year's quarter ends and the December before) of every institution a scope sees.
    private static string QuarterEndsSql { get; } = $"""
        SELECT {Columns}, s.institution AS Institution
        FROM snapshots s JOIN institutions i ON i.code = s.institution
        WHERE s.period IN (@P0, @P1, @P2, @P3, @P4) AND {Scope.Filter}
          AND s.version = (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period)
        """;

    // The figures of reads, of the latest accepted version of each month within [From, To] of every institution a scope sees.
    // Read in the PBoC 口径, an indicator the 口径 does not change is NULL where the snapshot has no PBoC figures either.
    private static string MonthsSql(IReadOnlyList<IndicatorRead> reads) => $"""
        SELECT s.institution, s.period, {string.Join(", ", reads.Select(ColumnOf))}
        FROM snapshots s JOIN institutions i ON i.code = s.institution
        WHERE s.period >= @From AND s.period <= @To AND {Scope.Filter}
          AND s.version = (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period)
        """;

    // The widest statement MonthsSql composes, every figure in both 口径: composed once so that the T-SQL checks parse
    // each form of column it may read.
    private static string EveryMonthFigureSql { get; } = MonthsSql([.. Indicator.All.SelectMany(i => new[] { new IndicatorRead(i, false), new IndicatorRead(i, true) })]);

    private static string ColumnOf(IndicatorRead read) =>
        !read.Pboc ? $"s.{read.Indicator.Column}"
        : read.Indicator.PbocColumn is { } pboc ? $"s.{pboc}"
        : $"CASE WHEN s.{PbocMarker} IS NULL THEN NULL ELSE s.{read.Indicator.Column} END";

    // The latest accepted version of two periods of every institution a scope sees.
    private static string TwoPeriodsSql { get; } = $"""
        SELECT {Columns}, s.institution AS Institution
        FROM snapshots s JOIN institutions i ON i.code = s.institution
        WHERE s.period IN (@First, @Second) AND {Scope.Filter}
          AND s.version = (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period)
        """;

    private static string InsertSql { get; } = $"""
        INSERT INTO snapshots (submission_id, institution, period, version, {string.Join(", ", IndicatorColumns)})
        VALUES (@submissionId, @institution, @period, @version, {string.Join(", ", IndicatorParameters.Select(p => "@" + p))})
        """;

    private static string CountToRecomputeSql { get; } = $"SELECT COUNT(*) FROM snapshots WHERE {PbocMarker} IS NULL";

    private static string NextToRecomputeSql { get; } = $"""
        SELECT {Columns}, s.institution AS Institution,
               (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period) AS LatestVersion
        FROM snapshots s
        WHERE s.{PbocMarker} IS NULL
        ORDER BY s.submission_id
        """;

    private static string RecomputeSql { get; } = $"""
        UPDATE snapshots SET {string.Join(", ", IndicatorColumns.Zip(IndicatorParameters, (c, p) => $"{c} = @{p}"))}
        WHERE submission_id = @submissionId AND {PbocMarker} IS NULL
        """;

    private static string FindSql { get; } = $"SELECT {Columns} FROM snapshots s WHERE s.submission_id = @submissionId";

    /// <summary>
    /// Loads the snapshots of submissions and every snapshot their rules may read, inside the caller's transaction (so
    /// the history read is the one the evaluation's writes apply to), by submission; one without a snapshot is left
    /// out. Each submission's own row is one prepared statement; the history is one query per institution, for all
    /// of its periods in the batch.
    /// </summary>
    internal static async Task<IReadOnlyDictionary<long, EvaluationSubject>> LoadForEvaluationAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> submissionIds, CancellationToken ct)
    {
        var owns = new List<SnapshotRow>();
        await using (var subject = connection.Repeated(transaction, SubjectSql, "submissionId"))
        {
            foreach (var id in submissionIds)
            {
                subject.Bind(id);
                await using var reader = await subject.ExecuteReaderAsync(ct);
                owns.AddRange(await ReadAsync(reader, ct));
            }
        }

        var subjects = new Dictionary<long, EvaluationSubject>();
        foreach (var own in owns.Where(o => o.Version != o.LatestVersion))
        {
            subjects[own.SubmissionId] = new EvaluationSubject(own.SubmissionId, own.Institution, own.RegionCode, (int)own.Version, false,
                new SnapshotHistory(own.Institution, own.ToStored(), []));
        }

        foreach (var institution in owns.Where(o => o.Version == o.LatestVersion).GroupBy(o => o.Institution, StringComparer.Ordinal))
        {
            var periods = institution.Select(o => Periods.Parse(o.Period)).ToList();
            var before = (await QueryAsync(connection, new CommandDefinition(connection.Sql(LatestInRangeSql), new
            {
                Institution = institution.Key,
                From = Periods.Format(SnapshotHistory.EarliestNeeded(periods.Min())),
                To = Periods.Format(periods.Max().PlusMonths(-1)),
            }, transaction, cancellationToken: ct))).Select(r => r.ToStored()).ToList();
            foreach (var own in institution)
            {
                subjects[own.SubmissionId] = new EvaluationSubject(own.SubmissionId, own.Institution, own.RegionCode, (int)own.Version, true,
                    HistoryOf(own.Institution, own.ToStored(), before));
            }
        }

        return subjects;
    }

    /// <summary>
    /// The history of every stored institution-period in [<paramref name="from"/>, <paramref name="to"/>] that the
    /// scope sees (the latest accepted version of each), as <see cref="LoadForEvaluationAsync"/> loads it for the job:
    /// one query for every institution, each period's history drawn from its institution's snapshots.
    /// </summary>
    public async Task<IReadOnlyList<(string RegionCode, SnapshotHistory History)>> LoadHistoriesAsync(Scope scope, YearMonth from, YearMonth to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenAsync(ct);
        var rows = await QueryAsync(connection, new CommandDefinition(connection.Sql(LatestInRangeOfScopeSql), new
        {
            From = Periods.Format(SnapshotHistory.EarliestNeeded(from)),
            To = Periods.Format(to),
            ScopeInstitution = scope.Institution,
            ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        var histories = new List<(string, SnapshotHistory)>();
        foreach (var institution in rows.GroupBy(r => r.Institution, StringComparer.Ordinal))
        {
            var stored = institution.Select(r => r.ToStored()).ToList();
            var regionCode = institution.First().RegionCode;
            foreach (var current in stored.Where(s => s.Period >= from))
            {
                histories.Add((regionCode, HistoryOf(institution.Key, current, stored.Where(s => s.Period < current.Period))));
            }
        }

        return histories;
    }

    // The history of a period as the job reads it: its snapshot, and those from December two years before to the month before.
    private static SnapshotHistory HistoryOf(string institution, StoredSnapshot current, IEnumerable<StoredSnapshot> before) =>
        new(institution, current, before.Where(s => s.Period >= SnapshotHistory.EarliestNeeded(current.Period) && s.Period < current.Period));

    /// <summary>The snapshots an evaluation of <paramref name="period"/> may read, for a dry run of a ledger not stored.</summary>
    public async Task<IReadOnlyList<StoredSnapshot>> LoadBaselinesAsync(string institution, YearMonth period, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await QueryAsync(connection, new CommandDefinition(connection.Sql(LatestInRangeSql), new
        {
            Institution = institution,
            From = Periods.Format(SnapshotHistory.EarliestNeeded(period)),
            To = Periods.Format(period),
        }, cancellationToken: ct));
        return rows.Select(r => r.ToStored()).ToList();
    }

    /// <summary>The latest accepted snapshot of each period in [from, to], oldest first.</summary>
    public async Task<IReadOnlyList<PeriodSnapshot>> ListAsync(string institution, YearMonth from, YearMonth to, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await QueryAsync(connection, new CommandDefinition(connection.Sql(LatestInRangeSql), new
        {
            Institution = institution, From = Periods.Format(from), To = Periods.Format(to),
        }, cancellationToken: ct));
        return rows.Select(r => new PeriodSnapshot(Periods.Parse(r.Period), r.SubmissionId, (int)r.Version, r.Indicators)).ToList();
    }

    /// <summary>
    /// For each of <paramref name="institutions"/> that has a snapshot: the history of its latest period, with every
    /// snapshot its rules may read. One query per period read (the months of two years and a December: a few dozen),
    /// however many institutions.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SnapshotHistory>> LatestHistoriesAsync(IReadOnlyCollection<string> institutions, CancellationToken ct)
    {
        var found = new Dictionary<string, SnapshotHistory>();
        if (institutions.Count == 0)
        {
            return found;
        }

        await using var connection = await db.OpenAsync(ct);
        var latest = (await connection.QueryAsync<(string Institution, string Period)>(new CommandDefinition(
            connection.Sql(LatestPeriodsSql), cancellationToken: ct)))
            .Where(r => institutions.Contains(r.Institution))
            .ToDictionary(r => r.Institution, r => Periods.Parse(r.Period));
        var periods = new SortedSet<YearMonth>();
        foreach (var period in latest.Values.Distinct())
        {
            for (var month = SnapshotHistory.EarliestNeeded(period); month <= period; month = month.PlusMonths(1))
            {
                periods.Add(month);
            }
        }

        var rows = new Dictionary<string, List<StoredSnapshot>>();
        foreach (var period in periods.Select(Periods.Format))
        {
            foreach (var row in await QueryAsync(connection, new CommandDefinition(connection.Sql(LatestOfPeriodSql), new { period }, cancellationToken: ct)))
            {
                if (latest.TryGetValue(row.Institution, out var last) && Periods.Parse(row.Period) is var at && at <= last && at >= SnapshotHistory.EarliestNeeded(last))
                {
                    (rows.TryGetValue(row.Institution, out var list) ? list : rows[row.Institution] = []).Add(row.ToStored());
                }
            }
        }

        foreach (var (institution, period) in latest)
        {
            if (rows.TryGetValue(institution, out var snapshots) && snapshots.Find(s => s.Period == period) is { } current)
            {
                found[institution] = new SnapshotHistory(institution, current, snapshots);
            }
        }

        return found;
    }

    /// <summary>
    /// The latest accepted snapshot of each quarter end of <paramref name="year"/> and of the December before, of every
    /// institution the scope sees, by institution and period: one query.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Institution, YearMonth Period), IndicatorSnapshot>> QuarterEndsAsync(Scope scope, int year, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenAsync(ct);
        var rows = await QueryAsync(connection, new CommandDefinition(connection.Sql(QuarterEndsSql), new
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
                row[r] = reader.IsDBNull(r + 2) ? null : Convert.ToDecimal(Read(reads[r].Indicator, reader.GetValue(r + 2)), CultureInfo.InvariantCulture);
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
        var rows = await QueryAsync(connection, new CommandDefinition(connection.Sql(TwoPeriodsSql), new
        {
            First = Periods.Format(first),
            Second = Periods.Format(second),
            ScopeInstitution = scope.Institution,
            ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        return rows.ToDictionary(r => (r.Institution, Periods.Parse(r.Period)), r => r.Indicators);
    }

    /// <summary>The snapshot stored for one submission, or <c>null</c>.</summary>
    public async Task<IndicatorSnapshot?> FindAsync(long submissionId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await QueryAsync(connection, new CommandDefinition(connection.Sql(FindSql), new { submissionId }, cancellationToken: ct));
        return rows.SingleOrDefault()?.Indicators;
    }

    /// <summary>The latest accepted snapshot of a period, read inside a caller's transaction.</summary>
    internal static async Task<IndicatorSnapshot?> LatestAsync(DbConnection connection, DbTransaction transaction, string institution, YearMonth period, CancellationToken ct)
    {
        var p = Periods.Format(period);
        var rows = await QueryAsync(connection, new CommandDefinition(
            connection.Sql(LatestInRangeSql), new { Institution = institution, From = p, To = p }, transaction, cancellationToken: ct));
        return rows.SingleOrDefault()?.Indicators;
    }

    /// <summary>Stores the snapshot of an accepted submission inside its transaction.</summary>
    internal static Task InsertAsync(DbConnection connection, DbTransaction transaction, long submissionId, string institution, YearMonth period, int version, IndicatorSnapshot s, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            connection.Sql(InsertSql), Parameters(new { submissionId, institution, period, version }, s), transaction, cancellationToken: ct));

    /// <summary>How many snapshots are not recomputed yet: one count, the check of every start.</summary>
    public async Task<long> CountToRecomputeAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(connection.Sql(CountToRecomputeSql), cancellationToken: ct));
    }

    /// <summary>
    /// Recomputes the next <paramref name="batchSize"/> snapshots not recomputed yet (the oldest submissions first)
    /// from their submissions' stored loans, as an ingest of the same rows computes them today: both 口径, each
    /// borrower classified by its effective credit line. A latest version's evaluation, and that of every period
    /// reading it, is marked pending: its PBoC figures are new, and its CBIRC figures may have changed. The loans are read before the transaction,
    /// which only writes, so ingests wait for no scan; they never change, and a snapshot another node recomputed
    /// meanwhile is left as it is. <c>null</c> where none is left.
    /// </summary>
    public async Task<RecomputedBatch?> RecomputeNextAsync(int batchSize, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var batch = await QueryAsync(connection, new CommandDefinition(
            connection.Sql(NextToRecomputeSql + db.Dialect.Page), new { Skip = 0, Take = batchSize }, cancellationToken: ct));
        if (batch.Count == 0)
        {
            return null;
        }

        var rebuilt = await RebuildAsync(connection, batch, ct);
        var toEvaluate = new List<long>();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var row in batch)
        {
            var snapshot = rebuilt[row.SubmissionId];
            var written = await connection.ExecuteAsync(new CommandDefinition(
                connection.Sql(RecomputeSql), Parameters(new { submissionId = row.SubmissionId }, snapshot), transaction, cancellationToken: ct));
            // Stored before the PBoC 口径, the row had none: a set that reads it judged the period without them, and its
            // CBIRC figures may differ too. So the latest version is evaluated again, with every period that reads it.
            if (written > 0 && row.Version == row.LatestVersion)
            {
                toEvaluate.AddRange(await SubmissionStore.MarkWithReadersAsync(connection, transaction, row.Institution, Periods.Parse(row.Period), ct));
            }
        }

        await transaction.CommitAsync(ct);
        return new RecomputedBatch(batch.Count, [.. toEvaluate.Distinct()]);
    }

    /// <summary>The snapshot of each row's submission, from its loans: one read of the batch's range of submissions.</summary>
    private static async Task<Dictionary<long, IndicatorSnapshot>> RebuildAsync(DbConnection connection, List<SnapshotRow> batch, CancellationToken ct)
    {
        var periods = batch.ToDictionary(r => r.SubmissionId, r => Periods.Parse(r.Period));
        var rebuilt = new Dictionary<long, IndicatorSnapshot>();
        (long Id, SnapshotBuilder Builder)? current = null;
        await foreach (var (id, row) in StoredLoans.ReadAsync(connection, periods.Keys.Min(), periods.Keys.Max(), ct))
        {
            if (current?.Id != id)
            {
                if (current is { } done)
                {
                    rebuilt[done.Id] = done.Builder.Build();
                }

                // Loans of a submission outside the batch (its snapshot recomputed already) are skipped.
                current = periods.TryGetValue(id, out var period) ? (id, new SnapshotBuilder(period)) : null;
                if (current is null)
                {
                    continue;
                }
            }

            current.Value.Builder.Add(row);
        }

        if (current is { } last)
        {
            rebuilt[last.Id] = last.Builder.Build();
        }

        // A ledger of no rows was accepted with a snapshot of zeros.
        foreach (var (id, period) in periods.Where(p => !rebuilt.ContainsKey(p.Key)))
        {
            rebuilt[id] = new SnapshotBuilder(period).Build();
        }

        return rebuilt;
    }

    /// <summary>The columns of a snapshot row from the table aliased <paramref name="alias"/>: its submission, period and version by name, then every indicator.</summary>
    internal static string ColumnsOf(string alias) =>
        $"{alias}.submission_id AS SubmissionId, {alias}.period AS Period, {alias}.version AS Version, " + string.Join(", ", IndicatorColumns.Select(c => $"{alias}.{c}"));

    /// <summary>
    /// Snapshot rows of a statement that selects <see cref="ColumnsOf"/>: the row's other columns by name, its
    /// indicators as <see cref="Indicator.All"/> declares them.
    /// </summary>
    internal static async Task<List<SnapshotRow>> QueryAsync(DbConnection connection, CommandDefinition command)
    {
        await using var reader = await connection.ExecuteReaderAsync(command);
        return await ReadAsync(reader, command.CancellationToken);
    }

    private static async Task<List<SnapshotRow>> ReadAsync(DbDataReader reader, CancellationToken ct)
    {
        var rows = new List<SnapshotRow>();
        var parse = reader.GetRowParser<SnapshotRow>();
        var ordinals = IndicatorColumns.ToDictionary(c => c, reader.GetOrdinal);
        while (await reader.ReadAsync(ct))
        {
            var row = parse(reader);
            row.Indicators = Indicator.Snapshot(
                i => Read(i, reader.GetValue(ordinals[i.Column])),
                i => reader.GetValue(ordinals[i.PbocColumn!]) is var pboc && pboc is not DBNull ? Read(i, pboc) : null);
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The row's own parameters and, by <see cref="IndicatorParameters"/>, its indicators in both 口径 (the PBoC's NULL where it has none).</summary>
    private static DynamicParameters Parameters(object row, IndicatorSnapshot s)
    {
        var parameters = new DynamicParameters(row);
        foreach (var indicator in Indicator.All)
        {
            parameters.Add(indicator.Name, Stored(indicator, indicator.ValueOf(s)));
        }

        foreach (var indicator in Indicator.PerScope)
        {
            parameters.Add("Pboc" + indicator.Name, s.Pboc is { } pboc ? Stored(indicator, indicator.ValueOf(pboc)) : null);
        }

        return parameters;
    }

    // Money as integer fen and counts as integers (int or bigint, as each database returns them); exact decimals as text.
    private static object Stored(Indicator indicator, object value) => indicator.Kind switch
    {
        IndicatorKind.Money => (object)Fen.From((decimal)value),
        IndicatorKind.Count => (object)(long)value,
        _ => ((decimal)value).ToString(CultureInfo.InvariantCulture),
    };

    private static object Read(Indicator indicator, object stored) => indicator.Kind switch
    {
        IndicatorKind.Money => (object)Fen.ToYuan(Convert.ToInt64(stored, CultureInfo.InvariantCulture)),
        IndicatorKind.Count => (object)Convert.ToInt64(stored, CultureInfo.InvariantCulture),
        _ => decimal.Parse((string)stored, NumberStyles.Number, CultureInfo.InvariantCulture),
    };

    internal sealed class SnapshotRow
    {
        public long SubmissionId { get; init; }

        public string Period { get; init; } = "";

        public string Institution { get; init; } = "";

        public string RegionCode { get; init; } = "";

        public long LatestVersion { get; init; }

        public long Version { get; init; }

        public IndicatorSnapshot Indicators { get; set; } = new();

        public StoredSnapshot ToStored() => new(Periods.Parse(Period), SubmissionId, Indicators);
    }
}
