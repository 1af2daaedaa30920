using System.Text.RegularExpressions;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.SqlServer;

/// <summary>
/// The dialect is the only place that knows the database: outside <c>Data/Sqlite</c> and <c>Data/SqlServer</c> no code
/// asks what type a dialect, a connection or a parameter is, and the dialect's base class names none of its own.
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

    private static bool IsBuildOutput(string root, string file)
    {
        var parts = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
        return parts.Contains("obj") || parts.Contains("bin");
    }

    // "is SqliteDialect", "as SqlConnection", "(SqliteConnection)x", "is Microsoft.Data.SqlClient.SqlParameter", …
    [GeneratedRegex(@"\b(is|as)\s+(not\s+)?([\w.]+\.)?(SqliteDialect|SqlServerDialect|SqliteConnection|SqlConnection|SqliteParameter|SqlParameter)\b|\(\s*([\w.]+\.)?(SqliteConnection|SqlConnection)\s*\)\s*\w")]
    private static partial Regex TypeTest();
}
