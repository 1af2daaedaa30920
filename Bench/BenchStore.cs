using System.Data.Common;
using System.Globalization;
using Compliance.Data;
using Compliance.Data.Postgres;
using Compliance.Data.Sqlite;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Compliance.Bench;

/// <summary>
/// The database a benchmark runs on (<c>--store sqlite|postgres</c>): fresh databases made for the run and dropped after
/// it, copies of one (to measure a floor on the state a timed step started from), the server's settings for one, and the
/// database's own bulk load of a CSV file.
/// </summary>
internal abstract class BenchStore : IAsyncDisposable
{
    /// <summary>The name printed beside every figure.</summary>
    public abstract string Name { get; }

    public static async Task<BenchStore> OpenAsync(string name, string root, string workDirectory) => name switch
    {
        "sqlite" => new SqliteBenchStore(workDirectory),
        "postgres" => await PostgresBenchStore.OpenAsync(root),
        _ => throw new ArgumentException($"No store {name}: sqlite or postgres.", nameof(name)),
    };

    /// <summary>A fresh database with the schema applied, named <paramref name="name"/> within the run.</summary>
    public abstract Task<Db> CreateAsync(string name, IClock clock);

    /// <summary>A fresh, empty database for a server to migrate; its settings as the server reads them.</summary>
    public abstract Task<Dictionary<string, string>> CreateForServerAsync(string name);

    /// <summary>A new database holding what <paramref name="source"/> holds now (its connections are closed first).</summary>
    public abstract Task<Db> CopyAsync(Db source, string name, IClock clock);

    /// <summary>Drops a database this run made.</summary>
    public abstract Task DropAsync(Db db);

    /// <summary>A parameter typed as the values of <paramref name="type"/>, so that a statement can be prepared before its first row.</summary>
    public abstract void Type(DbParameter parameter, Type type);

    /// <summary>The statement creating a table of one evaluation row each: the columns of a submission's evaluation.</summary>
    public abstract string EvaluationsTableSql(string table);

    public abstract ValueTask DisposeAsync();
}

/// <summary>SQLite files in the work folder.</summary>
internal sealed class SqliteBenchStore(string workDirectory) : BenchStore
{
    public override string Name => "SQLite";

    public override async Task<Db> CreateAsync(string name, IClock clock)
    {
        var db = Open(Fresh(name), clock);
        await new Migrations(db, clock).ApplyAsync(CancellationToken.None);
        return db;
    }

    public override Task<Dictionary<string, string>> CreateForServerAsync(string name) =>
        Task.FromResult(new Dictionary<string, string> { ["Compliance__Database__ConnectionString"] = $"Data Source={Fresh(name)}" });

    public override async Task<Db> CopyAsync(Db source, string name, IClock clock)
    {
        await source.CheckpointAsync(CancellationToken.None);
        SqliteConnection.ClearAllPools();
        var path = Fresh(name);
        File.Copy(source.DataSource, path);
        return Open(path, clock);
    }

    public override Task DropAsync(Db db)
    {
        SqliteConnection.ClearAllPools();
        Delete(db.DataSource);
        return Task.CompletedTask;
    }

    public override void Type(DbParameter parameter, Type type)
    {
    }

    public override string EvaluationsTableSql(string table) =>
        $"CREATE TABLE {table} (submission_id INTEGER NOT NULL PRIMARY KEY, evaluation_status TEXT NULL, evaluated_at TEXT NULL, evaluation TEXT NULL)";

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    private static Db Open(string path, IClock clock) =>
        new(SqliteDialect.Instance, new DatabaseOptions { ConnectionString = $"Data Source={path}" }, Path.GetDirectoryName(path)!, clock);

    private static void Delete(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", ".lock" })
        {
            File.Delete(path + suffix);
        }
    }

    private string Fresh(string name)
    {
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, name + ".db");
        Delete(path);
        return path;
    }
}

/// <summary>
/// A PostgreSQL server: <c>COMPLIANCE_BENCH_POSTGRES</c> (a connection string of a role that may create databases), or
/// the local cluster, prepared by <c>Bench/postgres.sh</c> (started where it is down, a role for the benchmarks). Each
/// database is created for the run and dropped when it ends.
/// </summary>
internal sealed class PostgresBenchStore : BenchStore
{
    public const string Variable = "COMPLIANCE_BENCH_POSTGRES";

    private readonly string _server;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _created = [];

    private PostgresBenchStore(string server) => _server = server;

    public override string Name => "PostgreSQL";

    /// <summary>The connection string of the server, as psql's environment (PGHOST, PGPORT, …) for <paramref name="database"/>.</summary>
    public Dictionary<string, string> PsqlEnvironment(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(_server);
        return new Dictionary<string, string>
        {
            ["PGHOST"] = builder.Host ?? "127.0.0.1",
            ["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = builder.Username ?? "",
            ["PGPASSWORD"] = builder.Password ?? "",
            ["PGDATABASE"] = database,
        };
    }

    public static async Task<BenchStore> OpenAsync(string root)
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(server))
        {
            Console.WriteLine($"{Variable} is not set: preparing the local cluster (Bench/postgres.sh)…");
            server = (await Shell.OutputAsync("bash", $"\"{Path.Combine(root, "Bench", "postgres.sh")}\"", root)).Trim();
        }

