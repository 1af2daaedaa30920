using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Compliance.Data.Sqlite;

/// <summary>
/// Copies of a SQLite database made with SQLite's online backup API (<c>sqlite3_backup_init/step/finish</c>, through
/// <see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>), never by copying files: the copy is read in one
/// read transaction, so it is the database as of one commit, while the server goes on writing to its write-ahead log.
/// </summary>
public static class SqliteBackup
{
    private const string IntegrityCheckSql = "PRAGMA integrity_check;";
    private const string RollbackJournalSql = "PRAGMA journal_mode = DELETE;";
    private const string WalSql = "PRAGMA journal_mode = WAL;";
    private const string CheckpointSql = "PRAGMA wal_checkpoint(TRUNCATE);";

    /// <summary>
    /// Copies the database open on <paramref name="source"/> to <paramref name="destination"/>: first into a
    /// temporary file beside it, then moved into place, so the destination is either absent or a whole copy, and an
    /// existing destination is replaced by a rename, never written into. The copy is a single file in rollback-journal
    /// mode (no <c>-wal</c> companion to forget), for the server's user only (<see cref="PrivateFiles"/>).
    /// </summary>
    public static BackupFile Copy(SqliteConnection source, string destination, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(source);
        // A name of its own length, not the destination's with a suffix: a destination as long as the file system
        // allows must not make a temporary name longer than that.
        var partial = Path.Combine(Path.GetDirectoryName(destination)!, $"backup-{Guid.NewGuid():N}.partial");
        try
        {
            PrivateFiles.CreateEmpty(partial);
            using (var target = Open(partial, SqliteOpenMode.ReadWrite))
            {
                // Every page in one step: one read transaction on the source, so the copy is one commit's state; a step
                // of fewer pages would start over each time a writer commits.
                source.BackupDatabase(target);
            }

            // The copied header says WAL, as the source is; opened again, the copy leaves WAL for a self-contained file.
            using (var copy = Open(partial, SqliteOpenMode.ReadWrite))
            {
                Execute(copy, RollbackJournalSql);
            }

            var (bytes, sha256) = Hash(partial);
            File.Move(partial, destination, overwrite);
            return new BackupFile(destination, bytes, sha256);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Why <paramref name="file"/> is not a backup this build may restore, or <c>null</c> when it is one: not a
    /// SQLite file, damaged (<c>PRAGMA integrity_check</c>, which reads every page), or with a schema other than the
    /// one this build's migrations make for the migrations it lists (<see cref="SqliteSchema"/>).
    /// </summary>
    public static string? Refusal(string file)
    {
        if (!File.Exists(file))
        {
            return $"{file} does not exist.";
        }

        try
        {
            using var connection = Open(file, SqliteOpenMode.ReadOnly);
            return Check(connection, file);
        }
        catch (SqliteException e)
        {
            return NotSqlite(file, e);
        }
    }

    /// <summary>
    /// Replaces the database <paramref name="databaseFile"/> with the backup <paramref name="backup"/>, or refuses to,
    /// touching nothing, for the reasons of <see cref="Refusal"/>. The backup is checked and copied in one read
    /// transaction on it, so what is copied is what was checked. The copy goes through the backup API into the live
    /// file, one transaction on it, so a restore that fails or is killed half-way leaves the database as it was. The
    /// caller holds <see cref="DatabaseFileLock.Exclusive"/>. Returns the restored file, checkpointed into one file.
    /// </summary>
    public static (BackupFile? Restored, string? Refusal) Restore(string backup, string databaseFile)
    {
        if (!File.Exists(backup))
        {
            return (null, $"{backup} does not exist.");
        }

        SqliteConnection source;
        try
        {
            source = Open(backup, SqliteOpenMode.ReadOnly);
        }
        catch (SqliteException e)
        {
            return (null, NotSqlite(backup, e));
        }

        using (source)
        using (var read = source.BeginTransaction(deferred: true))
        {
            string? refusal;
            try
            {
                refusal = Check(source, backup);
            }
            catch (SqliteException e)
            {
                refusal = NotSqlite(backup, e);
            }

            if (refusal is not null)
            {
                return (null, refusal);
            }

            SqliteDialect.Instance.PrepareStorage(databaseFile);
            using var target = Open(databaseFile, SqliteOpenMode.ReadWrite);
            // Out of WAL first: in WAL mode the backup API cannot change the page size, should the backup's differ;
            // back into WAL whatever happens, as a server expects its database.
            Execute(target, RollbackJournalSql);
            try
            {
                source.BackupDatabase(target);
            }
            finally
            {
                Execute(target, WalSql);
            }

            Execute(target, CheckpointSql);
        }

        var (bytes, sha256) = Hash(databaseFile);
        return (new BackupFile(databaseFile, bytes, sha256), null);
    }

    private static string? Check(SqliteConnection connection, string file)
    {
        using var check = connection.CreateCommand();
        check.CommandText = IntegrityCheckSql;
        var integrity = check.ExecuteScalar() as string;
        if (integrity != "ok")
        {
            return $"{file} is a damaged SQLite database (integrity_check: {integrity}).";
        }

        return SqliteSchema.Refusal(connection) is { } refusal
            ? $"{file} is a SQLite database, but not a backup this version of Compliance restores: {refusal}."
            : null;
    }

    private static string NotSqlite(string file, SqliteException e) => $"{file} is not a SQLite database ({e.Message}).";

    private static SqliteConnection Open(string file, SqliteOpenMode mode)
    {
        // Unpooled: the file is closed when the connection is, before it is moved, hashed or served.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static (long Bytes, string Sha256) Hash(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var hash = SHA256.HashData(stream);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }
}
