using System.Net;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Language;

/// <summary>
/// A database of the earlier version holds ledger errors and warnings as English text alone: after the upgrade they
/// keep that text in either language, and what is stored from then on is answered in the language asked for.
/// </summary>
public sealed class StoredTextUpgradeTests
{
    private const string Script = "0019_message_arguments.sql";

    [Test]
    public async Task ErrorsAndWarningsStoredBefore_KeepTheirText_AndNewOnesFollowTheLanguage()
    {
        var path = await TestDatabases.SqliteBeforeAsync(Script, """
            INSERT INTO institutions (code, name, category, local_legal_person, region_code, reporting_from, webhook_url, webhook_secret, created_at, updated_at,
                legal_person, level)
            VALUES ('OLD-RURAL', '老农商行', 'rural', 1, '371302', '2021-01', NULL, 's1', @now, @now, 1, 'head_office');
            INSERT INTO submissions (id, institution, period, status, received_at, sha256, content_type, byte_count, row_count, error_count, warning_count, warnings)
            VALUES (1, 'OLD-RURAL', '2022-06', 'rejected', @now, 'ab', 'text/csv', 10, 1, 1, 1,
                '[{"line":2,"column":"balance","code":"W001","message":"balance 2 is greater than amount 1."}]');
            INSERT INTO submission_errors (submission_id, seq, line, column_name, code, message)
            VALUES (1, 0, 2, 'amount', 'E004', 'amount -5 must be greater than 0.');
            """);
        using var factory = new ComplianceApiFactory(location: path);
        using var admin = factory.Admin();

        var oldInChinese = await ReadAsync(admin, "/api/v1/submissions/1/errors", "zh-CN");
        var oldReceipt = await ReadAsync(admin, "/api/v1/submissions/1", "zh-CN");
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Ledgers.Csv(Ledgers.Row("L1", amount: -5m, balance: 0m))));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        (await admin.PostAsync("/api/v1/submissions?period=2022-07&institution=OLD-RURAL", content)).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var newInChinese = await ReadAsync(admin, "/api/v1/submissions/2/errors", "zh-CN");

        using var scope = new AssertionScope();
        oldInChinese["items"]![0]!["message"]!.GetValue<string>().Should().Be("amount -5 must be greater than 0.", "an error stored before keeps its text");
        oldReceipt["warnings"]![0]!["message"]!.GetValue<string>().Should().Be("balance 2 is greater than amount 1.", "so does a warning");
        newInChinese["items"]![0]!["message"]!.GetValue<string>().Should().Be("amount -5 必须大于 0。");
        factory.DeleteDatabase();
    }

    private static async Task<JsonObject> ReadAsync(HttpClient client, string url, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept-Language", language);
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }
}
