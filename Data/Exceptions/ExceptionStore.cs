using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    public required string Severity { get; init; }

    public required string Status { get; init; }

    public required string Figures { get; init; }

    public required string Baselines { get; init; }

    public required string MessageZh { get; init; }

    public required string MessageEn { get; init; }

    public long? SubmissionId { get; init; }

    public LocalDate? WaivedUntil { get; init; }

    /// <summary>The institution's name, where the query joined it (exports).</summary>
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

/// <summary>Filters of <c>GET /exceptions</c>; every one optional.</summary>
public sealed record ExceptionFilter(
    string? Institution = null,
    string? RegionPrefix = null,
    YearMonth? Period = null,
    YearMonth? From = null,
    YearMonth? To = null,
    string? Rule = null,
    string? Severity = null,
    string? Status = null,
    string? RuleSet = null);

/// <summary>
/// The results of one evaluation of a submission by a rule set; with no rule set in force for its region and year,
/// <see cref="RuleSet"/> is <c>null</c>, there are no results, and the evaluation's outcome is <c>notApplicable</c>.
/// </summary>
public sealed record Evaluation(long SubmissionId, string Institution, YearMonth Period, RuleEvaluation Result);

/// <summary>The outcome of a workflow transition.</summary>
public enum TransitionOutcome
{
    Done,
    NotFound,
    NotAllowed,
}

/// <summary>
/// Exceptions and their events, and the only writer of both: evaluations, the deadline sweep and the workflow hand it
/// what they found or did, and every change of status is the one <see cref="ExceptionLifecycle"/> allows. Whatever
/// writes exceptions commits through <see cref="CommitAsync"/>, which also forgets the list totals it changed.
/// </summary>
public sealed class ExceptionStore(Db db)
{
    public const string DeadlineMissedRule = "DEADLINE_MISSED";

    private const string Columns = """
        e.id AS Id, e.institution AS Institution, e.period AS Period, e."rule" AS "Rule", e.rule_set_id AS RuleSetId,
        e.rule_set_version AS RuleSetVersion, e.severity AS Severity, e.status AS Status, e.figures AS Figures,
        e.baselines AS Baselines, e.message_zh AS MessageZh, e.message_en AS MessageEn, e.submission_id AS SubmissionId,
        e.waived_until AS WaivedUntil, e.created_at AS CreatedAt, e.updated_at AS UpdatedAt
        """;

    private const string EventColumns = """
        id AS Id, at AS At, actor_role AS ActorRole, actor_key_id AS ActorKeyId, kind AS Kind, from_status AS FromStatus,
        to_status AS ToStatus, note AS Note, figures AS Figures
        """;

    // The exceptions of every rule set in an institution's periods: those of sets that no longer apply are cleared with the rest.
    private const string ExistingSql = $"SELECT {Columns} FROM exceptions e WHERE e.institution = @Institution AND e.period >= @From AND e.period <= @To AND e.\"rule\" <> 'DEADLINE_MISSED'";

