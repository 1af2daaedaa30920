using System.Data.Common;
using System.Globalization;
using Compliance.Data.CreditPlans;
using Compliance.Data.Submissions;
using Compliance.Engine;
using Compliance.Engine.Indicators;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Snapshots;

/// <summary>
/// A submission to evaluate: its institution, period and the snapshots its rules may read (with the institution's credit
/// plans in force), what a rule's population reads of the institution (its category, whether it is a legal person, and
/// its level), and the cause its pending mark carries, where a person's change queued it (the note of the events it writes).
/// </summary>
public sealed record EvaluationSubject(
    long SubmissionId, string Institution, InstitutionProfile Profile, int Version, bool IsLatest, SnapshotHistory History, string? Cause = null);

/// <summary>The snapshot of a period, as the indicators endpoint lists it.</summary>
public sealed record PeriodSnapshot(YearMonth Period, long SubmissionId, int Version, IndicatorSnapshot Indicators);

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
    internal static readonly string PbocMarker = Indicator.PerScope[0].PbocColumn!;

    // What marks a snapshot to recompute: NULL PBoC values, or NULL in the column of an indicator added since it was
    // stored (newFirstLoanEnterprises). Every snapshot stored since has them all.
    private static string ToRecompute(string alias) =>
        "(" + string.Join(" OR ", new[] { PbocMarker }.Concat(Indicator.AddedLater.Select(i => i.Column)).Select(c => $"{alias}{c} IS NULL")) + ")";

    /// <summary>
    /// Joined to <c>snapshots s</c>, keeps the latest accepted version of each institution-period: the schema's
    /// <c>latest_submissions</c>, its one definition.
    /// </summary>
    internal const string Latest = "JOIN latest_submissions l ON l.id = s.submission_id";

    // The latest accepted version of each period of one institution within [From, To].
    private static string LatestInRangeSql { get; } = $"""
        SELECT {Columns}
        FROM snapshots s {Latest}
        WHERE s.institution = @Institution AND s.period >= @From AND s.period <= @To
        ORDER BY s.period
        """;

    private static string SubjectSql { get; } = $"""
        SELECT {Columns}, s.institution AS Institution, i.region_code AS RegionCode,
               i.category AS Category, i.legal_person AS LegalPerson, i.level AS Level,
               CASE WHEN EXISTS (SELECT 1 FROM latest_submissions l WHERE l.id = s.submission_id) THEN 1 ELSE 0 END AS Latest,
               u.evaluation_cause AS Cause
        FROM snapshots s JOIN institutions i ON i.code = s.institution JOIN submissions u ON u.id = s.submission_id
        WHERE s.submission_id = @submissionId
        """;

    private const string LatestPeriodsSql = "SELECT institution, MAX(period) FROM snapshots GROUP BY institution";

    // The latest period with an accepted ledger (one with a snapshot) among the institutions a scope sees.
    private const string LatestPeriodOfScopeSql = $"SELECT MAX(s.period) FROM snapshots s JOIN institutions i ON i.code = s.institution WHERE {Scope.Filter}";

    private static string LatestOfPeriodSql { get; } = $"""
        SELECT {Columns}, s.institution AS Institution FROM snapshots s {Latest}
        WHERE s.period = @period
        """;

    private static string InsertSql { get; } = $"""
        INSERT INTO snapshots (submission_id, institution, period, version, {string.Join(", ", IndicatorColumns)})
        VALUES (@submissionId, @institution, @period, @version, {string.Join(", ", IndicatorParameters.Select(p => "@" + p))})
        """;

    private static string CountToRecomputeSql { get; } = $"SELECT COUNT(*) FROM snapshots WHERE {ToRecompute("")}";

    private static string NextToRecomputeSql { get; } = $"""
        SELECT {Columns}, s.institution AS Institution,
               CASE WHEN EXISTS (SELECT 1 FROM latest_submissions l WHERE l.id = s.submission_id) THEN 1 ELSE 0 END AS Latest
        FROM snapshots s
        WHERE {ToRecompute("s.")}
        ORDER BY s.submission_id
        """;

    private static string RecomputeSql { get; } = $"""
        UPDATE snapshots SET {string.Join(", ", IndicatorColumns.Zip(IndicatorParameters, (c, p) => $"{c} = @{p}"))}
        WHERE submission_id = @submissionId AND {ToRecompute("")}
        """;

    private static string FindSql { get; } = $"SELECT {Columns} FROM snapshots s WHERE s.submission_id = @submissionId";

    /// <summary>
    /// Loads the snapshots of submissions and every snapshot their rules may read, inside the caller's transaction (so
    /// the history read is the one the evaluation's writes apply to), by submission; one without a snapshot is left
    /// out. Each submission's own row is one prepared statement; the history is one query per institution, for all
    /// of its periods in the batch, and the credit plans of the batch's institutions one more.
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
        var latest = owns.Where(o => o.IsLatest).ToList();
        var plans = await CreditPlansInForce.OfAsync(connection, transaction, [.. latest.Select(o => o.Institution).Distinct(StringComparer.Ordinal)],
            latest.Count == 0 ? null : (latest.Min(o => Periods.Parse(o.Period).Year), latest.Max(o => Periods.Parse(o.Period).Year)), ct);
        foreach (var own in owns.Where(o => !o.IsLatest))
        {
            subjects[own.SubmissionId] = new EvaluationSubject(own.SubmissionId, own.Institution, own.Profile, (int)own.Version, false,
                new SnapshotHistory(own.Institution, own.ToStored(), []));
        }

        foreach (var institution in latest.GroupBy(o => o.Institution, StringComparer.Ordinal))
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
                subjects[own.SubmissionId] = new EvaluationSubject(own.SubmissionId, own.Institution, own.Profile, (int)own.Version, true,
                    HistoryOf(own.Institution, own.ToStored(), before, plans.Of(own.Institution)), own.Cause);
            }
        }

        return subjects;
    }

    // The history of a period as the job reads it: its snapshot, and those from December two years before to the month
    // before, with the institution's credit plans in force.
    internal static SnapshotHistory HistoryOf(string institution, StoredSnapshot current, IEnumerable<StoredSnapshot> before, IReadOnlyDictionary<int, decimal> creditPlans) =>
        new(institution, current, before.Where(s => s.Period >= SnapshotHistory.EarliestNeeded(current.Period) && s.Period < current.Period))
        {
            CreditPlans = creditPlans,
        };

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
    /// snapshot its rules may read and its credit plans in force. One query per period read (the months of two years and a
    /// December: a few dozen), however many institutions, and one for the plans.
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

        var plans = await CreditPlansInForce.OfAsync(connection, null, latest.Keys,
            latest.Count == 0 ? null : (latest.Values.Min().Year, latest.Values.Max().Year), ct);
        foreach (var (institution, period) in latest)
        {
            if (rows.TryGetValue(institution, out var snapshots) && snapshots.Find(s => s.Period == period) is { } current)
            {
                found[institution] = new SnapshotHistory(institution, current, snapshots) { CreditPlans = plans.Of(institution) };
            }
        }

        return found;
    }

    /// <summary>The latest period with an accepted ledger among the institutions <paramref name="scope"/> sees, or <c>null</c>.</summary>
    public async Task<YearMonth?> LatestPeriodAsync(Scope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenAsync(ct);
        var latest = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(connection.Sql(LatestPeriodOfScopeSql), new
        {
            ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        return latest is null ? null : Periods.Parse(latest);
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
    /// The next <paramref name="batchSize"/> snapshots not recomputed yet, the oldest submissions first, read outside
    /// any transaction (so ingests wait for no scan).
    /// </summary>
    internal static Task<List<SnapshotRow>> NextToRecomputeAsync(DbConnection connection, int batchSize, CancellationToken ct) =>
        QueryAsync(connection, new CommandDefinition(
            connection.Sql(NextToRecomputeSql + Dialect.Of(connection).Page), new { Skip = 0, Take = batchSize }, cancellationToken: ct));

    /// <summary>
    /// Writes a recomputed snapshot inside the caller's transaction; <c>false</c> where another node recomputed it
    /// meanwhile (it is left as it is).
    /// </summary>
    internal static async Task<bool> RecomputeAsync(DbConnection connection, DbTransaction transaction, long submissionId, IndicatorSnapshot snapshot, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            connection.Sql(RecomputeSql), Parameters(new { submissionId }, snapshot), transaction, cancellationToken: ct)) > 0;

    /// <summary>The snapshot of each row's submission, from its loans: one read of the batch's range of submissions.</summary>
    internal static async Task<Dictionary<long, IndicatorSnapshot>> RebuildAsync(DbConnection connection, List<SnapshotRow> batch, CancellationToken ct)
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
                    done.Builder.Dispose();
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
            last.Builder.Dispose();
        }

        // A ledger of no rows was accepted with a snapshot of zeros.
        foreach (var (id, period) in periods.Where(p => !rebuilt.ContainsKey(p.Key)))
        {
            using var empty = new SnapshotBuilder(period);
            rebuilt[id] = empty.Build();
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
                i => reader.GetValue(ordinals[i.Column]) is var value && value is not DBNull ? Read(i, value) : null,
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

    // Money as integer fen and counts as integers (int or bigint, as each database returns them); exact decimals as text;
    // an unknown value (of an indicator added later) as NULL.
    private static object? Stored(Indicator indicator, object? value) => value is null ? null : indicator.Kind switch
    {
        IndicatorKind.Money => (object)Fen.From((decimal)value),
        IndicatorKind.Count => (object)(long)value,
        _ => ((decimal)value).ToString(CultureInfo.InvariantCulture),
    };

    internal static object Read(Indicator indicator, object stored) => indicator.Kind switch
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

        /// <summary>The institution's category, legal person and level, where the statement selects them (the subject's).</summary>
        public string Category { get; init; } = "";

        public bool LegalPerson { get; init; }

        public string Level { get; init; } = "";

        /// <summary>1 where the row is the latest accepted version of its institution-period (selected as <c>Latest</c>).</summary>
        public long Latest { get; init; }

        public bool IsLatest => Latest == 1;

        public long Version { get; init; }

        /// <summary>What queued the submission's pending evaluation, where the statement selects it (the subject's).</summary>
        public string? Cause { get; init; }

        public IndicatorSnapshot Indicators { get; set; } = new();

        public StoredSnapshot ToStored() => new(Periods.Parse(Period), SubmissionId, Indicators);

        /// <summary>The institution's profile, where the statement selects its category, legal person and level.</summary>
        public InstitutionProfile Profile => new(RegionCode, Category, LegalPerson, Level);
    }
}
