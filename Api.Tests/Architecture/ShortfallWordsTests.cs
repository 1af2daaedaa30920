using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Architecture;

/// <summary>
/// A shortfall is 未达标, never a violation (rules.md, "Names" and NPL_TOLERANCE): no text of the product, its code,
/// console, seed data or migrations, calls a breach 违规.
/// </summary>
public sealed class ShortfallWordsTests
{
    private static readonly string[] Folders = ["Api", "Data", "Engine", "db"];

    private static readonly string[] Extensions = [".cs", ".js", ".html", ".css", ".json", ".sql", ".md"];

    [Test]
    public void NoFileOfTheProduct_CallsABreachAViolation()
    {
        var root = Repository.Root();

        var offending = Folders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            .Where(path => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Where(path => File.ReadAllText(path).Contains("违规", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(root, path))
            .ToList();

        offending.Should().BeEmpty("a breach reads 未达标 (not met), never 违规");
    }
}
