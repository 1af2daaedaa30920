using Compliance.Data;
using FluentAssertions.Execution;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using NodaTime;
using NodaTime.Testing;

using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.SqlServer;

/// <summary>
/// The SQL Server migrations, which no SQL Server on this machine can run (DESIGN.md, Storage): parsed by Microsoft's
/// T-SQL parser, and compared with the schema the SQLite migrations actually build.
/// </summary>
public sealed class SqlServerScriptTests
{
    private const string Schema = "compliance";

    private string _sqlitePath = null!;
    private SqliteSchema _sqlite = null!;
    private TSqlSchema _sqlServer = null!;

    [OneTimeSetUp]
    public async Task BuildSchemas()
    {
        _sqlitePath = Path.Combine(Path.GetTempPath(), $"compliance-sqlserver-parity-{Guid.NewGuid():N}.db");
        var clock = new FakeClock(Instant.FromUtc(2023, 1, 1, 0, 0));
        var db = new Db(Data.Sqlite.SqliteDialect.Instance, new DatabaseOptions { ConnectionString = $"Data Source={_sqlitePath}" }, Path.GetTempPath(), clock);
        await new Migrations(db, clock).ApplyAsync(CancellationToken.None);
        _sqlite = await SqliteSchema.ReadAsync(_sqlitePath);

        var collector = new TSqlSchema();
        foreach (var file in ScriptFiles())
        {
            Parse(file, out _).Accept(collector);
        }

        _sqlServer = collector;
    }

    [OneTimeTearDown]
    public void DeleteSqliteFile()
    {
        Support.TestDatabases.DeleteSqliteFile(_sqlitePath);
    }

    [Test]
    public void Scripts_ParsedAsTSql160_HaveNoErrors()
    {
        var files = ScriptFiles();

        var errors = new List<string>();
        foreach (var file in files)
        {
            Parse(file, out var found);
            errors.AddRange(found.Select(e => $"{Path.GetFileName(file)}, line {e.Line}, column {e.Column}: {e.Message}"));
        }

        using (new AssertionScope())
        {
            files.Should().NotBeEmpty("db/sqlserver/ holds the SQL Server migrations");
            errors.Should().BeEmpty("every SQL Server migration must be valid T-SQL");
        }
    }

    [Test]
    public void Tables_InBothDialects_HaveTheSameColumns()
    {
        var sqlite = _sqlite.Columns.ToDictionary(t => t.Key, t => t.Value.Order(StringComparer.Ordinal).ToList());

        var sqlServer = _sqlServer.Columns.ToDictionary(t => t.Key, t => t.Value.Order(StringComparer.Ordinal).ToList());

        using (new AssertionScope())
        {
            sqlServer.Keys.Should().BeEquivalentTo(sqlite.Keys, "the SQL Server scripts create the tables of the SQLite scripts");
            foreach (var (table, columns) in sqlite.Where(t => sqlServer.ContainsKey(t.Key)))
            {
                sqlServer[table].Should().BeEquivalentTo(columns, $"compliance.{table} has the columns of SQLite's {table}");
            }

            _sqlServer.Schemas.Should().OnlyContain(s => s == Schema, "every table and index is qualified with the compliance schema");
        }
    }

    [Test]
    public void PrimaryKeys_InBothDialects_AreTheSameColumnsInTheSameOrder()
    {
        var sqlite = _sqlite.PrimaryKeys;

        var sqlServer = _sqlServer.PrimaryKeys;

        sqlServer.Should().BeEquivalentTo(sqlite, options => options.WithStrictOrdering());
    }

    [Test]
    public void UniqueKeys_OfSqlite_EachHaveAUniqueIndexOrConstraintInSqlServer()
    {
        var sqlite = _sqlite.UniqueKeys.Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList();

        var sqlServer = _sqlServer.UniqueKeys.Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList();

        using (new AssertionScope())
        {
            sqlite.Should().NotBeEmpty();
            sqlite.Should().BeSubsetOf(sqlServer, "every uniqueness SQLite enforces (filtered where SQLite's index is partial) holds in SQL Server");
            sqlServer.Should().BeSubsetOf(sqlite, "SQL Server enforces no uniqueness SQLite does not");
        }
    }

