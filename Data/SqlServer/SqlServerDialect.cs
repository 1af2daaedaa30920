using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Text;
using Compliance.Data.Submissions;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Compliance.Data.SqlServer;

/// <summary>
/// SQL Server, for many nodes: the tables live in the schema <c>compliance</c> (Hangfire keeps its own), so each
/// shared statement is parsed once with ScriptDom and its unqualified table names are qualified; writers that read
/// before they write serialize on application locks (<c>sp_getapplock</c>) held by their transaction.
/// </summary>
public sealed class SqlServerDialect : Dialect
{
    /// <summary>The schema of the Compliance tables.</summary>
    public const string Schema = "compliance";

    private const string JournalStatement = """
        IF SCHEMA_ID(N'compliance') IS NULL EXEC(N'CREATE SCHEMA compliance');
        IF OBJECT_ID(N'compliance.schema_migrations', N'U') IS NULL
            CREATE TABLE compliance.schema_migrations (
                id         nvarchar(200) NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY,
                applied_at datetime2(3)  NOT NULL
            );
        """;

    private const string MigrationLockStatement = """
        DECLARE @result int;
        EXEC @result = sp_getapplock @Resource = N'compliance/migrations', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = @timeout;
        SELECT @result;
        """;

    private const string MigrationUnlockStatement = "EXEC sp_releaseapplock @Resource = N'compliance/migrations', @LockOwner = 'Session';";

    private const string LockStatement = """
        DECLARE @result int;
        EXEC @result = sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = @timeout;
        SELECT @result;
        """;

    /// <summary>How long a writer waits for another's lock before it fails (and its request or job is retried).</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

    private static readonly ConcurrentDictionary<string, string> Prepared = new(StringComparer.Ordinal);

    private SqlServerDialect()
        : base(typeof(SqlParameter))
    {
    }

    public static SqlServerDialect Instance { get; } = new();

    public override string Folder => "sqlserver";

    public override string Page => " OFFSET @Skip ROWS FETCH NEXT @Take ROWS ONLY";

    /// <summary><c>OUTPUT INSERTED.key</c> after the insert's column list.</summary>
    public override string Returning(string insert, string key = "id")
    {
        ArgumentNullException.ThrowIfNull(insert);
        var into = insert.IndexOf("INSERT INTO", StringComparison.Ordinal);
        var open = into < 0 ? -1 : insert.IndexOf('(', into);
        var close = open < 0 ? -1 : insert.IndexOf(')', open);
        if (close < 0)
        {
            throw new ArgumentException("The insert must name its columns.", nameof(insert));
        }

        return $"{insert[..(close + 1)]} OUTPUT INSERTED.{key}{insert[(close + 1)..]}";
    }

    public override string JournalSql => JournalStatement;

    /// <summary>Every statement of this dialect, as written here, for the checks that parse them.</summary>
    public static IReadOnlyList<string> Statements { get; } =
    [
        JournalStatement, MigrationLockStatement, MigrationUnlockStatement, LockStatement,
    ];

    /// <summary>The statement with every table it names in the schema <c>compliance</c>; parsed once, then cached.</summary>
    /// <exception cref="InvalidOperationException">The statement is not T-SQL.</exception>
    public override string Statement(string sql) => Prepared.GetOrAdd(sql, Qualify);

