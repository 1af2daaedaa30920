using Compliance.Api.Tests.Support;
using Compliance.Data;
using Compliance.Data.Sqlite;
using Dapper;
using FluentAssertions.Execution;
using Microsoft.Data.Sqlite;

namespace Compliance.Api.Tests.Audit;

/// <summary>Rows written before refusals were counted read as rows of their own: a count of one, their time as the latest.</summary>
public sealed class AuditMigrationTests
{
    private const string CountingScript = "0011_audit_counts.sql";

    [Test]
    public async Task RowsWrittenBeforeCounting_AnswerACountOfOne_AndTheirTimeAsTheLatest()
    {
        var path = Path.Combine(Path.GetTempPath(), $"compliance-audit-before-{Guid.NewGuid():N}.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, SqliteDialect.Instance.JournalSql);
            foreach (var (name, sql) in Migrations.Scripts(SqliteDialect.Instance).Where(s => string.CompareOrdinal(s.Name, CountingScript) < 0))
            {
                await ExecuteAsync(connection, sql);
                await connection.ExecuteAsync("INSERT INTO schema_migrations (id, applied_at) VALUES (@name, @now)", new { name, now = "2023-01-01T00:00:00.000Z" });
            }

            await ExecuteAsync(connection, """
                INSERT INTO audit_log (at, key_id, role, method, path, query, status, target, institution)
                VALUES ('2023-01-19T08:00:00.000Z', 1, 'admin', 'POST', '/api/v1/institutions', NULL, 201, 'OLD1', 'OLD1'),
                       ('2023-01-19T08:00:01.000Z', NULL, NULL, 'GET', '/api/v1/exceptions', NULL, 401, NULL, NULL)
                """);
        }

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

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@now", "2023-01-01T00:00:00.000Z");
        await command.ExecuteNonQueryAsync();
    }
}
