using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// The SQLite file locked by someone else (here a connection of the test holding an exclusive transaction, as a backup
/// tool or a second process would): writes answer 503 with Retry-After, not 500, and succeed once the lock is gone.
/// </summary>
public sealed class DatabaseLockedTests
{
    [Test]
    public async Task Write_WhileTheFileIsLocked_Is503WithRetryAfter_AndSucceedsAfterwards()
    {
        using var factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Database:BusyTimeoutSeconds"] = "1" });
        using var admin = factory.Admin();
        (await admin.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
        var institution = new { code = "LOCK1", name = "锁定测试银行", category = "rural", localLegalPerson = true, regionCode = "110101" };

        HttpResponseMessage locked;
        await using (var holder = new SqliteConnection($"Data Source={factory.Location};Pooling=False"))
        {
            await holder.OpenAsync();
            await using var exclusive = holder.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE;";
            await exclusive.ExecuteNonQueryAsync();

            locked = await admin.PostAsJsonAsync("/api/v1/institutions", institution);
        }

        await locked.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "unavailable");
        locked.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
        var retried = await admin.PostAsJsonAsync("/api/v1/institutions", institution);
        retried.StatusCode.Should().Be(HttpStatusCode.Created, "the server recovers by itself once the lock is released");
        factory.DeleteDatabase();
    }
}
