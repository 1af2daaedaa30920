using System.Data.Common;
using System.Text.Json;
using Compliance.Data.Evaluations;
using Compliance.Data.Snapshots;
using Compliance.Engine;
using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using Dapper;
using NodaTime;

namespace Compliance.Data.Submissions;

/// <summary>A ledger as it arrived, before it is read.</summary>
public sealed record NewSubmission(string Institution, YearMonth Period, Instant ReceivedAt, string Sha256, string ContentType, long Bytes);

/// <summary>What storing a ledger came to: accepted with its version, or rejected with its errors.</summary>
public sealed record IngestOutcome(
    long SubmissionId,
    int? Version,
    LedgerReadResult Result,
    IReadOnlyList<LedgerIssue> Warnings,
    long WarningCount,
    IReadOnlyList<long> ToEvaluate)
{
    public bool Accepted => Result.IsValid;
}

/// <summary>
/// The idempotency key a submission was claimed under, and how its answer is made from the outcome: the answer is
/// kept in the transaction that stores the submission.
/// </summary>
public sealed record IdempotentAnswer(string Key, Func<IngestOutcome, StoredAnswer> Of);

/// <summary>A stored submission (api.md, "Submissions").</summary>
public sealed record Submission
{
    public long Id { get; init; }

    public required string Institution { get; init; }

    public YearMonth Period { get; init; }

    public int? Version { get; init; }

    public required string Status { get; init; }

    public Instant ReceivedAt { get; init; }

    public required string Sha256 { get; init; }

    public required string ContentType { get; init; }

    public long ByteCount { get; init; }

    public long RowCount { get; init; }

    public long ErrorCount { get; init; }

    public long WarningCount { get; init; }

    /// <summary>The first warnings, as JSON <c>[{line, column, code, message}]</c>.</summary>
    public required string Warnings { get; init; }

    public string? EvaluationStatus { get; init; }

    public Instant? EvaluatedAt { get; init; }

    /// <summary>The evaluation's result as JSON, once it ran.</summary>
    public string? Evaluation { get; init; }
}

/// <summary>A submission of a list, with its snapshot (<c>null</c> for a rejected one).</summary>
public sealed record ListedSubmission(Submission Submission, IndicatorSnapshot? Snapshot);

/// <summary>Filters of <c>GET /submissions</c>.</summary>
public sealed record SubmissionFilter(string? Institution, YearMonth? Period, string? Status);

