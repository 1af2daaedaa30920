using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Compliance.Data.Submissions;
using NodaTime;

namespace Compliance.Data;

/// <summary>
/// What differs between the databases, and only that: connections and their set-up, paging, generated keys, locks,
/// how a blob is written and read, bulk loading of loans, checkpoints, the copy of a live database, and the schema's
/// location. A dialect holds no statement of a feature: each is written once, in SQL every database accepts, as a
/// constant of the store that issues it, and the dialect only adapts it (<see cref="Statement"/>, <see cref="Page"/>,
/// <see cref="Returning"/>, and a <see cref="Blob"/>'s insert and select). There is one dialect per provider, and the
/// provider setting is mapped to it in one place, the composition's entry per provider, which also says what lies
/// outside the Data layer (where jobs are kept, how the database is backed up).
/// </summary>
public abstract class Dialect
{
    // The dialect of every connection Db opened, and of every parameter type a dialect's provider makes: so code
    // that holds only a connection or a parameter reaches its dialect without asking what type it is.
    private static readonly ConditionalWeakTable<DbConnection, Dialect> Connections = new();
    private static readonly ConcurrentDictionary<Type, Dialect> Parameters = new();

    /// <param name="parameterType">The type of the parameters this dialect's provider makes.</param>
    private protected Dialect(Type parameterType) => Parameters[parameterType] = this;

    /// <summary>The folder of <c>db/</c> that holds this dialect's migrations.</summary>
    public abstract string Folder { get; }

    /// <summary>
    /// Appended to an ordered query: skips <c>@Skip</c> rows and takes <c>@Take</c> (<c>LIMIT … OFFSET …</c>, as SQLite and
    /// PostgreSQL write it).
    /// </summary>
    public virtual string Page => " LIMIT @Take OFFSET @Skip";

    /// <summary>
    /// The insert (which names its columns) rewritten so that it answers, itself, the key it generated: one row with
    /// <paramref name="key"/>, or none where it inserted nothing (<c>INSERT … SELECT … WHERE NOT EXISTS</c>). By default
    /// the insert's own <c>RETURNING</c> clause, as SQLite and PostgreSQL write it.
    /// </summary>
    public virtual string Returning(string insert, string key = "id")
    {
        ArgumentNullException.ThrowIfNull(insert);
        return $"{insert.TrimEnd().TrimEnd(';')} RETURNING {key}";
    }

    /// <summary>Creates the journal of applied migrations where it is missing.</summary>
    public abstract string JournalSql { get; }

    /// <summary>The statement as this database must receive it (the shared statements are written once).</summary>
    public abstract string Statement(string sql);

    /// <summary>The dialect of a connection <see cref="Db"/> opened.</summary>
    public static Dialect Of(DbConnection connection) =>
        Connections.TryGetValue(connection, out var dialect) ? dialect : throw new InvalidOperationException("Only a connection opened by Db has a dialect.");

    /// <summary>The dialect whose provider made a parameter.</summary>
    internal static Dialect Of(IDbDataParameter parameter) =>
        Parameters.TryGetValue(parameter.GetType(), out var dialect) ? dialect : throw new InvalidOperationException($"No dialect makes parameters of type {parameter.GetType().Name}.");

    /// <summary>Whether nodes other than this one write to the same database (cached totals then expire).</summary>
    internal abstract bool Shared { get; }

    /// <summary>The connection string as used, and the data source it names (a SQLite file, a SQL Server database).</summary>
    internal abstract (string ConnectionString, string DataSource) Configure(DatabaseOptions options, string contentRoot);

    /// <summary>Makes what the database needs before its first connection (SQLite: its folder and file, for the server's user only).</summary>
    internal virtual void PrepareStorage(string dataSource)
    {
    }

    /// <summary>A new, unopened connection, known as this dialect's.</summary>
    internal DbConnection NewConnection(string connectionString)
    {
        var connection = CreateConnection(connectionString);
        Connections.AddOrUpdate(connection, this);
        return connection;
    }

    /// <summary>A new, unopened connection.</summary>
    private protected abstract DbConnection CreateConnection(string connectionString);

    /// <summary>Prepares a command executed for many rows, where the database allows it untyped (SQLite).</summary>
    internal virtual void PrepareRepeated(DbCommand command)
    {
    }

    /// <summary>Binds an instant as this database stores it.</summary>
    internal abstract void Bind(IDbDataParameter parameter, Instant value);

    /// <summary>Binds a date as this database stores it.</summary>
    internal abstract void Bind(IDbDataParameter parameter, LocalDate value);

