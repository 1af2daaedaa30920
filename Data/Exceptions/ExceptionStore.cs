using System.Collections.Frozen;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Compliance.Engine;
using Compliance.Engine.Calendar;
using Compliance.Engine.Exceptions;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Exceptions;

/// <summary>An exception (监管异常) as stored; figures and baselines are JSON objects, unrounded.</summary>
public sealed record ExceptionRecord
{
    public long Id { get; init; }

    public required string Institution { get; init; }

    public YearMonth Period { get; init; }

    public required string Rule { get; init; }

    public string? RuleSetId { get; init; }

    public int? RuleSetVersion { get; init; }

    /// <summary>The 口径 of the rule set version that wrote it (<c>cbirc</c> or <c>pboc</c>), <c>null</c> for one of no set.</summary>
    public string? RuleSetScope { get; init; }

    public required string Severity { get; init; }

    public required string Status { get; init; }

    public required string Figures { get; init; }

    public required string Baselines { get; init; }

    public required string MessageZh { get; init; }

    public required string MessageEn { get; init; }

    public long? SubmissionId { get; init; }

    public LocalDate? WaivedUntil { get; init; }

    /// <summary>The institution's name, where the query joined it (the list, one exception, the export).</summary>
    public string? InstitutionName { get; init; }

    /// <summary>The institution's region code, where the query joined it (exports).</summary>
    public string? RegionCode { get; init; }

    public Instant CreatedAt { get; init; }

    public Instant UpdatedAt { get; init; }
}

/// <summary>A transition or change of an exception; never updated or deleted.</summary>
public sealed record ExceptionEvent
{
    public long Id { get; init; }

    public Instant At { get; init; }

    public required string ActorRole { get; init; }

    public long? ActorKeyId { get; init; }

    /// <summary>The name of the key that acted; <c>null</c> for the system.</summary>
    public string? ActorName { get; init; }

    public required string Kind { get; init; }

    public string? FromStatus { get; init; }

    public required string ToStatus { get; init; }

    public string? Note { get; init; }

    public string? Figures { get; init; }
}

/// <summary>Who acted: a key's role and id, or the system (evaluation, sweep).</summary>
public sealed record Actor(string Role, long? KeyId)
{
    public static Actor System { get; } = new("system", null);
}

/// <summary>
/// Filters of <c>GET /exceptions</c>, every one optional, and the order of its rows; <see cref="Statuses"/> matches an
/// exception in any of them.
/// </summary>
public sealed record ExceptionFilter(
    string? Institution = null,
    string? RegionPrefix = null,
    YearMonth? Period = null,
    YearMonth? From = null,
    YearMonth? To = null,
    string? Rule = null,
    string? Severity = null,
    IReadOnlyList<string>? Statuses = null,
    string? RuleSet = null,
    ExceptionOrder Order = ExceptionOrder.PeriodDescending);

/// <summary>
/// The orders of the list (api.md, "Exceptions", <c>sort</c>); ties in each by creation order, oldest first.
/// </summary>
public enum ExceptionOrder
{
    /// <summary>Newest period first (<c>-period</c>, the default).</summary>
    PeriodDescending,

    /// <summary>Oldest period first (<c>period</c>).</summary>
    Period,

    /// <summary>Breaches before warnings (<c>-severity</c>).</summary>
    SeverityDescending,

    /// <summary>By institution code, ordinal, then newest period first (<c>institution</c>).</summary>
    Institution,

    /// <summary>Oldest first (<c>createdAt</c>).</summary>
    CreatedAt,

    /// <summary>Newest first (<c>-createdAt</c>).</summary>
    CreatedAtDescending,
}

/// <summary>
/// The results of one evaluation of a submission by a rule set; with no rule set in force for its region and year,
/// <see cref="RuleSet"/> is <c>null</c>, there are no results, and the evaluation's outcome is <c>notApplicable</c>.
/// </summary>
public sealed record Evaluation(long SubmissionId, string Institution, YearMonth Period, RuleEvaluation Result)
{
    /// <summary>What queued it, where a person's change did (a credit plan's): the note of every event it writes.</summary>
    public string? Cause { get; init; }
}

