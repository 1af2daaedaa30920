namespace Compliance.Data.Sqlite;

/// <summary>
/// <c>&lt;database&gt;.lock</c>, beside a SQLite file: every server holds it shared for as long as it runs, and a
/// restore takes it exclusively, so a restore never replaces a database a server is serving, and no server starts on a
/// database being restored. It is an operating-system lock (<c>flock</c> on Linux and macOS, share modes on Windows),
/// so the system releases it when the process ends, however it ends: a server killed with <c>kill -9</c> leaves no
/// stale lock behind. The file itself is left in place; its content means nothing.
/// </summary>
public sealed class DatabaseFileLock : IDisposable
{
    private readonly FileStream _stream;

    private DatabaseFileLock(FileStream stream) => _stream = stream;

    /// <summary>The lock file of a database file.</summary>
    public static string PathOf(string databaseFile) => databaseFile + ".lock";

    /// <summary>
    /// Holds the lock shared, as a server does (other servers may hold it too); throws
    /// <see cref="DatabaseLockedException"/> while a restore holds it.
    /// </summary>
    public static DatabaseFileLock Share(string databaseFile) => Take(databaseFile, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
        $"{databaseFile} is being restored (a restore holds {PathOf(databaseFile)}); start the server once the restore has finished.");

    /// <summary>
    /// Holds the lock exclusively, as a restore does; throws <see cref="DatabaseLockedException"/> while a server (or
    /// another restore) holds it.
    /// </summary>
    public static DatabaseFileLock Exclusive(string databaseFile) => Take(databaseFile, FileAccess.ReadWrite, FileShare.None,
        $"A server is running on {databaseFile} (it holds {PathOf(databaseFile)}); stop every server on this database before restoring it.");

    public void Dispose() => _stream.Dispose();

    private static DatabaseFileLock Take(string databaseFile, FileAccess access, FileShare share, string refusal)
    {
        var path = PathOf(databaseFile);
        EnsureExists(path);
        try
        {
            return new DatabaseFileLock(new FileStream(path, FileMode.Open, access, share));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            // .NET reports the lock another process holds (EWOULDBLOCK from flock, a sharing violation on Windows) as
            // an IOException of its own kind.
            throw new DatabaseLockedException(refusal, e);
        }
    }

    private static void EnsureExists(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            // Creating takes no lock worth keeping: closed at once, and opened again above with the lock wanted. For the
            // server's user only: any user who may open it may also hold it, and keep servers or restores from starting.
            using var created = PrivateFiles.Open(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (IOException)
        {
            // Another process created it at the same moment (and may hold it): the open above decides.
        }
    }
}

/// <summary>The database file is locked by another process: a server (for a restore) or a restore (for a server).</summary>
public sealed class DatabaseLockedException : Exception
{
    public DatabaseLockedException()
    {
    }

    public DatabaseLockedException(string message)
        : base(message)
    {
    }

    public DatabaseLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