    /// <summary>Binds NULL as a value of <paramref name="type"/> (an instant or a date) as this database stores it.</summary>
    internal virtual void BindNull(IDbDataParameter parameter, Type type) => parameter.Value = DBNull.Value;

    /// <summary>Sets up a connection just opened.</summary>
    internal abstract Task InitializeAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// Whether the failure is the database being busy or out of reach for now (locked, a deadlock victim, a timeout, a
    /// lost connection): the same request may succeed if retried.
    /// </summary>
    public abstract bool IsTransient(Exception exception);

    /// <summary>Whether the failure is a violated unique or primary key.</summary>
    internal abstract bool IsUniqueViolation(DbException exception);

    /// <summary>
    /// Serializes writers that read before they write, on <paramref name="resource"/>, until the transaction ends.
    /// </summary>
    internal abstract Task LockAsync(DbConnection connection, DbTransaction transaction, string resource, CancellationToken ct);

    /// <summary>
    /// Runs <paramref name="migrate"/> holding the database's migration lock, so nodes starting at once apply each
    /// script once.
    /// </summary>
    internal abstract Task<T> WithMigrationLockAsync<T>(DbConnection connection, Func<Task<T>> migrate, CancellationToken ct);

    /// <summary>
    /// Inserts a row holding a blob read from <paramref name="content"/> (<paramref name="bytes"/> long), without
    /// holding it in memory, with <see cref="Blob.Insert"/> and the other values of <paramref name="row"/>; returns the
    /// row's <see cref="Blob.Key"/>.
    /// </summary>
    internal abstract Task<long> InsertBlobAsync(DbConnection connection, DbTransaction transaction, Blob blob, object row, long bytes, Func<Stream> content, CancellationToken ct);

    /// <summary>Copies the blob of the row whose key is <paramref name="id"/> to <paramref name="destination"/>; nothing where there is none.</summary>
    internal abstract Task CopyBlobAsync(DbConnection connection, Blob blob, long id, Stream destination, CancellationToken ct);

    /// <summary>
    /// A sink for a ledger's valid rows that writes them into <c>loans</c> inside the transaction, on a thread of
    /// its own that first runs <paramref name="first"/>; the caller leaves the connection to it until
    /// <see cref="ILoanWriter.Complete"/>.
    /// </summary>
    internal abstract ILoanWriter OpenLoanWriter(DbConnection connection, DbTransaction transaction, long submissionId, Action first);

    /// <summary>Whether the database wants <see cref="CheckpointAsync"/> run in the background (SQLite's write-ahead log).</summary>
    public virtual bool Checkpoints => false;

    /// <summary>Housekeeping after writes (SQLite copies its write-ahead log into the database file).</summary>
    internal abstract Task CheckpointAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// Copies the database open on <paramref name="source"/> to a file while it serves, consistent as of one commit
    /// (SQLite's online backup API); a database backed up with its own tools has none.
    /// </summary>
    internal virtual BackupFile Backup(DbConnection source, string destination, bool overwrite) =>
        throw new NotSupportedException("This database is backed up with its own tools, not by the server.");

    /// <summary>
    /// What a server holds on its storage for as long as it runs, so nothing replaces it meanwhile (SQLite: the
    /// file's <see cref="Sqlite.DatabaseFileLock"/>, shared); <c>null</c> where the database server sees to that.
    /// </summary>
    internal virtual IDisposable? Hold(string dataSource) => null;
}

/// <summary>
/// A blob column as the store that keeps it writes and reads it. <paramref name="Insert"/> inserts a row and names its
/// columns, the blob's value written <c>@Content</c>; <paramref name="Read"/> selects the blob alone, of the row whose
/// <paramref name="Key"/> is <c>@id</c>. <paramref name="Table"/>, <paramref name="Column"/> and <paramref name="Key"/>
/// (the table's integer primary key, SQLite's rowid) are for the databases that write and read a blob in place.
/// <paramref name="Encoding"/>, where given, is the column that says how the blob is stored (NULL: as received), which
/// <paramref name="Insert"/> writes as <c>@Encoding</c>: a database may then store the blob compressed.
/// </summary>
internal sealed record Blob(string Table, string Column, string Key, string Insert, string Read, string? Encoding = null)
{
    /// <summary>The row's values and, where the blob has an encoding column, how it is stored (<paramref name="encoding"/>).</summary>
    public Dapper.DynamicParameters Row(object row, string? encoding = null)
    {
        var parameters = new Dapper.DynamicParameters(row);
        if (Encoding is not null)
        {
            parameters.Add("Encoding", encoding);
        }

        return parameters;
    }
}
