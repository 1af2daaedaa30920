using System.Data;
using System.Data.Common;
using Compliance.Data.Submissions;
using Compliance.Data.TypeHandlers;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Data.Sqlite;

/// <summary>
/// SQLite, the embedded default: one file, one node. Every transaction Microsoft.Data.Sqlite begins is
/// <c>BEGIN IMMEDIATE</c>, so writers are serialized by the database itself.
/// </summary>
public sealed class SqliteDialect : Dialect
{
    private const string JournalStatement = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            id         TEXT NOT NULL PRIMARY KEY,
            applied_at TEXT NOT NULL
        );
        """;

    private const string InsertSubmissionBodyStatement = "INSERT INTO submission_bodies (submission_id, body) VALUES (@id, zeroblob(@Bytes)); SELECT last_insert_rowid();";

    private const string InsertDeliverableStatement = """
        INSERT INTO deliverables (obligation, institution, year, media_type, bytes, sha256, received_at, content)
        VALUES (@Obligation, @Institution, @Year, @MediaType, @Bytes, @Sha256, @ReceivedAt, zeroblob(@Bytes));
        SELECT last_insert_rowid();
        """;

    private const string BodyLengthStatement = "SELECT length(body) FROM submission_bodies WHERE submission_id = @id";

    private const string ContentLengthStatement = "SELECT length(content) FROM deliverables WHERE id = @id";

    private const string ConnectionPragmas = "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0;";

    private const string WalPragma = "PRAGMA journal_mode = WAL;";

    private const string CheckpointPragma = "PRAGMA wal_checkpoint(TRUNCATE);";

    private SqliteDialect()
        : base(typeof(SqliteParameter))
    {
    }

    public static SqliteDialect Instance { get; } = new();

    public override string Folder => "sqlite";

    public override string Page => " LIMIT @Take OFFSET @Skip";

    public override string Returning(string insert, string key = "id")
    {
        ArgumentNullException.ThrowIfNull(insert);
        return $"{insert.TrimEnd().TrimEnd(';')} RETURNING {key}";
    }

    public override string JournalSql => JournalStatement;

    public override string Statement(string sql) => sql;

    internal override bool Shared => false;

    internal override (string ConnectionString, string DataSource) Configure(DatabaseOptions options, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = true };
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
        }

        builder.DefaultTimeout = Math.Max(1, options.BusyTimeoutSeconds);
        return (builder.ToString(), builder.DataSource);
    }

    /// <summary>
    /// The database's folder and file, made for the server's user only where they are missing (<see cref="PrivateFiles"/>):
    /// SQLite then gives the <c>-wal</c> and <c>-shm</c> files it creates the database file's mode.
    /// </summary>
    internal override void PrepareStorage(string dataSource)
    {
        if (dataSource == ":memory:")
        {
            return;
        }

        var directory = Path.GetDirectoryName(dataSource);
        if (!string.IsNullOrEmpty(directory))
        {
            PrivateFiles.CreateFolder(directory);
        }

        PrivateFiles.CreateEmpty(dataSource);
    }

    private protected override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);

    internal override void PrepareRepeated(DbCommand command) => command.Prepare();

    internal override void Bind(IDbDataParameter parameter, Instant value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = NodaTimeHandlers.Format(value);
    }

    internal override void Bind(IDbDataParameter parameter, LocalDate value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = LocalDatePattern.Iso.Format(value);
    }

    internal override async Task InitializeAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        // Checkpoints run in the background (CheckpointAsync), not in the commit of whichever request crosses the
        // threshold: a ledger's commit is durable once the WAL is synced.
        command.CommandText = ConnectionPragmas;
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>SQLITE_BUSY (5) or SQLITE_LOCKED (6): another connection or process holds the lock past the busy timeout.</summary>
    public override bool IsTransient(Exception exception) => exception is SqliteException { SqliteErrorCode: 5 or 6 };

    internal override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 1555 or 2067 };

    /// <summary>Nothing to take: the transaction began IMMEDIATE and holds the database's write lock already.</summary>
    internal override Task LockAsync(DbConnection connection, DbTransaction transaction, string resource, CancellationToken ct) => Task.CompletedTask;

    /// <summary>One node per file: the write-ahead log is switched on, and the journal's transactions serialize the rest.</summary>
    internal override async Task<T> WithMigrationLockAsync<T>(DbConnection connection, Func<Task<T>> migrate, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(WalPragma, cancellationToken: ct));
        return await migrate();
    }

    /// <summary>Inserts a zero-filled blob of the right size, then writes the content into it in place (no copy in memory).</summary>
    internal override async Task<long> InsertBlobAsync(DbConnection connection, DbTransaction transaction, BlobColumn column, object row, long bytes, Func<Stream> content, CancellationToken ct)
    {
        var (sql, _, table, name) = Target(column);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, row, transaction, cancellationToken: ct));
        if (bytes > 0)
        {
            // Synchronous on purpose: SQLite's blob I/O is synchronous, and its async wrappers would hop to the
            // thread pool for every chunk of a large body.
            using var blob = new SqliteBlob((SqliteConnection)connection, table, name, id);
            using var source = content();
            source.CopyTo(blob, 1 << 16);
        }

        return id;
    }

    internal override async Task CopyBlobAsync(DbConnection connection, BlobColumn column, long id, Stream destination, CancellationToken ct)
    {
        var (_, lengthSql, table, name) = Target(column);
        var length = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(lengthSql, new { id }, cancellationToken: ct));
        if (length is null or 0)
        {
            return;
        }

        await using var blob = new SqliteBlob((SqliteConnection)connection, table, name, id, readOnly: true);
        await blob.CopyToAsync(destination, 1 << 16, ct);
    }

    internal override ILoanWriter OpenLoanWriter(DbConnection connection, DbTransaction transaction, long submissionId, Action first) =>
        new SqliteLoanWriter((SqliteConnection)connection, submissionId, first);

    public override bool Checkpoints => true;

    internal override Task CheckpointAsync(DbConnection connection, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(CheckpointPragma, cancellationToken: ct));

    public override bool OnlineBackup => true;

    internal override BackupFile Backup(DbConnection source, string destination, bool overwrite) =>
        SqliteBackup.Copy((SqliteConnection)source, destination, overwrite);

    internal override IDisposable? Hold(string dataSource) => dataSource == ":memory:" ? null : DatabaseFileLock.Share(dataSource);

    private static (string Insert, string Length, string Table, string Column) Target(BlobColumn column) => column switch
    {
        BlobColumn.SubmissionBody => (InsertSubmissionBodyStatement, BodyLengthStatement, "submission_bodies", "body"),
        _ => (InsertDeliverableStatement, ContentLengthStatement, "deliverables", "content"),
    };
}
