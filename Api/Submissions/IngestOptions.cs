namespace Compliance.Api.Submissions;

/// <summary><c>Compliance:Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Compliance:Ingest";

    /// <summary>The largest ledger body accepted, in bytes; 1 GiB by default.</summary>
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>Where bodies are spooled while they arrive; the system's temporary folder by default.</summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>The spool folder in use: <see cref="SpoolDirectory"/>, or <c>compliance-spool</c> in the temporary folder.</summary>
    public string SpoolPath => SpoolDirectory ?? Path.Combine(Path.GetTempPath(), "compliance-spool");
}