/// <summary>The outcome of a workflow transition, with the exception's status after one done.</summary>
public sealed record TransitionResult(TransitionOutcome Outcome, ExceptionStatus? Status = null);

/// <summary>The outcome of a workflow transition.</summary>
public enum TransitionOutcome
{
    Done,
    NotFound,
    NotAllowed,

    /// <summary>The caller sees the exception but its role may not take the action (decided by the Api, never by the store).</summary>
    Forbidden,
}

/// <summary>
/// Exceptions and their events, and the only writer of both: evaluations, the deadline sweep and the workflow hand it
/// what they found or did, and every change of status is the one <see cref="ExceptionLifecycle"/> allows. Whatever
/// writes exceptions commits through <see cref="CommitAsync"/>, which also forgets the list totals it changed.
/// </summary>
public sealed class ExceptionStore(Db db)
{
    public const string DeadlineMissedRule = RuleCatalog.DeadlineMissedRuleId;

    /// <summary>The lock the deadline sweep writes under, and a workflow action on a missed deadline.</summary>
    internal const string SweepLock = "deadline-sweep";

    // What an exception belongs to, and so which writer besides the workflow plans its writes: its period's evaluation,
    // or, for a missed deadline, the sweep. None of the three columns ever changes.
    private const string PlannerSql = "SELECT e.institution AS Institution, e.period AS Period, e.\"rule\" AS \"Rule\" FROM exceptions e WHERE e.id = @id";

    private const string Columns = """
        e.id AS Id, e.institution AS Institution, e.period AS Period, e."rule" AS "Rule", e.rule_set_id AS RuleSetId,
        e.rule_set_version AS RuleSetVersion, e.severity AS Severity, e.status AS Status, e.figures AS Figures,
        e.baselines AS Baselines, e.message_zh AS MessageZh, e.message_en AS MessageEn, e.submission_id AS SubmissionId,
        e.waived_until AS WaivedUntil, e.created_at AS CreatedAt, e.updated_at AS UpdatedAt,
        (SELECT r.scope FROM rule_sets r WHERE r.id = e.rule_set_id AND r.version = e.rule_set_version) AS RuleSetScope
        """;

    // An exception's columns with its institution's name, where the query joins the institution as i.
    private const string NamedColumns = $"{Columns}, i.name AS InstitutionName";

    // An event's columns, with the name of the key that acted (none for the system).
    private const string EventColumns = """
        v.id AS Id, v.at AS At, v.actor_role AS ActorRole, v.actor_key_id AS ActorKeyId, k.name AS ActorName, v.kind AS Kind,
        v.from_status AS FromStatus, v.to_status AS ToStatus, v.note AS Note, v.figures AS Figures
        """;

    // The exceptions of every rule set in an institution's periods: those of sets that no longer apply are cleared with
    // the rest. A decided one comes with the figures its latest event recorded, which a new finding is compared with.
    private static string ExistingSql { get; } = $"""
        SELECT {Columns},
               CASE WHEN e.status IN ('{ExceptionStatus.Resolved.Name()}', '{ExceptionStatus.Waived.Name()}') THEN
                   (SELECT v.figures FROM exception_events v WHERE v.id = (SELECT MAX(w.id) FROM exception_events w WHERE w.exception_id = e.id AND w.figures IS NOT NULL))
               END AS LastRecordedFigures, e.message_zh AS MessageZh, e.message_en AS MessageEn
        FROM exceptions e WHERE e.institution = @Institution AND e.period >= @From AND e.period <= @To AND e."rule" <> '{DeadlineMissedRule}'
        """;

    // The exceptions of evaluations in [From, To] that a scope sees, as a preview compares them.
    private const string StoredInRangeSql = $"SELECT {Columns} FROM exceptions e JOIN institutions i ON i.code = e.institution WHERE e.period >= @From AND e.period <= @To AND e.\"rule\" <> '{DeadlineMissedRule}' AND {Scope.Filter}";

