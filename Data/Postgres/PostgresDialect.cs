using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using System.IO.Compression;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Compliance.Data.Submissions;
using Dapper;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Compliance.Data.Postgres;

/// <summary>
/// PostgreSQL 15 or later, for many nodes (and the dialect family of openGauss, KingbaseES, PolarDB and GaussDB): the
/// tables live in the schema <c>compliance</c> (Hangfire keeps its own, <c>hangfire</c>), which every connection
/// searches first, so shared statements name tables as written; writers that read before they write serialize on
/// advisory locks held by their transaction (<c>pg_advisory_xact_lock</c>), keyed by a stable 64-bit hash of the
/// same resource names the other databases lock.
/// </summary>
public sealed class PostgresDialect : Dialect
{
    /// <summary>The schema of the Compliance tables.</summary>
    public const string Schema = "compliance";

    private const string JournalStatement = """
        CREATE SCHEMA IF NOT EXISTS compliance;
        CREATE TABLE IF NOT EXISTS compliance.schema_migrations (
            id         varchar(200)   NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY,
            applied_at timestamptz(3) NOT NULL
        );
        """;

    /// <summary>A session lock, so that it outlives the migrations' own transactions; released after them.</summary>
    private const string MigrationLockStatement = "SELECT pg_advisory_lock(@key)";

    private const string MigrationUnlockStatement = "SELECT pg_advisory_unlock(@key)";

    /// <summary>
    /// A transaction lock, waited for at most <see cref="LockTimeout"/> (then 55P03, transient): the bound holds for
    /// this wait only, the session's own setting back after it.
    /// </summary>
    private const string LockStatement = """
        SELECT set_config('lock_timeout', @timeout, true);
        SELECT pg_advisory_xact_lock(@key);
        SET LOCAL lock_timeout TO DEFAULT;
        """;

    /// <summary>
    /// A blob stored compressed with Brotli (RFC 7932) at quality 1: a 128 MB ledger in some 0.6 s to a quarter of its
    /// size (zlib's fastest takes 0.7 s to 38 %, its default 2 s to a quarter).
    /// </summary>
    private const string Brotli = "br";

    /// <summary>How long a writer waits for another's lock before it fails (and its request or job is retried).</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a node starting waits for another to finish migrating.</summary>
    private static readonly TimeSpan MigrationWait = TimeSpan.FromMinutes(5);

    private PostgresDialect()
        : base(typeof(NpgsqlParameter))
    {
    }

    public static PostgresDialect Instance { get; } = new();

    public override string Folder => "postgres";

    public override string JournalSql => JournalStatement;

    /// <summary>As written: the connection's search path finds the tables in the schema <c>compliance</c>.</summary>
    public override string Statement(string sql) => sql;

    internal override bool Shared => true;

