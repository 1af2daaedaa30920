using System.Text.Json;
using Compliance.Data.Exceptions;
using Compliance.Data.Submissions;
using Compliance.Engine;
using Compliance.Engine.Calendar;
using Compliance.Engine.Exceptions;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Deadlines;

/// <summary>A stored reminder with its webhook delivery.</summary>
public sealed record Reminder
{
    public long Id { get; init; }

    public required string Obligation { get; init; }

    public required string Institution { get; init; }

    public YearMonth Period { get; init; }

    public LocalDate DueDate { get; init; }

    public required string Kind { get; init; }

    public int OffsetDays { get; init; }

    public required string MessageZh { get; init; }

    public required string MessageEn { get; init; }

    public Instant CreatedAt { get; init; }

    public required string DeliveryStatus { get; init; }

    public int Attempts { get; init; }

    public string? LastError { get; init; }
}

/// <summary>A document filed for an obligation and year.</summary>
public sealed record Deliverable
{
    public long Id { get; init; }

    public required string Obligation { get; init; }

    public required string Institution { get; init; }

    public int Year { get; init; }

    public required string MediaType { get; init; }

    public long Bytes { get; init; }

    public required string Sha256 { get; init; }

    public Instant ReceivedAt { get; init; }
}

/// <summary>What a sweep wrote: the reminders (and which of them go to a webhook) and the exceptions.</summary>
public sealed record SweepOutcome(int Reminders, int Exceptions, IReadOnlyList<long> ToDeliver);

/// <summary>
/// What a sweep records of itself: the date it swept, the fingerprint of the facts it planned from, the earlier
/// sweep's date it planned on top of (<c>null</c>: every deadline of the window), and how many deadlines it looked at.
/// </summary>
public sealed record SweepJournal(LocalDate Today, string Facts, LocalDate? Since, int Deadlines);

/// <summary>Filings, deliverables and reminders, and the sweep's writes under their unique keys.</summary>
public sealed class DeadlineStore(Db db, ExceptionStore exceptionStore)
{
    private const string ReminderColumns = """
        r.id AS Id, r.obligation AS Obligation, r.institution AS Institution, r.period AS Period, r.due_date AS DueDate, r.kind AS Kind,
        r.offset_days AS OffsetDays, r.message_zh AS MessageZh, r.message_en AS MessageEn, r.created_at AS CreatedAt,
        r.delivery_status AS DeliveryStatus, r.attempts AS Attempts, r.last_error AS LastError
        """;

    private const string InstitutionsSql = $"""
        SELECT i.code, i.region_code, i.category, i.reporting_from, i.name, i.legal_person, i.level FROM institutions i
        WHERE {Scope.Filter} AND (@institution IS NULL OR i.code = @institution) ORDER BY i.code
        """;

    // When each deadline was first filed, and whether it is, as the schema's ledger_filings and document_filings
    // define what files one: a ledger deadline by its period, any other by its obligation and year.
    private const string LedgerFilingsSql = "SELECT institution AS Institution, period AS Period, MIN(filed_at) AS FiledAt FROM ledger_filings GROUP BY institution, period";

    private const string DocumentFilingsSql = """
        SELECT institution AS Institution, obligation AS Obligation, year AS Year, MIN(filed_at) AS FiledAt FROM document_filings
        GROUP BY institution, obligation, year
        """;

    private const string LedgersFiledSql = "SELECT DISTINCT institution, period FROM ledger_filings";

    private const string LedgerFiledSql = "SELECT DISTINCT institution FROM ledger_filings WHERE period = @period";

    private const string DocumentsFiledSql = "SELECT DISTINCT institution, obligation, year FROM document_filings";

    private const string DocumentFiledSql = "SELECT DISTINCT institution FROM document_filings WHERE obligation = @obligation AND year = @year";

    // The latest date an earlier sweep covered with the same facts, not after the date being swept, among the sweeps
    // since the last one over other facts: that one may have cleared what the facts then no longer owed.
    private const string SweptOnSql = """
        SELECT MAX(swept_on) AS SweptOnDate FROM sweeps
        WHERE facts = @facts AND swept_on <= @today AND id > (SELECT COALESCE(MAX(o.id), 0) FROM sweeps o WHERE o.facts <> @facts)
        """;

