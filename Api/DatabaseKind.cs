using Compliance.Data;
using Compliance.Data.Postgres;
using Compliance.Data.Sqlite;
using Compliance.Data.SqlServer;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;

namespace Compliance.Api;

/// <summary>
/// Everything that depends on the database product (<c>Compliance:Database:Provider</c>), in one entry per provider:
/// the <paramref name="Dialect"/> every statement and connection goes through; <paramref name="UseJobStorage"/>, where
/// Hangfire keeps its jobs (given the configured connection string and <c>Compliance:Jobs</c>); and <paramref name="BackupTools"/>, <c>null</c>
/// where the server backs the database up itself (a copy taken while it serves, <see cref="Db.BackupToAsync"/>, put
/// back by the <c>restore</c> verb), else the database's own tools, which the backup verbs and endpoint name instead.
/// <see cref="Of"/> is the one place that asks which provider is configured: a new database is a new entry here, a
/// dialect in Data and its migrations in <c>db/</c>.
/// </summary>
internal sealed record DatabaseKind(Dialect Dialect, Action<IGlobalConfiguration, string, Jobs.JobOptions> UseJobStorage, DatabaseKind.OwnBackupTools? BackupTools)
{
    /// <summary>The schema of Hangfire's tables on SQL Server and PostgreSQL, beside the schema <c>compliance</c>.</summary>
    public const string HangfireSchema = "hangfire";

    private static readonly Dictionary<DatabaseProvider, DatabaseKind> Kinds = new()
    {
        // The embedded default, one node: jobs in memory (the database, not Hangfire, is the source of truth, and
        // what is owed is enqueued again at start); SQLite's online backup API copies the file while it serves.
        [DatabaseProvider.Sqlite] = new(SqliteDialect.Instance, (jobs, _, _) => jobs.UseInMemoryStorage(), null),

        // Many nodes: Hangfire in the same database, schema hangfire, so workers on every node share it; the
        // database is backed up by the server it runs on.
        [DatabaseProvider.SqlServer] = new(SqlServerDialect.Instance, UseSqlServerStorage, new(
            Verbs: "The database is SQL Server: back it up with BACKUP DATABASE and restore it with RESTORE DATABASE (README, Backup and restore).",
            Endpoint: new(
                "本服务器运行于 SQL Server：请用 BACKUP DATABASE 备份数据库（其中含 compliance 和 hangfire 两个架构）；参见 README“Backup and restore”。",
                "This server runs on SQL Server: back the database up with BACKUP DATABASE (it holds the schemas compliance and hangfire); see README, Backup and restore."))),

        // Many nodes, as on SQL Server: Hangfire in the same database, schema hangfire; pg_dump and pg_restore back
        // the database up.
        [DatabaseProvider.Postgres] = new(PostgresDialect.Instance, UsePostgresStorage, new(
            Verbs: "The database is PostgreSQL: back it up with pg_dump and restore it with pg_restore (README, Backup and restore).",
            Endpoint: new(
                "本服务器运行于 PostgreSQL：请用 pg_dump 备份数据库（其中含 compliance 和 hangfire 两个架构），用 pg_restore 恢复；参见 README“Backup and restore”。",
                "This server runs on PostgreSQL: back the database up with pg_dump (it holds the schemas compliance and hangfire) and restore it with pg_restore; see README, Backup and restore."))),
    };

    /// <summary>The entry of a provider.</summary>
    public static DatabaseKind Of(DatabaseProvider provider) =>
        Kinds.TryGetValue(provider, out var kind) ? kind : throw new InvalidOperationException($"No database kind is registered for the provider {provider}.");

    private static void UseSqlServerStorage(IGlobalConfiguration jobs, string connectionString, Jobs.JobOptions options) =>
        jobs.UseSqlServerStorage(connectionString, new SqlServerStorageOptions
        {
            SchemaName = HangfireSchema,
            PrepareSchemaIfNecessary = true,
            CommandBatchMaxTimeout = TimeSpan.FromMinutes(5),
            SlidingInvisibilityTimeout = options.InvisibilityTimeout,
            QueuePollInterval = TimeSpan.Zero,
            UseRecommendedIsolationLevel = true,
            DisableGlobalLocks = true,
        });

    private static void UsePostgresStorage(IGlobalConfiguration jobs, string connectionString, Jobs.JobOptions options) =>
        jobs.UsePostgreSqlStorage(bootstrap => bootstrap.UseNpgsqlConnection(connectionString), new PostgreSqlStorageOptions
        {
            SchemaName = HangfireSchema,
            PrepareSchemaIfNecessary = true,
            // A worker renews its hold on the jobs it runs; those of a worker that died are taken again after this.
            InvisibilityTimeout = options.InvisibilityTimeout,
            UseSlidingInvisibilityTimeout = true,
            // Hangfire's locks here are rows, which outlive a worker killed while it held one (a job's state lock, taken
            // as it starts the job): another worker takes such a lock over after this, so the job it guards is not held
            // for longer than the job itself. Hangfire holds its locks for moments, never this long.
            DistributedLockTimeout = options.InvisibilityTimeout,
            // Workers hear of a new job at once (LISTEN/NOTIFY), and poll besides.
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromSeconds(5),
        });

    /// <summary>
    /// A database backed up with its own tools: why the <c>backup</c> and <c>restore</c> verbs refuse
    /// (<paramref name="Verbs"/>), and the detail of the 501 of <c>POST /api/v1/admin/backup</c> (<paramref name="Endpoint"/>).
    /// </summary>
    internal sealed record OwnBackupTools(string Verbs, Compliance.Engine.Rules.LocalizedText Endpoint);
}