    /// <summary>
    /// The connection string with the schema <c>compliance</c> searched first (then <c>public</c>, where extensions
    /// live); the data source is the database's name.
    /// </summary>
    internal override (string ConnectionString, string DataSource) Configure(DatabaseOptions options, string contentRoot)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { SearchPath = $"{Schema}, public" };
        // A statement run once a row (a sweep's reminders, an evaluation's exceptions and events) is parsed and planned
        // once a connection, as SQLite prepares it, not once a row: where the connection string sets no Max Auto Prepare
        // of its own, Npgsql prepares each statement the second time a connection runs it, up to 64 of them.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return (builder.ToString(), builder.Database ?? builder.Username ?? "");
    }

    private protected override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

    internal override void Bind(IDbDataParameter parameter, Instant value)
    {
        // To the millisecond, as SQLite's text keeps it: timestamptz(3) would round a finer value instead.
        ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlDbType.TimestampTz;
        parameter.Value = Instant.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()).ToDateTimeUtc();
    }

    internal override void Bind(IDbDataParameter parameter, LocalDate value)
    {
        ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlDbType.Date;
        parameter.Value = value.ToDateOnly();
    }

    /// <summary>A NULL typed as the column it stands for: PostgreSQL infers no type for <c>@from IS NULL</c> alone.</summary>
    internal override void BindNull(IDbDataParameter parameter, Type type)
    {
        ((NpgsqlParameter)parameter).NpgsqlDbType = type == typeof(LocalDate) ? NpgsqlDbType.Date : NpgsqlDbType.TimestampTz;
        parameter.Value = DBNull.Value;
    }

    internal override Task InitializeAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// A serialization failure (40001), a deadlock (40P01), a lock not taken in time (55P03), a server shutting down,
    /// starting or out of connections (57P01–57P03, 53300), a connection failure (class 08), a command timeout, or any
    /// failure Npgsql itself calls transient (a broken connection, a socket error).
    /// </summary>
    public override bool IsTransient(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is TimeoutException or SocketException or IOException,
        TimeoutException => true,
        _ => false,
    };

    internal override bool IsUniqueViolation(DbException exception) => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    internal override async Task LockAsync(DbConnection connection, DbTransaction transaction, string resource, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            LockStatement,
            new { key = LockKey(resource), timeout = $"{(int)LockTimeout.TotalMilliseconds}ms" },
            transaction,
            commandTimeout: (int)LockTimeout.TotalSeconds + 15,
            cancellationToken: ct));
    }

    /// <summary>Nodes starting at once queue on a session lock; each applies what the one before it left.</summary>
    internal override async Task<T> WithMigrationLockAsync<T>(DbConnection connection, Func<Task<T>> migrate, CancellationToken ct)
    {
        var key = LockKey("migrations");
        await connection.ExecuteAsync(new CommandDefinition(
            MigrationLockStatement, new { key }, commandTimeout: (int)MigrationWait.TotalSeconds, cancellationToken: ct));
        try
        {
            return await migrate();
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(MigrationUnlockStatement, new { key }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>
    /// The advisory lock key of a resource: the first 8 bytes of the SHA-256 of <c>compliance/</c> and its name, the
    /// same on every node and every version, so that nodes lock the same resource with the same key.
    /// </summary>
    public static long LockKey(string resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(Schema + "/" + resource)));
    }

    /// <summary>
    /// The content is sent as the <c>bytea</c> parameter <c>@Content</c>, read from the stream as it goes: Npgsql takes
    /// the length from the stream itself, and a size given on the parameter would make it copy the stream into memory
    /// first (twice the body, on the large-object heap).
    /// </summary>
    /// <summary>
    /// The content is sent as the <c>bytea</c> parameter <c>@Content</c>, read from the stream as it goes. A blob with an
    /// encoding column (a ledger's body) is first compressed (<see cref="Brotli"/>) into a file of the server's user
    /// alone, beside the spooled original where it is one, deleted once sent: PostgreSQL stores a quarter of it.
    /// </summary>
    internal override async Task<long> InsertBlobAsync(DbConnection connection, DbTransaction transaction, Blob blob, object row, long bytes, Func<Stream> content, CancellationToken ct)
    {
        await using var source = content();
        await using var compressed = blob.Encoding is null ? null : await CompressAsync(source, ct);
        var parameters = blob.Row(row, compressed is null ? null : Brotli);
        parameters.Add("Content", compressed ?? source, DbType.Binary);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Returning(blob.Insert, blob.Key), parameters, transaction, commandTimeout: 0, cancellationToken: ct));
    }

    /// <summary>The store's select, its one column read as a stream, decompressed where it was stored compressed.</summary>
    internal override async Task CopyBlobAsync(DbConnection connection, Blob blob, long id, Stream destination, CancellationToken ct)
    {
        var encoding = blob.Encoding is null ? null : await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"SELECT {blob.Encoding} FROM {blob.Table} WHERE {blob.Key} = @id", new { id }, cancellationToken: ct));
        await using var reader = await connection.ExecuteReaderAsync(
            new CommandDefinition(blob.Read, new { id }, commandTimeout: 0, cancellationToken: ct), CommandBehavior.SequentialAccess);
        if (await reader.ReadAsync(ct) && !await reader.IsDBNullAsync(0, ct))
        {
            await using var stream = reader.GetStream(0);
            await using var stored = encoding == Brotli ? new BrotliStream(stream, CompressionMode.Decompress) : stream;
            await stored.CopyToAsync(destination, 1 << 16, ct);
        }
    }

    /// <summary>
    /// A compressed copy of <paramref name="source"/>, from where it stands, in a file deleted when closed: beside it where
    /// it is a file (the spool's private folder, whose leftovers a start clears), otherwise in a private folder of the
    /// system's temporary files.
    /// </summary>
    private static async Task<FileStream> CompressAsync(Stream source, CancellationToken ct)
    {
        var folder = source is FileStream file ? Path.GetDirectoryName(file.Name)! : Path.Combine(Path.GetTempPath(), "compliance-blobs");
        PrivateFiles.CreateFolder(folder);
        var copy = PrivateFiles.Open(Path.Combine(folder, $"ledger-{Guid.NewGuid():N}-br.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose);
        try
        {
            await using (var brotli = new BrotliStream(copy, new BrotliCompressionOptions { Quality = 1 }, leaveOpen: true))
            {
                await source.CopyToAsync(brotli, 1 << 16, ct);
            }

            copy.Position = 0;
            return copy;
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
    }

    internal override ILoanWriter OpenLoanWriter(DbConnection connection, DbTransaction transaction, long submissionId, Action first) =>
        new CopyLoanWriter((NpgsqlConnection)connection, submissionId, first);

    internal override Task CheckpointAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;
}
