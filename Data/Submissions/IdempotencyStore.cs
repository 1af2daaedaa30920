using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using NodaTime;

namespace Compliance.Data.Submissions;

/// <summary>An answer kept for an idempotency key.</summary>
public sealed record StoredAnswer(int Status, string ContentType, string Body, string? Location, string? ContentLanguage = null);

/// <summary>What claiming an idempotency key found.</summary>
public abstract record IdempotencyClaim
{
    private IdempotencyClaim()
    {
    }

    /// <summary>The key is new (or its first request was abandoned): this request goes ahead.</summary>
    public sealed record Claimed : IdempotencyClaim;

    /// <summary>The first request with the key is still being processed.</summary>
    public sealed record InUse : IdempotencyClaim;

    /// <summary>The key was used with another body, period, institution or dryRun.</summary>
    public sealed record Reused : IdempotencyClaim;

    /// <summary>The key was answered: the same answer again.</summary>
    public sealed record Replay(StoredAnswer Answer) : IdempotencyClaim;
}

/// <summary>
/// Idempotency keys of submissions: a unique row per (institution, key), claimed before any work, answered
/// after it, released if the work failed, so a client may retry safely.
/// </summary>
public sealed class IdempotencyStore(Db db)
{
    /// <summary>How long a request may hold a key before it counts as abandoned (its process died).</summary>
    public static readonly Duration Abandoned = Duration.FromHours(1);

    private const string FindSql = """
        SELECT fingerprint AS Fingerprint, state AS State, response_status AS ResponseStatus, response_type AS ResponseType,
               response_body AS ResponseBody, location AS Location, content_language AS ContentLanguage, created_at AS CreatedAt
        FROM idempotency_keys WHERE institution = @institution AND idempotency_key = @key
        """;

    private const string InsertSql = """
        INSERT INTO idempotency_keys (institution, idempotency_key, fingerprint, state, created_at)
        VALUES (@institution, @key, @fingerprint, 'processing', @now)
        """;

    private const string RetakeSql = "UPDATE idempotency_keys SET state = 'processing', created_at = @now WHERE institution = @institution AND idempotency_key = @key";

    private const string AnswerSql = """
        UPDATE idempotency_keys SET state = 'answered', response_status = @Status, response_type = @ContentType,
            response_body = @Body, location = @Location, content_language = @ContentLanguage
        WHERE institution = @institution AND idempotency_key = @key
        """;

    private const string ReleaseSql = "DELETE FROM idempotency_keys WHERE institution = @institution AND idempotency_key = @key AND state = 'processing'";

    public async Task<IdempotencyClaim> ClaimAsync(string institution, string key, string fingerprint, Instant now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var resource = "idempotency/" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(institution + "\n" + key)));
        await db.Dialect.LockAsync(connection, transaction, resource, ct);
        var existing = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            connection.Sql(FindSql), new { institution, key }, transaction, cancellationToken: ct));
        IdempotencyClaim claim;
        if (existing is null || (existing.State == "processing" && existing.CreatedAt + Abandoned < now && existing.Fingerprint == fingerprint))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                connection.Sql(existing is null ? InsertSql : RetakeSql), new { institution, key, fingerprint, now }, transaction, cancellationToken: ct));
            claim = new IdempotencyClaim.Claimed();
        }
        else if (existing.Fingerprint != fingerprint)
        {
            claim = new IdempotencyClaim.Reused();
        }
        else if (existing.State == "processing")
        {
            claim = new IdempotencyClaim.InUse();
        }
        else
        {
            claim = new IdempotencyClaim.Replay(new StoredAnswer((int)existing.ResponseStatus!, existing.ResponseType!, existing.ResponseBody!, existing.Location, existing.ContentLanguage));
        }

        await transaction.CommitAsync(ct);
        return claim;
    }

    /// <summary>Keeps the answer of a claimed key, for its retries, when the request stored nothing (a dry run).</summary>
    public async Task AnswerAsync(string institution, string key, StoredAnswer answer, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await AnswerAsync(connection, null, institution, key, answer, ct);
    }

    /// <summary>
    /// Keeps the answer of a claimed key inside the transaction that stores what the request made, so the key is
    /// answered exactly when that commits: a retry after any later failure replays, and never stores it twice.
    /// </summary>
    public static Task AnswerAsync(DbConnection connection, DbTransaction? transaction, string institution, string key, StoredAnswer answer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(answer);
        return connection.ExecuteAsync(new CommandDefinition(
            connection.Sql(AnswerSql), new { institution, key, answer.Status, answer.ContentType, answer.Body, answer.Location, answer.ContentLanguage }, transaction, cancellationToken: ct));
    }

    /// <summary>
    /// Releases a claimed key whose request failed before it stored anything, so a retry can use it; a key whose
    /// answer was kept is never released.
    /// </summary>
    public async Task ReleaseAsync(string institution, string key)
    {
        try
        {
            await using var connection = await db.OpenAsync(CancellationToken.None);
            await connection.ExecuteAsync(new CommandDefinition(connection.Sql(ReleaseSql), new { institution, key }));
        }
        catch (System.Data.Common.DbException)
        {
            // The claim then expires after Abandoned; a retry before that answers 409 and may retry again.
        }
    }

    private sealed class Row
    {
        public string Fingerprint { get; init; } = "";

        public string State { get; init; } = "";

        public long? ResponseStatus { get; init; }

        public string? ResponseType { get; init; }

        public string? ResponseBody { get; init; }

        public string? Location { get; init; }

        public string? ContentLanguage { get; init; }

        public Instant CreatedAt { get; init; }
    }
}
