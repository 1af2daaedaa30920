using System.Data.Common;
using System.Globalization;
using Compliance.Data.Submissions;
using Compliance.Engine;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Snapshots;

/// <summary>A submission to evaluate: its institution, period and the snapshots its rules may read.</summary>
public sealed record EvaluationSubject(long SubmissionId, string Institution, string RegionCode, int Version, bool IsLatest, SnapshotHistory History);

/// <summary>The snapshot of a period, as the indicators endpoint lists it.</summary>
public sealed record PeriodSnapshot(YearMonth Period, long SubmissionId, int Version, IndicatorSnapshot Indicators);

/// <summary>Indicator snapshots: written with their submission, read by evaluation (which never reads loans).</summary>
public sealed class SnapshotStore(Db db)
{
    private const string Columns = """
        s.submission_id AS SubmissionId, s.period AS Period, s.version AS Version,
        s.total_balance AS TotalBalance, s.total_npl_balance AS TotalNplBalance, s.inclusive_balance AS InclusiveBalance,
        s.inclusive_npl_balance AS InclusiveNplBalance, s.inclusive_credit_balance AS InclusiveCreditBalance,
        s.inclusive_borrowers AS InclusiveBorrowers, s.new_first_loan_borrowers AS NewFirstLoanBorrowers,
        s.new_inclusive_amount AS NewInclusiveAmount, s.new_inclusive_rate_weight AS NewInclusiveRateWeight,
        s.individual_business_balance AS IndividualBusinessBalance, s.individual_business_borrowers AS IndividualBusinessBorrowers,
        s.operating_balance AS OperatingBalance
        """;

    // The latest accepted version of each period of one institution within [From, To].
    private const string LatestInRangeSql = $"""
        SELECT {Columns}
        FROM snapshots s
        WHERE s.institution = @Institution AND s.period >= @From AND s.period <= @To
          AND s.version = (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period)
        ORDER BY s.period
        """;

    private const string SubjectSql = $"""
        SELECT {Columns}, s.institution AS Institution, i.region_code AS RegionCode,
               (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period) AS LatestVersion
        FROM snapshots s JOIN institutions i ON i.code = s.institution
        WHERE s.submission_id = @submissionId
        """;

    private const string LatestPeriodsSql = "SELECT institution, MAX(period) FROM snapshots GROUP BY institution";

    private const string LatestOfPeriodSql = $"""
        SELECT {Columns}, s.institution AS Institution FROM snapshots s
        WHERE s.period = @period
          AND s.version = (SELECT MAX(v.version) FROM snapshots v WHERE v.institution = s.institution AND v.period = s.period)
        """;

    private const string InsertSql = """
        INSERT INTO snapshots (submission_id, institution, period, version, total_balance, total_npl_balance, inclusive_balance,
            inclusive_npl_balance, inclusive_credit_balance, inclusive_borrowers, new_first_loan_borrowers, new_inclusive_amount,
            new_inclusive_rate_weight, individual_business_balance, individual_business_borrowers, operating_balance)
        VALUES (@submissionId, @institution, @period, @version, @TotalBalance, @TotalNplBalance, @InclusiveBalance,
            @InclusiveNplBalance, @InclusiveCreditBalance, @InclusiveBorrowers, @NewFirstLoanBorrowers, @NewInclusiveAmount,
            @NewInclusiveRateWeight, @IndividualBusinessBalance, @IndividualBusinessBorrowers, @OperatingBalance)
        """;

    private const string FindSql = $"SELECT {Columns} FROM snapshots s WHERE s.submission_id = @submissionId";

