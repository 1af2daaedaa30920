using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Compliance.Data;
using Compliance.Data.Postgres;
using Npgsql;

namespace Compliance.Api.Tests.Support;

/// <summary>
/// The PostgreSQL server the suite runs on (<c>COMPLIANCE_TEST_POSTGRES</c>, a connection string to a server where the
/// suite may create databases): each fixture gets a fresh database, copied from a template that already holds the
/// migrations and Hangfire's schema (<c>CREATE DATABASE … TEMPLATE …</c>, a file copy on the server), and drops it
/// after. The template is named by a hash of the scripts, so a run reuses the one an earlier run made of the same ones.
/// A test that fails before it drops its database leaves it to <see cref="DropLeftovers"/>, at the end of the run.
/// </summary>
public static class PostgresDatabases
{
    public const string Variable = "COMPLIANCE_TEST_POSTGRES";

    private static readonly Lazy<string> Template = new(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The databases this run created and has not dropped yet.</summary>
    private static readonly ConcurrentDictionary<string, byte> Created = new();

    /// <summary>The server to test against, or null.</summary>
    public static string? Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>The connection string of a database on the configured server.</summary>
    public static string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(Server!) { Database = database }.ConnectionString;

    /// <summary>Creates a fresh database, migrated, on the configured server and returns its connection string.</summary>
    public static string Create(string name)
    {
        var template = Template.Value;
        Execute($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        Created.TryAdd(name, 0);
        return ConnectionString(name);
    }

    /// <summary>Drops a database the suite created, ending the sessions still open on it.</summary>
    public static void Drop(string name)
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Execute($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                break;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 30)
            {
                // An autovacuum worker on the database, which a role without pg_signal_backend may not end: it finishes soon.
                Thread.Sleep(TimeSpan.FromSeconds(1));
            }
        }

        Created.TryRemove(name, out _);
    }

    /// <summary>
    /// Drops every database this run created and did not drop: those of tests that failed before their own clean-up.
    /// Answers their names.
    /// </summary>
    public static IReadOnlyList<string> DropLeftovers()
    {
        var left = Created.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var name in left)
        {
            Drop(name);
        }

        return left;
    }

    /// <summary>Runs SQL directly on a database of the suite, beside the server: to arrange a state the API cannot make. Answers the rows changed.</summary>
    public static async Task<int> ExecuteAsync(string database, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(database)) { SearchPath = PostgresDialect.Schema, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteAsync(connection, sql, parameters);
    }

    /// <summary>Runs a statement on the server's own database (the one the connection string names).</summary>
    private static void Execute(string statement)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server!) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = statement;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The template, made where it is missing: built under a name of its own, then renamed, so that a run that stops
    /// half-way leaves nothing a later run would take for finished.
    /// </summary>
    private static string CreateTemplate()
    {
        var scripts = string.Concat(Migrations.Scripts(PostgresDialect.Instance).Select(s => s.Name + "\n" + s.Sql));
        var hangfire = typeof(Hangfire.PostgreSql.PostgreSqlStorage).Assembly.GetName().Version;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scripts + hangfire)))[..16];
        var name = $"compliance_template_{hash}";
        if (Exists(name))
        {
            return name;
        }

        var building = $"{name}_{Guid.NewGuid():N}"[..63];
        Execute($"CREATE DATABASE \"{building}\"");
        try
        {
            var options = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = ConnectionString(building) };
            var clock = NodaTime.Testing.FakeClock.FromUtc(2023, 1, 1);
            var db = new Db(PostgresDialect.Instance, options, Path.GetTempPath(), clock);
            new Migrations(db, clock).ApplyAsync(CancellationToken.None).GetAwaiter().GetResult();
            using (var connection = new NpgsqlConnection(ConnectionString(building)))
            {
                connection.Open();
                Hangfire.PostgreSql.PostgreSqlObjectsInstaller.Install(connection, Compliance.Api.DatabaseKind.HangfireSchema);
            }

            NpgsqlConnection.ClearAllPools();
            Execute($"ALTER DATABASE \"{building}\" RENAME TO \"{name}\"");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another run made it meanwhile.
            Drop(building);
        }
        catch
        {
            Drop(building);
            throw;
        }

        return name;
    }

    private static bool Exists(string database)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server!) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pg_database WHERE datname = @name";
        command.Parameters.AddWithValue("name", database);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