    [Test]
    public void Indexes_InBothDialects_AreTheSameNamesOnTheSameColumns()
    {
        var sqlite = _sqlite.Indexes.Select(i => i.ToString()).Order(StringComparer.Ordinal).ToList();

        var sqlServer = _sqlServer.Indexes.Where(i => !i.Clustered).Select(i => i.ToString()).Order(StringComparer.Ordinal).ToList();

        using (new AssertionScope())
        {
            sqlite.Should().NotBeEmpty();
            sqlServer.Should().Equal(sqlite, "each index of SQLite has its twin, columns in the same order");
            _sqlServer.Indexes.Where(i => i.Clustered).Select(i => i.Name).Should()
                .Equal(["cx_loans_submission"], "the one index SQL Server adds clusters loans, which SQLite keeps in rowid order");
        }
    }

    [Test]
    public void IdempotencyFingerprint_OfTheLongestInstitutionCode_FitsItsColumn()
    {
        // An institution code is at most 32 characters (institutions.code); a dry run's flag is the longer of the two.
        var longest = Compliance.Api.Submissions.SubmitLedger.Fingerprint(new string('f', 64), new YearMonth(2022, 12), new string('C', 32), dryRun: false);
        var length = new FingerprintLength();
        foreach (var file in ScriptFiles())
        {
            Parse(file, out _).Accept(length);
        }

        length.Declared.Should().BeGreaterThanOrEqualTo(longest.Length, "SQL Server refuses a value longer than idempotency_keys.fingerprint, so every idempotent submission would fail");
    }

    private static List<string> ScriptFiles() =>
        [.. Directory.GetFiles(Path.Combine(Repository.Root(), "db", "sqlserver"), "*.sql").Order(StringComparer.Ordinal)];

