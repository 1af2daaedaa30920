namespace Compliance.Api.Submissions;

/// <summary><c>Compliance:Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Compliance:Ingest";

    /// <summary>The largest ledger body accepted, in bytes; 1 GiB by default.</summary>
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Where bodies are spooled while they arrive: beside the database by default, never in a folder other users share;
    /// a relative path is under the content root, as the database's is. Created for the server's user only.
    /// </summary>
    public string SpoolDirectory { get; set; } = "data/spool";

    /// <summary>The spool folder as an absolute path.</summary>
    public string SpoolPath(string contentRoot) => Path.GetFullPath(SpoolDirectory, contentRoot);
}
