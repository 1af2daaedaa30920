using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// The SQLite file locked by another process (the server runs as a child process; this test process holds an exclusive
/// transaction on its file, as a backup tool would): writes answer 503 with Retry-After, not 500, and succeed once the
/// lock is gone, without a restart.
/// </summary>
[NonParallelizable]
public sealed class DatabaseLockedTests
{
    [Test]
    public async Task Write_WhileAnotherProcessLocksTheFile_Is503WithRetryAfter_AndSucceedsAfterwards()
    {
        var path = Path.Combine(Path.GetTempPath(), $"compliance-locked-{Guid.NewGuid():N}.db");
        try
        {
            using var server = await ServerProcess.StartAsync(path, settings: new Dictionary<string, string> { ["Compliance__Database__BusyTimeoutSeconds"] = "1" });
            using var admin = server.Client(ComplianceApiFactory.AdminKey);
            var institution = new { code = "LOCK1", name = "锁定测试银行", category = "rural", localLegalPerson = true, regionCode = "110101" };

            HttpResponseMessage locked;
            await using (var holder = new SqliteConnection($"Data Source={path};Pooling=False"))
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
            (await admin.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            TestDatabases.DeleteSqliteFile(path);
        }
    }
}
