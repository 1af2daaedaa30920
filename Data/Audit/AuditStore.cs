using Dapper;
using NodaTime;

namespace Compliance.Data.Audit;

/// <summary>One audited request: who (key id and role, never the key), what, when, and the answer's status.</summary>
public sealed record AuditEntry
{
    public long Id { get; init; }

    public Instant At { get; init; }

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

/// <summary>The append-only audit log: rows are inserted, never updated or deleted.</summary>
public sealed class AuditStore(Db db)
{
    private const string InsertSql = "INSERT INTO audit_log (at, key_id, role, method, path, query, status, target, institution) VALUES (@At, @KeyId, @Role, @Method, @Path, @Query, @Status, @Target, @Institution)";
    private const string Where = "WHERE (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to) AND (@keyId IS NULL OR key_id = @keyId)";
    private const string CountSql = $"SELECT COUNT(*) FROM audit_log {Where}";
    private const string ListSql = $"SELECT id AS Id, at AS At, key_id AS KeyId, role AS Role, method AS Method, path AS Path, query AS Query, status AS Status, target AS Target, institution AS Institution FROM audit_log {Where} ORDER BY id DESC";

    /// <summary>Appends an entry; its method, path, query, target and institution are cut to the columns' lengths.</summary>
    public async Task AppendAsync(AuditEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry = entry with
        {
            Method = Cut(entry.Method, 16)!, Path = Cut(entry.Path, 2048)!, Query = Cut(entry.Query, 2048), Target = Cut(entry.Target, 256),
            Institution = Cut(entry.Institution, 32),
        };
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            connection.Sql(InsertSql),
            entry, cancellationToken: ct));
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

    private static string? Cut(string? text, int length) => text is { } t && t.Length > length ? t[..length] : text;
}
