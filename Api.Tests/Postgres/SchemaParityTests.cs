using Compliance.Api.Tests.Support;
using Compliance.Data;
using FluentAssertions.Execution;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using NodaTime;
using NodaTime.Testing;
using Npgsql;

namespace Compliance.Api.Tests.Postgres;

/// <summary>
/// The three dialects' migrations build one schema: the same tables; the same columns, nullability and types (through
/// the fixed mapping of <see cref="Kind"/>); the same primary, unique and foreign keys; the same indexes by table and
/// ordered columns. SQLite's is read from a database its migrations built, SQL Server's from the syntax trees of its
/// scripts (no SQL Server runs here), PostgreSQL's from a database its migrations built where
/// <c>COMPLIANCE_TEST_POSTGRES</c> names a server (else its comparisons are skipped, with the reason).
/// </summary>
public sealed class SchemaParityTests
{
    /// <summary>The one index SQLite has no twin of: it keeps loans in rowid order, the others read them by this index.</summary>
    private const string LoansOrder = "loans (submission_id, line)";

    private string _sqlitePath = null!;
    private Schema _sqlite = null!;
    private Schema _sqlServer = null!;
    private Schema? _postgres;
    private string? _postgresDatabase;

    [OneTimeSetUp]
    public async Task BuildSchemas()
    {
        _sqlitePath = Path.Combine(Path.GetTempPath(), $"compliance-parity-{Guid.NewGuid():N}.db");
        var clock = new FakeClock(Instant.FromUtc(2023, 1, 1, 0, 0));
        var db = new Db(Data.Sqlite.SqliteDialect.Instance, new DatabaseOptions { ConnectionString = $"Data Source={_sqlitePath}" }, Path.GetTempPath(), clock);
        await new Migrations(db, clock).ApplyAsync(CancellationToken.None);
        _sqlite = await ReadSqliteAsync(_sqlitePath);

        var tsql = new TSqlSchema();
        foreach (var (_, script) in Migrations.Scripts(Data.SqlServer.SqlServerDialect.Instance))
        {
            Data.SqlServer.SqlServerDialect.Parse(script, out _).Accept(tsql);
        }

        _sqlServer = tsql.Schema;

        if (PostgresDatabases.Server is not null)
        {
            _postgresDatabase = $"compliance_parity_{Guid.NewGuid():N}";
            _postgres = await ReadPostgresAsync(PostgresDatabases.Create(_postgresDatabase));
        }
    }

    [OneTimeTearDown]
    public void DeleteDatabases()
    {
        TestDatabases.DeleteSqliteFile(_sqlitePath);
        if (_postgresDatabase is not null)
        {
            PostgresDatabases.Drop(_postgresDatabase);
        }
    }

    [Test]
    public void Tables_AreTheSameInEveryDialect() => Compare(s => s.Columns.Select(c => c.Table).ToHashSet(), "tables");

    [Test]
    public void Columns_HaveTheSameNamesNullabilityAndTypes()
    {
        using var scope = new AssertionScope();
        _sqlite.Columns.Should().NotBeEmpty();
        // SQLite declares INTEGER, TEXT or BLOB: each of the others' kinds is compared with the one SQLite stores it as.
        Family(_sqlServer.Columns).Should().BeEquivalentTo(Family(_sqlite.Columns), "SQL Server's columns are SQLite's, as nullable, of the storage class SQLite keeps");
        if (_postgres is not null)
        {
            Family(_postgres.Columns).Should().BeEquivalentTo(Family(_sqlite.Columns), "PostgreSQL's columns are SQLite's, as nullable, of the storage class SQLite keeps");
            _postgres.Columns.Select(c => c.ToString()).Should().BeEquivalentTo(_sqlServer.Columns.Select(c => c.ToString()), "PostgreSQL's columns are SQL Server's, of the same kinds");
        }
        else
        {
            IgnorePostgres();
        }
    }

    [Test]
    public void PrimaryAndUniqueKeys_AreTheSame() => Compare(s => s.Keys, "primary and unique keys");