    /// <summary>Parses a statement as SQL Server 2022 does (quoted identifiers on, as SqlClient sets them).</summary>
    public static TSqlFragment Parse(string sql, out IList<ParseError> errors)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        return parser.Parse(reader, out errors);
    }

    internal override bool Shared => true;

    internal override (string ConnectionString, string DataSource) Configure(DatabaseOptions options, string contentRoot)
    {
        var server = new SqlConnectionStringBuilder(options.ConnectionString);
        return (server.ToString(), server.InitialCatalog);
    }

    private protected override DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);

    internal override void Bind(IDbDataParameter parameter, NodaTime.Instant value)
    {
        // To the millisecond, as SQLite's text keeps it: datetime2(3) would round a finer value instead.
        parameter.DbType = DbType.DateTime2;
        parameter.Value = NodaTime.Instant.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()).ToDateTimeUtc();
    }

    internal override void Bind(IDbDataParameter parameter, NodaTime.LocalDate value)
    {
        parameter.DbType = DbType.Date;
        parameter.Value = value.ToDateTimeUnspecified();
    }

    internal override Task InitializeAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// A command timeout (-2), a deadlock victim (1205), a lock timeout (1222), a database not available yet or failing
    /// over (4060, 40197, 40501, 40613, 49918–49920), a connection broken (233, 10053, 10054, 10060, 64), or an
    /// application lock not taken in time.
    /// </summary>
    public override bool IsTransient(Exception exception) => exception switch
    {
        SqlException sql => sql.Errors.Cast<SqlError>().Any(e => e.Number is -2 or 64 or 233 or 1205 or 1222 or 4060 or 10053 or 10054 or 10060
            or 40197 or 40501 or 40613 or 49918 or 49919 or 49920),
        TimeoutException => true,
        _ => false,
    };

    internal override bool IsUniqueViolation(DbException exception) => exception is SqlException { Number: 2627 or 2601 };

    internal override async Task LockAsync(DbConnection connection, DbTransaction transaction, string resource, CancellationToken ct)
    {
        var result = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            LockStatement, new { resource, timeout = (int)LockTimeout.TotalMilliseconds }, transaction,
            commandTimeout: (int)LockTimeout.TotalSeconds + 15, cancellationToken: ct));
        Check(result, resource, LockTimeout);
    }

    /// <summary>Nodes starting at once queue on a session lock; each applies what the one before it left.</summary>
    internal override async Task<T> WithMigrationLockAsync<T>(DbConnection connection, Func<Task<T>> migrate, CancellationToken ct)
    {
        var wait = TimeSpan.FromMinutes(5);
        var result = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            MigrationLockStatement, new { timeout = (int)wait.TotalMilliseconds }, commandTimeout: (int)wait.TotalSeconds + 15, cancellationToken: ct));
        Check(result, "compliance/migrations", wait);

        try
        {
            return await migrate();
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(MigrationUnlockStatement, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>The content is sent as the <c>varbinary(max)</c> parameter <c>@Content</c>, read from the stream as it goes.</summary>
    internal override async Task<long> InsertBlobAsync(DbConnection connection, DbTransaction transaction, Blob blob, object row, long bytes, Func<Stream> content, CancellationToken ct)
    {
        await using var source = content();
        var parameters = blob.Row(row);
        parameters.Add("Content", source, DbType.Binary, size: -1);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Statement(Returning(blob.Insert, blob.Key)), parameters, transaction, commandTimeout: 0, cancellationToken: ct));
    }

    /// <summary>The store's select, its one column read as a stream.</summary>
    internal override async Task CopyBlobAsync(DbConnection connection, Blob blob, long id, Stream destination, CancellationToken ct)
    {
        await using var reader = await connection.ExecuteReaderAsync(
            new CommandDefinition(Statement(blob.Read), new { id }, commandTimeout: 0, cancellationToken: ct), CommandBehavior.SequentialAccess);
        if (await reader.ReadAsync(ct) && !await reader.IsDBNullAsync(0, ct))
        {
            await using var stream = reader.GetStream(0);
            await stream.CopyToAsync(destination, 1 << 16, ct);
        }
    }

    internal override ILoanWriter OpenLoanWriter(DbConnection connection, DbTransaction transaction, long submissionId, Action first) =>
        new BulkLoanWriter((SqlConnection)connection, (SqlTransaction)transaction, submissionId, first);

    internal override Task CheckpointAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;

    /// <summary>sp_getapplock's result: 0 or 1 granted; -1 timed out, -2 cancelled, -3 chosen as a deadlock victim, -999 invalid.</summary>
    private static void Check(int result, string resource, TimeSpan wait)
    {
        if (result >= 0)
        {
            return;
        }

        throw new TimeoutException(result == -3
            ? $"The lock '{resource}' was refused to break a deadlock (sp_getapplock returned -3); retry."
            : $"Could not take the lock '{resource}' within {wait.TotalSeconds} s (sp_getapplock returned {result}).");
    }

    private static string Qualify(string sql)
    {
        var fragment = Parse(sql, out var errors);
        if (errors.Count > 0)
        {
            var error = errors[0];
            throw new InvalidOperationException($"Not T-SQL, at line {error.Line}, column {error.Column}: {error.Message}\n{sql}");
        }

        var names = new LocalNames();
        fragment.Accept(names);
        var tables = new UnqualifiedTables(names.Names);
        fragment.Accept(tables);
        var qualified = new StringBuilder(sql);
        foreach (var offset in tables.Offsets.Distinct().OrderDescending())
        {
            qualified.Insert(offset, Schema + ".");
        }

        return qualified.ToString();
    }

    /// <summary>Names a statement declares itself: common table expressions and aliases.</summary>
    private sealed class LocalNames : TSqlFragmentVisitor
    {
        public HashSet<string> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void ExplicitVisit(CommonTableExpression node)
        {
            Names.Add(node.ExpressionName.Value);
            base.ExplicitVisit(node);
        }

        public override void Visit(TableReferenceWithAlias node)
        {
            if (node.Alias is { } alias)
            {
                Names.Add(alias.Value);
            }

            base.Visit(node);
        }
    }

    /// <summary>Where each table named without a schema starts.</summary>
    private sealed class UnqualifiedTables(HashSet<string> local) : TSqlFragmentVisitor
    {
        public List<int> Offsets { get; } = [];

        public override void ExplicitVisit(NamedTableReference node)
        {
            var name = node.SchemaObject;
            if (name.SchemaIdentifier is null && name.DatabaseIdentifier is null && !local.Contains(name.BaseIdentifier.Value)
                && !name.BaseIdentifier.Value.StartsWith('#'))
            {
                Offsets.Add(name.StartOffset);
            }

            base.ExplicitVisit(node);
        }
    }
}
