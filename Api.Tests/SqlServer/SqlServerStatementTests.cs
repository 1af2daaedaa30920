using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Compliance.Data;
using Compliance.Data.SqlServer;
using FluentAssertions.Execution;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Blob = Compliance.Data.Blob;

namespace Compliance.Api.Tests.SqlServer;

/// <summary>
/// Every statement the Data layer can send to SQL Server, collected from the code rather than copied: the shared
/// statements (the constants and static string properties named <c>…Sql</c>, outside the SQLite dialect's
/// namespace; a property holds a statement composed at start, from the declared indicators, or a dictionary of such
/// statements by variant, such as the exception list's by order) as the SQL Server dialect
/// prepares them, composed with its paging and key retrieval where the code composes them (the inserts of the stores'
/// blobs with the key each names), and the dialect's own.
/// Each must parse as T-SQL, name only tables of the <c>compliance</c> schema that the migrations create, and call
/// only functions SQL Server has.
/// </summary>
public sealed partial class SqlServerStatementTests
{
    private static readonly Assembly DataAssembly = typeof(Db).Assembly;
    private static readonly SqlServerDialect Dialect = SqlServerDialect.Instance;

    /// <summary>The built-in functions the statements may call (ScriptDom parses any name; SQL Server does not run any).</summary>
    private static readonly HashSet<string> BuiltIns = new(StringComparer.OrdinalIgnoreCase)
    {
        "COUNT", "MAX", "MIN", "SUM", "COALESCE", "SUBSTRING", "SCOPE_IDENTITY", "SCHEMA_ID", "OBJECT_ID",
    };

    public static IEnumerable<TestCaseData> Statements() =>
        Collect().Select(s => new TestCaseData(s.Sql).SetArgDisplayNames(s.Name));

    [Test]
    public void Collection_FindsTheSharedStatementsAndTheDialectsOwn()
    {
        var names = Collect().Select(s => s.Name).ToList();

        using (new AssertionScope())
        {
            names.Should().HaveCountGreaterThan(80, "the stores issue that many distinct statements");
            names.Should().Contain("ExceptionStore.ListSql[PeriodDescending] + Page").And.Contain("ExceptionStore.ListOfOneSql[SeverityDescending] + Page").And.Contain("Returning(SubmissionStore.InsertSql)")
                .And.Contain("SnapshotStore.InsertSql").And.Contain("SnapshotStore.LatestInRangeSql + Page")
                .And.Contain("SqlServerDialect[0]").And.Contain("Migrations.AppliedSql")
                .And.Contain("Returning(SubmissionStore.Body.Insert, submission_id)").And.Contain("SubmissionStore.BodySql")
                .And.Contain("Returning(DeadlineStore.Content.Insert, id)").And.Contain("DeadlineStore.ContentSql");
        }
    }