    private static TSqlFragment Parse(string file, out IList<ParseError> errors)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = File.OpenText(file);
        return parser.Parse(reader, out errors);
    }

    private static string KeyOf(IEnumerable<string> columns) => string.Join(", ", columns.Order(StringComparer.Ordinal));

    /// <summary>A named index: its table and columns in order (and whether SQL Server clusters the table by it).</summary>
    private sealed record Index(string Name, string Table, string Columns, bool Clustered = false)
    {
        public override string ToString() => $"{Name} ON {Table} ({Columns})";
    }

    /// <summary>A uniqueness a table enforces: its columns (in name order) and whether it holds only for some rows.</summary>
    private sealed record UniqueKey(string Table, string Columns, bool Filtered)
    {
        public override string ToString() => $"{Table} ({Columns}){(Filtered ? " filtered" : "")}";
    }

    /// <summary>What the SQLite migrations built, as SQLite describes it.</summary>
    private sealed class SqliteSchema
    {
        public Dictionary<string, List<string>> Columns { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<string>> PrimaryKeys { get; } = new(StringComparer.Ordinal);

        public HashSet<UniqueKey> UniqueKeys { get; } = [];

        public List<Index> Indexes { get; } = [];

        public static async Task<SqliteSchema> ReadAsync(string path)
        {
            var schema = new SqliteSchema();
            await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
            await connection.OpenAsync();
            var tables = await SqliteRows.ReadAsync(connection,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
                r => r.GetString(0));
            foreach (var table in tables)
            {
                var columns = await SqliteRows.ReadAsync(connection, "SELECT name, pk FROM pragma_table_info(@name)",
                    r => (Name: r.GetString(0), Pk: r.GetInt64(1)), table);
                schema.Columns[table] = [.. columns.Select(c => c.Name)];
                List<string> primaryKey = [.. columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name)];
                if (primaryKey.Count > 0)
                {
                    schema.PrimaryKeys[table] = primaryKey;
                    schema.UniqueKeys.Add(new UniqueKey(table, KeyOf(primaryKey), Filtered: false));
                }

                // origin 'c' is CREATE INDEX, 'u' a UNIQUE constraint; 'pk' (the primary key's own index) is counted above.
                var indexes = await SqliteRows.ReadAsync(connection,
                    "SELECT name, \"partial\" FROM pragma_index_list(@name) WHERE \"unique\" = 1 AND origin IN ('c', 'u')",
                    r => (Name: r.GetString(0), Partial: r.GetInt64(1) == 1), table);
                foreach (var index in indexes)
                {
                    var indexed = await SqliteRows.ReadAsync(connection, "SELECT name FROM pragma_index_info(@name)", r => r.GetString(0), index.Name);
                    schema.UniqueKeys.Add(new UniqueKey(table, KeyOf(indexed), index.Partial));
                }

                foreach (var index in await SqliteRows.ReadAsync(connection, "SELECT name FROM pragma_index_list(@name) WHERE origin = 'c'", r => r.GetString(0), table))
                {
                    var indexed = await SqliteRows.ReadAsync(connection, "SELECT name FROM pragma_index_info(@name) ORDER BY seqno", r => r.GetString(0), index);
                    schema.Indexes.Add(new Index(index, table, string.Join(", ", indexed)));
                }
            }

            return schema;
        }

    }

    /// <summary>The length idempotency_keys.fingerprint is declared with, as the scripts leave it.</summary>
    private sealed class FingerprintLength : TSqlFragmentVisitor
    {
        public int Declared { get; private set; }

        public override void Visit(CreateTableStatement node)
        {
            if (node.SchemaObjectName.BaseIdentifier.Value == "idempotency_keys"
                && node.Definition.ColumnDefinitions.SingleOrDefault(c => c.ColumnIdentifier.Value == "fingerprint") is { } column)
            {
                Declared = LengthOf(column.DataType);
            }

            base.Visit(node);
        }

        public override void Visit(AlterTableAlterColumnStatement node)
        {
            if (node.SchemaObjectName.BaseIdentifier.Value == "idempotency_keys" && node.ColumnIdentifier.Value == "fingerprint")
            {
                Declared = LengthOf(node.DataType);
            }

            base.Visit(node);
        }

        private static int LengthOf(DataTypeReference type) =>
            type is ParameterizedDataTypeReference { Parameters: [{ } length] } ? int.Parse(length.Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>What the SQL Server migrations create, read from their syntax trees.</summary>
    private sealed class TSqlSchema : TSqlFragmentVisitor
    {
        public Dictionary<string, List<string>> Columns { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<string>> PrimaryKeys { get; } = new(StringComparer.Ordinal);

        public HashSet<UniqueKey> UniqueKeys { get; } = [];

        public List<Index> Indexes { get; } = [];

        /// <summary>The schema of every table and index created (null where unqualified).</summary>
        public List<string?> Schemas { get; } = [];

        public override void Visit(CreateTableStatement node)
        {
            var table = node.SchemaObjectName.BaseIdentifier.Value;
            Schemas.Add(node.SchemaObjectName.SchemaIdentifier?.Value);
            Columns[table] = [.. node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value)];
            foreach (var column in node.Definition.ColumnDefinitions)
            {
                foreach (var constraint in column.Constraints.OfType<UniqueConstraintDefinition>())
                {
                    Add(table, constraint.IsPrimaryKey, [column.ColumnIdentifier.Value]);
                }
            }

            foreach (var constraint in node.Definition.TableConstraints.OfType<UniqueConstraintDefinition>())
            {
                Add(table, constraint.IsPrimaryKey, [.. constraint.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value)]);
            }

            base.Visit(node);
        }

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            var table = node.SchemaObjectName.BaseIdentifier.Value;
            Schemas.Add(node.SchemaObjectName.SchemaIdentifier?.Value);
            Columns[table].AddRange(node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));
            base.Visit(node);
        }

        public override void Visit(AlterTableDropTableElementStatement node)
        {
            var table = node.SchemaObjectName.BaseIdentifier.Value;
            Schemas.Add(node.SchemaObjectName.SchemaIdentifier?.Value);
            foreach (var element in node.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column))
            {
                Columns[table].Remove(element.Name.Value);
            }

            base.Visit(node);
        }

        public override void Visit(CreateIndexStatement node)
        {
            Schemas.Add(node.OnName.SchemaIdentifier?.Value);
            Indexes.Add(new Index(node.Name.Value, node.OnName.BaseIdentifier.Value,
                string.Join(", ", node.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value)), node.Clustered == true));
            if (node.Unique)
            {
                var columns = node.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value);
                UniqueKeys.Add(new UniqueKey(node.OnName.BaseIdentifier.Value, KeyOf(columns), node.FilterPredicate is not null));
            }

            base.Visit(node);
        }

        private void Add(string table, bool primaryKey, List<string> columns)
        {
            if (primaryKey)
            {
                PrimaryKeys[table] = columns;
            }

            UniqueKeys.Add(new UniqueKey(table, KeyOf(columns), Filtered: false));
        }
    }
}
