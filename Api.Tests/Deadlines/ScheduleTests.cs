using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Deadlines;

/// <summary>The daily sweep's schedule (a server of its own: Hangfire's job storage is one per host).</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ScheduleTests(TestDatabase database)
{
    [Test]
    public async Task DailySweep_IsScheduledAtNineInShanghai_AsOneInTheMorningUtc()
    {
        using var factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Deadlines:SweepAt"] = "09:00" });
        using var client = factory.Admin();
        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();

        using var connection = Hangfire.JobStorage.Current.GetConnection();
        var jobs = Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection);

        jobs.Should().ContainSingle(j => j.Id == "deadline-sweep").Which.Cron.Should().Be("0 1 * * *");
        factory.DeleteDatabase();
    }
}
