namespace Compliance.Api;

/// <summary>The server's structured log messages; they carry ids and counts, never ledger rows or personal data.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Applied migrations {Migrations}")]
    public static partial void MigrationsApplied(this ILogger logger, string migrations);

    [LoggerMessage(2, LogLevel.Information, "Ledger {SubmissionId} of {Institution} for {Period} rejected with {ErrorCount} errors")]
    public static partial void LedgerRejected(this ILogger logger, long submissionId, string institution, string period, long errorCount);

    [LoggerMessage(3, LogLevel.Information, "Ledger {SubmissionId} of {Institution} for {Period} accepted as version {Version} with {Rows} rows")]
    public static partial void LedgerAccepted(this ILogger logger, long submissionId, string institution, string period, int? version, long rows);

    [LoggerMessage(5, LogLevel.Debug, "WAL checkpoint deferred: {Reason}")]
    public static partial void CheckpointFailed(this ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Information, "Evaluated {Evaluated} of {Submissions} submissions (the rest superseded), writing {Exceptions} exceptions")]
    public static partial void Evaluated(this ILogger logger, int submissions, int evaluated, int exceptions);

    [LoggerMessage(6, LogLevel.Information, "Recomputing {Snapshots} snapshots stored before the PBoC 口径 from their loans, {BatchSize} a transaction, in the background")]
    public static partial void RecomputingSnapshots(this ILogger logger, long snapshots, int batchSize);

    [LoggerMessage(7, LogLevel.Information, "Recomputed {Recomputed} of {Snapshots} snapshots; {Evaluations} evaluations queued again where the figures changed")]
    public static partial void SnapshotsRecomputed(this ILogger logger, long recomputed, long snapshots, int evaluations);

    [LoggerMessage(8, LogLevel.Warning, "Snapshot recomputation deferred: {Reason}; the batch is tried again shortly")]
    public static partial void RecomputationDeferred(this ILogger logger, string reason);

    [LoggerMessage(9, LogLevel.Error, "Snapshot recomputation stopped after {Recomputed} of {Snapshots} snapshots ({Reason}); it resumes at the next start")]
    public static partial void RecomputationStopped(this ILogger logger, long recomputed, long snapshots, string reason);

    [LoggerMessage(10, LogLevel.Warning, "Webhook delivery of reminder {ReminderId} for {Institution} refused: its host resolves to no address a webhook may reach (see Compliance:Webhooks:AllowedNetworks)")]
    public static partial void WebhookDestinationRefused(this ILogger logger, long reminderId, string institution);

    [LoggerMessage(20, LogLevel.Warning, "Database unavailable ({Exception}): {Reason}; answered 503")]
    public static partial void DatabaseUnavailable(this ILogger logger, string exception, string reason);

    [LoggerMessage(22, LogLevel.Error, "Ledger {SubmissionId} committed but its evaluation could not be queued ({Reason}); it stays pending and is queued at the next start")]
    public static partial void EvaluationNotQueued(this ILogger logger, long submissionId, string reason);

    [LoggerMessage(23, LogLevel.Warning, "Deleted {Files} spool file(s) ({Bytes} bytes) in {Directory} that no running request owned: uploads a stopped process left")]
    public static partial void SpoolCleaned(this ILogger logger, int files, long bytes, string directory);

    [LoggerMessage(24, LogLevel.Information, "Preview of rule set {RuleSet} from {From} to {To}: {InstitutionPeriods} institution-periods read, evaluating")]
    public static partial void PreviewEvaluating(this ILogger logger, string ruleSet, int institutionPeriods, string from, string to);

    [LoggerMessage(21, LogLevel.Error, "Audit row not written for {Method} {Path} → {Status} (key {KeyId}): {Reason}")]
    public static partial void AuditWriteFailed(this ILogger logger, string method, string path, int status, long? keyId, string reason);

    [LoggerMessage(25, LogLevel.Warning, "{RuleSet}: version {Version} by key {KeyId} kept; the built-in set's new version was not added over it")]
    public static partial void BuiltInSetKept(this ILogger logger, string ruleSet, int version, string keyId);
}