    // The statuses: an exception in any of those given (at most the five of the lifecycle), all where none is.
    private const string ListWhere = $"""
        WHERE {Scope.Filter}
          AND (@Institution IS NULL OR e.institution = @Institution)
          AND (@RegionLike IS NULL OR i.region_code LIKE @RegionLike)
          AND (@Period IS NULL OR e.period = @Period)
          AND (@From IS NULL OR e.period >= @From)
          AND (@To IS NULL OR e.period <= @To)
          AND (@Rule IS NULL OR e."rule" = @Rule)
          AND (@RuleSet IS NULL OR e.rule_set_id = @RuleSet)
          AND (@Severity IS NULL OR e.severity = @Severity)
          AND (@Status1 IS NULL OR e.status IN (@Status1, @Status2, @Status3, @Status4, @Status5))
        """;

    private const string CountSql = $"SELECT COUNT(*) FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere}";

    // The ORDER BY of each order: its keys, then creation order, oldest first (api.md, "Exceptions"). Newest period
    // first reads ix_exceptions_period, sorting by creation within a period only.
    private static readonly IReadOnlyDictionary<ExceptionOrder, string> OrderBy = new Dictionary<ExceptionOrder, string>
    {
        [ExceptionOrder.PeriodDescending] = "e.period DESC, e.id",
        [ExceptionOrder.Period] = "e.period, e.id",
        [ExceptionOrder.SeverityDescending] = "CASE WHEN e.severity = 'breach' THEN 0 ELSE 1 END, e.id",
        [ExceptionOrder.Institution] = "e.institution, e.period DESC, e.id",
        [ExceptionOrder.CreatedAt] = "e.created_at, e.id",
        [ExceptionOrder.CreatedAtDescending] = "e.created_at DESC, e.id",
    };

    private static FrozenDictionary<ExceptionOrder, string> ListSql { get; } =
        Ordered($"SELECT {NamedColumns} FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere} ORDER BY ");

    // One institution's exceptions (its own key, or a filter on it): found through the institution's index instead of
    // a scan of every period, as the optional filters above cannot be.
    private const string CountOfOneSql = $"SELECT COUNT(*) FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere} AND e.institution = @One";

    private static FrozenDictionary<ExceptionOrder, string> ListOfOneSql { get; } =
        Ordered($"SELECT {NamedColumns} FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere} AND e.institution = @One ORDER BY ");

    private static FrozenDictionary<ExceptionOrder, string> ExportSql { get; } =
        Ordered($"SELECT {NamedColumns}, i.region_code AS RegionCode FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere} ORDER BY ");

    private const string FindSql = $"""
        SELECT {NamedColumns} FROM exceptions e JOIN institutions i ON i.code = e.institution WHERE e.id = @id AND {Scope.Filter};
        SELECT {EventColumns} FROM exception_events v LEFT JOIN api_keys k ON k.id = v.actor_key_id WHERE v.exception_id = @id ORDER BY v.id
        """;

    private const string StatusSql = $"SELECT e.status FROM exceptions e JOIN institutions i ON i.code = e.institution WHERE e.id = @id AND {Scope.Filter}";

    // When a DEADLINE_MISSED exception's deadline was first filed, if it was, as the schema's ledger_filings and
    // document_filings define it: a ledger deadline by its period, any other by its obligation and year.
    private const string MissedFiledAt = $"""
        COALESCE(
            (SELECT MIN(f.filed_at) FROM ledger_filings f
             WHERE e.subject = '{Obligation.LedgerMonthly}' AND f.institution = e.institution AND f.period = e.period),
            (SELECT MIN(f.filed_at) FROM document_filings f
             WHERE e.subject <> '{Obligation.LedgerMonthly}' AND f.institution = e.institution AND f.obligation = e.subject
               AND f.year = CAST(SUBSTRING(e.period, 1, 4) AS INTEGER)))
        """;

    // A DEADLINE_MISSED exception as a sweep acts on it, with its deadline's filing.
    private const string MissedWithFiling = $"""
        e.id AS Id, e.institution AS Institution, e.period AS Period, e.subject AS Subject, e.status AS Status, e.waived_until AS Until,
        {MissedFiledAt} AS FiledAt
        """;

