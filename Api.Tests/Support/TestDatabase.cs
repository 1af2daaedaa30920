using Microsoft.Data.SqlClient;

namespace Compliance.Api.Tests.Support;

/// <summary>
/// The databases the HTTP suite runs against: SQLite (a temporary file per fixture) always, SQL Server where
/// <c>COMPLIANCE_TEST_SQLSERVER</c> holds a connection string, and PostgreSQL where <c>COMPLIANCE_TEST_POSTGRES</c>
/// does (a fresh database per fixture, dropped after it); without the variable those fixtures report every test as
/// skipped, with that reason.
/// </summary>
public enum TestDatabase
{
    Sqlite,
    SqlServer,
    Postgres,
}

public static class TestDatabases
{
    public const string Variable = "COMPLIANCE_TEST_SQLSERVER";

    /// <summary>For <c>[TestFixtureSource]</c>: each fixture once per database.</summary>
    public static IEnumerable<TestFixtureData> Fixtures =>
    [
        new TestFixtureData(TestDatabase.Sqlite).SetArgDisplayNames("SQLite"),
        new TestFixtureData(TestDatabase.SqlServer).SetArgDisplayNames("SQL Server"),
        new TestFixtureData(TestDatabase.Postgres).SetArgDisplayNames("PostgreSQL"),
    ];

    /// <summary>The server to test against, or null.</summary>
    public static string? SqlServer => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Skips the calling test (or fixture) when it is for SQL Server and none is configured.</summary>
    public static void RequireAvailable(TestDatabase database)
    {
        if (database == TestDatabase.SqlServer && SqlServer is null)
        {
            Assert.Ignore($"{Variable} is not set: the SQL Server run of this suite needs a connection string to a server where it may create databases.");
        }

        if (database == TestDatabase.Postgres && PostgresDatabases.Server is null)
        {
            Assert.Ignore($"{PostgresDatabases.Variable} is not set: the PostgreSQL run of this suite needs a connection string to a server where it may create databases.");
        }
    }

    /// <summary>Creates a fresh database on the configured server and returns its connection string.</summary>
    public static string CreateSqlServerDatabase(string name)
    {
        var server = new SqlConnectionStringBuilder(SqlServer!) { InitialCatalog = "master" };
        using (var connection = new SqlConnection(server.ConnectionString))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = $"IF DB_ID(N'{name}') IS NULL CREATE DATABASE [{name}]";
            create.ExecuteNonQuery();
        }

        return new SqlConnectionStringBuilder(SqlServer!) { InitialCatalog = name }.ConnectionString;
    }

    /// <summary>Drops a database the suite created.</summary>
    public static void DropSqlServerDatabase(string name)
    {
        SqlConnection.ClearAllPools();
        var server = new SqlConnectionStringBuilder(SqlServer!) { InitialCatalog = "master" };
        using var connection = new SqlConnection(server.ConnectionString);
        connection.Open();
        using var drop = connection.CreateCommand();
        drop.CommandText = $"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END";
        drop.ExecuteNonQuery();
    }

    /// <summary>Runs SQL directly on a SQLite file, beside the server: to arrange a state the API cannot make. Answers the rows changed.</summary>
    public static async Task<int> ExecuteSqliteAsync(string path, string sql, object? parameters = null)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteAsync(connection, sql, parameters);
    }

    /// <summary>Reads one value from a SQLite file, read-only, beside the server: to see what the API does not show.</summary>
    public static async Task<T> QuerySqliteScalarAsync<T>(string path, string sql, object? parameters = null)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return (await Dapper.SqlMapper.ExecuteScalarAsync<T>(connection, sql, parameters))!;
    }

    /// <summary>
    /// A new SQLite file with the migrations before <paramref name="script"/> applied and journalled, as a database of
    /// an earlier version holds them, then <paramref name="rows"/> run on it: the next server start applies the rest.
    /// Answers the file's path.
    /// </summary>
    public static async Task<string> SqliteBeforeAsync(string script, string rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"compliance-before-{Guid.NewGuid():N}.db");
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        var dialect = Compliance.Data.Sqlite.SqliteDialect.Instance;
        await Dapper.SqlMapper.ExecuteAsync(connection, dialect.JournalSql);
        var now = "2023-01-01T00:00:00.000Z";
        foreach (var (name, sql) in Compliance.Data.Migrations.Scripts(dialect).Where(s => string.CompareOrdinal(s.Name, script) < 0))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, sql, new { now });
            await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO schema_migrations (id, applied_at) VALUES (@name, @now)", new { name, now });
        }

        await Dapper.SqlMapper.ExecuteAsync(connection, rows, new { now });
        return path;
    }

    /// <summary>Deletes a SQLite file, its write-ahead log companions and its lock file, after closing the pooled connections to it.</summary>
    public static void DeleteSqliteFile(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", ".lock" })
        {
            File.Delete(path + suffix);
        }
    }
}
