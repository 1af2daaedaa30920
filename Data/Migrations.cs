using System.Reflection;
using Dapper;
using NodaTime;

namespace Compliance.Data;

/// <summary>
/// Applies the numbered scripts of <c>db/{dialect}/</c>, embedded in this assembly, in order: each once, in a
/// transaction of its own, recorded in the journal table <c>schema_migrations</c>. On SQL Server the runner holds an
/// application lock throughout, so nodes that start at once apply each script once.
/// </summary>
public sealed class Migrations(Db db, IClock clock)
{
    private const string AppliedSql = "SELECT COUNT(*) FROM schema_migrations WHERE id = @name";
    private const string RecordSql = "INSERT INTO schema_migrations (id, applied_at) VALUES (@name, @now)";

    /// <summary>The scripts of a dialect, in the order they apply.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Scripts(Dialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        var assembly = typeof(Migrations).Assembly;
        var prefix = $"db/{dialect.Folder}/";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => (name[prefix.Length..], Read(assembly, name)))
            .ToList();
    }

    /// <summary>
    /// Applies every script not yet applied, then <paramref name="thenSeed"/> (reference data), under the migration
    /// lock; returns the names of the scripts it applied.
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken ct, Func<Task>? thenSeed = null)
    {
        db.Dialect.PrepareStorage(db.DataSource);
        await using var connection = await db.OpenAsync(ct);
        return await db.Dialect.WithMigrationLockAsync(connection, async () =>
        {
            var applied = await ApplyScriptsAsync(connection, ct);
            if (thenSeed is not null)
            {
                await thenSeed();
            }

            return applied;
        }, ct);
    }

    private async Task<IReadOnlyList<string>> ApplyScriptsAsync(System.Data.Common.DbConnection connection, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(db.Dialect.JournalSql, cancellationToken: ct));
        var applied = new List<string>();
        foreach (var (name, sql) in Scripts(db.Dialect))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(connection.Sql(AppliedSql), new { name }, transaction, cancellationToken: ct));
            if (done > 0)
            {
                continue;
            }

            // A script that writes rows stamps them with @now, the clock's, like every other write.
            await connection.ExecuteAsync(new CommandDefinition(sql, new { now = clock.GetCurrentInstant() }, transaction, commandTimeout: 0, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(
                connection.Sql(RecordSql), new { name, now = clock.GetCurrentInstant() }, transaction, cancellationToken: ct));
            await transaction.CommitAsync(ct);
            applied.Add(name);
        }

        return applied;
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing resource {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
