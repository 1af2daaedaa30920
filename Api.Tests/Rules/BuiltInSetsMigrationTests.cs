using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Rules;

/// <summary>
/// A database created before rules judged their populations gets the built-in sets' new versions (rules.md, "Rule
/// sets"): the national set's populations, CREDIT_PLAN, FIRST_LOAN_ENTERPRISES and strict parameters, the Shandong set's
/// authorities and notice; each only where the version in force is the system's, an admin's own version kept and logged.
/// </summary>
public sealed class BuiltInSetsMigrationTests
{
    private const string Script = "0018_built_in_sets_populations.sql";

    private static readonly string[] County = ["county"];

    // The two built-in sets as an earlier version stored them, made by the seed (no audited PUT).
    private const string EarlierSets = """
        INSERT INTO rule_sets (id, version, jurisdiction, year_from, year_to, rules, scope, name_zh, name_en, authority, source, retired, created_at)
        VALUES ('national', 1, '', 2019, NULL, '[{"rule":"INCLUSIVE_GROWTH","parameters":{"basis":"ytd"}},{"rule":"NPL_TOLERANCE","parameters":{"tolerancePp":3}},{"rule":"BASELINE_MISSING","parameters":{}}]',
                'cbirc', '银保监会小微企业金融服务监管（两增）', 'CBIRC', 'CBIRC', 'notice', 0, '2023-01-01T00:00:00.000Z'),
               ('shandong', 1, '37', 2022, NULL, '[{"rule":"INCLUSIVE_GROWTH","parameters":{"basis":"yoy"}},{"rule":"BASELINE_MISSING","parameters":{}}]',
                'pboc', '山东助企惠商', 'Shandong', 'PBoC Jinan', '助企惠商', 0, '2023-01-01T00:00:00.000Z');
        """;

    [Test]
    public async Task SetsInForceMadeByTheSystem_GetTheNewVersions_MadeByTheSystem()
    {
        var path = await TestDatabases.SqliteBeforeAsync(Script, EarlierSets);
        using var factory = new ComplianceApiFactory(location: path);
        using var admin = factory.Admin();

        var national = await admin.GetJsonAsync("/api/v1/rule-sets/national");
        var shandong = await admin.GetJsonAsync("/api/v1/rule-sets/shandong");

        using (new AssertionScope())
        {
            national["version"]!.GetValue<int>().Should().Be(2);
            national["createdBy"]!.GetValue<string>().Should().Be("system");
            national["history"]![0]!["createdBy"]!.GetValue<string>().Should().Be("system");
            national["authority"]!.GetValue<string>().Should().Be("原银保监会（现国家金融监督管理总局）");
            var rules = national["rules"]!.AsArray().Select(r => r!.AsObject()).ToDictionary(r => r["rule"]!.GetValue<string>());
            rules.Keys.Should().Equal("INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS", "CREDIT_PLAN", "NPL_TOLERANCE", "CREDIT_SHARE", "INDIVIDUAL_BUSINESS",
                "NEW_LOAN_RATE", "FIRST_LOAN_ENTERPRISES", "BASELINE_MISSING");
            rules["INCLUSIVE_GROWTH"]["appliesTo"]!.ToJsonString().Should().Be("""{"legalPerson":true}""");
            rules["CREDIT_PLAN"]["appliesTo"]!.ToJsonString().Should().Be("""{"legalPerson":false}""");
            rules["CREDIT_PLAN"]["years"]!["from"]!.GetValue<int>().Should().Be(2022);
            rules["FIRST_LOAN_ENTERPRISES"]["appliesTo"]!.ToJsonString().Should().Be("""{"legalPerson":true,"categories":["large_state","joint_stock"]}""");
            rules["INDIVIDUAL_BUSINESS"]["parameters"]!["strict"]!.GetValue<int>().Should().Be(2022);
            rules["NEW_LOAN_RATE"]["parameters"]!["strict"]!.GetValue<int>().Should().Be(2022);
            rules["NPL_TOLERANCE"].ContainsKey("appliesTo").Should().BeFalse("a rule without a population judges every institution");

            shandong["version"]!.GetValue<int>().Should().Be(2);
            shandong["createdBy"]!.GetValue<string>().Should().Be("system");
            shandong["source"]!.GetValue<string>().Should().Be("《关于开展“齐心鲁力·助企惠商”金融支持小微企业和个体工商户发展专项行动的通知》（济银发〔2022〕61号）");
            shandong["rules"]!.ToJsonString().Should().Be(shandong["history"]![0]!["rules"]!.ToJsonString(), "Shandong's rules stay as they were");
        }

        factory.DeleteDatabase();
    }

