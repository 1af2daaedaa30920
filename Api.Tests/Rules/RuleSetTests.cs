using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Rules;

/// <summary>The rule catalogue, rule sets as versioned data, and re-evaluation with the sets now in force.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class RuleSetTests(TestDatabase database)
{
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

    [Test]
    public async Task Catalogue_ListsEveryRuleWithNamesParametersAndDefaults()
    {
        var rules = (await _admin.GetJsonAsync("/api/v1/rules"))["items"]!.AsArray();

        using var scope = new AssertionScope();
        rules.Select(r => r!["id"]!.GetValue<string>()).Should().BeEquivalentTo(
            "INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS", "NPL_TOLERANCE", "CREDIT_SHARE", "FIRST_LOAN_SHARE",
            "INCREMENT_VS_LAST_YEAR", "INDIVIDUAL_BUSINESS", "NEW_LOAN_RATE", "CREDIT_PLAN", "FIRST_LOAN_ENTERPRISES", "OPERATING_LOANS", "BASELINE_MISSING",
            "DEADLINE_MISSED");
        var npl = rules.Single(r => r!["id"]!.GetValue<string>() == "NPL_TOLERANCE")!;
        npl["name"]!["zh"]!.GetValue<string>().Should().Be("普惠型小微企业贷款不良容忍度");
        npl["parameters"]![0]!["name"]!.GetValue<string>().Should().Be("tolerancePp");
        npl["parameters"]![0]!["default"]!.GetValue<decimal>().Should().Be(3m);
        npl["parameters"]![0]!["label"]!["zh"]!.GetValue<string>().Should().Be("不良容忍度（百分点）");
        npl["parameters"]![0]!["label"]!["en"]!.GetValue<string>().Should().Be("Tolerance (percentage points)");
        rules.SelectMany(r => r!["parameters"]!.AsArray()).Should().OnlyContain(
            p => !string.IsNullOrWhiteSpace(p!["label"]!["zh"]!.GetValue<string>()) && !string.IsNullOrWhiteSpace(p["label"]!["en"]!.GetValue<string>()),
            "every parameter is labelled in both languages");
        npl["severity"]!.GetValue<string>().Should().Be("breach");
    }

    [Test]
    public async Task BuiltInSets_AreLoadedAtFirstStart()
    {
        var sets = (await _admin.GetJsonAsync("/api/v1/rule-sets"))["items"]!.AsArray();

        using var scope = new AssertionScope();
        sets.Select(s => (s!["id"]!.GetValue<string>(), s["jurisdiction"]!.GetValue<string>(), s["scope"]!.GetValue<string>(), s["years"]!["from"]!.GetValue<int>()))
            .Should().BeEquivalentTo(new[] { ("national", "", "cbirc", 2019), ("shandong", "37", "pboc", 2022) });
        var shandong = await _admin.GetJsonAsync("/api/v1/rule-sets/shandong");
        shandong["rules"]!.AsArray().Select(r => r!["rule"]!.GetValue<string>()).Should().Equal(
            "INCLUSIVE_GROWTH", "INCREMENT_VS_LAST_YEAR", "CREDIT_SHARE", "FIRST_LOAN_SHARE", "OPERATING_LOANS", "BASELINE_MISSING");
        shandong["authority"]!.GetValue<string>().Should().StartWith("中国人民银行济南分行");
        shandong["name"]!["zh"]!.GetValue<string>().Should().Contain("助企惠商");
        shandong["retired"]!.GetValue<bool>().Should().BeFalse();
    }

    [Test]
    public async Task NewVersion_IsUsedByTheNextEvaluation_AndRecordedOnItsExceptions()
    {
        var created = await _admin.PutAsJsonAsync("/api/v1/rule-sets/jiyuan-local", new
        {
            jurisdiction = "419001", scope = "cbirc", years = new { from = 2000 },
            rules = new object[] { new { rule = "NPL_TOLERANCE", parameters = new { tolerancePp = 3 } }, new { rule = "BASELINE_MISSING" } },
        });
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("J4190001", "419001"));
        var first = await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", Example));
        first["evaluation"]!["ruleSets"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().Equal("national", "jiyuan-local");
        (await bank.ExceptionsAsync("&rule=NPL_TOLERANCE&ruleSet=jiyuan-local")).Should().ContainSingle();

        var put = await _admin.PutAsJsonAsync("/api/v1/rule-sets/jiyuan-local", new
        {
            jurisdiction = "419001", scope = "cbirc", years = new { from = 2000 },
            rules = new object[] { new { rule = "NPL_TOLERANCE", parameters = new { tolerancePp = 30 } }, new { rule = "BASELINE_MISSING" } },
        });
        var queued = await _admin.PostAsync("/api/v1/evaluations?institution=J4190001&from=2022-01&to=2022-12", null);
        await bank.WaitForAllEvaluationsAsync();

        using var scope = new AssertionScope();
        created.StatusCode.Should().Be(HttpStatusCode.OK);
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        (await put.JsonAsync())["version"]!.GetValue<int>().Should().Be(2);
        queued.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await queued.JsonAsync())["queued"]!.GetValue<int>().Should().Be(1);
        var npl = (await bank.ExceptionsAsync("&rule=NPL_TOLERANCE&ruleSet=jiyuan-local")).Single();
        npl["status"]!.GetValue<string>().Should().Be("cleared", "a 27 % inclusive NPL ratio is within a 30 pp tolerance");
        (await bank.ExceptionsAsync("&rule=NPL_TOLERANCE&ruleSet=national")).Single()["status"]!.GetValue<string>().Should().Be("open", "the national set's own tolerance is still 3 pp");
        var history = await _admin.GetJsonAsync("/api/v1/rule-sets/jiyuan-local");
        history["version"]!.GetValue<int>().Should().Be(2);
        history["scope"]!.GetValue<string>().Should().Be("cbirc");
        history["history"]!.AsArray().Select(h => h!["version"]!.GetValue<int>()).Should().Equal(1);
        var receipt = await bank.GetJsonAsync($"/api/v1/submissions/{first["id"]}");
        receipt["evaluation"]!["ruleSets"]![1]!["version"]!.GetValue<int>().Should().Be(2);
    }

    [TestCase("""{"jurisdiction":"41","scope":"cbirc","years":{"from":2000},"rules":[{"rule":"NO_SUCH_RULE"}]}""", "rules")]
    [TestCase("""{"jurisdiction":"41","scope":"cbirc","years":{"from":2000},"rules":[{"rule":"NPL_TOLERANCE","parameters":{"tolerance":3}}]}""", "rules")]
    [TestCase("""{"jurisdiction":"41","scope":"cbirc","years":{"from":2000},"rules":[{"rule":"INCLUSIVE_GROWTH","parameters":{"basis":"monthly"}}]}""", "rules")]
    [TestCase("""{"jurisdiction":"41","scope":"cbirc","years":{"from":2000},"rules":[{"rule":"INDIVIDUAL_BUSINESS","parameters":{"strict":"x"}}]}""", "rules")]
    [TestCase("""{"jurisdiction":"41","scope":"cbirc","years":{"from":2000},"rules":[{"rule":"NEW_LOAN_RATE","parameters":{"strict":2101}}]}""", "rules")]
    [TestCase("""{"jurisdiction":"4","scope":"cbirc","years":{"from":2000},"rules":[{"rule":"NPL_TOLERANCE"}]}""", "jurisdiction")]
    [TestCase("""{"jurisdiction":"41","scope":"pboc","years":{"from":2020,"to":2019},"rules":[{"rule":"NPL_TOLERANCE"}]}""", "years")]
    [TestCase("""{"jurisdiction":"41","scope":"cbirc","years":{"from":2000},"rules":[]}""", "rules")]
    [TestCase("""{"jurisdiction":"41","scope":"csrc","years":{"from":2000},"rules":[{"rule":"NPL_TOLERANCE"}]}""", "scope")]
    [TestCase("""{"jurisdiction":"41","scope":"CBIRC","years":{"from":2000},"rules":[{"rule":"NPL_TOLERANCE"}]}""", "scope")]
    [TestCase("""{"jurisdiction":"41","years":{"from":2000},"rules":[{"rule":"NPL_TOLERANCE"}]}""", "scope")]
    public async Task InvalidSet_Answers400_NamingTheField(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await _admin.PutAsync("/api/v1/rule-sets/henan", content);
        var problem = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]![field].Should().NotBeNull();
        (await _admin.GetAsync("/api/v1/rule-sets/henan")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task ChangingSets_IsForAdminsOnly()
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));

        var put = await regulator.PutAsJsonAsync("/api/v1/rule-sets/national", new { jurisdiction = "", scope = "cbirc", years = new { from = 2000 }, rules = new[] { new { rule = "NPL_TOLERANCE" } } });
        var evaluate = await regulator.PostAsync("/api/v1/evaluations", null);

        put.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        evaluate.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await regulator.GetAsync("/api/v1/rule-sets")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
