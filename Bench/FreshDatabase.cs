using Compliance.Data;
using Compliance.Data.Sqlite;
using NodaTime;

namespace Compliance.Bench;

/// <summary>A new SQLite file with the schema applied, for the benchmarks that run the stores in process.</summary>
internal static class FreshDatabase
{
    public static async Task<Db> CreateAsync(string workDirectory, string name, IClock clock)
    {
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, name);
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }

        var db = new Db(SqliteDialect.Instance, new DatabaseOptions { ConnectionString = $"Data Source={path}" }, workDirectory, clock);
        await new Migrations(db, clock).ApplyAsync(CancellationToken.None);
        return db;
    }
}

/// <summary>A clock that stays at one instant, so a benchmark's dates are the same every run.</summary>
internal sealed class FixedClock(Instant now) : IClock
{
    public Instant GetCurrentInstant() => now;
}