    private const string InsertSweepSql = """
        INSERT INTO sweeps (swept_on, facts, since, deadlines, reminders, exceptions, completed_at)
        VALUES (@today, @facts, @since, @deadlines, @reminders, @exceptions, @now)
        """;

    // Under its unique key: each (obligation, institution, period, offset) at most once (the sweep's lock serializes sweeps).
    private const string InsertReminderSql = """
        INSERT INTO reminders (obligation, institution, period, due_date, kind, offset_days, message_zh, message_en, created_at, delivery_status)
        SELECT @obligation, @institution, @period, @due, @kind, @offset, @zh, @en, @now, @status
        WHERE NOT EXISTS (
            SELECT 1 FROM reminders WHERE obligation = @obligation AND institution = @institution AND period = @period AND offset_days = @offset);
        """;

    // A deliverable no sweep has read yet, and its marking as read, as for ledgers (SubmissionStore.UnsweptAsync).
    private const string UnsweptDocumentsSql = "SELECT f.id FROM document_filings f WHERE f.swept_on IS NULL";

    private const string SweptDocumentSql = "UPDATE deliverables SET swept_on = @today WHERE id = @id";

    private const string WithWebhookSql = "SELECT code FROM institutions WHERE webhook_url IS NOT NULL AND webhook_url <> ''";

    private const string RemindersSql = $"""
        SELECT {ReminderColumns} FROM reminders r JOIN institutions i ON i.code = r.institution
        WHERE {Scope.Filter} AND (@institution IS NULL OR r.institution = @institution)
          AND (@from IS NULL OR (r.due_date >= @from AND r.due_date <= @to))
        ORDER BY r.id DESC
        """;

    private const string ReminderSql = $"SELECT {ReminderColumns} FROM reminders r WHERE r.id = @id";

    private const string WebhookSql = "SELECT webhook_url, webhook_secret FROM institutions WHERE code = @Institution";

    private const string RecordDeliverySql = "UPDATE reminders SET delivery_status = @status, attempts = attempts + 1, last_error = @error WHERE id = @id";

    private const string PendingDeliveriesSql = "SELECT id FROM reminders WHERE delivery_status = 'pending' ORDER BY id";

