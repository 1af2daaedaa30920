using System.Diagnostics;
using System.Globalization;
using Compliance.Data;
using Compliance.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Backup;

/// <summary>
/// <c>backup &lt;file&gt; [--force]</c> and <c>restore &lt;file&gt;</c>: verbs of the server's own executable, reading
/// the configuration the server reads (appsettings, environment, the rest of the command line), so
/// <c>Compliance:Database:ConnectionString</c> names the same database. Neither starts the web server, Hangfire or the
/// migrations. A restore takes only a backup whose schema is exactly what this build's migrations make for the
/// migrations it lists (<see cref="SqliteBackup.Restore"/>), and never the live file under another name. Exit codes: 0
/// done; 1 refused or failed, database untouched; 2 usage; 3 a server holds the database.
/// </summary>
internal static class BackupCommands
{
    private const int Done = 0;
    private const int Failed = 1;
    private const int Usage = 2;
    private const int ServerRunning = 3;

    private const string UsageText = """
        usage: Compliance.Api backup <file> [--force] [--Key=Value ...]
               Compliance.Api restore <file> [--Key=Value ...]
          backup   copies the configured SQLite database to <file> while servers keep serving (SQLite's online backup API);
                   an existing <file> is replaced only with --force
          restore  replaces the configured SQLite database with the backup <file>; refused while a server runs on it, and
                   for a file whose schema is not exactly what this version's migrations make (or that a later version made)
        """;

    /// <summary>Whether the command line names one of these verbs rather than the server.</summary>
    public static bool Handles(string[] args) => args is ["backup" or "restore", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var rest = args.Skip(1).ToList();
        var force = rest.Remove("--force");
        if (rest.Count == 0 || rest[0].StartsWith("--", StringComparison.Ordinal) || (force && args[0] == "restore"))
        {
            await Console.Error.WriteLineAsync(UsageText);
            return Usage;
        }

        var file = rest[0];
        // The database as the server binds and checks it, from the same configuration.
        var builder = WebApplication.CreateBuilder([.. rest.Skip(1)]);
        builder.AddComplianceData();
        await using var host = builder.Build();
        DatabaseKind kind;
        try
        {
            kind = host.Services.GetRequiredService<DatabaseKind>();
        }
        catch (OptionsValidationException e)
        {
            return await FailAsync(e.Message);
        }

        if (kind.BackupTools is { } tools)
        {
            return await FailAsync(tools.Verbs);
        }

        var db = host.Services.GetRequiredService<Db>();
        if (db.DataSource == ":memory:")
        {
            return await FailAsync("The database is in memory: there is no file to back up or restore.");
        }

        try
        {
            return args[0] == "backup" ? await BackupAsync(db, file, force) : await RestoreAsync(db.DataSource, file);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private static async Task<int> BackupAsync(Db db, string file, bool force)
    {
        if (!File.Exists(db.DataSource))
        {
            return await FailAsync($"There is no database at {db.DataSource} (Compliance:Database:ConnectionString); nothing to back up.");
        }

        var (target, refusal) = BackupTarget.Check(file, Environment.CurrentDirectory, db.DataSource);
        if (refusal is not null)
        {
            return await FailAsync(refusal);
        }

        if (target!.Exists && !force)
        {
            return await FailAsync($"{target.Path} exists already; name another file, or add --force to replace it.");
        }

        var clock = Stopwatch.StartNew();
        var written = await db.BackupToAsync(target.Path, force, CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Backed up {db.DataSource} to {written.Path}: {written.Bytes:N0} bytes in {clock.Elapsed.TotalSeconds:0.00} s, sha256 {written.Sha256}"));
        return Done;
    }

    private static async Task<int> RestoreAsync(string database, string file)
    {
        var backup = Path.GetFullPath(file);
        if (File.Exists(database) && BackupTarget.SameFile(backup, database))
        {
            return await FailAsync($"{file} is the live database {database} itself; name a backup file.");
        }

        DatabaseFileLock held;
        try
        {
            // Onto a new machine, the database's folder is not there yet: its lock file goes in it.
            PrivateFiles.CreateFolder(Path.GetDirectoryName(database)!);
            held = DatabaseFileLock.Exclusive(database);
        }
        catch (DatabaseLockedException e)
        {
            await Console.Error.WriteLineAsync($"Refused: {e.Message} The database was not touched.");
            return ServerRunning;
        }

        using (held)
        {
            try
            {
                // Another name of the same file (a hard link) passes every comparison of paths; the file system's
                // lock on the file itself tells.
                if (File.Exists(database) && File.Exists(backup) && BackupTarget.IsOneFile(database, backup))
                {
                    return await FailAsync($"{file} is the live database {database} itself, under another name (a hard link); name a backup file.");
                }
            }
            catch (IOException e)
            {
                return await FailAsync($"{file} could not be told apart from the live database {database} ({e.Message}).");
            }

            var clock = Stopwatch.StartNew();
            var (restored, refusal) = SqliteBackup.Restore(backup, database);
            if (refusal is not null)
            {
                return await FailAsync(refusal);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Restored {backup} into {restored!.Path}: {restored.Bytes:N0} bytes in {clock.Elapsed.TotalSeconds:0.00} s (integrity and schema checked); the next server start applies any newer migrations."));
            return Done;
        }
    }

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync($"Refused: {message} The database was not touched.");
        return Failed;
    }
}