    [TestCaseSource(nameof(Statements))]
    public void Statement_AsSqlServerReceivesIt_ParsesAndNamesOnlyTablesOfTheSchema(string sql)
    {
        var prepared = Dialect.Statement(sql);

        var fragment = SqlServerDialect.Parse(prepared, out var errors);
        var references = new References();
        fragment.Accept(references);

        using (new AssertionScope())
        {
            errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}").Should().BeEmpty();
            references.Tables.Where(t => t.Schema != SqlServerDialect.Schema || !MigratedTables.Value.Contains(t.Name)).Should()
                .BeEmpty("every table is one the migrations create in the compliance schema");
            references.Functions.Where(f => !BuiltIns.Contains(f)).Should().BeEmpty("SQL Server has only its own functions (not SQLite's length(), ifnull() and the like)");
        }
    }

    [Test]
    public void Qualifying_LeavesAliasesCommonTableExpressionsAndQualifiedNamesAlone()
    {
        const string sql = """
            WITH latest AS (SELECT s.id FROM submissions s)
            UPDATE e SET status = 'x' FROM exceptions e JOIN latest ON latest.id = e.submission_id JOIN compliance.institutions i ON i.code = e.institution
            """;

        var prepared = Dialect.Statement(sql);

        prepared.Should().Be("""
            WITH latest AS (SELECT s.id FROM compliance.submissions s)
            UPDATE e SET status = 'x' FROM compliance.exceptions e JOIN latest ON latest.id = e.submission_id JOIN compliance.institutions i ON i.code = e.institution
            """);
    }

    [Test]
    public void Statement_ThatIsNotTSql_IsRefusedBeforeItIsSent()
    {
        var prepare = () => Dialect.Statement("SELECT id FROM submissions LIMIT 1");

        prepare.Should().Throw<InvalidOperationException>().WithMessage("Not T-SQL*");
    }

    [Test]
    public void DataAssembly_HoldsNoStatementOutsideTheCollectedOnes()
    {
        var known = Collect().Select(s => s.Sql).Concat(OtherDialectsOnly()).ToHashSet(StringComparer.Ordinal);
        var composed = Composed().Select(s => s.Sql).ToList();

        var literals = UserStrings(DataAssembly).Where(s => SqlVerb().IsMatch(s)).ToList();

        using (new AssertionScope())
        {
            literals.Should().NotBeEmpty();
            literals.Should().OnlyContain(s => known.Contains(s) || composed.Any(c => c.StartsWith(s, StringComparison.Ordinal)),
                "every statement in the Data layer is a constant or a composed statement the T-SQL checks collect (or belongs to the SQLite or PostgreSQL dialect)");
        }
    }

    [Test]
    public void ApiAssembly_HoldsNoStatement()
    {
        var literals = UserStrings(typeof(Program).Assembly).Where(s => SqlVerb().IsMatch(s)).ToList();

        literals.Should().BeEmpty("SQL belongs to the Data layer, where the checks above collect it");
    }

    /// <summary>The statements, each with where it comes from.</summary>
    private static List<(string Name, string Sql)> Collect()
    {
        var shared = SharedTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Sql", StringComparison.Ordinal))
                .Select(f => (Name: $"{t.Name}.{f.Name}", Sql: (string)f.GetRawConstantValue()!)))
            .Concat(Composed())
            .ToList();
        var statements = new List<(string Name, string Sql)>(shared);

        // Composed as the code composes them: ordered lists are paged (Db.PageAsync), inserts read their new key.
        statements.AddRange(shared.Where(s => s.Sql.Contains("ORDER BY", StringComparison.Ordinal) && s.Sql.TrimStart().StartsWith("SELECT", StringComparison.Ordinal))
            .Select(s => ($"{s.Name} + Page", s.Sql + Dialect.Page)));
        statements.AddRange(shared.Where(s => s.Sql.TrimStart().StartsWith("INSERT INTO", StringComparison.Ordinal))
            .Select(s => ($"Returning({s.Name})", Dialect.Returning(s.Sql))));
        statements.AddRange(Blobs().Select(b => ($"Returning({b.Name}.Insert, {b.Blob.Key})", Dialect.Returning(b.Blob.Insert, b.Blob.Key))));
        statements.AddRange(SqlServerDialect.Statements.Select((sql, i) => ($"SqlServerDialect[{i}]", sql)));
        statements.AddRange(typeof(Dialect).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && p.Name.EndsWith("Sql", StringComparison.Ordinal))
            .Select(p => ($"SqlServerDialect.{p.Name}", (string)p.GetValue(Dialect)!)));
        return statements;
    }

    /// <summary>
    /// The shared statements composed when their type initializes (from the declared indicators, say): the static
    /// string properties named <c>…Sql</c>.
    /// </summary>
    private static IEnumerable<(string Name, string Sql)> Composed() =>
        SharedTypes().SelectMany(t => t.GetProperties(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name.EndsWith("Sql", StringComparison.Ordinal))
            .SelectMany(p => p.PropertyType == typeof(string) ? [(Name: $"{t.Name}.{p.Name}", Sql: (string)p.GetValue(null)!)] : Variants($"{t.Name}.{p.Name}", p.GetValue(null))));

    /// <summary>
    /// The statements of a property that holds one per variant (a dictionary of statements by key, such as the
    /// exception list's by order), each named by its key; none for a property of any other type.
    /// </summary>
    private static IEnumerable<(string Name, string Sql)> Variants(string name, object? value) =>
        value is System.Collections.IEnumerable entries && value is not string
            ? entries.Cast<object>()
                .Where(e => e.GetType().IsGenericType && e.GetType().GetGenericTypeDefinition() == typeof(KeyValuePair<,>) && e.GetType().GenericTypeArguments[1] == typeof(string))
                .Select(e => ($"{name}[{e.GetType().GetProperty("Key")!.GetValue(e)}]", (string)e.GetType().GetProperty("Value")!.GetValue(e)!))
            : [];

    /// <summary>
    /// The blobs the stores keep (static fields of type <see cref="Blob"/>): each insert answers the key it names, as
    /// the dialect sends it (<c>InsertBlobAsync</c>); the select that reads the blob is one of the store's constants.
    /// </summary>
    private static IEnumerable<(string Name, Blob Blob)> Blobs() =>
        SharedTypes().SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Where(f => f.FieldType == typeof(Blob))
            .Select(f => (Name: $"{t.Name}.{f.Name}", Blob: (Blob)f.GetValue(null)!)));

    /// <summary>The dialects other than SQL Server's, whose namespaces hold what only their databases receive.</summary>
    private static readonly Dialect[] OtherDialects = [Data.Sqlite.SqliteDialect.Instance, Data.Postgres.PostgresDialect.Instance];

    private static IEnumerable<Type> SharedTypes() =>
        DataAssembly.GetTypes().Where(t => OtherDialects.All(d => t.Namespace != d.GetType().Namespace) && t != typeof(SqlServerDialect));

    /// <summary>
    /// The statements only SQLite or PostgreSQL receives: the constants of their dialects' namespaces and the string
    /// properties of their dialects.
    /// </summary>
    private static IEnumerable<string> OtherDialectsOnly()
    {
        var namespaces = OtherDialects.Select(d => d.GetType().Namespace).ToHashSet();
        var constants = DataAssembly.GetTypes().Where(t => namespaces.Contains(t.Namespace))
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);
        var properties = typeof(Dialect).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string))
            .SelectMany(p => OtherDialects.Select(d => (string)p.GetValue(d)!));
        return constants.Concat(properties);
    }

    /// <summary>Every string literal compiled into the assembly (its #US heap).</summary>
    private static List<string> UserStrings(Assembly assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var reader = pe.GetMetadataReader();
        var strings = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = reader.GetNextHandle(handle))
        {
            strings.Add(reader.GetUserString(handle));
        }

        return strings;
    }

    private static readonly Lazy<HashSet<string>> MigratedTables = new(() =>
    {
        var creates = new Creates();
        foreach (var (_, script) in Migrations.Scripts(Dialect))
        {
            SqlServerDialect.Parse(script, out _).Accept(creates);
        }

        creates.Tables.Add("schema_migrations");
        return creates.Tables;
    });

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|WITH|CREATE|ALTER|DROP|DECLARE|EXEC|IF|PRAGMA)\s+\S")]
    private static partial Regex SqlVerb();

    private sealed class Creates : TSqlFragmentVisitor
    {
        public HashSet<string> Tables { get; } = new(StringComparer.Ordinal);

        public override void Visit(CreateTableStatement node)
        {
            Tables.Add(node.SchemaObjectName.BaseIdentifier.Value);
            base.Visit(node);
        }

        public override void Visit(CreateViewStatement node)
        {
            Tables.Add(node.SchemaObjectName.BaseIdentifier.Value);
            base.Visit(node);
        }

        // A view is created alone in its batch, so the migrations create each in an EXEC of its own.
        public override void Visit(ExecutableStringList node)
        {
            foreach (var literal in node.Strings.OfType<StringLiteral>())
            {
                SqlServerDialect.Parse(literal.Value, out _).Accept(this);
            }

            base.Visit(node);
        }
    }

    /// <summary>The tables a statement names (not its aliases or common table expressions) and the functions it calls.</summary>
    private sealed class References : TSqlFragmentVisitor
    {
        private readonly HashSet<string> _local = new(StringComparer.OrdinalIgnoreCase);

        public List<(string? Schema, string Name)> Tables { get; } = [];

        public List<string> Functions { get; } = [];

        public override void ExplicitVisit(SelectStatement node)
        {
            Collect(node);
            base.ExplicitVisit(node);
        }

        public override void Visit(FunctionCall node)
        {
            Functions.Add(node.FunctionName.Value);
            base.Visit(node);
        }

        public override void Visit(NamedTableReference node)
        {
            var name = node.SchemaObject;
            if (name.SchemaIdentifier is not null || !_local.Contains(name.BaseIdentifier.Value))
            {
                Tables.Add((name.SchemaIdentifier?.Value, name.BaseIdentifier.Value));
            }

            base.Visit(node);
        }

        public override void Visit(TSqlScript node)
        {
            Collect(node);
            base.Visit(node);
        }

        private void Collect(TSqlFragment fragment)
        {
            var names = new LocalNames();
            fragment.Accept(names);
            _local.UnionWith(names.Names);
        }
    }

    private sealed class LocalNames : TSqlFragmentVisitor
    {
        public HashSet<string> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(CommonTableExpression node)
        {
            Names.Add(node.ExpressionName.Value);
            base.Visit(node);
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
}
