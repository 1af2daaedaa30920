namespace Compliance.Api.Backup;

/// <summary><c>Compliance:Backup</c>: where <c>POST /api/v1/admin/backup</c> may write.</summary>
public sealed class BackupOptions
{
    public const string Section = "Compliance:Backup";

    /// <summary>
    /// The folder backups taken over HTTP are written to, and the only one: a relative path is under the content
    /// root, as the database's is. Created by the first backup.
    /// </summary>
    public string Directory { get; set; } = "data/backups";

    /// <summary>The folder as an absolute path.</summary>
    public string FullPath(string contentRoot) => Path.GetFullPath(Directory, contentRoot);
}
