using System.Reflection;
using Dapper;
using NodaTime;

namespace Compliance.Data;

/// <summary>
/// Applies the numbered scripts of <c>db/{dialect}/</c>, embedded in this assembly, in order: each once, in a
/// transaction of its own, recorded in the journal table <c>schema_migrations</c>.
/// </summary>
public sealed class Migrations(Db db, IClock clock)
{
    private const string Journal = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            id         TEXT NOT NULL PRIMARY KEY,
            applied_at TEXT NOT NULL
        );
        """;

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

    /// <summary>Applies every script not yet applied; returns the names of those it applied.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(db.DataSource);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(Journal, cancellationToken: ct));
        var applied = new List<string>();
        foreach (var (name, sql) in Scripts(db.Dialect))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE id = @name", new { name }, transaction, cancellationToken: ct));
            if (done > 0)
            {
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (id, applied_at) VALUES (@name, @now)",
                new { name, now = clock.GetCurrentInstant() }, transaction, cancellationToken: ct));
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
