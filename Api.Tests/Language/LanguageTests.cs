using System.Net;
using System.Net.Http.Json;
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