    [Test]
    public async Task ASetInForceAnAdminPut_IsKept_AttributedToItsKey_AndLogged()
    {
        var path = await TestDatabases.SqliteBeforeAsync(Script, EarlierSets + """
            INSERT INTO rule_sets (id, version, jurisdiction, year_from, year_to, rules, scope, name_zh, name_en, authority, source, retired, created_at)
            VALUES ('national', 2, '', 2019, NULL, '[{"rule":"NPL_TOLERANCE","parameters":{"tolerancePp":2}}]', 'cbirc', '自定', 'Own', NULL, NULL, 0, '2023-02-01T00:00:00.500Z');
            INSERT INTO audit_log (at, key_id, role, method, path, status, target, last_at, route)
            VALUES ('2023-02-01T00:00:00.400Z', 7, 'admin', 'PUT', '/api/v1/rule-sets/national', 200, 'national', '2023-02-01T00:00:00.400Z', '/api/v1/rule-sets/{id}'),
                   ('2023-01-15T00:00:00.000Z', 8, 'admin', 'PUT', '/api/v1/rule-sets/shandong', 400, 'shandong', '2023-01-15T00:00:00.000Z', '/api/v1/rule-sets/{id}');
            """);
        using var factory = new ComplianceApiFactory(location: path) { CaptureLogs = true };
        using var admin = factory.Admin();

        var national = await admin.GetJsonAsync("/api/v1/rule-sets/national");
        var shandong = await admin.GetJsonAsync("/api/v1/rule-sets/shandong");

        using (new AssertionScope())
        {
            national["version"]!.GetValue<int>().Should().Be(2);
            national["createdBy"]!.GetValue<string>().Should().Be("7");
            national["history"]![0]!["createdBy"]!.GetValue<string>().Should().Be("system");
            shandong["version"]!.GetValue<int>().Should().Be(2, "a refused PUT made no version, so Shandong's in force is the system's");
            factory.Logs.Should().Contain(line => line.Contains("national: version 2 by key 7 kept"));
            factory.Logs.Should().NotContain(line => line.Contains("shandong: version"));
        }

        factory.DeleteDatabase();
    }

    [Test]
    public async Task APut_RecordsTheKeyThatMadeTheVersion()
    {
        using var factory = new ComplianceApiFactory();
        using var admin = factory.Admin();
        var me = await admin.GetJsonAsync("/api/v1/me");

        var put = await admin.PutAsJsonAsync("/api/v1/rule-sets/linyi", new
        {
            jurisdiction = "3713", years = new { from = 2022 }, scope = "pboc",
            rules = new object[] { new { rule = "CREDIT_SHARE", parameters = new { }, appliesTo = new { levels = County }, years = new { from = 2023 } } },
        });
        var stored = await admin.GetJsonAsync("/api/v1/rule-sets/linyi");

        using (new AssertionScope())
        {
            put.StatusCode.Should().Be(HttpStatusCode.OK);
            stored["createdBy"]!.GetValue<string>().Should().Be(me["keyId"]!.GetValue<string>());
            stored["rules"]![0]!["appliesTo"]!.ToJsonString().Should().Be("""{"levels":["county"]}""");
            stored["rules"]![0]!["years"]!.ToJsonString().Should().Be("""{"from":2023,"to":null}""");
            (await admin.GetJsonAsync("/api/v1/rule-sets/national"))["createdBy"]!.GetValue<string>().Should().Be("system");
        }
    }

    [TestCase("""{"rule": "CREDIT_SHARE", "appliesTo": {"legalPerson": "yes"}}""", "legalPerson must be true or false")]
    [TestCase("""{"rule": "CREDIT_SHARE", "appliesTo": {"categories": []}}""", "categories must list at least one of")]
    [TestCase("""{"rule": "CREDIT_SHARE", "appliesTo": {"levels": ["branch"]}}""", "levels must list at least one of")]
    [TestCase("""{"rule": "CREDIT_SHARE", "appliesTo": {"region": "37"}}""", "has no member 'region'")]
    [TestCase("""{"rule": "BASELINE_MISSING", "appliesTo": {"legalPerson": true}}""", "BASELINE_MISSING takes no appliesTo")]
    [TestCase("""{"rule": "CREDIT_PLAN", "years": {"from": 2023, "to": 2022}}""", "years of CREDIT_PLAN is {from, to?}")]
    public async Task APutWithAMalformedPopulationOrYears_Answers400NamingIt(string rule, string expected)
    {
        using var factory = new ComplianceApiFactory();
        using var admin = factory.Admin();

        var put = await admin.PutAsync("/api/v1/rule-sets/linyi", new StringContent(
            $$"""{"jurisdiction": "3713", "years": {"from": 2022}, "scope": "cbirc", "rules": [{{rule}}]}""", System.Text.Encoding.UTF8, "application/json"));
        var problem = await put.Content.ReadFromJsonAsync<JsonObject>();

        using (new AssertionScope())
        {
            put.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            problem!["errors"]!["rules"]![0]!.GetValue<string>().Should().Contain(expected);
            (await admin.GetAsync("/api/v1/rule-sets/linyi")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
    }
}
