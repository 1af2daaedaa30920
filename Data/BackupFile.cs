namespace Compliance.Data;

/// <summary>A database file written by a backup or a restore: where, how large, and its SHA-256 (lowercase hex).</summary>
public sealed record BackupFile(string Path, long Bytes, string Sha256);
