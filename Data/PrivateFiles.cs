namespace Compliance.Data;

/// <summary>
/// Files and folders that hold the product's data (the database and its companion files, spooled bodies, backups) are
/// created for the server's own user only: on Unix a file 0600 and a folder 0700, whatever the process's umask allows
/// beyond that. Windows has no modes: there a file takes its folder's access list. What exists already keeps its mode,
/// so an operator's own choice (a group that may read backups, say) is never undone.
/// </summary>
public static class PrivateFiles
{
    /// <summary><c>rw-------</c>.</summary>
    public const UnixFileMode FilePermissions = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary><c>rwx------</c>.</summary>
    public const UnixFileMode FolderPermissions = FilePermissions | UnixFileMode.UserExecute;

    /// <summary>Creates the folder, and any missing folder above it, for the server's user only; one that exists is left as it is.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // One level at a time, from the highest missing: given a mode, CreateDirectory applies it to the last folder only.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); folder is not null && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
        {
            missing.Push(folder);
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, FolderPermissions);
        }
    }

    /// <summary>
    /// Opens a file <see cref="FileMode.CreateNew"/> or <see cref="FileMode.OpenOrCreate"/>: created, it is for the
    /// server's user only.
    /// </summary>
    public static FileStream Open(string path, FileMode mode, FileAccess access, FileShare share, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        var settings = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            settings.UnixCreateMode = FilePermissions;
        }

        return new FileStream(path, settings);
    }

    /// <summary>
    /// Creates an empty file for the server's user only where there is none: a SQLite database file made before SQLite
    /// opens it, since SQLite gives its <c>-wal</c>, <c>-shm</c> and <c>-journal</c> files the database file's mode.
    /// </summary>
    public static void CreateEmpty(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            using var created = Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it at the same moment: it is there, which is all that was wanted.
        }
    }
}