    // Of those, the ones a sweep has to act on, whatever the deadline's date: filed (and without their filedLate
    // event), or waived until a day now past and still not filed.
    private const string ToActOn = """
        WHERE (x.FiledAt IS NOT NULL AND NOT EXISTS (SELECT 1 FROM exception_events v WHERE v.exception_id = x.Id AND v.kind = 'filedLate'))
           OR (x.FiledAt IS NULL AND x.Status = 'waived' AND x.Until < @today)
        """;

    // What a sweep that plans every deadline anew acts on: every DEADLINE_MISSED exception, each read with its filing.
    private const string OpenMissedSql = $"""
        SELECT x.Id, x.Institution, x.Period, x.Subject, x.Status, x.Until, x.FiledAt FROM (
            SELECT {MissedWithFiling} FROM exceptions e WHERE e."rule" = '{DeadlineMissedRule}') x
        {ToActOn}
        """;

    // What a sweep on top of another acts on: only what can have changed since, the DEADLINE_MISSED exceptions of the
    // deadlines filed since (the filings no sweep has read yet) and those whose waiver ended. Each is found from its
    // filing or on the index of waivers, not by reading every exception the sweeps ever wrote.
    private const string ChangedMissedSql = $$"""
        SELECT x.Id, x.Institution, x.Period, x.Subject, x.Status, x.Until, x.FiledAt FROM (
            SELECT {{MissedWithFiling}} FROM (
                SELECT m.id FROM ledger_filings f JOIN exceptions m ON m.institution = f.institution AND m.period = f.period
                WHERE f.swept_on IS NULL AND m."rule" = '{{DeadlineMissedRule}}' AND m.subject = '{{Obligation.LedgerMonthly}}'
                UNION
                SELECT m.id FROM document_filings f JOIN exceptions m ON m.institution = f.institution AND m.subject = f.obligation
                WHERE f.swept_on IS NULL AND m."rule" = '{{DeadlineMissedRule}}' AND CAST(SUBSTRING(m.period, 1, 4) AS INTEGER) = f.year
                UNION
                SELECT m.id FROM exceptions m WHERE m.status = 'waived' AND m.waived_until < @today AND m."rule" = '{{DeadlineMissedRule}}') c
            JOIN exceptions e ON e.id = c.id) x
        {{ToActOn}}
        """;

    // The open and explained DEADLINE_MISSED exceptions, with the due date their figures record and their deadline's
    // filing: those a sweep that plans every deadline anew clears where the deadline is no longer owed.
    private const string OwedMissedSql = $"""
        SELECT e.id AS Id, e.institution AS Institution, e.period AS Period, e.subject AS Subject, e.status AS Status, e.waived_until AS Until,
               e.figures AS Figures, {MissedFiledAt} AS FiledAt
        FROM exceptions e WHERE e."rule" = '{DeadlineMissedRule}' AND e.status IN ('open', 'explained')
        """;

    // The cleared DEADLINE_MISSED exceptions: a sweep that finds their deadline missed again finds them again.
    private const string ClearedMissedSql = $"""
        SELECT e.id AS Id, e.institution AS Institution, e.period AS Period, e.subject AS Subject, e.status AS Status, e.waived_until AS Until
        FROM exceptions e WHERE e."rule" = '{DeadlineMissedRule}' AND e.status = 'cleared'
        """;