    [Test]
    public void ForeignKeys_AreTheSame() => Compare(s => s.ForeignKeys, "foreign keys");

    [Test]
    public void Indexes_AreTheSameByTableAndOrderedColumns()
    {
        using var scope = new AssertionScope();
        _sqlite.Indexes.Should().NotBeEmpty();
        _sqlServer.Indexes.Should().BeEquivalentTo(_sqlite.Indexes.Append(LoansOrder), "SQL Server has SQLite's indexes, and one that orders loans");
        if (_postgres is not null)
        {
            _postgres.Indexes.Should().BeEquivalentTo(_sqlServer.Indexes, "PostgreSQL has SQL Server's indexes");
        }
        else
        {
            IgnorePostgres();
        }
    }

    /// <summary>The portable kind of a column's declared type: the mapping between the dialects.</summary>
    private static string Kind(string declared)
    {
        var type = declared.ToLowerInvariant();
        var paren = type.IndexOf('(', StringComparison.Ordinal);
        type = (paren < 0 ? type : type[..paren]).Trim();
        return type switch
        {
            "bigint" => "int64",
            "int" or "integer" => "int32",
            "bit" or "boolean" => "bool",
            "nvarchar" or "nchar" or "varchar" or "character varying" or "text" => "text",
            "datetime2" or "timestamp with time zone" or "timestamptz" => "instant",
            "date" => "date",
            "varbinary" or "bytea" => "bytes",
            _ => throw new InvalidOperationException($"No kind is mapped for the type {declared}."),
        };
    }

    /// <summary>The storage class SQLite keeps a kind in (its own columns are declared with it).</summary>
    private static string StorageClass(string kind) => kind switch
    {
        "int64" or "int32" or "bool" or "INTEGER" => "INTEGER",
        "text" or "instant" or "date" or "TEXT" => "TEXT",
        "bytes" or "BLOB" => "BLOB",
        _ => throw new InvalidOperationException($"No storage class for {kind}."),
    };

    private static List<string> Family(IEnumerable<Column> columns) =>
        [.. columns.Select(c => (c with { Kind = StorageClass(c.Kind) }).ToString())];

    private void Compare(Func<Schema, IReadOnlySet<string>> part, string what)
    {
        using var scope = new AssertionScope();
        part(_sqlite).Should().NotBeEmpty();
        part(_sqlServer).Should().BeEquivalentTo(part(_sqlite), $"SQL Server's {what} are SQLite's");
        if (_postgres is not null)
        {
            part(_postgres).Should().BeEquivalentTo(part(_sqlite), $"PostgreSQL's {what} are SQLite's");
        }
        else
        {
            IgnorePostgres();
        }
    }

    private static void IgnorePostgres() =>
        Assert.Ignore($"{PostgresDatabases.Variable} is not set: SQLite and SQL Server were compared; PostgreSQL's schema needs a server to build it on.");

    private static string Key(string table, string kind, IEnumerable<string> columns, bool partial = false) =>
        $"{table} {kind} ({string.Join(", ", columns)}){(partial ? " partial" : "")}";

    private static string ForeignKey(string table, IEnumerable<string> columns, string referenced, IEnumerable<string> referencedColumns) =>
        $"{table} ({string.Join(", ", columns)}) -> {referenced} ({string.Join(", ", referencedColumns)})";

    private static string IndexOf(string table, IEnumerable<string> columns) => $"{table} ({string.Join(", ", columns)})";

