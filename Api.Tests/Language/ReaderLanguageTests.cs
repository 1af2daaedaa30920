using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Language;

/// <summary>
/// The field messages of the bodies read as data (an obligation, a target, a rule set, a calendar year), and what the
/// JSON parser says of a malformed body, follow Accept-Language (api.md, "Conventions", Language).
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ReaderLanguageTests(TestDatabase database)
{
    /// <summary>Three Latin words in a row: an English sentence, which a Chinese answer never holds (field names and codes stand alone).</summary>
    internal const string EnglishWords = "[A-Za-z]+ [A-Za-z]+ [A-Za-z]+";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(database);
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
    public async Task PutObligation_FieldsWrong_NamesEachInTheLanguageAsked(string language)
    {
        const string Body = """
            {"name": {"zh": "语言测试", "en": "Language test"}, "regionPrefix": "371", "populations": [{"legalPerson": "yes"}],
             "years": {"from": 2023, "to": 2022}, "due": "endOfQuarter(2)", "remark": 1}
            """;

        using var response = await SendAsync(HttpMethod.Put, "/api/v1/obligations/LANG_READER", language, Body);
        var problem = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = Errors(problem);
        errors.Keys.Should().BeEquivalentTo("regionPrefix", "populations[0]", "years", "due", "remark");
        if (language == "en")
        {
            errors["due"].Should().Be("due is endOfMonth(M), dayOfMonth(M, D), nthWorkingDay(M, N) or afterPeriod(D): M 1–12, D 1–31 (1–28 for afterPeriod), N 1–23.");
            errors["populations[0]"].Should().Be("populations[0].legalPerson must be true or false.");
            errors["years"].Should().Be("years.to (2022) is before years.from (2023).");
            errors["remark"].Should().Be("'remark' is not a field of an obligation; its fields are code, name, regionPrefix, populations, years, due, reminderOffsets, filedBy.");
            errors["regionPrefix"].Should().StartWith("regionPrefix is \"\" (every region)");
            problem["detail"]!.GetValue<string>().Should().StartWith("The request has invalid fields: ");
        }
        else
        {
            ShouldBeChinese(errors.Values);
            errors["due"].Should().StartWith("due ").And.Contain("endOfMonth(M)");
            errors["years"].Should().Contain("2022").And.Contain("2023");
            errors["remark"].Should().Contain("remark");
            ShouldBeChinese([problem["detail"]!.GetValue<string>()]);
        }
    }

    [TestCase("zh-CN")]
    [TestCase("en")]
    public async Task PutObligation_LedgerFiledByADeliverable_SaysSoInTheLanguageAsked(string language)
    {
        const string Body = """
            {"name": {"zh": "月度贷款台账报送", "en": "Monthly loan ledger"}, "regionPrefix": "", "populations": null,
             "years": {"from": 2000, "to": null}, "due": "endOfMonth(1)", "filedBy": "deliverable"}
            """;

        using var response = await SendAsync(HttpMethod.Put, "/api/v1/obligations/LEDGER_MONTHLY", language, Body);
        var errors = Errors(await response.JsonAsync());

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        errors.Keys.Should().BeEquivalentTo("due", "filedBy");
        if (language == "en")
        {
            errors["due"].Should().Be("LEDGER_MONTHLY falls due after each monthly period: its due is afterPeriod(D).");
            errors["filedBy"].Should().Be("LEDGER_MONTHLY is filed by an accepted submission for its period: its filedBy is submission and cannot change.");
        }
        else
        {
            ShouldBeChinese(errors.Values);
        }
    }

    [TestCase("zh-CN")]
    [TestCase("en")]
    public async Task PutTarget_FieldsWrong_NamesEachInTheLanguageAsked(string language)
    {
        const string Body = """
            {"name": {"zh": "目标", "en": "Target"}, "jurisdiction": "1411", "year": 1999, "population": {"region": "14"},
             "measure": "ratio(totalBalance)", "op": "<", "versus": {"population": {}, "measure": "speed(totalBalance)"}, "threshold": 1}
            """;

        using var response = await SendAsync(HttpMethod.Put, "/api/v1/targets/lang-reader", language, Body);
        var errors = Errors(await response.JsonAsync());

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        errors.Keys.Should().BeEquivalentTo("year", "population.region", "measure", "op", "versus.measure", "threshold");
        if (language == "en")
        {
            errors["measure"].Should().Be("measure: 'ratio' is not a measure; one of growthPct, increase, cumulative, shareChangePp, change.");
            errors["versus.measure"].Should().Be("versus.measure: 'speed' is not a measure; one of growthPct, increase, cumulative, shareChangePp, change.");
            errors["op"].Should().Be("op is \">=\" or \">\".");
            errors["year"].Should().Be("year is a year from 2000 to 2100.");
            errors["population.region"].Should().Be("'region' is not a field of a population: {categories, localLegalPerson}.");
            errors["threshold"].Should().Be("'threshold' is not a field of a target.");
        }
        else
        {
            ShouldBeChinese(errors.Values);
            errors["measure"].Should().StartWith("measure").And.Contain("ratio");
            errors["versus.measure"].Should().StartWith("versus.measure").And.Contain("speed");
        }
    }

    [TestCase("zh-CN", """{"rule": "CREDIT_SHARE", "appliesTo": {"legalPerson": "yes"}}""", "appliesTo of CREDIT_SHARE.legalPerson must be true or false.")]
    [TestCase("en", """{"rule": "CREDIT_SHARE", "appliesTo": {"legalPerson": "yes"}}""", "appliesTo of CREDIT_SHARE.legalPerson must be true or false.")]
    [TestCase("zh-CN", """{"rule": "MAGIC"}""", "Unknown rule 'MAGIC'.")]
    [TestCase("en", """{"rule": "MAGIC"}""", "Unknown rule 'MAGIC'.")]
    [TestCase("zh-CN", """{"rule": "CREDIT_SHARE", "parameters": {"assessmentMonth": 13}}""", "Parameter assessmentMonth of CREDIT_SHARE must be a month, 1 to 12.")]
    [TestCase("en", """{"rule": "CREDIT_SHARE", "parameters": {"assessmentMonth": 13}}""", "Parameter assessmentMonth of CREDIT_SHARE must be a month, 1 to 12.")]
    [TestCase("zh-CN", """{"rule": "CREDIT_PLAN", "years": {"from": 2023, "to": 2022}}""", "years of CREDIT_PLAN is {from, to?} with from a year from 2000 to 2100 and to, when given, not before it nor after 2100.")]
    [TestCase("en", """{"rule": "CREDIT_PLAN", "years": {"from": 2023, "to": 2022}}""", "years of CREDIT_PLAN is {from, to?} with from a year from 2000 to 2100 and to, when given, not before it nor after 2100.")]
    public async Task PutRuleSet_RuleThatDoesNotFit_SaysWhyInTheLanguageAsked(string language, string rule, string english)
    {
        var body = $$"""{"jurisdiction": "3713", "years": {"from": 2022}, "scope": "cbirc", "rules": [{{rule}}]}""";

        using var response = await SendAsync(HttpMethod.Put, "/api/v1/rule-sets/lang-reader", language, body);
        var errors = Errors(await response.JsonAsync());

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        errors.Keys.Should().Equal("rules");
        if (language == "en")
        {
            errors["rules"].Should().Be(english);
        }
        else
        {
            ShouldBeChinese(errors.Values);
        }
    }

    [TestCase("zh-CN")]
    [TestCase("en")]
    public async Task PutCalendar_MalformedDate_SaysWhichInTheLanguageAsked(string language)
    {
        using var response = await SendAsync(HttpMethod.Put, "/api/v1/calendar/2098", language, """{"holidays": [{"name": "春节", "dates": ["2098-02-30"]}], "workdays": []}""");
        var errors = Errors(await response.JsonAsync());

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        errors.Keys.Should().Equal("body");
        if (language == "en")
        {
            errors["body"].Should().Be("The body is {notice?, holidays: [{name, dates}], workdays: [dates]} with dates yyyy-MM-dd: '2098-02-30' is not a date (yyyy-MM-dd).");
        }
        else
        {
            ShouldBeChinese(errors.Values);
            errors["body"].Should().EndWith("“2098-02-30”不是日期（yyyy-MM-dd）。");
        }
    }

    // The parser's position counts from 0; the Chinese counts lines and bytes from 1, as a person does.
    [TestCase("PUT", "/api/v1/obligations/LANG_JSON", """{"due": x}""", "body", "第 1 行第 9 个字节处不是有效的 JSON", "'x' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 8.")]
    [TestCase("PUT", "/api/v1/targets/lang-json", "{\n  \"year\": 2022,\n  \"op\": >\n}", "body", "第 3 行第 9 个字节处不是有效的 JSON", "'>' is an invalid start of a value. LineNumber: 2 | BytePositionInLine: 8.")]
    [TestCase("PUT", "/api/v1/calendar/2098", """{"holidays": [}""", "body", "第 1 行第 15 个字节处不是有效的 JSON（位置 $.holidays[0]）", "'}' is an invalid start of a value. Path: $.holidays[0] | LineNumber: 0 | BytePositionInLine: 14.")]
    [TestCase("PUT", "/api/v1/calendar/2098", """{"holidays": 5}""", "body", "第 1 行第 14 个字节处的值类型不符合要求（位置 $.holidays）", "The JSON value could not be converted to")]
    [TestCase("POST", "/api/v1/institutions", """{"code": "LANGJ", "name": tru}""", "name", "第 1 行第 30 个字节处不是有效的 JSON（位置 $.name）", "Path: $.name | LineNumber: 0 | BytePositionInLine: 29.")]
    public async Task MalformedJson_IsDescribedInTheLanguageAsked(string method, string url, string body, string field, string chinese, string english)
    {
        foreach (var language in new[] { "zh-CN", "en" })
        {
            using var response = await SendAsync(new HttpMethod(method), url, language, body);
            var problem = await response.JsonAsync();
            var errors = Errors(problem);

            using var scope = new AssertionScope(language);
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            problem["type"]!.GetValue<string>().Should().Be("/problems/invalid-request");
            errors.Keys.Should().Equal(field);
            if (language == "en")
            {
                errors[field].Should().Contain(english);
                errors[field].Should().NotMatchRegex(@"\p{IsCJKUnifiedIdeographs}", "an English answer is English alone");
            }
            else
            {
                errors[field].Should().Contain(chinese);
                ShouldBeChinese(errors.Values);
            }
        }
    }

    /// <summary>A Chinese text: it has Chinese, and no English sentence (field names, codes and values stay as they are).</summary>
    internal static void ShouldBeChinese(IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            message.Should().MatchRegex(@"\p{IsCJKUnifiedIdeographs}", "a Chinese answer is written in Chinese").And.NotMatchRegex(EnglishWords, "a Chinese answer holds no English sentence");
        }
    }

    /// <summary>The first message of each field of a 400's <c>errors</c>.</summary>
    internal static Dictionary<string, string> Errors(JsonObject problem) =>
        problem["errors"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.AsArray().Single()!.GetValue<string>());

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string acceptLanguage, string body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        return await _admin.SendAsync(request);
    }
}