    private const string DeliverablesSql = $"""
        SELECT d.id AS Id, d.obligation AS Obligation, d.institution AS Institution, d.year AS Year, d.media_type AS MediaType,
               d.bytes AS Bytes, d.sha256 AS Sha256, d.received_at AS ReceivedAt
        FROM deliverables d JOIN institutions i ON i.code = d.institution
        WHERE {Scope.Filter} AND (@institution IS NULL OR d.institution = @institution)
          AND (@obligation IS NULL OR d.obligation = @obligation) AND (@year IS NULL OR d.year = @year)
          AND (@id IS NULL OR d.id = @id)
        ORDER BY d.id DESC
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The institutions a scope sees, as the sweep and the deadlines list need them.</summary>
    public async Task<IReadOnlyList<InstitutionFacts>> InstitutionsAsync(Scope scope, string? institution, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Code, string RegionCode, string Category, string ReportingFrom, string Name, bool LegalPerson, string Level)>(new CommandDefinition(
            connection.Sql(InstitutionsSql), new { ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike, institution }, cancellationToken: ct));
        return [.. rows.Select(r => new InstitutionFacts(r.Code, r.RegionCode, r.Category, Periods.Parse(r.ReportingFrom), r.Name, r.LegalPerson, r.Level))];
    }

    /// <summary>
    /// When each deadline was first filed: the first accepted submission of a ledger's period, or the first
    /// deliverable of an obligation's year.
    /// </summary>
    public async Task<Func<InstitutionDeadline, Instant?>> FilingsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var ledgers = (await connection.QueryAsync<Filing>(new CommandDefinition(connection.Sql(LedgerFilingsSql), cancellationToken: ct)))
            .ToDictionary(r => (r.Institution, Periods.Parse(r.Period!)), r => r.FiledAt);
        var documents = (await connection.QueryAsync<Filing>(new CommandDefinition(connection.Sql(DocumentFilingsSql), cancellationToken: ct)))
            .ToDictionary(r => (r.Institution, r.Obligation!, (int)r.Year), r => r.FiledAt);
        return ByFilingKey<Instant?>(
            ledger => ledgers.TryGetValue(ledger, out var filed) ? filed : null,
            document => documents.TryGetValue(document, out var delivered) ? delivered : null);
    }

    /// <summary>
    /// Whether each deadline is filed, as the sweep plans with it (when does not matter there): of every deadline,
    /// or, where <paramref name="of"/> is given, of those only (one indexed read each).
    /// </summary>
    public async Task<Func<InstitutionDeadline, bool>> FiledAsync(CancellationToken ct, IReadOnlyCollection<Deadline>? of = null)
    {
        await using var connection = await db.OpenAsync(ct);
        // A period is parsed once, not once a row: a full read has a row per institution and month.
        var periods = new Dictionary<string, YearMonth>(StringComparer.Ordinal);
        YearMonth PeriodOf(string text) => periods.TryGetValue(text, out var period) ? period : periods[text] = Periods.Parse(text);
        var ledgers = new HashSet<(string, YearMonth)>();
        var documents = new HashSet<(string, string, int)>();
        if (of is null)
        {
            foreach (var (institution, period) in await connection.QueryAsync<(string, string)>(new CommandDefinition(connection.Sql(LedgersFiledSql), cancellationToken: ct)))
            {
                ledgers.Add((institution, PeriodOf(period)));
            }

            foreach (var (institution, obligation, year) in await connection.QueryAsync<(string, string, long)>(new CommandDefinition(connection.Sql(DocumentsFiledSql), cancellationToken: ct)))
            {
                documents.Add((institution, obligation, (int)year));
            }
        }

        else
        {
            foreach (var period in of.Where(d => d.Obligation.Code == Obligation.LedgerMonthly).Select(d => d.Period).Distinct())
            {
                ledgers.UnionWith((await connection.QueryAsync<string>(new CommandDefinition(
                    connection.Sql(LedgerFiledSql), new { period = Periods.Format(period) }, cancellationToken: ct))).Select(institution => (institution, period)));
            }

            foreach (var (obligation, year) in of.Where(d => d.Obligation.Code != Obligation.LedgerMonthly).Select(d => (d.Obligation.Code, d.Year)).Distinct())
            {
                documents.UnionWith((await connection.QueryAsync<string>(new CommandDefinition(
                    connection.Sql(DocumentFiledSql), new { obligation, year }, cancellationToken: ct))).Select(institution => (institution, obligation, year)));
            }
        }

        return ByFilingKey(ledgers.Contains, documents.Contains);
    }

    /// <summary>
    /// A question about a deadline's filing, asked by what files it: a ledger by the institution's accepted submission
    /// of the period, anything else by its deliverable of the obligation and year.
    /// </summary>
    private static Func<InstitutionDeadline, T> ByFilingKey<T>(Func<(string, YearMonth), T> ledger, Func<(string, string, int), T> document) =>
        deadline => deadline.Deadline.Obligation.Code == Obligation.LedgerMonthly
            ? ledger((deadline.Institution, deadline.Deadline.Period))
            : document((deadline.Institution, deadline.Deadline.Obligation.Code, deadline.Deadline.Year));

    /// <summary>
    /// The latest date on or before <paramref name="today"/> that a completed sweep covered with the same
    /// <paramref name="facts"/> (<see cref="DeadlineSweep.Fingerprint"/>) after the last sweep over other facts;
    /// <c>null</c> where none did. Facts changed and changed back are new facts: what the sweep in between cleared
    /// must be found again by planning every deadline.
    /// </summary>
    public async Task<LocalDate?> SweptOnAsync(string facts, LocalDate today, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleAsync<SweptOnRow>(new CommandDefinition(
            connection.Sql(SweptOnSql), new { facts, today }, cancellationToken: ct));
        return row.SweptOnDate;
    }

    /// <summary>
    /// Writes a sweep's plan in one transaction: each reminder and each DEADLINE_MISSED exception under its unique
    /// key (so a second sweep, a racing one or a retry writes nothing again), the missed deadlines of any date filed
    /// since or whose waiver ended, and, where <paramref name="noLongerOwed"/> is given, the clearing of those no longer
    /// owed (<see cref="ExceptionStore"/>), and the sweep itself in the journal that later sweeps plan from
    /// (<paramref name="journal"/>).
    /// </summary>
    public async Task<SweepOutcome> ApplyAsync(
        SweepPlan plan, Func<PlannedReminder, LocalizedText> message, ISet<string> withWebhook, Func<string, string, YearMonth, LocalDate?> dueDate,
        Func<MissedOnRecord, LocalizedText?>? noLongerOwed, SweepJournal journal, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(withWebhook);
        ArgumentNullException.ThrowIfNull(journal);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, ExceptionStore.SweepLock, ct);

        var toDeliver = new List<long>();
        var reminders = 0;
        // A reminder for a webhook is written with its key, to queue its delivery; any other needs only the count.
        string[] names = ["obligation", "institution", "period", "due", "kind", "offset", "zh", "en", "now", "status"];
        await using (var insert = connection.Repeated(transaction, InsertReminderSql, names))
        await using (var insertForWebhook = connection.Repeated(transaction, db.Dialect.Returning(InsertReminderSql), names))
        {
            foreach (var planned in plan.Reminders)
            {
                var (institution, deadline) = planned.Deadline;
                var text = message(planned);
                var webhook = withWebhook.Contains(institution);
                var command = webhook ? insertForWebhook : insert;
                command.Bind(deadline.Obligation.Code, institution, Periods.Format(deadline.Period), deadline.DueDate, KindName(planned.Reminder.Kind),
                    planned.Reminder.OffsetDays, text.Zh, text.En, now, webhook ? "pending" : "none");
                if (!webhook)
                {
                    reminders += await insert.ExecuteNonQueryAsync(ct);
                }
                else if (await insertForWebhook.ExecuteScalarAsync(ct) is long id)
                {
                    reminders++;
                    toDeliver.Add(id);
                }
            }
        }

        // The filings no sweep has read yet, read before the missed deadlines they file and marked read after: one
        // committed in between is left for the next sweep.
        var ledgers = await SubmissionStore.UnsweptAsync(connection, transaction, ct);
        var documents = (await connection.QueryAsync<long>(new CommandDefinition(connection.Sql(UnsweptDocumentsSql), transaction: transaction, cancellationToken: ct))).ToList();
        var exceptions = await ExceptionStore.ApplySweepAsync(connection, transaction, plan.Missed, dueDate, journal.Today, now, ct, noLongerOwed);
        await SubmissionStore.SweptAsync(connection, transaction, ledgers, journal.Today, ct);
        await connection.ExecuteEachAsync(transaction, SweptDocumentSql, documents.Order().Select(id => new object?[] { journal.Today, id }), ct, "today", "id");
        await connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertSweepSql), new
        {
            today = journal.Today,
            facts = journal.Facts,
            since = journal.Since,
            deadlines = journal.Deadlines,
            reminders,
            exceptions,
            now,
        }, transaction, cancellationToken: ct));
        await exceptionStore.CommitAsync(transaction, ct);
        return new SweepOutcome(reminders, exceptions, toDeliver);
    }

    /// <summary>The codes of the institutions that have a webhook.</summary>
    public async Task<ISet<string>> WithWebhookAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(connection.Sql(WithWebhookSql), cancellationToken: ct))).ToHashSet();
    }

    /// <summary>The reminders the scope sees, newest first.</summary>
    public async Task<IReadOnlyList<Reminder>> RemindersAsync(Scope scope, string? institution, int? year, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return [.. await connection.QueryAsync<Reminder>(new CommandDefinition(connection.Sql(RemindersSql), new
        {
            ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike, institution,
            from = year is { } y ? new LocalDate(y, 1, 1) : (LocalDate?)null, to = year is { } y2 ? new LocalDate(y2, 12, 31) : (LocalDate?)null,
        }, cancellationToken: ct))];
    }

    /// <summary>One reminder, with the institution's webhook URL and secret, for its delivery.</summary>
    public async Task<(Reminder Reminder, string? Url, string Secret)?> ForDeliveryAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var reminder = await connection.QuerySingleOrDefaultAsync<Reminder>(new CommandDefinition(connection.Sql(ReminderSql), new { id }, cancellationToken: ct));
        if (reminder is null)
        {
            return null;
        }

        var (url, secret) = await connection.QuerySingleAsync<(string? Url, string Secret)>(new CommandDefinition(
            connection.Sql(WebhookSql), new { reminder.Institution }, cancellationToken: ct));
        return (reminder, url, secret);
    }

    /// <summary>Records a delivery attempt: <c>delivered</c>, <c>pending</c> (will retry) or <c>failed</c>.</summary>
    public async Task RecordDeliveryAsync(long id, string status, string? error, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(connection.Sql(RecordDeliverySql), new { id, status, error }, cancellationToken: ct));
    }

    /// <summary>The reminders whose webhook delivery is still pending, to queue again at start.</summary>
    public async Task<IReadOnlyList<long>> PendingDeliveriesAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return [.. await connection.QueryAsync<long>(new CommandDefinition(connection.Sql(PendingDeliveriesSql), cancellationToken: ct))];
    }

    private const string InsertDeliverableSql = """
        INSERT INTO deliverables (obligation, institution, year, media_type, bytes, sha256, received_at, content)
        VALUES (@Obligation, @Institution, @Year, @MediaType, @Bytes, @Sha256, @ReceivedAt, @Content)
        """;

    private const string ContentSql = "SELECT content FROM deliverables WHERE id = @id";

    /// <summary>A deliverable's content, exactly as received.</summary>
    private static readonly Blob Content = new("deliverables", "content", "id", InsertDeliverableSql, ContentSql);

    /// <summary>Stores a deliverable with its content, exactly as received.</summary>
    public async Task<long> AddDeliverableAsync(Deliverable deliverable, Func<Stream> openContent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deliverable);
        ArgumentNullException.ThrowIfNull(openContent);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var id = await db.Dialect.InsertBlobAsync(connection, transaction, Content, deliverable, deliverable.Bytes, openContent, ct);
        await transaction.CommitAsync(ct);
        return id;
    }

    /// <summary>The deliverables the scope sees (only the one with <paramref name="id"/>, when it is given).</summary>
    public async Task<IReadOnlyList<Deliverable>> DeliverablesAsync(Scope scope, string? institution, string? obligation, int? year, CancellationToken ct, long? id = null)
    {
        await using var connection = await db.OpenAsync(ct);
        return [.. await connection.QueryAsync<Deliverable>(new CommandDefinition(connection.Sql(DeliverablesSql),
            new { ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike, institution, obligation, year, id }, cancellationToken: ct))];
    }

    /// <summary>Copies a deliverable's content, exactly as received, to <paramref name="destination"/>.</summary>
    public async Task CopyContentAsync(long id, Stream destination, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await db.Dialect.CopyBlobAsync(connection, Content, id, destination, ct);
    }

    /// <summary>The JSON name of a reminder kind.</summary>
    public static string KindName(ReminderKind kind) => kind switch
    {
        ReminderKind.Upcoming => "upcoming",
        ReminderKind.Due => "due",
        _ => "overdue",
    };

    private sealed class SweptOnRow
    {
        public LocalDate? SweptOnDate { get; init; }
    }

    /// <summary>When a ledger period (<see cref="Period"/>) or an obligation's year (<see cref="Obligation"/>, <see cref="Year"/>) was first filed.</summary>
    private sealed class Filing
    {
        public string Institution { get; init; } = "";

        public string? Period { get; init; }

        public string? Obligation { get; init; }

        public long Year { get; init; }

        public Instant FiledAt { get; init; }
    }
}
