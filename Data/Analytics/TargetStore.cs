using System.Data.Common;
using System.Text.Json;
using Compliance.Engine.Analytics;
using Dapper;
using NodaTime;

namespace Compliance.Data.Analytics;

/// <summary>
/// One version of a regional target as stored: <see cref="CreatedBy"/> is <see cref="TargetStore.System"/> for a
/// built-in or migrated version, else the id of the admin's key that put it (<c>null</c> for a version put before
/// that was recorded, where the audit log did not name the key).
/// </summary>
public sealed record StoredTarget(string Id, int Version, TargetSpec Spec, Instant CreatedAt, string? CreatedBy);

/// <summary>Regional targets as data: versions never change once written; a change is a new version.</summary>
public sealed class TargetStore(Db db)
{
    /// <summary>The author of the built-in versions and of those a migration adds.</summary>
    public const string System = "system";

    private const string CountSql = "SELECT COUNT(*) FROM targets WHERE id = @id";

    // The version in force, the one row of its view (none before the first: the next version is then 1).
    private const string LatestVersionSql = "SELECT l.version FROM latest_targets l WHERE l.id = @id";

    private const string ListSql = """
        SELECT t.id AS Id, t.version AS Version, t.definition AS Definition, t.created_at AS CreatedAt, t.created_by AS CreatedBy
        FROM targets t
        WHERE t.year = @year
          AND EXISTS (SELECT 1 FROM latest_targets l WHERE l.id = t.id AND l.version = t.version)
        ORDER BY t.jurisdiction, t.id
        """;

    private const string FindSql = """
        SELECT t.id AS Id, t.version AS Version, t.definition AS Definition, t.created_at AS CreatedAt, t.created_by AS CreatedBy
        FROM targets t
        WHERE t.id = @id AND EXISTS (SELECT 1 FROM latest_targets l WHERE l.id = t.id AND l.version = t.version)
        """;

    private const string InsertSql = """
        INSERT INTO targets (id, version, jurisdiction, year, definition, created_at, created_by)
        VALUES (@id, @version, @jurisdiction, @year, @definition, @now, @createdBy)
        """;

    /// <summary>Loads the built-in targets of <c>db/seed/targets.json</c> as version 1 of each target not stored yet.</summary>
    public async Task SeedAsync(Instant now, CancellationToken ct)
    {
        var seed = ReadSeed();
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var (id, spec) in seed)
        {
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(connection.Sql(CountSql), new { id }, transaction, cancellationToken: ct));
            if (exists == 0)
            {
                await InsertAsync(connection, transaction, id, 1, spec, System, now, ct);
            }
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>The built-in targets of <c>db/seed/targets.json</c>, each checked as a PUT would check it.</summary>
    public static IReadOnlyList<(string Id, TargetSpec Spec)> ReadSeed()
    {
        using var stream = Seed.Open("targets.json");
        using var document = JsonDocument.Parse(stream);
        return [.. document.RootElement.GetProperty("targets").EnumerateArray().Select(element =>
        {
            var id = element.GetProperty("id").GetString()!;
            var spec = TargetReader.Read(element, out var errors)
                ?? throw new InvalidDataException($"targets.json: {id}: {string.Join(" ", errors.Values.SelectMany(e => e).Select(t => t.En))}");
            return (id, spec);
        })];
    }

    /// <summary>The current version of every target of <paramref name="year"/>, by jurisdiction and id.</summary>
    public async Task<IReadOnlyList<StoredTarget>> ListAsync(int year, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(connection.Sql(ListSql), new { year }, cancellationToken: ct));
        return [.. rows.Select(Stored)];
    }

    /// <summary>The current version of a target, or <c>null</c>.</summary>
    public async Task<StoredTarget?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(connection.Sql(FindSql), new { id }, cancellationToken: ct));
        return row is null ? null : Stored(row);
    }

    /// <summary>Stores a new version of a target (version 1 for a new id), put by <paramref name="createdBy"/>, and returns its number.</summary>
    public async Task<int> AddVersionAsync(string id, TargetSpec spec, string createdBy, Instant now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, $"target/{id}", ct);
        var version = 1 + await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            connection.Sql(LatestVersionSql), new { id }, transaction, cancellationToken: ct));
        await InsertAsync(connection, transaction, id, version, spec, createdBy, now, ct);
        await transaction.CommitAsync(ct);
        return version;
    }

    private static StoredTarget Stored(Row row)
    {
        using var document = JsonDocument.Parse(row.Definition);
        var spec = TargetReader.Read(document.RootElement, out var errors)
            ?? throw new InvalidDataException($"The stored target {row.Id} version {row.Version} is invalid: {string.Join(" ", errors.Values.SelectMany(e => e).Select(t => t.En))}");
        return new StoredTarget(row.Id, (int)row.Version, spec, row.CreatedAt, row.CreatedBy);
    }

    private static Task<int> InsertAsync(
        DbConnection connection, DbTransaction transaction, string id, int version, TargetSpec spec, string createdBy, Instant now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertSql), new
        {
            id, version, jurisdiction = spec.Jurisdiction, year = spec.Year, definition = spec.ToJson().ToJsonString(), now, createdBy,
        }, transaction, cancellationToken: ct));

    private sealed class Row
    {
        public string Id { get; init; } = "";

        public long Version { get; init; }

        public string Definition { get; init; } = "{}";

        public Instant CreatedAt { get; init; }

        public string? CreatedBy { get; init; }
    }
}
