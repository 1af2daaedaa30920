using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Language;

/// <summary>Every text a person reads follows Accept-Language (api.md, "Conventions", Language).</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class LanguageTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
        await _factory.CreateInstitutionAsync("LANG01", "371302");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase(null, "en")]
    [TestCase("zh", "zh-CN")]
    [TestCase("zh-CN", "zh-CN")]
    [TestCase("ZH-Hans-CN", "zh-CN")]
    [TestCase("en;q=0.5, zh;q=0.8", "zh-CN")]
    [TestCase("zh;q=0.8, en;q=0.8", "zh-CN")]
    [TestCase("en, zh", "en")]
    [TestCase("zh;q=0, en", "en")]
    [TestCase("zh;q=0", "en")]
    [TestCase("fr", "en")]
    [TestCase("fr, zh;q=0.9", "en")]
    [TestCase("zhx", "en")]
    [TestCase("*", "en")]
    public async Task NotFound_FollowsTheHighestRange(string? acceptLanguage, string expected)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/institutions/NOSUCH", acceptLanguage);
        var problem = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        problem["type"]!.GetValue<string>().Should().Be("/problems/not-found");
        response.Content.Headers.ContentLanguage.Should().Equal(expected);
        response.Headers.Vary.Should().Contain("Accept-Language");
        if (expected == "zh-CN")
        {
            problem["title"]!.GetValue<string>().Should().Be("未找到");
            problem["detail"]!.GetValue<string>().Should().Be("机构 NOSUCH不存在，或本密钥无权查看。");
        }
        else
        {
            problem["title"]!.GetValue<string>().Should().Be("Not found");
            problem["detail"]!.GetValue<string>().Should().Be("Institution NOSUCH does not exist or is not visible to this key.");
        }
    }

    [Test]
    public async Task InvalidRequest_InChinese_NamesEachFieldInChinese()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/institutions", "zh-CN",
            new { code = "LANG02", category = "nonsense", localLegalPerson = true, regionCode = "12" });
        var problem = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem["type"]!.GetValue<string>().Should().Be("/problems/invalid-request");
        problem["title"]!.GetValue<string>().Should().Be("请求无效");
        problem["detail"]!.GetValue<string>().Should().StartWith("请求中有字段无效：");
        var errors = problem["errors"]!.AsObject();
        errors["name"]![0]!.GetValue<string>().Should().Be("name 为必填项。");
        errors["regionCode"]![0]!.GetValue<string>().Should().Be("regionCode 应为 6 位 GB/T 2260 行政区划代码。");
        errors["category"]![0]!.GetValue<string>().Should()
            .Be("category 应为以下之一：large_state、joint_stock、city_commercial、rural、village、policy、foreign、other。");
        response.Content.Headers.ContentLanguage.Should().Equal("zh-CN");
    }

    [Test]
    public async Task InvalidRequest_InEnglish_NamesEachFieldInEnglish()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/institutions", "en-US",
            new { code = "LANG02", category = "nonsense", localLegalPerson = true, regionCode = "12" });
        var problem = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem["title"]!.GetValue<string>().Should().Be("Invalid request");
        var errors = problem["errors"]!.AsObject();
        errors["name"]![0]!.GetValue<string>().Should().Be("name is required.");
        errors["regionCode"]![0]!.GetValue<string>().Should().Be("regionCode is the 6-digit GB/T 2260 code.");
        errors["category"]![0]!.GetValue<string>().Should().Be("category is one of large_state, joint_stock, city_commercial, rural, village, policy, foreign, other.");
        response.Content.Headers.ContentLanguage.Should().Equal("en");
    }

    [TestCase("zh")]
    [TestCase("en")]
    public async Task InvalidQuery_FromBinding_FollowsTheLanguage(string language)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/institutions?page=abc", language);
        var problem = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]!["page"]![0]!.GetValue<string>().Should().Be(language == "zh" ? "page 应为 1 至 1000000 的整数。" : "page is a whole number from 1 to 1000000.");
    }

    [TestCase("zh", "无权操作", "该密钥的角色无权执行此操作。")]
    [TestCase("en", "Forbidden", "This key's role may not do this.")]
    public async Task Forbidden_FollowsTheLanguage(string language, string title, string detail)
    {
        var key = await _factory.CreateKeyAsync(new { name = "lang-bank", role = "institution", institution = "LANG01" });
        using var bank = _factory.ClientWithKey(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/institutions") { Content = JsonContent.Create(new { code = "X" }) };
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await bank.SendAsync(request);
        var problem = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        problem["title"]!.GetValue<string>().Should().Be(title);
        problem["detail"]!.GetValue<string>().Should().Be(detail);
    }

    [TestCase("zh", "冲突", "代码为“LANG01”的机构已存在。")]
    [TestCase("en", "Conflict", "An institution with code 'LANG01' exists already.")]
    public async Task Conflict_FollowsTheLanguage(string language, string title, string detail)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/institutions", language,
            new { code = "LANG01", name = "某银行", category = "rural", localLegalPerson = true, regionCode = "371302" });
        var problem = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        problem["type"]!.GetValue<string>().Should().Be("/problems/conflict");
        problem["title"]!.GetValue<string>().Should().Be(title);
        problem["detail"]!.GetValue<string>().Should().Be(detail);
    }

    [TestCase("zh", "未找到")]
    [TestCase("en", "Not found")]
    public async Task UnmatchedRoute_FrameworkProblem_FollowsTheLanguage(string language, string title)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/no-such-thing", language);
        var problem = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        problem["title"]!.GetValue<string>().Should().Be(title);
        response.Headers.Vary.Should().Contain("Accept-Language");
    }

    [TestCase("zh", "请求无效")]
    [TestCase("en", "Invalid request")]
    public async Task ProblemPage_FollowsTheLanguage(string language, string title)
    {
        using var response = await SendAsync(HttpMethod.Get, "/problems/invalid-request", language);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain($"<h1>{title} (400)</h1>");
        response.Content.Headers.ContentLanguage.Should().Equal(language == "zh" ? "zh-CN" : "en");
    }

    [Test]
    public async Task AnAnswerWithoutText_CarriesNoContentLanguage()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/institutions/LANG01", "zh");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentLanguage.Should().BeEmpty();
    }

    [Test]
    public async Task LedgerErrors_OfOneStoredSubmission_AreWrittenInTheLanguageOfWhoReadsThem()
    {
        var csv = Ledgers.Csv(Ledgers.Row("L1", amount: -5m, balance: 0m), Ledgers.Row("L1"));

        using var submitted = await PostLedgerAsync("2022-06", Encoding.UTF8.GetBytes(csv), "zh-CN");
        var rejected = await submitted.JsonAsync();
        var id = rejected["submissionId"]!.GetValue<string>();
        var inEnglish = await ReadAsync($"/api/v1/submissions/{id}/errors", "en");
        var inChinese = await ReadAsync($"/api/v1/submissions/{id}/errors", "zh-Hans");

        using var scope = new AssertionScope();
        submitted.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        submitted.Content.Headers.ContentLanguage.Should().Equal("zh-CN");
        rejected["title"]!.GetValue<string>().Should().Be("台账有误");
        rejected["detail"]!.GetValue<string>().Should().StartWith("台账有 2 处错误，已整体退回。");
        Messages(rejected["errors"]!).Should().Equal("amount -5 必须大于 0。", "loan_id“L1”出现不止一次。");
        Messages(inEnglish["items"]!).Should().Equal("amount -5 must be greater than 0.", "loan_id 'L1' appears more than once.");
        Messages(inChinese["items"]!).Should().Equal("amount -5 必须大于 0。", "loan_id“L1”出现不止一次。");
        inChinese["items"]![0]!["code"]!.GetValue<string>().Should().Be("E004", "codes never change with the language");
    }

    [Test]
    public async Task Warnings_OfAnAcceptedSubmission_AreWrittenInTheLanguageOfWhoReadsThem()
    {
        var csv = Ledgers.Csv(Ledgers.Row("L1", amount: 100_000m, balance: 120_000m)).Replace(Ledgers.Header, Ledgers.Header + ",remark", StringComparison.Ordinal)
            .Replace("371302\n", "371302,x\n", StringComparison.Ordinal);

        using var submitted = await PostLedgerAsync("2022-07", Encoding.UTF8.GetBytes(csv), "en");
        var receipt = await submitted.JsonAsync();
        var id = receipt["id"]!.GetValue<string>();
        var inChinese = await ReadAsync($"/api/v1/submissions/{id}", "zh");
        var inEnglish = await ReadAsync($"/api/v1/submissions/{id}", null);

        using var scope = new AssertionScope();
        submitted.StatusCode.Should().Be(HttpStatusCode.Created);
        Messages(receipt["warnings"]!).Should().Equal("Unknown column 'remark' is ignored.", "balance 120000 is greater than amount 100000.");
        Messages(inChinese["warnings"]!).Should().Equal("未知的列“remark”，已忽略。", "balance 120000 大于 amount 100000。");
        Messages(inEnglish["warnings"]!).Should().Equal(Messages(receipt["warnings"]!));
    }

    [TestCase("zh", "正文不是有效的 UTF-8 编码，但可按 GB18030（GBK）无误读取")]
    [TestCase("en", "The body is not valid UTF-8, but it reads as GB18030 (GBK) without error")]
    public async Task AGb18030LedgerSentAsUtf8_SaysSoInTheLanguageAsked_WithTheDetectedCharset(string language, string start)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var body = Encoding.GetEncoding("gb18030").GetBytes(Ledgers.Csv(Ledgers.Row("贷款1")));

        using var submitted = await PostLedgerAsync("2022-08", body, language);
        var problem = await submitted.JsonAsync();

        using var scope = new AssertionScope();
        submitted.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        problem["detectedCharset"]!.GetValue<string>().Should().Be("gb18030");
        problem["errors"]![0]!["code"]!.GetValue<string>().Should().Be("E009");
        var message = problem["errors"]![0]!["message"]!.GetValue<string>();
        message.Should().StartWith(start).And.Contain("charset=gb18030");
        if (language == "en")
        {
            message.Should().NotMatchRegex(@"\p{IsCJKUnifiedIdeographs}", "an English answer is English alone");
        }
    }

    [Test]
    public async Task AReplay_AnswersTheFirstAnswerByteForByte_InTheFirstRequestsLanguage()
    {
        var csv = Encoding.UTF8.GetBytes(Ledgers.Csv(Ledgers.Row("L1", amount: -5m, balance: 0m)));

        using var first = await PostLedgerAsync("2022-09", csv, "zh-CN", "replay-language-1");
        using var replay = await PostLedgerAsync("2022-09", csv, "en", "replay-language-1");
        var firstBytes = await first.Content.ReadAsByteArrayAsync();
        var replayBytes = await replay.Content.ReadAsByteArrayAsync();

        using var scope = new AssertionScope();
        first.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        replay.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        replay.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        // The first answer's traceId (added as it is written) is the one member the kept answer lacks; every other byte is the same.
        var first422 = System.Text.RegularExpressions.Regex.Replace(Encoding.UTF8.GetString(firstBytes), ",\"traceId\":\"[^\"]*\"", "");
        replayBytes.Should().Equal(Encoding.UTF8.GetBytes(first422));
        Encoding.UTF8.GetString(replayBytes).Should().Contain("台账有误");
        replay.Content.Headers.ContentLanguage.Should().Equal("zh-CN");
        replay.Headers.Vary.Should().Contain("Accept-Language");
    }

    private static List<string> Messages(JsonNode list) => [.. list.AsArray().Select(e => e!["message"]!.GetValue<string>())];

    private async Task<HttpResponseMessage> PostLedgerAsync(string period, byte[] body, string language, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/submissions?period={period}&institution=LANG01")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        request.Headers.TryAddWithoutValidation("Accept-Language", language);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await _admin.SendAsync(request);
    }

    private async Task<JsonObject> ReadAsync(string url, string? language)
    {
        using var response = await SendAsync(HttpMethod.Get, url, language);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.JsonAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? acceptLanguage, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        return await _admin.SendAsync(request);
    }
}
