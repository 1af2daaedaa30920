using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Audit;

/// <summary>Rows written before refusals were counted read as rows of their own: a count of one, their time as the latest.</summary>
public sealed class AuditMigrationTests
{
    private const string CountingScript = "0011_audit_counts.sql";

    [Test]
    public async Task RowsWrittenBeforeCounting_AnswerACountOfOne_AndTheirTimeAsTheLatest()
    {
        var path = await TestDatabases.SqliteBeforeAsync(CountingScript, """
            INSERT INTO audit_log (at, key_id, role, method, path, query, status, target, institution)
            VALUES ('2023-01-19T08:00:00.000Z', 1, 'admin', 'POST', '/api/v1/institutions', NULL, 201, 'OLD1', 'OLD1'),
                   ('2023-01-19T08:00:01.000Z', NULL, NULL, 'GET', '/api/v1/exceptions', NULL, 401, NULL, NULL)
            """);

        using var factory = new ComplianceApiFactory(location: path);
        using var admin = factory.Admin();
        var items = (await admin.GetJsonAsync("/api/v1/audit?pageSize=500"))["items"]!.AsArray().Select(i => i!.AsObject()).ToList();

        using var scope = new AssertionScope();
        items.Select(i => (i["path"]!.GetValue<string>(), i["at"]!.GetValue<string>(), i["lastAt"]?.GetValue<string>(), i["count"]?.GetValue<long>(), i["route"]?.GetValue<string>()))
            .Should().BeEquivalentTo(
            [
                ("/api/v1/institutions", "2023-01-19T08:00:00Z", "2023-01-19T08:00:00Z", 1L, (string?)null),
                ("/api/v1/exceptions", "2023-01-19T08:00:01Z", "2023-01-19T08:00:01Z", 1L, (string?)null),
            ]);
        factory.DeleteDatabase();
    }
}