/// <summary>Submissions: the all-or-nothing ingest, receipts, errors and original bodies.</summary>
public sealed class SubmissionStore(Db db)
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";

    /// <summary>An evaluation queued or under way, done, or failed: the states of a latest version's evaluation.</summary>
    public const string EvaluationPending = "pending";
    public const string EvaluationRunning = "running";
    public const string EvaluationDone = "done";
    public const string EvaluationFailed = "failed";

    private const string Columns = """
        s.id AS Id, s.institution AS Institution, s.period AS Period, s.version AS Version, s.status AS Status,
        s.received_at AS ReceivedAt, s.sha256 AS Sha256, s.content_type AS ContentType, s.byte_count AS ByteCount,
        s.row_count AS "RowCount", s.error_count AS ErrorCount, s.warning_count AS WarningCount, s.warnings AS Warnings,
        s.evaluation_status AS EvaluationStatus, s.evaluated_at AS EvaluatedAt, s.evaluation AS Evaluation
        """;

    private const string FindSql = $"SELECT {Columns} FROM submissions s JOIN institutions i ON i.code = s.institution WHERE s.id = @id AND {Scope.Filter}";

    private const string ListWhere = $"""
        WHERE {Scope.Filter}
          AND (@Institution IS NULL OR s.institution = @Institution)
          AND (@Period IS NULL OR s.period = @Period)
          AND (@Status IS NULL OR s.status = @Status)
        """;

    private const string CountSql = $"SELECT COUNT(*) FROM submissions s JOIN institutions i ON i.code = s.institution {ListWhere}";
    private const string ListSql = $"SELECT {Columns} FROM submissions s JOIN institutions i ON i.code = s.institution {ListWhere} ORDER BY s.id DESC";

    // The snapshots of a page of ListSql, in one query: ListSql orders by id, so its page is every row it selects
    // between the page's lowest and highest id.
    private static string ListSnapshotsSql { get; } = $"""
        SELECT {SnapshotStore.ColumnsOf("sn")}
        FROM snapshots sn JOIN submissions s ON s.id = sn.submission_id JOIN institutions i ON i.code = s.institution
        {ListWhere}
          AND s.id >= @First AND s.id <= @Last
        """;

    private const string CountErrorsSql = "SELECT COUNT(*) FROM submission_errors WHERE submission_id = @id";
    private const string ErrorsSql = """
        SELECT line AS Line, column_name AS "Column", code AS Code, message AS Message, message_name AS MessageName, message_arguments AS MessageArguments
        FROM submission_errors WHERE submission_id = @id ORDER BY seq
        """;

    // The latest accepted version of each period (of one institution, of those whose region code starts with a prefix, or
    // of all) in [from, to].
    private const string LatestVersions = """
        SELECT l.id FROM latest_submissions l
        WHERE (@institution IS NULL OR l.institution = @institution)
          AND (@regionLike IS NULL OR l.institution IN (SELECT i.code FROM institutions i WHERE i.region_code LIKE @regionLike))
          AND (@from IS NULL OR l.period >= @from) AND (@to IS NULL OR l.period <= @to)
        """;

    private const string LatestVersionsSql = $"{LatestVersions}\nORDER BY l.period, l.id";
    private const string MarkPendingSql = $"UPDATE submissions SET evaluation_status = '{EvaluationPending}' WHERE id IN ({LatestVersions})";

    private const string PendingEvaluationsSql = $"""
        SELECT s.id FROM submissions s JOIN latest_submissions l ON l.id = s.id
        WHERE s.evaluation_status IS NOT NULL AND s.evaluation_status <> '{EvaluationDone}'
        ORDER BY s.period, s.id
        """;

    private const string RejectSql = "UPDATE submissions SET row_count = @Rows, error_count = @ErrorCount, warning_count = @WarningCount, warnings = @Warnings WHERE id = @id";
    // The latest accepted version of the period, the one row of its view (none before the first: the next version is then 1).
    private const string LatestVersionSql = "SELECT l.version FROM latest_submissions l WHERE l.institution = @Institution AND l.period = @Period";

    private const string AcceptSql = $"""
        UPDATE submissions SET version = @version, row_count = @Rows, warning_count = @warningCount, warnings = @Warnings,
            evaluation_status = '{EvaluationPending}'
        WHERE id = @id
        """;

    // Every later period whose baselines or year-to-date flows include this one, up to ReadersUntil.
    private const string Dependents = """
        SELECT l.id FROM latest_submissions l
        WHERE l.institution = @Institution AND l.period > @Period AND l.period <= @until
        """;

    private const string DependentsSql = $"{Dependents}\nORDER BY l.period";

    // One dependent marked pending. A transaction that writes several submissions writes them in ascending id order, as
    // every other does: two that wrote them in different orders could each wait for a row the other holds.
    private const string MarkDependentSql = $"UPDATE submissions SET evaluation_status = '{EvaluationPending}' WHERE id = @id";

    // The evaluation status of a latest accepted version; a superseded one is left as it is.
    private const string MarkEvaluationSql = """
        UPDATE submissions SET evaluation_status = @status,
            evaluation = COALESCE(@error, evaluation)
        WHERE id IN (SELECT l.id FROM latest_submissions l WHERE l.id = @id)
        """;

    // Done, its cause forgotten unless a change queued it again meanwhile with another (the cause it read is forgotten alone).
    private const string EvaluatedSql = $"""
        UPDATE submissions SET evaluation_status = '{EvaluationDone}', evaluated_at = @now, evaluation = @evaluation,
            evaluation_cause = CASE WHEN evaluation_cause = @cause THEN NULL ELSE evaluation_cause END
        WHERE id = @id
        """;

    // The latest accepted version of each period of one institution in [from, to], with the cause its pending mark carries.
    private const string CausedVersionsSql = """
        SELECT l.id AS Id, s.evaluation_cause AS Cause FROM latest_submissions l JOIN submissions s ON s.id = l.id
        WHERE l.institution = @institution AND l.period >= @from AND l.period <= @to
        ORDER BY l.period
        """;

    // What files a ledger deadline that no deadline sweep has read yet, and its marking as read by one.
    private const string UnsweptSql = "SELECT f.id FROM ledger_filings f WHERE f.swept_on IS NULL";

    private const string SweptSql = "UPDATE submissions SET swept_on = @today WHERE id = @id";

    private const string MarkCausedSql = $"UPDATE submissions SET evaluation_status = '{EvaluationPending}', evaluation_cause = @cause WHERE id = @id";

    private const string InsertSql = """
        INSERT INTO submissions (institution, period, status, received_at, sha256, content_type, byte_count, row_count, error_count, warning_count, warnings)
        VALUES (@Institution, @Period, @status, @ReceivedAt, @Sha256, @ContentType, @Bytes, 0, 0, 0, '[]');
        """;

    private const string InsertErrorSql = """
        INSERT INTO submission_errors (submission_id, seq, line, column_name, code, message, message_name, message_arguments)
        VALUES (@id, @seq, @line, @column, @code, @message, @name, @arguments)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores a ledger all-or-nothing. In one transaction: the submission, its body, its rows (written while
    /// <paramref name="read"/> validates them) and its snapshot; the periods whose evaluation reads this one are
    /// marked pending with it. On any error that transaction rolls back and the rejected submission is stored
    /// with its body and errors instead. With an <paramref name="idempotent"/> key, its answer commits with either.
    /// </summary>
    public async Task<IngestOutcome> IngestAsync(
        NewSubmission submission,
        Func<Stream> openBody,
        Func<Stream, ILedgerSink, LedgerReadResult> read,
        IdempotentAnswer? idempotent,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(openBody);
        ArgumentNullException.ThrowIfNull(read);
        await using var connection = await db.OpenAsync(ct);
        LedgerReadResult result;
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            // Ingests queue here before they write anything: on SQL Server the bulk copy locks loans for the rest of
            // the transaction, and a writer that held a row of submissions while waiting for it could deadlock.
            await db.Dialect.LockAsync(connection, transaction, "ingest", ct);
            var id = await InsertSubmissionAsync(connection, transaction, submission, Accepted, ct);
            using (var writer = db.Dialect.OpenLoanWriter(connection, transaction, id, () => InsertBodyAsync(connection, transaction, id, submission.Bytes, openBody, ct).GetAwaiter().GetResult()))
            await using (var body = openBody())
            {
                result = read(body, writer);
                writer.Complete();
            }

            if (result.IsValid && result.Snapshot is { } snapshot)
            {
                var outcome = await AcceptAsync(connection, transaction, id, submission, result, snapshot, ct);
                await KeepAnswerAsync(connection, transaction, submission, idempotent, outcome, ct);
                await transaction.CommitAsync(ct);
                return outcome;
            }

            await transaction.RollbackAsync(ct);
        }

        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var id = await InsertSubmissionAsync(connection, transaction, submission, Rejected, ct);
            await InsertBodyAsync(connection, transaction, id, submission.Bytes, openBody, ct);
            await InsertErrorsAsync(connection, transaction, id, result.Errors, ct);
            await connection.ExecuteAsync(new CommandDefinition(
                connection.Sql(RejectSql),
                new { id, result.Rows, result.ErrorCount, result.WarningCount, Warnings = WarningsJson(result.Warnings) }, transaction, cancellationToken: ct));
            var outcome = new IngestOutcome(id, null, result, result.Warnings, result.WarningCount, []);
            await KeepAnswerAsync(connection, transaction, submission, idempotent, outcome, ct);
            await transaction.CommitAsync(ct);
            return outcome;
        }
    }

    /// <summary>The submission, or <c>null</c> where it does not exist or lies outside the scope.</summary>
    public async Task<Submission?> FindAsync(long id, Scope scope, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Submission>(new CommandDefinition(connection.Sql(FindSql), new
        {
            id, ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
    }

    /// <summary>The submissions the scope sees, newest first, each with its snapshot: two queries a page.</summary>
    public async Task<Page<ListedSubmission>> ListAsync(SubmissionFilter filter, Scope scope, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parameters = new DynamicParameters(new
        {
            ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike, filter.Institution,
            Period = filter.Period is { } p ? Periods.Format(p) : null, filter.Status, page.Skip, page.Take,
        });
        var found = await db.PageAsync<Submission>(CountSql, ListSql, parameters, page, ct);
        var snapshots = new Dictionary<long, IndicatorSnapshot>();
        if (found.Items.Count > 0)
        {
            parameters.Add("First", found.Items.Min(s => s.Id));
            parameters.Add("Last", found.Items.Max(s => s.Id));
            await using var connection = await db.OpenAsync(ct);
            foreach (var row in await SnapshotStore.QueryAsync(connection, new CommandDefinition(connection.Sql(ListSnapshotsSql), parameters, cancellationToken: ct)))
            {
                snapshots[row.SubmissionId] = row.Indicators;
            }
        }

        return new Page<ListedSubmission>([.. found.Items.Select(s => new ListedSubmission(s, snapshots.GetValueOrDefault(s.Id)))], found.Number, found.Size, found.Total);
    }

    /// <summary>A page of a rejected submission's errors, in the order they were found.</summary>
    public async Task<Page<LedgerIssue>> ErrorsAsync(long id, PageRequest page, CancellationToken ct)
    {
        var rows = await db.PageAsync<ErrorRow>(
            CountErrorsSql,
            ErrorsSql,
            new { id, page.Skip, page.Take },
            page,
            ct);
        return new Page<LedgerIssue>([.. rows.Items.Select(e => new LedgerIssue(
            e.Line, e.Column, e.Code, e.Message, e.MessageName, e.MessageArguments is null ? null : JsonSerializer.Deserialize<List<string>>(e.MessageArguments, Json)))], rows.Number, rows.Size, rows.Total);
    }

    /// <summary>Copies the body exactly as received to <paramref name="destination"/>.</summary>
    public async Task CopyOriginalAsync(long id, Stream destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var connection = await db.OpenAsync(ct);
        await db.Dialect.CopyBlobAsync(connection, Body, id, destination, ct);
    }

    /// <summary>The latest accepted submissions whose evaluation is not done, oldest period first.</summary>
    public async Task<IReadOnlyList<long>> PendingEvaluationsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(connection.Sql(PendingEvaluationsSql), cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Marks the latest accepted submission of every period in [from, to] (of one institution, of those whose region code
    /// starts with <paramref name="regionPrefix"/>, of all where both are <c>null</c>) pending, in one transaction, and
    /// returns their ids for the caller to enqueue.
    /// </summary>
    public async Task<IReadOnlyList<long>> MarkForEvaluationAsync(string? institution, string? regionPrefix, YearMonth from, YearMonth to, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var ids = await MarkLatestPendingAsync(connection, transaction, institution, regionPrefix, from, to, ct);
        await transaction.CommitAsync(ct);
        return ids;
    }

    /// <summary>
    /// Sets the evaluation status of the latest accepted versions among <paramref name="submissionIds"/>
    /// (<see cref="EvaluationRunning"/>, or <see cref="EvaluationFailed"/> with the error's message), in one
    /// transaction.
    /// </summary>
    public async Task MarkEvaluationAsync(IReadOnlyList<long> submissionIds, string status, string? error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submissionIds);
        var errorJson = error is null ? null : StoredEvaluation.Failed(error).ToJson();
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var mark = connection.Repeated(transaction, MarkEvaluationSql, "status", "error", "id"))
        {
            // In ascending id order, as every transaction that writes several submissions (MarkDependentSql).
            foreach (var id in submissionIds.Distinct().Order())
            {
                mark.Bind(status, errorJson, id);
                await mark.ExecuteNonQueryAsync(ct);
            }
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Marks evaluations done inside the caller's transaction, each with what it stored (<paramref name="evaluations"/>:
    /// submission and its evaluation's JSON), through one prepared statement.
    /// </summary>
    internal static async Task EvaluatedAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<(long SubmissionId, string Evaluation, string? Cause)> evaluations, Instant now, CancellationToken ct)
    {
        await using var evaluated = connection.Repeated(transaction, EvaluatedSql, "now", "evaluation", "cause", "id");
        // In ascending id order, as every transaction that writes several submissions (MarkDependentSql).
        foreach (var (id, evaluation, cause) in evaluations.OrderBy(e => e.SubmissionId))
        {
            evaluated.Bind(now, evaluation, cause, id);
            await evaluated.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The accepted ledgers no deadline sweep has read yet, read inside the sweep's transaction before it reads the
    /// missed deadlines they file; <see cref="SweptAsync"/> marks them read once it has.
    /// </summary>
    internal static async Task<List<long>> UnsweptAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct) =>
        [.. await connection.QueryAsync<long>(new CommandDefinition(connection.Sql(UnsweptSql), transaction: transaction, cancellationToken: ct))];

    /// <summary>Marks the accepted ledgers <paramref name="ids"/> read by the deadline sweep of <paramref name="today"/>, inside its transaction.</summary>
    internal static Task SweptAsync(DbConnection connection, DbTransaction transaction, IEnumerable<long> ids, LocalDate today, CancellationToken ct) =>
        // In ascending id order, as every transaction that writes several submissions (MarkDependentSql).
        connection.ExecuteEachAsync(transaction, SweptSql, ids.Order().Select(id => new object?[] { today, id }), ct, "today", "id");

    /// <summary>
    /// Marks pending, inside the caller's transaction, the latest accepted submission of every period of
    /// <paramref name="institution"/> in [<paramref name="from"/>, <paramref name="to"/>], with <paramref name="cause"/>:
    /// the note the events of the exceptions its evaluation moves carry, added on a line of its own to a cause not yet
    /// evaluated. Kept with the mark, so an evaluation enqueued again at start still names it. Returns their ids for the
    /// caller to enqueue once it commits.
    /// </summary>
    internal static async Task<List<long>> MarkCausedAsync(
        DbConnection connection, DbTransaction transaction, string institution, YearMonth from, YearMonth to, string cause, CancellationToken ct)
    {
        var versions = (await connection.QueryAsync<(long Id, string? Cause)>(new CommandDefinition(
            connection.Sql(CausedVersionsSql), new { institution, from = Periods.Format(from), to = Periods.Format(to) }, transaction, cancellationToken: ct))).ToList();
        await using (var mark = connection.Repeated(transaction, MarkCausedSql, "cause", "id"))
        {
            // In ascending id order, as every transaction that writes several submissions (MarkDependentSql).
            foreach (var (id, earlier) in versions.OrderBy(v => v.Id))
            {
                mark.Bind(earlier is null ? cause : $"{earlier}\n{cause}", id);
                await mark.ExecuteNonQueryAsync(ct);
            }
        }

        return [.. versions.Select(v => v.Id)];
    }

    /// <summary>
    /// Marks pending, inside the caller's transaction, the latest accepted submission of <paramref name="period"/> and
    /// of every later period whose evaluation reads it (as acceptance does), and returns their ids for the caller to
    /// enqueue once it commits.
    /// </summary>
    internal static Task<List<long>> MarkWithReadersAsync(DbConnection connection, DbTransaction transaction, string institution, YearMonth period, CancellationToken ct) =>
        MarkLatestPendingAsync(connection, transaction, institution, null, period, ReadersUntil(period), ct);

    /// <summary>
    /// Marks pending, inside the caller's transaction, the latest accepted submission of every period of
    /// <paramref name="institution"/>, and returns their ids for the caller to enqueue once it commits.
    /// </summary>
    internal static Task<List<long>> MarkInstitutionPendingAsync(DbConnection connection, DbTransaction transaction, string institution, CancellationToken ct) =>
        MarkLatestPendingAsync(connection, transaction, institution, null, null, null, ct);

    private static async Task<List<long>> MarkLatestPendingAsync(
        DbConnection connection, DbTransaction transaction, string? institution, string? regionPrefix, YearMonth? from, YearMonth? to, CancellationToken ct)
    {
        var parameters = new
        {
            institution, regionLike = regionPrefix is null ? null : regionPrefix + "%", from = from is { } f ? Periods.Format(f) : null, to = to is { } t ? Periods.Format(t) : null,
        };
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(connection.Sql(LatestVersionsSql), parameters, transaction, cancellationToken: ct))).ToList();
        await connection.ExecuteAsync(new CommandDefinition(connection.Sql(MarkPendingSql), parameters, transaction, cancellationToken: ct));
        return ids;
    }

    /// <summary>
    /// The last period whose baselines or year-to-date flows include <paramref name="period"/>: the rest of its year and
    /// all of the next (last year's flows), and for a December the year after too (last year's start).
    /// </summary>
    private static YearMonth ReadersUntil(YearMonth period) => Periods.December(period.Year + (period.Month == 12 ? 2 : 1));

    private async Task<IngestOutcome> AcceptAsync(
        DbConnection connection, DbTransaction transaction, long id, NewSubmission submission,
        LedgerReadResult result, IndicatorSnapshot snapshot, CancellationToken ct)
    {
        await db.Dialect.LockAsync(connection, transaction, $"submission/{submission.Institution}/{Periods.Format(submission.Period)}", ct);
        var version = 1 + await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            connection.Sql(LatestVersionSql),
            new { submission.Institution, submission.Period }, transaction, cancellationToken: ct));

        var previousPeriod = submission.Period.PlusMonths(-1);
        var previous = await SnapshotStore.LatestAsync(connection, transaction, submission.Institution, previousPeriod, ct);
        var (warnings, warningCount) = BalanceMovement.Warnings(result, previous, previousPeriod);

        await connection.ExecuteAsync(new CommandDefinition(connection.Sql(AcceptSql), new { id, version, result.Rows, warningCount, Warnings = WarningsJson(warnings) }, transaction, cancellationToken: ct));
        await SnapshotStore.InsertAsync(connection, transaction, id, submission.Institution, submission.Period, version, snapshot, ct);

        var range = new { submission.Institution, submission.Period, until = ReadersUntil(submission.Period) };
        var dependents = (await connection.QueryAsync<long>(new CommandDefinition(connection.Sql(DependentsSql), range, transaction, cancellationToken: ct))).ToList();
        if (dependents.Count > 0)
        {
            await using var mark = connection.Repeated(transaction, MarkDependentSql, "id");
            foreach (var dependent in dependents.Order())
            {
                mark.Bind(dependent);
                await mark.ExecuteNonQueryAsync(ct);
            }
        }

        return new IngestOutcome(id, version, result, warnings, warningCount, [id, .. dependents]);
    }

    private static Task KeepAnswerAsync(
        DbConnection connection, DbTransaction transaction, NewSubmission submission, IdempotentAnswer? idempotent, IngestOutcome outcome, CancellationToken ct) =>
        idempotent is null ? Task.CompletedTask
            : IdempotencyStore.AnswerAsync(connection, transaction, submission.Institution, idempotent.Key, idempotent.Of(outcome), ct);

    private Task<long> InsertSubmissionAsync(DbConnection connection, DbTransaction transaction, NewSubmission s, string status, CancellationToken ct)
    {
        return connection.ExecuteScalarAsync<long>(new CommandDefinition(connection.Sql(db.Dialect.Returning(InsertSql)), new
        {
            s.Institution, s.Period, status, s.ReceivedAt, s.Sha256, s.ContentType, s.Bytes,
        }, transaction, cancellationToken: ct));
    }

    private const string InsertBodySql = "INSERT INTO submission_bodies (submission_id, body, encoding) VALUES (@id, @Content, @Encoding)";
    private const string BodySql = "SELECT body FROM submission_bodies WHERE submission_id = @id";

    /// <summary>A ledger's body, keyed by its submission: answered exactly as received, however the database stores it.</summary>
    private static readonly Blob Body = new("submission_bodies", "body", "submission_id", InsertBodySql, BodySql, Encoding: "encoding");

    private Task<long> InsertBodyAsync(DbConnection connection, DbTransaction transaction, long id, long bytes, Func<Stream> openBody, CancellationToken ct) =>
        db.Dialect.InsertBlobAsync(connection, transaction, Body, new { id }, bytes, openBody, ct);

    private static async Task InsertErrorsAsync(DbConnection connection, DbTransaction transaction, long id, IReadOnlyList<LedgerIssue> errors, CancellationToken ct)
    {
        await using var insert = connection.Repeated(transaction, InsertErrorSql, "id", "seq", "line", "column", "code", "message", "name", "arguments");
        for (var i = 0; i < errors.Count; i++)
        {
            var e = errors[i];
            insert.Bind(id, i, e.Line, e.Column, e.Code, e.Message, e.MessageName, e.Arguments is null ? null : JsonSerializer.Serialize(e.Arguments, Json));
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static string WarningsJson(IEnumerable<LedgerIssue> warnings) => JsonSerializer.Serialize(warnings, Json);

    /// <summary>Reads the warnings stored with a submission.</summary>
    public static IReadOnlyList<LedgerIssue> ParseWarnings(string json) => JsonSerializer.Deserialize<List<LedgerIssue>>(json, Json) ?? [];

    /// <summary>A stored error (a class, not a positional record, so Dapper widens SQL Server's int line to long).</summary>
    private sealed class ErrorRow
    {
        public long? Line { get; init; }

        public string? Column { get; init; }

        public string Code { get; init; } = "";

        public string Message { get; init; } = "";

        public string? MessageName { get; init; }

        public string? MessageArguments { get; init; }
    }
}
