using Dapper;
using NodaTime;

namespace Compliance.Data.Audit;

/// <summary>
/// One audited request: who (key id and role, never the key), what, when, and the answer's status; or, for requests
/// without a valid key, how many came from one source to one route with one status in one minute.
/// </summary>
public sealed record AuditEntry
{
    public long Id { get; init; }

    /// <summary>When the request came; of counted requests, the first's.</summary>
    public Instant At { get; init; }

    /// <summary>When the latest counted request came; <see cref="At"/> for a row of its own.</summary>
    public Instant LastAt { get; init; }

    /// <summary>The route template the request matched, or <c>(unmatched)</c>; null in rows written before routes were.</summary>
    public string? Route { get; init; }

    /// <summary>How many requests the row stands for: 1 but for requests counted together.</summary>
    public long Count { get; init; } = 1;

    public long? KeyId { get; init; }

    public string? Role { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public int Status { get; init; }

    public string? Target { get; init; }

    /// <summary>The query string, with its <c>?</c>, or <c>null</c>.</summary>
    public string? Query { get; init; }

    /// <summary>The institution the request acted for, where it acted for one.</summary>
    public string? Institution { get; init; }
}

/// <summary>
/// The audit log. A write, or a refusal of a valid key, is a row of its own, inserted and never changed. Requests
/// without a valid key are counted: one row per (source address, route, status, minute), whose count and latest time
/// grow, and past <see cref="CountedRowsPerMinute"/> such rows in a minute one overflow row for that minute; so they add
/// at most that many rows a minute, whoever sends them. No row is ever deleted. At most <see cref="ConcurrentWrites"/>
/// rows are written at once on a node; the rest wait their turn without a connection, so a flood of requests, each
/// audited after its answer has gone out, never holds the connections the server's other work needs.
/// </summary>
public sealed class AuditStore(Db db) : IDisposable
{
    /// <summary>How many audit rows a node writes at once: a database server's connections are few and shared.</summary>
    public const int ConcurrentWrites = 4;

    /// <summary>How many rows of counted requests a minute may hold before further sources share its overflow row.</summary>
    public const int CountedRowsPerMinute = 1000;

    /// <summary>The source address and the route of a minute's overflow row.</summary>
    public const string Overflow = "(overflow)";

    /// <summary>The most of its path and of its query that a row of counted requests keeps (of the first request).</summary>
    public const int CountedTextLength = 256;

    private const string InsertSql = """
        INSERT INTO audit_log (at, last_at, key_id, role, method, path, route, query, status, target, institution, request_count)
        VALUES (@At, @At, @KeyId, @Role, @Method, @Path, @Route, @Query, @Status, @Target, @Institution, 1)
        """;

    // The latest time only ever grows: nodes, and requests answered out of order, may add to a row late.
    private const string AddToCountedSql = """
        UPDATE audit_log SET request_count = request_count + 1, last_at = CASE WHEN last_at < @At THEN @At ELSE last_at END
        WHERE minute_start = @Minute AND source_address = @Source AND route = @Route AND status = @Status
        """;

    private const string InsertCountedSql = """
        INSERT INTO audit_log (at, last_at, method, path, route, query, status, target, institution, request_count, source_address, minute_start)
        SELECT @At, @At, @Method, @Path, @Route, @Query, @Status, @Target, @Institution, 1, @Source, @Minute
        WHERE (SELECT COUNT(*) FROM audit_log WHERE minute_start = @Minute AND source_address IS NOT NULL) < @Limit;
        """;

    private const string AddToOverflowSql = """
        UPDATE audit_log SET request_count = request_count + 1, last_at = CASE WHEN last_at < @At THEN @At ELSE last_at END
        WHERE minute_start = @Minute AND source_address = @Overflow
        """;

    private const string InsertOverflowSql = """
        INSERT INTO audit_log (at, last_at, method, path, route, query, status, target, institution, request_count, source_address, minute_start)
        VALUES (@At, @At, @Method, @Path, @Overflow, @Query, @Status, @Target, @Institution, 1, @Overflow, @Minute)
        """;

    private const string Where = "WHERE (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to) AND (@keyId IS NULL OR key_id = @keyId)";
    private const string CountSql = $"SELECT COUNT(*) FROM audit_log {Where}";