    private static async Task<Schema> ReadSqliteAsync(string path)
    {
        var schema = new Schema();
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = await SqliteRows.ReadAsync(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'", r => r.GetString(0));
        var primaryKeys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var columns = await SqliteRows.ReadAsync(connection, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(@name)",
                r => (Name: r.GetString(0), Type: r.GetString(1), NotNull: r.GetInt64(2) == 1, Pk: r.GetInt64(3)), table);
            foreach (var column in columns)
            {
                schema.Columns.Add(new Column(table, column.Name, !(column.NotNull || column.Pk > 0), column.Type.ToUpperInvariant()));
            }

            List<string> primaryKey = [.. columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name)];
            primaryKeys[table] = primaryKey;
            if (primaryKey.Count > 0)
            {
                schema.Keys.Add(Key(table, "primary", primaryKey));
            }

            var indexes = await SqliteRows.ReadAsync(connection, "SELECT name, \"unique\", origin, \"partial\" FROM pragma_index_list(@name)",
                r => (Name: r.GetString(0), Unique: r.GetInt64(1) == 1, Origin: r.GetString(2), Partial: r.GetInt64(3) == 1), table);
            foreach (var index in indexes.Where(i => i.Origin != "pk"))
            {
                var indexed = await SqliteRows.ReadAsync(connection, "SELECT name FROM pragma_index_info(@name) ORDER BY seqno", r => r.GetString(0), index.Name);
                if (index.Unique)
                {
                    schema.Keys.Add(Key(table, "unique", indexed, index.Partial));
                }

                if (index.Origin == "c")
                {
                    schema.Indexes.Add(IndexOf(table, indexed));
                }
            }
        }

        foreach (var table in tables)
        {
            var references = await SqliteRows.ReadAsync(connection, "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(@name) ORDER BY id, seq",
                r => (Id: r.GetInt64(0), Table: r.GetString(2), From: r.GetString(3), To: r.IsDBNull(4) ? null : r.GetString(4)), table);
            foreach (var reference in references.GroupBy(r => r.Id))
            {
                var referenced = reference.First().Table;
                var to = reference.Any(r => r.To is null) ? primaryKeys[referenced] : [.. reference.Select(r => r.To!)];
                schema.ForeignKeys.Add(ForeignKey(table, reference.Select(r => r.From), referenced, to));
            }
        }