    /// <summary>
    /// Loads a submission's snapshot and every snapshot its rules may read, inside the caller's transaction (so the
    /// history read is the one the evaluation's writes apply to); <c>null</c> if it has no snapshot.
    /// </summary>
    internal static async Task<EvaluationSubject?> LoadForEvaluationAsync(DbConnection connection, DbTransaction transaction, long submissionId, CancellationToken ct)
    {
        var own = await connection.QuerySingleOrDefaultAsync<SnapshotRow>(new CommandDefinition(connection.Sql(SubjectSql), new { submissionId }, transaction, cancellationToken: ct));
        if (own is null)
        {
            return null;
        }

        var period = Periods.Parse(own.Period);
        if (own.Version != own.LatestVersion)
        {
            return new EvaluationSubject(submissionId, own.Institution, own.RegionCode, (int)own.Version, false, new SnapshotHistory(own.Institution, own.ToStored(), []));
        }

        var rows = await connection.QueryAsync<SnapshotRow>(new CommandDefinition(connection.Sql(LatestInRangeSql), new
        {
            own.Institution,
            From = Periods.Format(SnapshotHistory.EarliestNeeded(period)),
            To = Periods.Format(period.PlusMonths(-1)),
        }, transaction, cancellationToken: ct));
        var history = new SnapshotHistory(own.Institution, own.ToStored(), rows.Select(r => r.ToStored()));
        return new EvaluationSubject(submissionId, own.Institution, own.RegionCode, (int)own.Version, true, history);
    }