    // The exceptions of evaluations in [From, To] that a scope sees, as a preview compares them.
    private const string StoredInRangeSql = $"SELECT {Columns} FROM exceptions e JOIN institutions i ON i.code = e.institution WHERE e.period >= @From AND e.period <= @To AND e.\"rule\" <> 'DEADLINE_MISSED' AND {Scope.Filter}";

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
          AND (@Status IS NULL OR e.status = @Status)
        """;

    private const string CountSql = $"SELECT COUNT(*) FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere}";

    private const string ListSql = $"SELECT {Columns} FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere} ORDER BY e.period DESC, e.institution, e.\"rule\", e.id";

    // One institution's exceptions (its own key, or a filter on it): found through the institution's index instead of
    // a scan of every period, as the optional filters above cannot be.
    private const string CountOfOneSql = $"SELECT COUNT(*) FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere} AND e.institution = @One";
    private const string ListOfOneSql = $"SELECT {Columns} FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere} AND e.institution = @One ORDER BY e.period DESC, e.institution, e.\"rule\", e.id";

    private const string ExportSql = $"""
        SELECT {Columns}, i.name AS InstitutionName, i.region_code AS RegionCode
        FROM exceptions e JOIN institutions i ON i.code = e.institution {ListWhere}
        ORDER BY e.period DESC, e.institution, e."rule", e.id
        """;

    private const string FindSql = $"""
        SELECT {Columns} FROM exceptions e JOIN institutions i ON i.code = e.institution WHERE e.id = @id AND {Scope.Filter};
        SELECT {EventColumns} FROM exception_events WHERE exception_id = @id ORDER BY id
        """;

    private const string StatusSql = $"SELECT e.status FROM exceptions e JOIN institutions i ON i.code = e.institution WHERE e.id = @id AND {Scope.Filter}";

    // The DEADLINE_MISSED exceptions a sweep may still have to act on, whatever the deadline's date: filed since (and
    // without their filedLate event), or waived until a day now past and still not filed. Filed means as the sweep
    // plans it: an accepted submission of the ledger's period, or a deliverable of the obligation and the period's year.
    private const string OpenMissedSql = """
        SELECT x.Id, x.Institution, x.Period, x.Subject, x.Status, x.Until, x.FiledAt FROM (
            SELECT e.id AS Id, e.institution AS Institution, e.period AS Period, e.subject AS Subject, e.status AS Status, e.waived_until AS Until,
                   COALESCE(
                       (SELECT MIN(s.received_at) FROM submissions s
                        WHERE e.subject = 'LEDGER_MONTHLY' AND s.institution = e.institution AND s.period = e.period AND s.status = 'accepted' AND s.version IS NOT NULL),
                       (SELECT MIN(d.received_at) FROM deliverables d
                        WHERE e.subject <> 'LEDGER_MONTHLY' AND d.institution = e.institution AND d.obligation = e.subject
                          AND d.year = CAST(SUBSTRING(e.period, 1, 4) AS INTEGER))) AS FiledAt
            FROM exceptions e WHERE e."rule" = 'DEADLINE_MISSED') x
        WHERE (x.FiledAt IS NOT NULL AND NOT EXISTS (SELECT 1 FROM exception_events v WHERE v.exception_id = x.Id AND v.kind = 'filedLate'))
           OR (x.FiledAt IS NULL AND x.Status = 'waived' AND x.Until < @today)
        """;

    // Under its unique key: a sweep racing another writes nothing twice (the sweep's lock serializes them).
    private const string InsertMissedSql = """
        INSERT INTO exceptions (institution, period, "rule", subject, severity, status, figures, baselines, message_zh, message_en, created_at, updated_at)
        SELECT @institution, @period, 'DEADLINE_MISSED', @obligation, 'breach', @status, @figures, '{}', @zh, @en, @now, @now
        WHERE NOT EXISTS (
            SELECT 1 FROM exceptions WHERE institution = @institution AND period = @period AND "rule" = 'DEADLINE_MISSED' AND subject = @obligation);
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Applies evaluations inside the caller's transaction, each institution-period once: for each, creates the
    /// exceptions of new findings, updates the figures of open and explained ones in place, reopens cleared ones found
    /// again (and waived ones whose waiver ended), clears those no longer found, records new figures of resolved and
    /// waived ones as events only, and marks the submission's evaluation done. Their locks are taken in one order
    /// whoever asks (so two batches never wait on each other), what each institution's periods hold is read once under
    /// them, and the writes go through statements prepared once. Applying the same evaluations twice changes nothing.
    /// Returns the exceptions each wrote or updated, by submission.
    /// </summary>
    internal static async Task<IReadOnlyDictionary<long, IReadOnlyList<long>>> ApplyAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<Evaluation> evaluations, Instant now, CancellationToken ct)
    {
        var dialect = Dialect.Of(connection);
        foreach (var resource in evaluations.Select(e => $"evaluation/{e.Institution}/{Periods.Format(e.Period)}").Distinct().Order(StringComparer.Ordinal))
        {
            await dialect.LockAsync(connection, transaction, resource, ct);
        }

        var existing = new Dictionary<(string, YearMonth), IReadOnlyList<ExceptionRecord>>();
        foreach (var institution in evaluations.GroupBy(e => e.Institution, StringComparer.Ordinal))
        {
            var rows = await connection.QueryAsync<ExceptionRecord>(new CommandDefinition(
                connection.Sql(ExistingSql),
                new { Institution = institution.Key, From = Periods.Format(institution.Min(e => e.Period)), To = Periods.Format(institution.Max(e => e.Period)) },
                transaction,
                cancellationToken: ct));
            foreach (var period in rows.GroupBy(r => r.Period))
            {
                existing[(institution.Key, period.Key)] = [.. period];
            }
        }

        var written = new Dictionary<long, IReadOnlyList<long>>();
        await using var writes = new ExceptionWrites(connection, transaction);
        foreach (var evaluation in evaluations)
        {
            written[evaluation.SubmissionId] = await ApplyAsync(writes, evaluation, existing.GetValueOrDefault((evaluation.Institution, evaluation.Period)) ?? [], now, ct);
        }

        return written;
    }

    // One evaluation, against what the evaluations of its institution-period wrote before (read under its lock).
    private static async Task<IReadOnlyList<long>> ApplyAsync(ExceptionWrites writes, Evaluation evaluation, IReadOnlyList<ExceptionRecord> existing, Instant now, CancellationToken ct)
    {
        // A rule no longer in its set, or a set that no longer applies, finds nothing: what it found before is cleared,
        // as a fresh evaluation would leave it.
        var touched = new List<long>();
        foreach (var (set, result, current) in evaluation.Result.Against(existing, e => (e.RuleSetId ?? "", e.Rule)))
        {
            if (result?.Finding is { } finding)
            {
                touched.Add(await WriteFindingAsync(writes, evaluation, set!, finding, current, now, ct));
            }
            else if (current is not null && await ClearAsync(writes, current, now, ct))
            {
                touched.Add(current.Id);
            }
        }

        await writes.EvaluatedAsync(evaluation.SubmissionId, EvaluationJson(evaluation.Result, touched).ToJsonString(), now, ct);
        return touched;
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

    /// <summary>The exceptions the scope sees, newest period first.</summary>
    public async Task<Page<ExceptionRecord>> ListAsync(ExceptionFilter filter, Scope scope, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var one = scope.Institution ?? filter.Institution;
        return await db.PageAsync<ExceptionRecord>(
            one is null ? CountSql : CountOfOneSql,
            one is null ? ListSql : ListOfOneSql,
            ListParameters(filter, scope, page, one),
            page,
            ct,
            cachedTotal: true);
    }

    /// <summary>Every exception the scope sees that matches the filter, newest period first, read as it streams.</summary>
    public async IAsyncEnumerable<ExceptionRecord> ExportAsync(ExceptionFilter filter, Scope scope, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await db.OpenAsync(ct);
        await foreach (var row in connection.QueryUnbufferedAsync<ExceptionRecord>(connection.Sql(ExportSql), ListParameters(filter, scope, new PageRequest(1, 1))).WithCancellation(ct))
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
        long id, Scope scope, LifecycleEvent action, Actor actor, string? note, LocalDate? waivedUntil, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, $"exception/{id}", ct);
        var status = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            connection.Sql(StatusSql),
            new { id, ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike }, transaction, cancellationToken: ct));
        if (status is null)
        {
            return TransitionOutcome.NotFound;
        }

        var from = ExceptionLifecycle.ParseStatus(status);
        if (ExceptionLifecycle.Next(from, action) is not { Recorded: { } recorded } transition)
        {
            return TransitionOutcome.NotAllowed;
        }

        await using (var writes = new ExceptionWrites(connection, transaction))
        {
            await writes.MoveAsync(id, transition.To, action == LifecycleEvent.Waive ? waivedUntil : null, now, ct);
            await writes.EventAsync(id, actor, recorded, from, transition.To, note, null, now, ct);
        }

        await CommitAsync(transaction, ct);
        return TransitionOutcome.Done;
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
    /// again), and, for the missed deadlines of any date found open (see <c>OpenMissedSql</c>), the reopening of those
    /// whose waiver ended with the deadline still not filed and one <c>filedLate</c> event for each filed since.
    /// <paramref name="dueDate"/> gives a deadline's due date by institution, obligation and nominal period, or
    /// <c>null</c> where it does not bind the institution (any more): such a deadline's exception is left as it is.
    /// Returns the exceptions created.
    /// </summary>
    internal static async Task<int> ApplySweepAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<InstitutionDeadline> missed, Func<string, string, YearMonth, LocalDate?> dueDate,
        LocalDate today, Instant now, CancellationToken ct)
    {
        var dialect = Dialect.Of(connection);
        var created = 0;
        await using var writes = new ExceptionWrites(connection, transaction);
        await using (var insert = connection.Repeated(transaction, dialect.Returning(InsertMissedSql),
            "institution", "period", "obligation", "status", "figures", "zh", "en", "now"))
        {
            var first = ExceptionLifecycle.Next(null, LifecycleEvent.DeadlineMissed)!.Value;
            foreach (var (institution, deadline) in missed)
            {
                var period = Periods.Format(deadline.Period);
                var figures = JsonSerializer.Serialize(new { obligation = deadline.Obligation.Code, dueDate = Periods.FormatDate(deadline.DueDate) }, Json);
                insert.Bind(institution, period, deadline.Obligation.Code, first.To.Name(), figures,
                    $"{deadline.Obligation.Name.Zh}（{period}）截止日 {Periods.FormatDate(deadline.DueDate)} 已过，仍未报送。",
                    $"{deadline.Obligation.Name.En} ({period}) was due on {Periods.FormatDate(deadline.DueDate)} and has not been filed.", now);
                if (await insert.ExecuteScalarAsync(ct) is long id)
                {
                    created++;
                    await writes.EventAsync(id, Actor.System, first.Recorded!.Value, null, first.To, null, figures, now, ct);
                }
            }
        }

        var open = await connection.QueryAsync<OpenMissedRow>(new CommandDefinition(
            connection.Sql(OpenMissedSql), new { today = Periods.FormatDate(today) }, transaction, cancellationToken: ct));
        foreach (var found in open)
        {
            var status = ExceptionLifecycle.ParseStatus(found.Status);
            if (dueDate(found.Institution, found.Subject, Periods.Parse(found.Period)) is not { } due)
            {
                continue;
            }

            if (found.FiledAt is not { } filedAt)
            {
                if (ExceptionLifecycle.Next(status, LifecycleEvent.WaiverEnded) is { Recorded: { } reopened } transition)
                {
                    // A waiver that ended on a deadline still not filed: the first sweep after its date reopens it.
                    await writes.MoveAsync(found.Id, transition.To, null, now, ct);
                    await writes.EventAsync(found.Id, Actor.System, reopened, status, transition.To,
                        $"The waiver ended on {Periods.FormatDate(found.Until!.Value)} and nothing is filed yet.", null, now, ct);
                }

                continue;
            }

            if (DeadlineSweep.DaysLate(due, filedAt) is not (> 0 and var days)
                || ExceptionLifecycle.Next(status, LifecycleEvent.FiledLate) is not { Recorded: { } recorded } late)
            {
                continue;
            }

            var figures = JsonSerializer.Serialize(new
            {
                obligation = found.Subject,
                dueDate = Periods.FormatDate(due),
                filedAt = NodaTime.Text.InstantPattern.ExtendedIso.Format(filedAt),
            }, Json);
            var note = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"filed {days} days late");
            await writes.EventAsync(found.Id, Actor.System, recorded, status, late.To, note, figures, now, ct);
            await writes.FiguresAsync(found.Id, figures, ct);
        }

        return created;
    }

    /// <summary>
    /// An evaluation as the receipt shows it: <c>{ruleSets: [{id, version}], exceptions, rules: [{ruleSet, rule,
    /// outcome}]}</c>, and <c>outcome: notApplicable</c> where no set applied. The job stores it; the dry run answers it, with no exceptions.
    /// </summary>
    public static JsonObject EvaluationJson(RuleEvaluation result, IEnumerable<long> exceptions)
    {
        ArgumentNullException.ThrowIfNull(result);
        var json = new JsonObject
        {
            ["ruleSets"] = new JsonArray([.. result.Sets.Select(s => (JsonNode)new JsonObject { ["id"] = s.RuleSet.Id, ["version"] = s.RuleSet.Version })]),
            ["exceptions"] = new JsonArray([.. exceptions.Select(id => (JsonNode)id.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
            ["rules"] = new JsonArray([.. result.Sets.SelectMany(s => s.Results.Select(r =>
                (JsonNode)new JsonObject { ["ruleSet"] = s.RuleSet.Id, ["rule"] = r.Rule, ["outcome"] = OutcomeName(r.Outcome) }))]),
        };
        if (result.Sets.Count == 0)
        {
            json["outcome"] = OutcomeName(RuleOutcome.NotApplicable);
        }

        return json;
    }

    /// <summary>The JSON of a finding's figures: numbers unrounded, lists as arrays, a figure not computed as <c>null</c>.</summary>
    public static JsonObject FiguresJson(IReadOnlyDictionary<string, object> figures) => ToJson(figures);

    /// <summary>The JSON of a finding's baselines: each <c>{period, submissionId}</c>, or a list of them.</summary>
    public static JsonObject BaselinesJson(IReadOnlyDictionary<string, object> baselines) => ToJson(baselines);

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
        filter.Status,
        page.Skip,
        page.Take,
    };

    private static string? Format(YearMonth? period) => period is { } p ? Periods.Format(p) : null;

    private static async Task<long> WriteFindingAsync(
        ExceptionWrites writes, Evaluation evaluation, RuleSet ruleSet, Finding finding, ExceptionRecord? current, Instant now, CancellationToken ct)
    {
        var row = new ExceptionWrites.FindingRow(
            evaluation.Institution, evaluation.Period, finding.Rule, ruleSet.Id, ruleSet.Version, SeverityName(finding.Severity),
            FiguresJson(finding.Figures).ToJsonString(), BaselinesJson(finding.Baselines).ToJsonString(), finding.Message.Zh, finding.Message.En, evaluation.SubmissionId);

        if (current is null)
        {
            var created = ExceptionLifecycle.OnEvaluation(null, null, ReportingZone.DateOf(now), found: true, changed: false).Transition!.Value;
            var id = await writes.InsertAsync(row, created.To, now, ct);
            await writes.EventAsync(id, Actor.System, created.Recorded!.Value, null, created.To, null, row.Figures, now, ct);
            return id;
        }

        var from = ExceptionLifecycle.ParseStatus(current.Status)!.Value;
        var today = ReportingZone.DateOf(now);
        bool changed;
        if (ExceptionLifecycle.IsDecided(from) && !ExceptionLifecycle.WaiverHasEnded(from, current.WaivedUntil, today))
        {
            // A regulator decided it: new figures are compared with the last recorded, and recorded as an event once.
            changed = row.Figures != (await writes.LastFiguresAsync(current.Id, ct) ?? current.Figures);
        }
        else
        {
            changed = current.Figures != row.Figures || current.Severity != row.Severity || current.Baselines != row.Baselines
                || current.RuleSetVersion != ruleSet.Version;
        }

        var (found, next) = ExceptionLifecycle.OnEvaluation(from, current.WaivedUntil, today, found: true, changed);
        var note = found == LifecycleEvent.WaiverEnded
            ? $"The waiver ended on {Periods.FormatDate(current.WaivedUntil!.Value)} and the condition still holds."
            : ExceptionLifecycle.IsDecided(from) ? "Re-evaluation found new figures." : null;
        var transition = next!.Value;
        if (transition.Recorded is not { } recorded)
        {
            if (!ExceptionLifecycle.IsDecided(from) && current.SubmissionId != evaluation.SubmissionId)
            {
                await writes.MoveSubmissionAsync(current.Id, evaluation.SubmissionId, ct);
            }

            return current.Id;
        }

        if (!ExceptionLifecycle.IsDecided(transition.To))
        {
            await writes.UpdateFindingAsync(current.Id, row, transition.To, now, ct);
        }

        await writes.EventAsync(current.Id, Actor.System, recorded, from, transition.To, note, row.Figures, now, ct);
        return current.Id;
    }

    private static async Task<bool> ClearAsync(ExceptionWrites writes, ExceptionRecord current, Instant now, CancellationToken ct)
    {
        var from = ExceptionLifecycle.ParseStatus(current.Status);
        if (ExceptionLifecycle.OnEvaluation(from, current.WaivedUntil, ReportingZone.DateOf(now), found: false, changed: false).Transition
            is not { Recorded: { } recorded } transition)
        {
            return false;
        }

        await writes.MoveAsync(current.Id, transition.To, current.WaivedUntil, now, ct);
        await writes.EventAsync(current.Id, Actor.System, recorded, from, transition.To, "Re-evaluation no longer finds it.", null, now, ct);
        return true;
    }

    /// <summary>The JSON name of an outcome: <c>pass</c>, <c>warning</c>, <c>breach</c>, <c>notApplicable</c>, <c>baselineMissing</c>.</summary>
    public static string OutcomeName(RuleOutcome outcome) => JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString());

    /// <summary>The JSON name of a severity: <c>warning</c> or <c>breach</c>.</summary>
    public static string SeverityName(Severity severity) => severity == Severity.Breach ? "breach" : "warning";

    private static JsonObject ToJson(IReadOnlyDictionary<string, object> values)
    {
        var json = new JsonObject();
        foreach (var (name, value) in values)
        {
            json[name] = ToNode(value);
        }

        return json;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        decimal number => JsonValue.Create(number),
        long count => JsonValue.Create(count),
        int count => JsonValue.Create(count),
        string text => JsonValue.Create(text),
        BaselineRef baseline => new JsonObject
        {
            ["period"] = Periods.Format(baseline.Period),
            ["submissionId"] = baseline.SubmissionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        IEnumerable<BaselineRef> baselines => new JsonArray(baselines.Select(b => ToNode(b)).ToArray()),
        IEnumerable<string> texts => new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        _ => throw new ArgumentException($"A figure of type {value.GetType().Name} cannot be stored.", nameof(value)),
    };

    private sealed class OpenMissedRow
    {
        public long Id { get; init; }

        public string Institution { get; init; } = "";

        public string Period { get; init; } = "";

        public string Subject { get; init; } = "";

        public string Status { get; init; } = "";

        public LocalDate? Until { get; init; }

        public Instant? FiledAt { get; init; }
    }
}
