using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests;

/// <summary>
/// Before the first test of the run, Hangfire's PostgreSQL installer takes its logger; after the last, the PostgreSQL
/// databases of tests that failed before they dropped their own are dropped, so that a run leaves nothing on the server.
/// </summary>
[SetUpFixture]
public sealed class RunCleanup
{
    /// <summary>
    /// The installer takes its logger once a process, from the log provider of the server that last started: taken
    /// after a finished test disposed that server's logging, it would fail the migrated template of every PostgreSQL
    /// fixture. Taken here, before any server starts, it never holds one a test disposes.
    /// </summary>
    [OneTimeSetUp]
    public void TakeInstallerLogger() =>
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Hangfire.PostgreSql.PostgreSqlObjectsInstaller).TypeHandle);

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
