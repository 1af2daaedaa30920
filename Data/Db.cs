using System.Data.Common;
using Dapper;

using NodaTime;

namespace Compliance.Data;

/// <summary>The database products Compliance runs on.</summary>
public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    Postgres,
}

/// <summary><c>Compliance:Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Compliance:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/compliance.db";

    /// <summary>SQLite: how long a writer waits for another's lock before the request answers 503.</summary>
    public int BusyTimeoutSeconds { get; set; } = 30;
}

/// <summary>Opens connections to the configured database, each set up the same way.</summary>
public sealed class Db
{
    private const string PingSql = "SELECT COUNT(*) FROM schema_migrations";

    private readonly string _connectionString;

    /// <param name="dialect">The provider's dialect, as the composition maps the provider setting to it, once; everything after asks the dialect.</param>
    /// <param name="options">The connection string, and how long SQLite waits for a lock.</param>
    /// <param name="contentRoot">What a relative SQLite path is under.</param>
    /// <param name="clock">How old a shared total is (<see cref="CountCache.SharedLifetime"/>).</param>
    public Db(Dialect dialect, DatabaseOptions options, string contentRoot, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(options);
        TypeHandlers.NodaTimeHandlers.Register();
        Dialect = dialect;
        (_connectionString, DataSource) = Dialect.Configure(options, contentRoot);
        Counts = Dialect.Shared ? new CountCache(clock, CountCache.SharedLifetime) : new CountCache(clock);
    }

    public Dialect Dialect { get; }

    /// <summary>The database file, for SQLite; the database's name, for SQL Server and PostgreSQL.</summary>
    public string DataSource { get; }

    /// <summary>The connection string as used, for what shares the database (Hangfire on SQL Server and PostgreSQL).</summary>
    public string ConnectionString => _connectionString;

    /// <summary>Totals of large lists, invalidated by the stores that write what they count.</summary>
    internal CountCache Counts { get; }

    /// <summary>
    /// A page of a list: <paramref name="count"/> counts every row that matches, <paramref name="items"/> (ordered)
    /// selects them; its parameters must carry <c>Skip</c> and <c>Take</c> for the dialect's paging. With
    /// <paramref name="cachedTotal"/> the total comes from <see cref="Counts"/> (keyed by the statement and every
    /// parameter but the page's).
    /// </summary>
    internal async Task<Page<T>> PageAsync<T>(string count, string items, object parameters, PageRequest page, CancellationToken ct, bool cachedTotal = false)
    {
        await using var connection = await OpenAsync(ct);
        if (cachedTotal)
        {
            var key = System.Text.Json.JsonSerializer.SerializeToNode(parameters)!.AsObject();
            key.Remove(nameof(PageRequest.Skip));
            key.Remove(nameof(PageRequest.Take));
            var cached = await Counts.GetAsync(count + key.ToJsonString(), () =>
                connection.ExecuteScalarAsync<long>(new CommandDefinition(Dialect.Statement(count), parameters, cancellationToken: ct)));
            var found = await connection.QueryAsync<T>(new CommandDefinition(Dialect.Statement(items + Dialect.Page), parameters, cancellationToken: ct));
            return new Page<T>(found.ToList(), page.Number, page.Size, cached);
        }

        using var results = await connection.QueryMultipleAsync(new CommandDefinition(Dialect.Statement(count + ";\n" + items + Dialect.Page), parameters, cancellationToken: ct));
        var total = await results.ReadSingleAsync<long>();
        var rows = (await results.ReadAsync<T>()).ToList();
        return new Page<T>(rows, page.Number, page.Size, total);
    }

    /// <summary>Reads the migration journal: throws where the database does not answer or has no schema.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(Dialect.Statement(PingSql), cancellationToken: ct));
    }

    /// <summary>Housekeeping after writes: SQLite copies its write-ahead log into the database file, as far as readers allow.</summary>
    public async Task CheckpointAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await Dialect.CheckpointAsync(connection, ct);
    }

    /// <summary>
    /// Copies the database to <paramref name="destination"/> while it serves, consistent as of one commit (SQLite's
    /// online backup API), where the server backs its database up itself (<see cref="Dialect.Backup"/>).
    /// </summary>
    public async Task<BackupFile> BackupToAsync(string destination, bool overwrite, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // The backup API is synchronous: it runs off the request's thread, holding one pooled connection.
        return await Task.Run(() => Dialect.Backup(connection, destination, overwrite), ct);
    }

    /// <summary>
    /// A server's hold on its database for as long as it runs, so that a restore refuses to replace it (SQLite: the
    /// shared <c>&lt;file&gt;.lock</c>); <c>null</c> where the database needs none. Throws
    /// <see cref="Sqlite.DatabaseLockedException"/> while a restore is under way.
    /// </summary>
    public IDisposable? HoldWhileServing()
    {
        Dialect.PrepareStorage(DataSource);
        return Dialect.Hold(DataSource);
    }

    /// <summary>An open connection, set up by the dialect (SQLite: foreign keys enforced, every commit durable before it returns).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = Dialect.NewConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await Dialect.InitializeAsync(connection, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>Shared statements as the connection's database must receive them.</summary>
internal static class Statements
{
    /// <summary>The statement for this connection's database (<see cref="Dialect.Statement"/>).</summary>
    public static string Sql(this DbConnection connection, string statement) => Dialect.Of(connection).Statement(statement);

    /// <summary>
    /// A shared statement executed for many rows inside <paramref name="transaction"/>, its parameters (<c>@name</c>)
    /// bound by position with <see cref="Bind"/>; prepared once where the database allows it untyped (SQLite).
    /// </summary>
    public static DbCommand Repeated(this DbConnection connection, DbTransaction transaction, string statement, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = connection.Sql(statement);
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }

        Dialect.Of(connection).PrepareRepeated(command);

        return command;
    }

    /// <summary>Runs <paramref name="statement"/> once for each row of values, in the order of the names, prepared once.</summary>
    public static async Task ExecuteEachAsync(
        this DbConnection connection, DbTransaction transaction, string statement, IEnumerable<object?[]> rows, CancellationToken ct, params string[] names)
    {
        await using var command = connection.Repeated(transaction, statement, names);
        foreach (var row in rows)
        {
            command.Bind(row);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Binds the values of the next row, in the order of the names: null as NULL, instants and dates as the database stores them.</summary>
    public static void Bind(this DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is NodaTime.Instant instant)
            {
                TypeHandlers.NodaTimeHandlers.Bind(command.Parameters[i], instant);
            }
            else if (values[i] is NodaTime.LocalDate date)
            {
                TypeHandlers.NodaTimeHandlers.Bind(command.Parameters[i], date);
            }
            else
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
        }
    }
}