        return schema;
    }

    private const string PostgresColumnsSql = """
        SELECT c.table_name, c.column_name, c.is_nullable = 'YES', c.data_type
        FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'compliance' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'schema_migrations'
        """;

    // Every index of the schema's tables: its table, whether unique, primary, partial, backing a constraint, and its columns in order.
    private const string PostgresIndexesSql = """
        SELECT t.relname, ix.indisunique, ix.indisprimary, ix.indpred IS NOT NULL,
               EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid),
               ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)
        FROM pg_index ix
        JOIN pg_class t ON t.oid = ix.indrelid
        JOIN pg_namespace s ON s.oid = t.relnamespace
        WHERE s.nspname = 'compliance' AND t.relname <> 'schema_migrations'
        """;

    private const string PostgresForeignKeysSql = """
        SELECT t.relname,
               ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n),
               r.relname,
               ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n)
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_class r ON r.oid = c.confrelid
        JOIN pg_namespace s ON s.oid = t.relnamespace
        WHERE c.contype = 'f' AND s.nspname = 'compliance'
        """;

    private static async Task<Schema> ReadPostgresAsync(string connectionString)
    {
        var schema = new Schema();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand(PostgresColumnsSql, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                schema.Columns.Add(new Column(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), Kind(reader.GetString(3))));
            }
        }

        await using (var command = new NpgsqlCommand(PostgresIndexesSql, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (table, unique, primary, partial, constraint, columns) =
                    (reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetFieldValue<string[]>(5));
                if (primary)
                {
                    schema.Keys.Add(Key(table, "primary", columns));
                }
                else if (unique)
                {
                    schema.Keys.Add(Key(table, "unique", columns, partial));
                }

                if (!constraint)
                {
                    schema.Indexes.Add(IndexOf(table, columns));
                }
            }
        }

        await using (var command = new NpgsqlCommand(PostgresForeignKeysSql, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                schema.ForeignKeys.Add(ForeignKey(reader.GetString(0), reader.GetFieldValue<string[]>(1), reader.GetString(2), reader.GetFieldValue<string[]>(3)));
            }
        }

        return schema;
    }

    /// <summary>A column: its table, name, whether it takes NULL, and its kind (SQLite's: its declared storage class).</summary>
    private sealed record Column(string Table, string Name, bool Nullable, string Kind)
    {
        public override string ToString() => $"{Table}.{Name} {Kind}{(Nullable ? " NULL" : " NOT NULL")}";
    }

    /// <summary>A schema as the comparisons read it.</summary>
    private sealed class Schema
    {
        public List<Column> Columns { get; } = [];

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public HashSet<string> ForeignKeys { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Indexes { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>What the SQL Server migrations create, read from their syntax trees.</summary>
    private sealed class TSqlSchema : TSqlFragmentVisitor
    {
        private readonly Dictionary<string, List<string>> _primaryKeys = new(StringComparer.Ordinal);

        public Schema Schema { get; } = new();

        public override void Visit(CreateTableStatement node)
        {
            var table = node.SchemaObjectName.BaseIdentifier.Value;
            AddColumns(table, node.Definition.ColumnDefinitions);
            foreach (var constraint in node.Definition.TableConstraints)
            {
                AddConstraint(table, constraint, null);
            }

            base.Visit(node);
        }

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            var table = node.SchemaObjectName.BaseIdentifier.Value;
            AddColumns(table, node.Definition.ColumnDefinitions);
            foreach (var constraint in node.Definition.TableConstraints)
            {
                AddConstraint(table, constraint, null);
            }

            base.Visit(node);
        }

        public override void Visit(AlterTableDropTableElementStatement node)
        {
            var table = node.SchemaObjectName.BaseIdentifier.Value;
            foreach (var element in node.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column))
            {
                Schema.Columns.RemoveAll(c => c.Table == table && c.Name == element.Name.Value);
            }

            base.Visit(node);
        }

        public override void Visit(CreateIndexStatement node)
        {
            var table = node.OnName.BaseIdentifier.Value;
            var columns = node.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value).ToList();
            Schema.Indexes.Add(IndexOf(table, columns));
            if (node.Unique)
            {
                Schema.Keys.Add(Key(table, "unique", columns, node.FilterPredicate is not null));
            }

            base.Visit(node);
        }

        private void AddColumns(string table, IEnumerable<ColumnDefinition> columns)
        {
            foreach (var column in columns)
            {
                var name = column.ColumnIdentifier.Value;
                var notNull = column.Constraints.OfType<NullableConstraintDefinition>().Any(c => !c.Nullable)
                    || column.Constraints.OfType<UniqueConstraintDefinition>().Any(c => c.IsPrimaryKey);
                var type = column.DataType.Name.BaseIdentifier.Value;
                Schema.Columns.Add(new Column(table, name, !notNull, Kind(type)));
                foreach (var constraint in column.Constraints)
                {
                    AddConstraint(table, constraint, name);
                }
            }
        }

        private void AddConstraint(string table, ConstraintDefinition constraint, string? column)
        {
            switch (constraint)
            {
                case UniqueConstraintDefinition unique:
                    List<string> columns = column is null ? [.. unique.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value)] : [column];
                    if (unique.IsPrimaryKey)
                    {
                        _primaryKeys[table] = columns;
                        Schema.Keys.Add(Key(table, "primary", columns));
                        foreach (var i in Enumerable.Range(0, Schema.Columns.Count).Where(i => Schema.Columns[i].Table == table && columns.Contains(Schema.Columns[i].Name)))
                        {
                            Schema.Columns[i] = Schema.Columns[i] with { Nullable = false };
                        }
                    }
                    else
                    {
                        Schema.Keys.Add(Key(table, "unique", columns));
                    }

                    break;
                case ForeignKeyConstraintDefinition foreign:
                    var from = foreign.Columns.Count > 0 ? foreign.Columns.Select(c => c.Value).ToList() : [column!];
                    var referenced = foreign.ReferenceTableName.BaseIdentifier.Value;
                    var to = foreign.ReferencedTableColumns.Count > 0 ? foreign.ReferencedTableColumns.Select(c => c.Value).ToList() : _primaryKeys[referenced];
                    Schema.ForeignKeys.Add(ForeignKey(table, from, referenced, to));
                    break;
            }
        }
    }
}
