using Dapper;
using NodaTime;

namespace Compliance.Data.Access;

/// <summary>An API key as stored: never the key itself, only its SHA-256 and a visible prefix.</summary>
public sealed record ApiKey
{
    public long Id { get; init; }

    public required string Name { get; init; }

    public required string Prefix { get; init; }

    public required string Role { get; init; }

    public string? Institution { get; init; }

    public string? Jurisdiction { get; init; }

    public Instant CreatedAt { get; init; }

    public Instant? RevokedAt { get; init; }

    /// <summary>The SHA-256 of the key (hex), where the query read it (authentication); never answered.</summary>
    public string? KeyHash { get; init; }
}

/// <summary>API keys, looked up by the hash of the presented key.</summary>
public sealed class ApiKeyStore(Db db)
{
    private const string Columns = "id AS Id, name AS Name, prefix AS Prefix, role AS Role, institution AS Institution, jurisdiction AS Jurisdiction, created_at AS CreatedAt, revoked_at AS RevokedAt";
    private const string FindActiveSql = $"SELECT {Columns}, key_hash AS KeyHash FROM api_keys WHERE key_hash = @keyHash AND revoked_at IS NULL";
    private const string ListSql = $"SELECT {Columns} FROM api_keys ORDER BY id";
    private const string CountByHashSql = "SELECT COUNT(*) FROM api_keys WHERE key_hash = @keyHash";
    private const string CountSql = "SELECT COUNT(*) FROM api_keys";
    private const string RevokeSql = "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @now) WHERE id = @id";
    private const string InsertSql = """
        INSERT INTO api_keys (name, prefix, key_hash, role, institution, jurisdiction, created_at)
        VALUES (@Name, @Prefix, @KeyHash, @Role, @Institution, @Jurisdiction, @CreatedAt);
        """;

    public async Task<long> CreateAsync(ApiKey key, string keyHash, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(connection.Sql(db.Dialect.Returning(InsertSql)), new
        {
            key.Name, key.Prefix, KeyHash = keyHash, key.Role, key.Institution, key.Jurisdiction, key.CreatedAt,
        }, cancellationToken: ct));
    }

    /// <summary>The key with this hash that is not revoked, or <c>null</c>.</summary>
    public async Task<ApiKey?> FindActiveAsync(string keyHash, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(connection.Sql(FindActiveSql), new { keyHash }, cancellationToken: ct));
    }

    /// <summary>Whether a key with this hash exists, revoked or not.</summary>
    public async Task<bool> ExistsAsync(string keyHash, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            connection.Sql(CountByHashSql), new { keyHash }, cancellationToken: ct)) > 0;
    }

    public async Task<bool> AnyAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(connection.Sql(CountSql), cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<ApiKey>(new CommandDefinition(connection.Sql(ListSql), cancellationToken: ct))).ToList();
    }

    /// <summary>Revokes a key; <c>false</c> when there is no such key. Revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeAsync(long id, Instant now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(connection.Sql(RevokeSql), new { id, now }, cancellationToken: ct)) == 1;
    }
}