        return new PostgresBenchStore(server);
    }

    public override async Task<Db> CreateAsync(string name, IClock clock)
    {
        var db = Open(await CreateDatabaseAsync(name, null), clock);
        await new Migrations(db, clock).ApplyAsync(CancellationToken.None);
        return db;
    }

    public override async Task<Dictionary<string, string>> CreateForServerAsync(string name) => new()
    {
        ["Compliance__Database__Provider"] = "Postgres",
        ["Compliance__Database__ConnectionString"] = await CreateDatabaseAsync(name, null),
    };

    public override async Task<Db> CopyAsync(Db source, string name, IClock clock)
    {
        NpgsqlConnection.ClearAllPools();
        return Open(await CreateDatabaseAsync(name, source.DataSource), clock);
    }

    public override async Task DropAsync(Db db)
    {
        await DropDatabaseAsync(db.DataSource);
        _created.Remove(db.DataSource);
    }

    public override void Type(DbParameter parameter, Type type) =>
        ((NpgsqlParameter)parameter).NpgsqlDbType = type == typeof(long) ? NpgsqlDbType.Bigint
            : type == typeof(int) ? NpgsqlDbType.Integer
            : type == typeof(bool) ? NpgsqlDbType.Boolean
            : type == typeof(DateTime) ? NpgsqlDbType.TimestampTz
            : type == typeof(DateOnly) ? NpgsqlDbType.Date
            : NpgsqlDbType.Text;

    public override string EvaluationsTableSql(string table) =>
        $"CREATE TABLE {PostgresDialect.Schema}.{table} (submission_id bigint NOT NULL PRIMARY KEY, evaluation_status varchar(32) NULL, evaluated_at timestamptz(3) NULL, evaluation text NULL)";

    public override async ValueTask DisposeAsync()
    {
        foreach (var database in _created.ToList())
        {
            await DropDatabaseAsync(database);
        }
    }

    private static Db Open(string connectionString, IClock clock) =>
        new(PostgresDialect.Instance, new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = connectionString }, Path.GetTempPath(), clock);

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder(_server) { Database = database }.ConnectionString;

    private async Task<string> CreateDatabaseAsync(string name, string? template)
    {
        var database = $"compliance_bench_{_run}_{name.Replace('-', '_')}".ToLowerInvariant();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        await ExecuteAsync(template is null ? $"CREATE DATABASE \"{database}\"" : $"CREATE DATABASE \"{database}\" TEMPLATE \"{template}\"");
        _created.Add(database);
        return ConnectionString(database);
    }

    private async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 30)
            {
                // An autovacuum worker on the database, which a role without pg_signal_backend may not end: it finishes soon.
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private async Task ExecuteAsync(string statement)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(statement);
    }
}

/// <summary>Rows replayed into tables through one prepared insert a table, each row bound and executed on its own.</summary>
internal static class Replay
{
    /// <summary>Every row of a query, its values as the database gives them, and the types of its columns.</summary>
    public static async Task<(List<object?[]> Rows, Type[] Types)> ReadAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType).ToArray();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row);
        }

        return (rows, types);
    }

    /// <summary>
    /// An insert of <paramref name="columns"/> into <paramref name="table"/>, prepared once, answering the generated id where
    /// asked. The table and columns are the benchmark's own names, never input; the values go in as parameters.
    /// </summary>
    public static DbCommand Insert(BenchStore store, DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns, Type[] types, bool returningId) =>
        Prepare(store, connection, transaction,
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})" + (returningId ? " RETURNING id" : ""),
            types);

    /// <summary>Binds a row's values (NULL for a missing one) and executes the insert; answers the generated id where it returns one.</summary>
    public static async Task<long?> RunAsync(DbCommand insert, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            insert.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        if (insert.CommandText.EndsWith("RETURNING id", StringComparison.Ordinal))
        {
            return Convert.ToInt64(await insert.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        await insert.ExecuteNonQueryAsync();
        return null;
    }

    /// <summary>A statement prepared once, its parameters <c>@p0</c> … typed as <paramref name="types"/> and bound before each run.</summary>
    public static DbCommand Prepare(BenchStore store, DbConnection connection, DbTransaction transaction, string sql, params Type[] types)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < types.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            store.Type(parameter, types[i]);
            parameter.Value = DBNull.Value;
            command.Parameters.Add(parameter);
        }

        command.Prepare();
        return command;
    }

    /// <summary>Runs a prepared query with the given values, reads every value of every row, and answers how many rows.</summary>
    public static async Task<int> ReadAllAsync(DbCommand query, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            query.Parameters[i].Value = values[i];
        }

        var rows = 0;
        await using var reader = await query.ExecuteReaderAsync();
        var row = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(row);
            rows++;
        }

        return rows;
    }

    /// <summary>The figures of a step timed three times, in seconds: each run, and their median.</summary>
    public static double Median(IReadOnlyList<double> runs) => runs.Order().ElementAt(runs.Count / 2);

    /// <summary>Seconds as printed.</summary>
    public static string Seconds(IEnumerable<double> runs) => string.Join(", ", runs.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)));

    /// <summary>A ratio against its budget, as printed.</summary>
    public static string Ratio(double figure, double floor, double budget)
    {
        var ratio = figure / floor;
        return string.Create(CultureInfo.InvariantCulture, $"{ratio:F2}× (budget {budget}×: {(ratio <= budget ? "within" : $"OVER by {(ratio / budget - 1) * 100:F0} %")})");
    }
}
