namespace Compliance.Api.Tests.Support;

/// <summary>The repository the tests run from: for checks that read its files.</summary>
public static class Repository
{
    /// <summary>The folder that holds <c>Compliance.sln</c>, above the test's own.</summary>
    public static string Root()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Compliance.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Compliance.sln above {TestContext.CurrentContext.TestDirectory}.");
    }
}
