using System.Text.RegularExpressions;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Architecture;

/// <summary>
/// Each table has one writing store: every statement that inserts into, updates or deletes from a table, found in the
/// code, lives in that table's store (other stores call it inside their transaction); and no two stores call each
/// other.
/// </summary>
public sealed partial class StoreOwnershipTests
{
    private static readonly string[] Projects = ["Api", "Data", "Engine"];

    /// <summary>Each table the migrations create, and the files of the one store that writes it.</summary>
    private static readonly Dictionary<string, string[]> Writers = new(StringComparer.Ordinal)
    {
        ["institutions"] = ["Data/Institutions/InstitutionStore.cs"],
        ["api_keys"] = ["Data/Access/ApiKeyStore.cs"],
        ["audit_log"] = ["Data/Audit/AuditStore.cs"],
        ["submissions"] = ["Data/Submissions/SubmissionStore.cs"],
        ["submission_errors"] = ["Data/Submissions/SubmissionStore.cs"],
        ["submission_bodies"] = ["Data/Submissions/SubmissionStore.cs"],
        ["idempotency_keys"] = ["Data/Submissions/IdempotencyStore.cs"],
        // A ledger's rows, written by the loan writer of each database (SQL Server's bulk copy names no statement).
        ["loans"] = ["Data/Sqlite/SqliteLoanWriter.cs", "Data/SqlServer/BulkLoanWriter.cs"],
        ["snapshots"] = ["Data/Snapshots/SnapshotStore.cs"],
        // The exception store, and the statements it prepares once a transaction.
        ["exceptions"] = ["Data/Exceptions/ExceptionStore.cs", "Data/Exceptions/ExceptionWrites.cs"],
        ["exception_events"] = ["Data/Exceptions/ExceptionStore.cs", "Data/Exceptions/ExceptionWrites.cs"],
        ["rule_sets"] = ["Data/Rules/RuleSetStore.cs"],
        ["targets"] = ["Data/Analytics/TargetStore.cs"],
        ["credit_plans"] = ["Data/CreditPlans/CreditPlanStore.cs"],
        ["calendar_years"] = ["Data/Deadlines/CalendarStore.cs"],
        ["obligations"] = ["Data/Deadlines/ObligationStore.cs"],
        ["deliverables"] = ["Data/Deadlines/DeadlineStore.cs"],
        ["reminders"] = ["Data/Deadlines/DeadlineStore.cs"],
        ["sweeps"] = ["Data/Deadlines/DeadlineStore.cs"],
        ["schema_migrations"] = ["Data/Migrations.cs"],
    };

    [Test]
    public void EveryTableTheMigrationsCreate_HasOneWritingStore()
    {
        var tables = Directory.EnumerateFiles(Path.Combine(Repository.Root(), "db", "sqlite"), "*.sql")
            .SelectMany(script => CreateTable().Matches(File.ReadAllText(script)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        tables.Should().NotBeEmpty();
        tables.Except(Writers.Keys).Should().BeEmpty("a new table is given its writing store here");
    }

    [Test]
    public void EveryStatementThatWritesATable_LivesInThatTablesStore()
    {
        var writes = Sources().SelectMany(file => WriteStatement().Matches(file.Text).Select(m => (file.Path, Table: m.Groups["table"].Value))).ToList();

        writes.Should().Contain(w => w.Table == "submissions", "the search finds the statements it checks");
        writes.Where(w => !Writers.TryGetValue(w.Table, out var owners) || !owners.Contains(w.Path))
            .Select(w => $"{w.Path} writes {w.Table}")
            .Should().BeEmpty("each table is written by its own store alone");
    }

    [Test]
    public void NoTwoStores_CallEachOther()
    {
        var stores = Sources()
            .Select(file => (file.Text, Store: StoreDeclaration().Match(file.Text)))
            .Where(s => s.Store.Success)
            .ToDictionary(s => s.Store.Groups[1].Value, s => s.Text, StringComparer.Ordinal);
        var calls = stores.ToDictionary(
            s => s.Key,
            s => stores.Keys.Where(other => other != s.Key && Regex.IsMatch(s.Value, $@"\b{other}\b")).ToHashSet(StringComparer.Ordinal));

        stores.Should().ContainKeys("SubmissionStore", "SnapshotStore", "ExceptionStore");
        calls.SelectMany(c => c.Value.Where(callee => calls[callee].Contains(c.Key)).Select(callee => $"{c.Key} <-> {callee}"))
            .Should().BeEmpty("a store may call another inside its transaction, never one that calls it back");
    }

    private static IEnumerable<(string Path, string Text)> Sources()
    {
        var root = Repository.Root();
        return Projects
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(root, project), "*.cs", SearchOption.AllDirectories))
            .Select(file => Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(path => !path.Split('/').Any(part => part is "obj" or "bin"))
            .Select(path => (path, File.ReadAllText(Path.Combine(root, path))));
    }

    [GeneratedRegex(@"CREATE TABLE (\w+)")]
    private static partial Regex CreateTable();

    // INSERT INTO t, UPDATE t SET, DELETE FROM t, MERGE INTO t, and a bulk copy's destination table.
    [GeneratedRegex(@"\b(?:INSERT\s+INTO|DELETE\s+FROM|MERGE\s+INTO|MERGE)\s+""?(?:compliance\.)?(?<table>[a-z_]+)""?|\bUPDATE\s+""?(?:compliance\.)?(?<table>[a-z_]+)""?\s+SET\b|DestinationTableName\s*=\s*""(?:compliance\.)?(?<table>[a-z_]+)""")]
    private static partial Regex WriteStatement();

    [GeneratedRegex(@"\b(?:public|internal)\s+sealed\s+class\s+(\w+Store)\b")]
    private static partial Regex StoreDeclaration();
}
