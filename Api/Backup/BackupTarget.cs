using Compliance.Api.Http;

namespace Compliance.Api.Backup;

/// <summary>
/// Where a backup may be written, checked the same way for the command line and the endpoint: a file (not a folder)
/// in a folder that exists, under a name the file system takes, never the live database or one of its companion files
/// under any spelling (relative, <c>./</c>, <c>..</c>, through a symbolic link), and, over HTTP, inside the backup
/// folder. And what a restore reads must not be the live database, under any name, hard links included.
/// </summary>
internal static class BackupTarget
{
    private static readonly string[] Companions = ["", "-wal", "-shm", "-journal", ".lock"];

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>A destination that passed the checks: its path with every link resolved, and whether a file is there.</summary>
    public sealed record Checked(string Path, bool Exists);

    /// <summary>
    /// Checks <paramref name="path"/>, relative to <paramref name="baseDirectory"/>: the destination, or why it is
    /// refused. With <paramref name="confinedTo"/>, a destination outside that folder is refused.
    /// </summary>
    public static (Checked? Target, string? Refusal) Check(string path, string baseDirectory, string liveDatabase, string? confinedTo = null)
    {
        string full;
        string canonical;
        try
        {
            full = Path.GetFullPath(path, baseDirectory);
            if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(full))
            {
                return (null, Languages.Say($"{path} 是文件夹；请指明其中的备份文件名。", $"{path} is a folder; name the backup file in it."));
            }

            var folder = Path.GetDirectoryName(full)!;
            if (!Directory.Exists(folder))
            {
                return (null, Languages.Say($"文件夹 {folder} 不存在；请先创建，或指定已存在文件夹中的文件。", $"The folder {folder} does not exist; create it first, or name a file in a folder that exists."));
            }

            canonical = Canonical(full);
            if (confinedTo is not null && !IsInside(canonical, Canonical(confinedTo)))
            {
                return (null, Languages.Say($"{path} 不在备份文件夹 {confinedTo}（Compliance:Backup:Directory）内；服务器只在该文件夹中写入备份。", $"{path} is outside the backup folder {confinedTo} (Compliance:Backup:Directory); the server writes backups only there."));
            }

            Probe(canonical);
            var live = Canonical(liveDatabase);
            if (Companions.Any(suffix => string.Equals(canonical, live + suffix, PathComparison)))
            {
                return (null, Languages.Say($"{path} 是正在使用的数据库 {liveDatabase}（或其附属文件）；备份须为另一个文件。", $"{path} is the live database {liveDatabase} (or one of its companion files); a backup must be another file."));
            }
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            return (null, Languages.Say($"{path} 不是可用的文件路径（{e.Message}）。", $"{path} is not a usable file path ({e.Message})."));
        }

        return (new Checked(canonical, File.Exists(canonical)), null);
    }

    /// <summary>Whether two paths name the same file once every symbolic link is resolved.</summary>
    public static bool SameFile(string a, string b) => string.Equals(Canonical(Path.GetFullPath(a)), Canonical(Path.GetFullPath(b)), PathComparison);

    /// <summary>
    /// Whether two existing files are one, under two names that no comparison of paths tells apart: hard links. .NET
    /// reads no inode, and a <c>stat</c> structure read through the C library is laid out differently by each system
    /// and processor, so the file system answers instead. <paramref name="held"/> is opened with an exclusive lock
    /// (<c>flock</c> on Linux and macOS, no sharing on Windows), which the system keeps on the file itself (its inode),
    /// not on the name it was opened by: <paramref name="other"/> then cannot be opened under a shared lock if it is
    /// the same file. Throws <see cref="IOException"/> while another process holds either file locked. Call it where
    /// nothing else uses <paramref name="held"/> (a restore, holding the database's lock file).
    /// </summary>
    public static bool IsOneFile(string held, string other)
    {
        // Opened alone first: a lock another process holds on it would otherwise pass for the one taken below.
        using (OpenShared(other))
        {
        }

        using var exclusive = new FileStream(held, FileMode.Open, FileAccess.Read, FileShare.None);
        try
        {
            using var shared = OpenShared(other);
            return false;
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            return true;
        }
    }

    private static FileStream OpenShared(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>The absolute path with every symbolic link along it resolved, the last component included when it is one.</summary>
    private static string Canonical(string fullPath, int depth = 0)
    {
        if (depth > 40)
        {
            throw new IOException("Too many levels of symbolic links.");
        }

        var root = Path.GetPathRoot(fullPath)!;
        var current = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                next = Canonical(Path.GetFullPath(target.FullName), depth + 1);
            }

            current = next;
        }

        return current;
    }

    private static bool IsInside(string path, string folder)
    {
        var prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, PathComparison);
    }

    /// <summary>
    /// Asks the file system for the file, so that a name it cannot take (longer than its limit, 255 bytes on most)
    /// throws here, where it is refused naming the path, rather than once the copy is made: only a missing file is
    /// quiet.
    /// </summary>
    private static void Probe(string path)
    {
        try
        {
            File.GetAttributes(path);
        }
        catch (FileNotFoundException)
        {
            // A name the file system takes, for a file that is not there yet.
        }
    }
}
