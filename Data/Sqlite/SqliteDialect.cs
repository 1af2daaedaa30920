using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
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
public sealed partial class SqliteDialect : Dialect
{
    private const string JournalStatement = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            id         TEXT NOT NULL PRIMARY KEY,
            applied_at TEXT NOT NULL
        );
        """;

    /// <summary>The length of a blob, of the row whose key is <c>@id</c>: {0} the table, {1} the column, {2} the key.</summary>
    private const string BlobLengthStatement = "SELECT length({1}) FROM {0} WHERE {2} = @id";

    private const string ConnectionPragmas = "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0;";

    private const string WalPragma = "PRAGMA journal_mode = WAL;";

    private const string CheckpointPragma = "PRAGMA wal_checkpoint(TRUNCATE);";

    private static readonly CompositeFormat BlobLength = CompositeFormat.Parse(BlobLengthStatement);

    private SqliteDialect()
        : base(typeof(SqliteParameter))
    {
    }

    public static SqliteDialect Instance { get; } = new();

    public override string Folder => "sqlite";

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

    /// <summary>
    /// Inserts a zero-filled blob of the right size (<c>@Content</c> becomes <c>zeroblob(@Bytes)</c>), then writes the
    /// content into it in place (no copy in memory).
    /// </summary>
    internal override async Task<long> InsertBlobAsync(DbConnection connection, DbTransaction transaction, Blob blob, object row, long bytes, Func<Stream> content, CancellationToken ct)
    {
        var parameters = blob.Row(row);
        parameters.Add("Bytes", bytes);
        var insert = Returning(ContentParameter().Replace(blob.Insert, "zeroblob(@Bytes)"), blob.Key);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(insert, parameters, transaction, cancellationToken: ct));
        if (bytes > 0)
        {
            // Synchronous on purpose: SQLite's blob I/O is synchronous, and its async wrappers would hop to the
            // thread pool for every chunk of a large body.
            using var target = new SqliteBlob((SqliteConnection)connection, blob.Table, blob.Column, id);
            using var source = content();
            source.CopyTo(target, 1 << 16);
        }

        return id;
    }

    /// <summary>Asks the blob's length (selecting the blob would read it whole into memory), then reads it in place.</summary>
    internal override async Task CopyBlobAsync(DbConnection connection, Blob blob, long id, Stream destination, CancellationToken ct)
    {
        var lengthSql = string.Format(CultureInfo.InvariantCulture, BlobLength, blob.Table, blob.Column, blob.Key);
        var length = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(lengthSql, new { id }, cancellationToken: ct));
        if (length is null or 0)
        {
            return;
        }

        await using var source = new SqliteBlob((SqliteConnection)connection, blob.Table, blob.Column, id, readOnly: true);
        await source.CopyToAsync(destination, 1 << 16, ct);
    }

    internal override ILoanWriter OpenLoanWriter(DbConnection connection, DbTransaction transaction, long submissionId, Action first) =>
        new SqliteLoanWriter((SqliteConnection)connection, submissionId, first);

    public override bool Checkpoints => true;

    internal override Task CheckpointAsync(DbConnection connection, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(CheckpointPragma, cancellationToken: ct));

    internal override BackupFile Backup(DbConnection source, string destination, bool overwrite) =>
        SqliteBackup.Copy((SqliteConnection)source, destination, overwrite);

    internal override IDisposable? Hold(string dataSource) => dataSource == ":memory:" ? null : DatabaseFileLock.Share(dataSource);

    [GeneratedRegex(@"@Content\b")]
    private static partial Regex ContentParameter();
}