    // Under its unique key: a sweep racing another writes nothing twice (the sweep's lock serializes them).
    private const string InsertMissedSql = $$"""
        INSERT INTO exceptions (institution, period, "rule", subject, severity, status, figures, baselines, message_zh, message_en, created_at, updated_at)
        SELECT @institution, @period, '{{DeadlineMissedRule}}', @obligation, 'breach', @status, @figures, '{}', @zh, @en, @now, @now
        WHERE NOT EXISTS (
            SELECT 1 FROM exceptions WHERE institution = @institution AND period = @period AND "rule" = '{{DeadlineMissedRule}}' AND subject = @obligation);
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The lock of an institution-period's evaluation: held by whatever reads the period's exceptions to decide what to
    /// write to them (an evaluation, a workflow action), from before it reads until it commits.
    /// </summary>
    internal static string EvaluationLock(string institution, YearMonth period) => $"evaluation/{institution}/{Periods.Format(period)}";

    /// <summary>
    /// Takes, inside the caller's transaction, the evaluation locks of the institution-periods, in one order whoever asks
    /// (so two batches never wait on each other); an evaluation takes them before it reads anything it evaluates.
    /// </summary>
    internal static async Task LockEvaluationsAsync(DbConnection connection, DbTransaction transaction, IEnumerable<(string Institution, YearMonth Period)> periods, CancellationToken ct)
    {
        var dialect = Dialect.Of(connection);
        foreach (var resource in periods.Select(p => EvaluationLock(p.Institution, p.Period)).Distinct().Order(StringComparer.Ordinal))
        {
            await dialect.LockAsync(connection, transaction, resource, ct);
        }
    }

    /// <summary>
    /// Applies evaluations inside the caller's transaction, which holds their locks (<see cref="LockEvaluationsAsync"/>),
    /// each institution-period once, as <see cref="ExceptionPlan.OfEvaluation"/> plans them against what its periods
    /// hold. What each institution's periods hold is read once, and the writes go through statements prepared once.
    /// Applying the same evaluations twice changes nothing. Returns the exceptions each wrote, updated or found again, by
    /// submission.
    /// </summary>
    internal static async Task<IReadOnlyDictionary<long, IReadOnlyList<long>>> ApplyAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<Evaluation> evaluations, Instant now, CancellationToken ct)
    {
        var existing = new Dictionary<(string, YearMonth), IReadOnlyList<ExceptionOnRecord>>();
        foreach (var institution in evaluations.GroupBy(e => e.Institution, StringComparer.Ordinal))
        {
            var rows = await connection.QueryAsync<ExistingRow>(new CommandDefinition(
                connection.Sql(ExistingSql),
                new { Institution = institution.Key, From = Periods.Format(institution.Min(e => e.Period)), To = Periods.Format(institution.Max(e => e.Period)) },
                transaction,
                cancellationToken: ct));
            foreach (var period in rows.GroupBy(r => r.Period))
            {
                existing[(institution.Key, Periods.Parse(period.Key))] = [.. period.Select(r => r.ToStored())];
            }
        }

        var today = ReportingZone.DateOf(now);
        var written = new Dictionary<long, IReadOnlyList<long>>();
        await using var writes = new ExceptionWrites(connection, transaction);
        foreach (var evaluation in evaluations)
        {
            var plan = ExceptionPlan.NamingCause(
                ExceptionPlan.OfEvaluation(evaluation.Result, evaluation.SubmissionId, existing.GetValueOrDefault((evaluation.Institution, evaluation.Period)) ?? [], today),
                evaluation.Cause);
            var touched = new List<long>();
            foreach (var write in plan)
            {
                touched.Add(await writes.ApplyAsync(evaluation.Institution, evaluation.Period, write, now, ct));
            }

            written[evaluation.SubmissionId] = touched;
        }

        return written;
    }

    /// <summary>
    /// The exceptions evaluations wrote for the periods in [<paramref name="from"/>, <paramref name="to"/>] that the
    /// scope sees, by institution and period: what an evaluation of each period compares its results with.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Institution, YearMonth Period), IReadOnlyList<ExceptionRecord>>> StoredForEvaluationAsync(
        Scope scope, YearMonth from, YearMonth to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ExceptionRecord>(new CommandDefinition(connection.Sql(StoredInRangeSql), new
        {
            From = Periods.Format(from), To = Periods.Format(to), ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        return rows.GroupBy(r => (r.Institution, r.Period)).ToDictionary(g => g.Key, g => (IReadOnlyList<ExceptionRecord>)[.. g]);
    }

    /// <summary>The exceptions the scope sees, in the filter's order.</summary>
    public async Task<Page<ExceptionRecord>> ListAsync(ExceptionFilter filter, Scope scope, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var one = scope.Institution ?? filter.Institution;
        return await db.PageAsync<ExceptionRecord>(
            one is null ? CountSql : CountOfOneSql,
            (one is null ? ListSql : ListOfOneSql)[filter.Order],
            ListParameters(filter, scope, page, one),
            page,
            ct,
            cachedTotal: true);
    }

    /// <summary>Every exception the scope sees that matches the filter, in its order, read as it streams.</summary>
    public async IAsyncEnumerable<ExceptionRecord> ExportAsync(ExceptionFilter filter, Scope scope, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await db.OpenAsync(ct);
        await foreach (var row in connection.QueryUnbufferedAsync<ExceptionRecord>(connection.Sql(ExportSql[filter.Order]), ListParameters(filter, scope, new PageRequest(1, 1))).WithCancellation(ct))
        {
            yield return row;
        }
    }

    /// <summary>The exception with its events, or <c>null</c> where it does not exist or lies outside the scope.</summary>
    public async Task<(ExceptionRecord Exception, IReadOnlyList<ExceptionEvent> Events)?> FindAsync(long id, Scope scope, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(connection.Sql(FindSql), new
        {
            id, ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        var exception = await results.ReadSingleOrDefaultAsync<ExceptionRecord>();
        if (exception is null)
        {
            return null;
        }

        return (exception, (await results.ReadAsync<ExceptionEvent>()).ToList());
    }

    /// <summary>
    /// Takes an exception the scope sees through a workflow action (explain, resolve, waive, reopen), with an event;
    /// <see cref="TransitionOutcome.NotAllowed"/> where the lifecycle does not allow it from its status.
    /// </summary>
    public async Task<TransitionOutcome> TransitionAsync(
        long id, Scope scope, LifecycleEvent action, Actor actor, string? note, LocalDate? waivedUntil, Instant now, CancellationToken ct) =>
        (await TransitionAllAsync([id], scope, action, actor, note, waivedUntil, now, ct))[0].Outcome;

    /// <summary>
    /// Takes each of the exceptions through the same workflow action, with the same note, inside one transaction:
    /// each is decided against its status then, as <see cref="TransitionAsync"/> decides one (not found where the
    /// scope does not see it, not allowed where the lifecycle refuses it), and those done are written together, with
    /// one event each. Answers an outcome per id, in the order given; the ids are distinct.
    /// </summary>
    public async Task<IReadOnlyList<TransitionResult>> TransitionAllAsync(
        IReadOnlyList<long> ids, Scope scope, LifecycleEvent action, Actor actor, string? note, LocalDate? waivedUntil, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockPlannersAsync(connection, transaction, ids, ct);

        var outcomes = new List<TransitionResult>(ids.Count);
        await using (var writes = new ExceptionWrites(connection, transaction))
        {
            foreach (var id in ids)
            {
                var status = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                    connection.Sql(StatusSql),
                    new { id, ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike }, transaction, cancellationToken: ct));
                if (status is null)
                {
                    outcomes.Add(new TransitionResult(TransitionOutcome.NotFound));
                    continue;
                }

                var from = ExceptionLifecycle.ParseStatus(status);
                if (ExceptionLifecycle.Next(from, action) is not { Recorded: { } recorded } transition)
                {
                    outcomes.Add(new TransitionResult(TransitionOutcome.NotAllowed));
                    continue;
                }

                await writes.MoveAsync(id, transition.To, action == LifecycleEvent.Waive ? waivedUntil : null, now, ct);
                await writes.EventAsync(id, actor, new PlannedEvent(recorded, from, transition.To, note, null), now, ct);
                outcomes.Add(new TransitionResult(TransitionOutcome.Done, transition.To));
            }
        }

        if (outcomes.Exists(o => o.Outcome == TransitionOutcome.Done))
        {
            await CommitAsync(transaction, ct);
        }

        return outcomes;
    }

    /// <summary>
    /// Takes the locks of what plans the exceptions' other writes, in one order whoever asks: the evaluation lock of each
    /// one's institution-period, and the sweep's for a missed deadline. A workflow action reads a status and writes the
    /// next; an evaluation or a sweep reads the same status and writes what it planned from it. Under one lock they take
    /// turns, so neither writes over a status the other changed after it read (on a database where each statement reads
    /// what was committed before it, a lock of the exception alone would let an evaluation reopen what was just resolved).
    /// </summary>
    private static async Task LockPlannersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> ids, CancellationToken ct)
    {
        var resources = new SortedSet<string>(StringComparer.Ordinal);
        await using (var planner = connection.Repeated(transaction, PlannerSql, "id"))
        {
            foreach (var id in ids)
            {
                planner.Bind(id);
                await using var reader = await planner.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    resources.Add(reader.GetString(2) == DeadlineMissedRule ? SweepLock : EvaluationLock(reader.GetString(0), Periods.Parse(reader.GetString(1))));
                }
            }
        }

        foreach (var resource in resources)
        {
            await Dialect.Of(connection).LockAsync(connection, transaction, resource, ct);
        }
    }

    /// <summary>Which of the exceptions the scope sees.</summary>
    public async Task<IReadOnlySet<long>> VisibleAsync(IReadOnlyList<long> ids, Scope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var connection = await db.OpenAsync(ct);
        var visible = new HashSet<long>();
        foreach (var id in ids)
        {
            if (await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                connection.Sql(StatusSql), new { id, ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike }, cancellationToken: ct)) is not null)
            {
                visible.Add(id);
            }
        }

        return visible;
    }

    /// <summary>Commits a transaction that wrote exceptions, and forgets the list totals cached before it.</summary>
    public async Task CommitAsync(DbTransaction transaction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await transaction.CommitAsync(ct);
        ForgetTotals();
    }

    /// <summary>An institution's region changed: its exceptions moved in or out of regulators' lists.</summary>
    public void ScopesChanged() => ForgetTotals();

    // The one place the cached list totals are forgotten.
    private void ForgetTotals() => db.Counts.Invalidate();

    /// <summary>
    /// Applies a sweep's findings inside the caller's transaction: a <c>DEADLINE_MISSED</c> exception for each missed
    /// deadline that has none (under its unique key, so a racing or an earlier sweep's exception is never written
    /// again), and one found again for each whose exception was cleared; where the sweep planned every deadline anew
    /// (<paramref name="noLongerOwed"/> given), the clearing of the open and explained ones whose deadline is no longer
    /// owed, with why; and, for the missed deadlines of any date found open, the reopening of those whose waiver ended
    /// with the deadline still not filed and one <c>filedLate</c> event for each filed since: where the sweep planned
    /// every deadline anew, of every <c>DEADLINE_MISSED</c> exception (<c>OpenMissedSql</c>); otherwise of those whose
    /// deadline a filing no sweep has read yet files, or whose waiver ended (<c>ChangedMissedSql</c>: the caller reads
    /// those filings before and marks them read after, in this transaction).
    /// <paramref name="dueDate"/> gives a deadline's due date by institution, obligation and nominal period, or
    /// <c>null</c> where it does not bind the institution (any more): such a deadline's exception gets no such event.
    /// Returns the exceptions created.
    /// </summary>
    internal static async Task<int> ApplySweepAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<InstitutionDeadline> missed, Func<string, string, YearMonth, LocalDate?> dueDate,
        LocalDate today, Instant now, CancellationToken ct, Func<MissedOnRecord, LocalizedText?>? noLongerOwed = null)
    {
        var dialect = Dialect.Of(connection);
        var created = 0;
        await using var writes = new ExceptionWrites(connection, transaction);
        await using (var insert = connection.Repeated(transaction, dialect.Returning(InsertMissedSql),
            "institution", "period", "obligation", "status", "figures", "zh", "en", "now"))
        {
            foreach (var deadline in missed.Select(ExceptionPlan.OfMissed))
            {
                insert.Bind(deadline.Institution, Periods.Format(deadline.Deadline.Period), deadline.Deadline.Obligation.Code, deadline.Event.To.Name(),
                    deadline.Figures, deadline.Message.Zh, deadline.Message.En, now);
                if (await insert.ExecuteScalarAsync(ct) is long id)
                {
                    created++;
                    await writes.EventAsync(id, Actor.System, deadline.Event, now, ct);
                }
            }
        }

        if (missed.Count > 0)
        {
            var cleared = await connection.QueryAsync<OpenMissedRow>(new CommandDefinition(connection.Sql(ClearedMissedSql), transaction: transaction, cancellationToken: ct));
            foreach (var write in ExceptionPlan.OfMissedAgain(cleared.Select(r => r.ToMissed()), missed))
            {
                await writes.ApplyAsync(null, default, write, now, ct);
            }
        }

        if (noLongerOwed is not null)
        {
            var owed = await connection.QueryAsync<OpenMissedRow>(new CommandDefinition(connection.Sql(OwedMissedSql), transaction: transaction, cancellationToken: ct));
            foreach (var write in ExceptionPlan.OfNoLongerOwed(owed.Select(r => r.ToMissed()), noLongerOwed))
            {
                await writes.ApplyAsync(null, default, write, now, ct);
            }
        }

        var open = await connection.QueryAsync<OpenMissedRow>(new CommandDefinition(
            connection.Sql(noLongerOwed is null ? ChangedMissedSql : OpenMissedSql), new { today }, transaction, cancellationToken: ct));
        foreach (var write in ExceptionPlan.OfSweep(open.Select(r => r.ToMissed()), dueDate))
        {
            await writes.ApplyAsync(null, default, write, now, ct);
        }

        return created;
    }

    private static object ListParameters(ExceptionFilter filter, Scope scope, PageRequest page, string? one = null) => new
    {
        One = one,
        ScopeInstitution = scope.Institution,
        ScopeRegionLike = scope.RegionLike,
        filter.Institution,
        RegionLike = filter.RegionPrefix is null ? null : filter.RegionPrefix + "%",
        Period = Format(filter.Period),
        From = Format(filter.From),
        To = Format(filter.To),
        filter.Rule,
        filter.RuleSet,
        filter.Severity,
        Status1 = StatusAt(filter, 0),
        Status2 = StatusAt(filter, 1),
        Status3 = StatusAt(filter, 2),
        Status4 = StatusAt(filter, 3),
        Status5 = StatusAt(filter, 4),
        page.Skip,
        page.Take,
    };

    // The filter's n-th distinct status, or none: the list matches any of the five given.
    private static string? StatusAt(ExceptionFilter filter, int n) =>
        filter.Statuses?.Distinct(StringComparer.Ordinal).Take(5).ElementAtOrDefault(n);

    /// <summary>Each order's statement: <paramref name="select"/>, which ends in <c>ORDER BY</c>, with that order's keys.</summary>
    private static FrozenDictionary<ExceptionOrder, string> Ordered(string select) => OrderBy.ToFrozenDictionary(o => o.Key, o => select + o.Value);

    private static string? Format(YearMonth? period) => period is { } p ? Periods.Format(p) : null;

    private sealed class OpenMissedRow
    {
        public long Id { get; init; }

        public string Institution { get; init; } = "";

        public string Period { get; init; } = "";

        public string Subject { get; init; } = "";

        public string Status { get; init; } = "";

        public LocalDate? Until { get; init; }

        public Instant? FiledAt { get; init; }

        public string? Figures { get; init; }

        public MissedOnRecord ToMissed() =>
            new(Id, Institution, Periods.Parse(Period), Subject, ExceptionLifecycle.ParseStatus(Status)!.Value, Until, FiledAt,
                Figures is null ? null : ExceptionPlan.RecordedDueDate(Figures));
    }

    // A stored exception as an evaluation's plan reads it.
    private sealed class ExistingRow
    {
        public long Id { get; init; }

        public string Period { get; init; } = "";

        public string Rule { get; init; } = "";

        public string? RuleSetId { get; init; }

        public int? RuleSetVersion { get; init; }

    /// <summary>The 口径 of the rule set version that wrote it (<c>cbirc</c> or <c>pboc</c>), <c>null</c> for one of no set.</summary>
    public string? RuleSetScope { get; init; }

        public string Severity { get; init; } = "";

        public string Status { get; init; } = "";

        public string Figures { get; init; } = "";

        public string Baselines { get; init; } = "";

        public long? SubmissionId { get; init; }

        public LocalDate? WaivedUntil { get; init; }

        public string? LastRecordedFigures { get; init; }

        public string? MessageZh { get; init; }

        public string? MessageEn { get; init; }

        public ExceptionOnRecord ToStored() => new(
            Id, RuleSetId, Rule, ExceptionLifecycle.ParseStatus(Status)!.Value, Severity, RuleSetVersion, Figures, Baselines, SubmissionId, WaivedUntil, LastRecordedFigures,
            MessageZh is null || MessageEn is null ? null : new(MessageZh, MessageEn));
    }
}
