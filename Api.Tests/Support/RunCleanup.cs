using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests;

/// <summary>
/// After the last test of the run: the PostgreSQL databases of tests that failed before they dropped their own are
/// dropped, so that a run leaves nothing on the server.
/// </summary>
[SetUpFixture]
public sealed class RunCleanup
{
    [OneTimeTearDown]
    public void DropLeftoverDatabases()
    {
        if (PostgresDatabases.Server is not null)
        {
            var dropped = PostgresDatabases.DropLeftovers();
            if (dropped.Count > 0)
            {
                TestContext.Progress.WriteLine($"Dropped {dropped.Count} PostgreSQL database(s) that failed tests left: {string.Join(", ", dropped)}");
            }
        }
    }
}