    /// <summary>The snapshots an evaluation of <paramref name="period"/> may read, for a dry run of a ledger not stored.</summary>
    public async Task<IReadOnlyList<StoredSnapshot>> LoadBaselinesAsync(string institution, YearMonth period, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<SnapshotRow>(new CommandDefinition(connection.Sql(LatestInRangeSql), new
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
        var rows = await connection.QueryAsync<SnapshotRow>(new CommandDefinition(connection.Sql(LatestInRangeSql), new
        {
            Institution = institution, From = Periods.Format(from), To = Periods.Format(to),
        }, cancellationToken: ct));
        return rows.Select(r => new PeriodSnapshot(Periods.Parse(r.Period), r.SubmissionId, (int)r.Version, r.ToIndicators())).ToList();
    }

    /// <summary>
    /// For each of <paramref name="institutions"/>: its latest accepted snapshot and the snapshot of December the
    /// year before (its start of year), where it has them. Two queries, however many institutions.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (StoredSnapshot Latest, StoredSnapshot? StartOfYear)>> LatestWithStartAsync(
        IReadOnlyCollection<string> institutions, CancellationToken ct)
    {
        var found = new Dictionary<string, (StoredSnapshot, StoredSnapshot?)>();
        if (institutions.Count == 0)
        {
            return found;
        }

        await using var connection = await db.OpenAsync(ct);
        var latest = (await connection.QueryAsync<(string Institution, string Period)>(new CommandDefinition(
            connection.Sql(LatestPeriodsSql), cancellationToken: ct)))
            .Where(r => institutions.Contains(r.Institution))
            .ToDictionary(r => r.Institution, r => Periods.Parse(r.Period));
        // One query per distinct period (the latest months and the Decembers before them: a handful).
        var rows = new Dictionary<(string Institution, string Period), StoredSnapshot>();
        foreach (var period in latest.Values.SelectMany(p => new[] { p, Periods.December(p.Year - 1) }).Distinct().Select(Periods.Format))
        {
            foreach (var row in await connection.QueryAsync<SnapshotRow>(new CommandDefinition(connection.Sql(LatestOfPeriodSql), new { period }, cancellationToken: ct)))
            {
                if (latest.ContainsKey(row.Institution))
                {
                    rows[(row.Institution, row.Period)] = row.ToStored();
                }
            }
        }

        foreach (var (institution, period) in latest)
        {
            if (rows.TryGetValue((institution, Periods.Format(period)), out var snapshot))
            {
                found[institution] = (snapshot, rows.GetValueOrDefault((institution, Periods.Format(Periods.December(period.Year - 1)))));
            }
        }

        return found;
    }

    /// <summary>The snapshot stored for one submission, or <c>null</c>.</summary>
    public async Task<IndicatorSnapshot?> FindAsync(long submissionId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SnapshotRow>(new CommandDefinition(
            connection.Sql(FindSql), new { submissionId }, cancellationToken: ct));
        return row?.ToIndicators();
    }

    /// <summary>The latest accepted snapshot of a period, read inside a caller's transaction.</summary>
    internal static async Task<IndicatorSnapshot?> LatestAsync(DbConnection connection, DbTransaction transaction, string institution, YearMonth period, CancellationToken ct)
    {
        var p = Periods.Format(period);
        var row = await connection.QuerySingleOrDefaultAsync<SnapshotRow>(new CommandDefinition(
            connection.Sql(LatestInRangeSql), new { Institution = institution, From = p, To = p }, transaction, cancellationToken: ct));
        return row?.ToIndicators();
    }

    /// <summary>Stores the snapshot of an accepted submission inside its transaction.</summary>
    internal static Task InsertAsync(DbConnection connection, DbTransaction transaction, long submissionId, string institution, YearMonth period, int version, IndicatorSnapshot s, CancellationToken ct)
    {
        return connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertSql), new
        {
            submissionId, institution, period, version,
            TotalBalance = Fen.From(s.TotalBalance), TotalNplBalance = Fen.From(s.TotalNplBalance),
            InclusiveBalance = Fen.From(s.InclusiveBalance), InclusiveNplBalance = Fen.From(s.InclusiveNplBalance),
            InclusiveCreditBalance = Fen.From(s.InclusiveCreditBalance), s.InclusiveBorrowers, s.NewFirstLoanBorrowers,
            NewInclusiveAmount = Fen.From(s.NewInclusiveAmount),
            NewInclusiveRateWeight = s.NewInclusiveRateWeight.ToString(CultureInfo.InvariantCulture),
            IndividualBusinessBalance = Fen.From(s.IndividualBusinessBalance), s.IndividualBusinessBorrowers,
            OperatingBalance = Fen.From(s.OperatingBalance),
        }, transaction, cancellationToken: ct));
    }

    private sealed class SnapshotRow
    {
        public long SubmissionId { get; init; }

        public string Period { get; init; } = "";

        public string Institution { get; init; } = "";

        public string RegionCode { get; init; } = "";

        public long LatestVersion { get; init; }

        public long Version { get; init; }

        public long TotalBalance { get; init; }

        public long TotalNplBalance { get; init; }

        public long InclusiveBalance { get; init; }

        public long InclusiveNplBalance { get; init; }

        public long InclusiveCreditBalance { get; init; }

        public long InclusiveBorrowers { get; init; }

        public long NewFirstLoanBorrowers { get; init; }

        public long NewInclusiveAmount { get; init; }

        public string NewInclusiveRateWeight { get; init; } = "0";

        public long IndividualBusinessBalance { get; init; }

        public long IndividualBusinessBorrowers { get; init; }

        public long OperatingBalance { get; init; }

        public IndicatorSnapshot ToIndicators() => new()
        {
            TotalBalance = Fen.ToYuan(TotalBalance),
            TotalNplBalance = Fen.ToYuan(TotalNplBalance),
            InclusiveBalance = Fen.ToYuan(InclusiveBalance),
            InclusiveNplBalance = Fen.ToYuan(InclusiveNplBalance),
            InclusiveCreditBalance = Fen.ToYuan(InclusiveCreditBalance),
            InclusiveBorrowers = InclusiveBorrowers,
            NewFirstLoanBorrowers = NewFirstLoanBorrowers,
            NewInclusiveAmount = Fen.ToYuan(NewInclusiveAmount),
            NewInclusiveRateWeight = decimal.Parse(NewInclusiveRateWeight, NumberStyles.Number, CultureInfo.InvariantCulture),
            IndividualBusinessBalance = Fen.ToYuan(IndividualBusinessBalance),
            IndividualBusinessBorrowers = IndividualBusinessBorrowers,
            OperatingBalance = Fen.ToYuan(OperatingBalance),
        };

        public StoredSnapshot ToStored() => new(Periods.Parse(Period), SubmissionId, ToIndicators());
    }
}