    // COALESCE: a node of the version before writes no last_at while it runs beside this one.
    private const string ListSql = $"""
        SELECT id AS Id, at AS At, COALESCE(last_at, at) AS LastAt, key_id AS KeyId, role AS Role, method AS Method, path AS Path, route AS Route,
               query AS Query, status AS Status, target AS Target, institution AS Institution, request_count AS Count
        FROM audit_log {Where} ORDER BY id DESC
        """;

    /// <summary>Appends a row of its own; its method, path, query, target and institution are cut to the columns' lengths.</summary>
    public async Task AppendAsync(AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry = entry with
        {
            Method = Cut(entry.Method, 16)!, Path = Cut(entry.Path, 2048)!, Route = Cut(entry.Route, 256), Query = Cut(entry.Query, 2048),
            Target = Cut(entry.Target, 256), Institution = Cut(entry.Institution, 32),
        };
        await WriteAsync(
            async () =>
            {
                await using var connection = await db.OpenAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertSql), entry, cancellationToken: ct));
            },
            ct);
    }

    /// <summary>
    /// Counts a request without a valid key from <paramref name="source"/>: adds it to the row of its source, route
    /// and status in the minute of its <see cref="AuditEntry.At"/>, or starts that row with its method, path and query
    /// (cut to <see cref="CountedTextLength"/>) while the minute holds fewer than <see cref="CountedRowsPerMinute"/>
    /// such rows, else adds it to the minute's overflow row. The row a request joins is found by its unique key, so
    /// every node adds to the same one.
    /// </summary>
    public async Task CountAsync(AuditEntry entry, string source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Route);
        var minute = MinuteOf(entry.At);
        var row = new
        {
            entry.At, Minute = minute, Source = Cut(source, 64), Route = Cut(entry.Route, 256), Method = Cut(entry.Method, 16),
            Path = Cut(entry.Path, CountedTextLength), Query = Cut(entry.Query, CountedTextLength), entry.Status,
            Target = Cut(entry.Target, 256), Institution = Cut(entry.Institution, 32), Limit = CountedRowsPerMinute, Overflow,
        };
        await WriteAsync(() => JoinOrStartAsync(row, minute, ct), ct);
    }

    /// <summary>Adds the counted request <paramref name="row"/> to its row, or starts it, or adds it to its minute's overflow row.</summary>
    private async Task JoinOrStartAsync(object row, Instant minute, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(connection.Sql(AddToCountedSql), row, cancellationToken: ct)) == 1)
        {
            return;
        }

        // A new row: the minute's rows are counted and added under one lock, so no two nodes add the thousand-and-first.
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, $"audit/{NodaTime.Text.InstantPattern.General.Format(minute)}", ct);
        string[] joinOrStart = [AddToCountedSql, InsertCountedSql, AddToOverflowSql, InsertOverflowSql];
        foreach (var statement in joinOrStart)
        {
            if (await connection.ExecuteAsync(new CommandDefinition(connection.Sql(statement), row, transaction, cancellationToken: ct)) == 1)
            {
                break;
            }
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>A page of the log in [from, to), newest first, optionally of one key.</summary>
    public Task<Page<AuditEntry>> ListAsync(Instant? from, Instant? to, long? keyId, PageRequest page, CancellationToken ct)
    {
        return db.PageAsync<AuditEntry>(
            CountSql,
            ListSql,
            new { from, to, keyId, page.Skip, page.Take },
            page,
            ct);
    }

    /// <summary>The start of the minute (UTC) an instant falls in.</summary>
    private static Instant MinuteOf(Instant at)
    {
        var ticks = at.ToUnixTimeTicks();
        return Instant.FromUnixTimeTicks(ticks - (((ticks % NodaConstants.TicksPerMinute) + NodaConstants.TicksPerMinute) % NodaConstants.TicksPerMinute));
    }

    private readonly SemaphoreSlim _writers = new(ConcurrentWrites);

    public void Dispose() => _writers.Dispose();

    /// <summary>Runs a write once fewer than <see cref="ConcurrentWrites"/> others run.</summary>
    private async Task WriteAsync(Func<Task> write, CancellationToken ct)
    {
        await _writers.WaitAsync(ct);
        try
        {
            await write();
        }
        finally
        {
            _writers.Release();
        }
    }

    private static string? Cut(string? text, int length) => text is { } t && t.Length > length ? t[..length] : text;
}
