using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Compliance.Data;

/// <summary>The database products Compliance runs on.</summary>
public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary><c>Compliance:Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Compliance:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/compliance.db";
}

/// <summary>Opens connections to the configured database, each set up the same way.</summary>
public sealed class Db
{
    private readonly string _connectionString;

    public Db(DatabaseOptions options, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Provider != DatabaseProvider.Sqlite)
        {
            throw new NotSupportedException($"Database provider {options.Provider} is not available in this build.");
        }

        Dialect = Dialect.Sqlite;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = true };
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
        }

        if (builder.DefaultTimeout < 30)
        {
            builder.DefaultTimeout = 30;
        }

        DataSource = builder.DataSource;
        _connectionString = builder.ToString();
        TypeHandlers.NodaTimeHandlers.Register();
    }

    public Dialect Dialect { get; }

    /// <summary>The database file, for SQLite.</summary>
    public string DataSource { get; }

    /// <summary>
    /// A page of a list: <paramref name="count"/> counts every row that matches, <paramref name="items"/> (ordered)
    /// selects them; its parameters must carry <c>Skip</c> and <c>Take</c> for the dialect's paging.
    /// </summary>
    internal async Task<Page<T>> PageAsync<T>(string count, string items, object parameters, PageRequest page, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"{count};\n{items}{Dialect.Page}", parameters, cancellationToken: ct));
        var total = await results.ReadSingleAsync<long>();
        var rows = (await results.ReadAsync<T>()).ToList();
        return new Page<T>(rows, page.Number, page.Size, total);
    }

    /// <summary>
    /// Copies what the write-ahead log holds into the database file, as far as readers allow, and truncates the
    /// log when it could copy everything.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken: ct));
    }

    /// <summary>An open connection: foreign keys enforced, and every commit durable before it returns.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            // Checkpoints run in the background (CheckpointAsync), not in the commit of whichever request
            // crosses the threshold: a ledger's commit is durable once the WAL is synced.
            command.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0;";
            await command.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
