using System.Net;
using System.Net.Sockets;
using System.Text;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.Data.Sqlite;

namespace Compliance.Api.Tests.Language;

/// <summary>
/// The texts an answer carries besides the bodies read as data: a deadline list's warnings, the messages of a filter and
/// of a bulk action, a rule set's lengths, a body cut short, and readiness; each follows Accept-Language.
/// </summary>
public sealed class AnswerLanguageTests
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory();
        _admin = _factory.Admin();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("zh-CN")]
    [TestCase("en")]
    public async Task Deadlines_OfAYearTheCalendarLacks_WarnInTheLanguageAsked(string language)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/deadlines?year=2099", language);
        var answer = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var warning = answer["warnings"]!.AsArray().Single()!.GetValue<string>();
        if (language == "en")
        {
            warning.Should().Be("The working-day calendar has no holidays announced for 2099; weekends alone count as rest days for that year.");
        }
        else
        {
            ReaderLanguageTests.ShouldBeChinese([warning]);
            warning.Should().Contain("2099");
        }

        response.Content.Headers.ContentLanguage.Should().Equal(language == "en" ? "en" : "zh-CN");
    }

    [TestCase("zh-CN")]
    [TestCase("en")]
    public async Task Exceptions_FilteredByAnUnknownStatus_SayWhichInTheLanguageAsked(string language)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/exceptions?status=closed", language);
        var errors = ReaderLanguageTests.Errors(await response.JsonAsync());

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        if (language == "en")
        {
            errors["status"].Should().Be("status is one of open, explained, resolved, waived, cleared; repeat the parameter for more than one (status=open&status=explained), never a comma.");
        }
        else
        {
            ReaderLanguageTests.ShouldBeChinese(errors.Values);
            errors["status"].Should().Contain("status=open&status=explained");
        }
    }

    [TestCase("zh-CN", """[]""", "ids holds from 1 to 500 exception ids.")]
    [TestCase("en", """[]""", "ids holds from 1 to 500 exception ids.")]
    [TestCase("zh-CN", """["7", ""]""", "ids holds exception ids, each a non-empty string.")]
    [TestCase("en", """["7", ""]""", "ids holds exception ids, each a non-empty string.")]
    [TestCase("zh-CN", """["7", "07"]""", "ids holds each exception once; 7 is repeated.")]
    [TestCase("en", """["7", "07"]""", "ids holds each exception once; 7 is repeated.")]
    public async Task BulkAction_MalformedIds_SaysWhatInTheLanguageAsked(string language, string ids, string english)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/exceptions/bulk", language, $$"""{"action": "reopen", "ids": {{ids}}, "note": "复核"}""");
        var errors = ReaderLanguageTests.Errors(await response.JsonAsync());

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        if (language == "en")
        {
            errors["ids"].Should().Be(english);
        }
        else
        {
            ReaderLanguageTests.ShouldBeChinese(errors.Values);
        }
    }

    [TestCase("zh-CN", "authority", 201, "authority 最多 200 个字符。")]
    [TestCase("en", "authority", 201, "authority is at most 200 characters.")]
    [TestCase("zh-CN", "source", 401, "source 最多 400 个字符。")]
    [TestCase("en", "source", 401, "source is at most 400 characters.")]
    public async Task PutRuleSet_TextTooLong_SaysTheMostInTheLanguageAsked(string language, string field, int length, string expected)
    {
        var body = $$"""{"jurisdiction": "3713", "years": {"from": 2022}, "scope": "cbirc", "rules": [{"rule": "CREDIT_SHARE"}], "{{field}}": "{{new string('文', length)}}"}""";

        using var response = await SendAsync(HttpMethod.Put, "/api/v1/rule-sets/lang-length", language, body);
        var errors = ReaderLanguageTests.Errors(await response.JsonAsync());

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        errors[field].Should().Be(expected);
    }

    [TestCase("zh-CN")]
    [TestCase("en")]
    public async Task ABodyThatCannotBeRead_IsRefusedInTheLanguageAsked(string language)
    {
        using var factory = new ComplianceApiFactory();
        var address = factory.StartKestrel();

        // A chunked body whose first chunk size is not hexadecimal: the transport refuses it as the handler reads it.
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        var stream = socket.GetStream();
        var request = $"PUT /api/v1/obligations/LANG_CHUNK HTTP/1.1\r\nHost: {address.Authority}\r\nX-Api-Key: {ComplianceApiFactory.AdminKey}\r\n"
            + $"Accept-Language: {language}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync();

        using var scope = new AssertionScope();
        answer.Should().StartWith("HTTP/1.1 400");
        // The problem as written, whether with a length or in one chunk.
        var problem = System.Text.Json.Nodes.JsonNode.Parse(answer[answer.IndexOf('{', StringComparison.Ordinal)..(answer.LastIndexOf('}') + 1)])!.AsObject();
        var errors = ReaderLanguageTests.Errors(problem);
        if (language == "en")
        {
            errors["body"].Should().Be("Bad chunk size data.");
        }
        else
        {
            ReaderLanguageTests.ShouldBeChinese(errors.Values);
        }
    }

    [TestCase("zh-CN", "服务暂不可用")]
    [TestCase("en", "Service unavailable")]
    public async Task Ready_WhileTheDatabaseCannotBeOpened_Is503InTheLanguageAsked(string language, string title)
    {
        using var factory = new ComplianceApiFactory();
        using var client = factory.CreateClient();
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        // A folder where the database file was: no connection opens, as with a volume gone from under the server.
        SqliteConnection.ClearAllPools();
        TestDatabases.DeleteSqliteFile(factory.Location);
        Directory.CreateDirectory(factory.Location);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
            request.Headers.TryAddWithoutValidation("Accept-Language", language);
            using var response = await client.SendAsync(request);
            var problem = await response.JsonAsync();

            using var scope = new AssertionScope();
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            problem["type"]!.GetValue<string>().Should().Be("/problems/unavailable");
            problem["title"]!.GetValue<string>().Should().Be(title);
            var detail = problem["detail"]!.GetValue<string>();
            if (language == "en")
            {
                detail.Should().StartWith("The database does not answer").And.NotMatchRegex(@"\p{IsCJKUnifiedIdeographs}");
            }
            else
            {
                ReaderLanguageTests.ShouldBeChinese([detail]);
            }

            detail.Should().NotContain("SQLite", "the database's own message is logged, not answered to anyone who asks");
        }
        finally
        {
            factory.Dispose();
            Directory.Delete(factory.Location);
            factory.DeleteDatabase();
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string acceptLanguage, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        return await _admin.SendAsync(request);
    }
}
