using System.Text.RegularExpressions;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.SqlServer;

/// <summary>
/// The dialect is the only place that knows the database: outside <c>Data/Sqlite</c> and <c>Data/SqlServer</c> no code
/// asks what type a dialect, a connection or a parameter is, and the dialect's base class names none of its own. The
/// provider setting is read in one table (<c>Api/DatabaseKind.cs</c>), and the dialects hold no statement of a feature.
/// </summary>
public sealed partial class DialectSeamTests
{
    private static readonly string[] Projects = ["Api", "Data", "Engine"];

    private static readonly string[] DialectFolders = [Path.Combine("Data", "Sqlite"), Path.Combine("Data", "SqlServer")];

    [Test]
    public void NoCodeOutsideTheDialects_TestsTheTypeOfADialectConnectionOrParameter()
    {
        var root = Repository.Root();

        var offences = Projects
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(root, project), "*.cs", SearchOption.AllDirectories))
            .Where(file => !IsBuildOutput(root, file) && !DialectFolders.Any(folder => Path.GetRelativePath(root, file).StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (File: Path.GetRelativePath(root, file), Line: i + 1, Text: line)))
            .Where(line => TypeTest().IsMatch(line.Text))
            .Select(line => $"{line.File}:{line.Line}: {line.Text.Trim()}")
            .ToList();

        offences.Should().BeEmpty("the provider setting picks the dialect once, and everything after asks the dialect");
    }

    [Test]
    public void DialectBaseClass_NamesNoDialect()
    {
        var source = File.ReadAllText(Path.Combine(Repository.Root(), "Data", "Dialect.cs"));

        source.Should().NotContain("SqliteDialect").And.NotContain("SqlServerDialect").And.NotContain("SqliteConnection").And.NotContain("SqlConnection");
    }

    [Test]
    public void NoCodeOutsideTheProviderTable_AsksWhichProviderIsConfigured()
    {
        var root = Repository.Root();

        var offences = Projects
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(root, project), "*.cs", SearchOption.AllDirectories))
            .Where(file => !IsBuildOutput(root, file) && Path.GetRelativePath(root, file) != ProviderTable)
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (File: Path.GetRelativePath(root, file), Line: i + 1, Text: line)))
            .Where(line => !line.Text.TrimStart().StartsWith("//", StringComparison.Ordinal)
                && ProviderTest().IsMatch(ProviderDefault().Replace(line.Text, "")))
            .Select(line => $"{line.File}:{line.Line}: {line.Text.Trim()}")
            .ToList();

        offences.Should().BeEmpty($"{ProviderTable} maps each provider to its dialect, job storage and backup; everything else asks what it mapped");
    }

    [Test]
    public void Dialects_NameNoTableOfAFeature()
    {
        var root = Repository.Root();
        var tables = Directory.EnumerateFiles(Path.Combine(root, "db", "sqlite"), "*.sql")
            .SelectMany(script => CreateTable().Matches(File.ReadAllText(script)).Select(m => m.Groups["name"].Value))
            .Where(table => table != "schema_migrations")
            .ToHashSet(StringComparer.Ordinal);

        var offences = Dialects
            .SelectMany(file => File.ReadLines(Path.Combine(root, file)).Select((line, i) => (File: file, Line: i + 1, Text: line)))
            .Where(line => !line.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .SelectMany(line => Regex.Matches(line.Text, @"\b[a-z_]+\b").Select(word => word.Value).Where(tables.Contains)
                .Select(table => $"{line.File}:{line.Line}: {table}"))
            .ToList();

        using (new AssertionScope())
        {
            tables.Should().Contain(["submission_bodies", "deliverables", "loans"], "the migrations create the features' tables");
            offences.Should().BeEmpty("a feature's statements belong to the store that issues them; the dialect only adapts them");
        }
    }

    [Test]
    public void EveryProvider_HasItsEntry_WithADialectOfItsOwn()
    {
        var kinds = Enum.GetValues<Data.DatabaseProvider>().Select(DatabaseKind.Of).ToList();

        kinds.Select(k => k.Dialect).Should().OnlyHaveUniqueItems().And.NotContainNulls();
    }

    private static bool IsBuildOutput(string root, string file)
    {
        var parts = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
        return parts.Contains("obj") || parts.Contains("bin");
    }

    /// <summary>The one table of providers.</summary>
    private static readonly string ProviderTable = Path.Combine("Api", "DatabaseKind.cs");

    /// <summary>The dialect classes.</summary>
    private static readonly string[] Dialects =
    [
        Path.Combine("Data", "Dialect.cs"), Path.Combine("Data", "Sqlite", "SqliteDialect.cs"), Path.Combine("Data", "SqlServer", "SqlServerDialect.cs"),
    ];

    // "DatabaseProvider.SqlServer", "options.Provider == …", "Provider is …", "Provider switch", "switch (options.Provider)"
    [GeneratedRegex(@"\bDatabaseProvider\s*\.\s*\w+|\bProvider\s*(==|!=|is\b|switch\b)|switch\s*\(\s*[\w.]*\bProvider\s*\)")]
    private static partial Regex ProviderTest();

    // The setting's default, in DatabaseOptions: names a provider without asking which one is configured.
    [GeneratedRegex(@"\bDatabaseProvider\s+Provider\s*\{\s*get;\s*set;\s*\}\s*=\s*DatabaseProvider\.\w+;")]
    private static partial Regex ProviderDefault();

    [GeneratedRegex(@"CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(?<name>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    // "is SqliteDialect", "as SqlConnection", "(SqliteConnection)x", "is Microsoft.Data.SqlClient.SqlParameter", …
    [GeneratedRegex(@"\b(is|as)\s+(not\s+)?([\w.]+\.)?(SqliteDialect|SqlServerDialect|SqliteConnection|SqlConnection|SqliteParameter|SqlParameter)\b|\(\s*([\w.]+\.)?(SqliteConnection|SqlConnection)\s*\)\s*\w")]
    private static partial Regex TypeTest();
}
