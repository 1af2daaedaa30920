using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Rules;

/// <summary>
/// FIRST_LOAN_ENTERPRISES (新增小微企业法人首贷户高于上年) and the <c>strict</c> parameter of INDIVIDUAL_BUSINESS and
/// NEW_LOAN_RATE, through HTTP: from an admin's set, and from the built-in national set, which asks the first of large and
/// joint-stock legal persons and is strict from 2022 (the 2022 notice's 持续增长 and 有所下降).
/// </summary>
public sealed class FirstLoanEnterprisesTests
{
    private const string Bank = "H1";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [SetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory();
        _admin = _factory.Admin();
    }

    [TearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Catalogue_ListsFirstLoanEnterprises_AndStrictNotStrictByDefault()
    {
        var rules = (await _admin.GetJsonAsync("/api/v1/rules"))["items"]!.AsArray().Select(r => r!.AsObject()).ToDictionary(r => r["id"]!.GetValue<string>());

        using (new AssertionScope())
        {
            var rule = rules["FIRST_LOAN_ENTERPRISES"];
            rule["name"]!["zh"]!.GetValue<string>().Should().Be("新增小微企业法人首贷户");
            rule["name"]!["en"]!.GetValue<string>().Should().Be("New first-loan small and micro enterprises");
            rule["figures"]!.AsArray().Select(f => (f!["key"]!.GetValue<string>(), f["unit"]!.GetValue<string>()))
                .Should().Equal(("firstLoanEnterprisesYtd", "count"), ("lastYearYtd", "count"));
            foreach (var id in new[] { "INDIVIDUAL_BUSINESS", "NEW_LOAN_RATE" })
            {
                var strict = rules[id]["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "strict")!;
                strict["default"]!.GetValue<bool>().Should().BeFalse();
                rules[id]["figures"]!.AsArray().Select(f => f!["key"]!.GetValue<string>()).Should().Contain("strict");
            }

            var national = (await _admin.GetJsonAsync("/api/v1/rule-sets/national"))["rules"]!.AsArray().Select(r => r!.AsObject())
                .ToDictionary(r => r["rule"]!.GetValue<string>());
            national["FIRST_LOAN_ENTERPRISES"]["appliesTo"]!.ToJsonString().Should().Be("""{"legalPerson":true,"categories":["large_state","joint_stock"]}""");
            national["FIRST_LOAN_ENTERPRISES"]["years"]!["from"]!.GetValue<int>().Should().Be(2022);
            national["INDIVIDUAL_BUSINESS"]["parameters"]!["strict"]!.GetValue<int>().Should().Be(2022);
            national["NEW_LOAN_RATE"]["parameters"]!["strict"]!.GetValue<int>().Should().Be(2022);
        }
    }

    [Test]
    public async Task AdminsSet_WithFirstLoanEnterprises_JudgesABank_StrictlyAboveLastYearsSameMonths()
    {
        (await PutSetAsync(new { rule = "FIRST_LOAN_ENTERPRISES" })).StatusCode.Should().Be(HttpStatusCode.OK);
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Bank, "410101"));
        await bank.SubmitAcceptedAsync("2022-01", Csv(NewEnterprise("L1", "E1", "2022-01-10")));
        await bank.SubmitAcceptedAsync("2023-01", Csv(NewEnterprise("L1", "E2", "2023-01-10")));
        await bank.WaitForAllEvaluationsAsync();

        var found = (await bank.ExceptionsAsync()).Single(e => e["rule"]!.GetValue<string>() == "FIRST_LOAN_ENTERPRISES");
        var headroom = await HeadroomAsync(bank);

        using (new AssertionScope())
        {
            found["period"]!.GetValue<string>().Should().Be("2023-01");
            found["ruleSet"]!["id"]!.GetValue<string>().Should().Be("henan-first-loans");
            found["severity"]!.GetValue<string>().Should().Be("warning", "one against one is not above last year, and January is before the assessment month");
            found["figures"]!.ToJsonString().Should().Be("""{"firstLoanEnterprisesYtd":1,"lastYearYtd":1}""");
            found["units"]!["firstLoanEnterprisesYtd"]!.GetValue<string>().Should().Be("count");
            found["message"]!["zh"]!.GetValue<string>().Should().Contain("高于上年");
            headroom.Should().Be(("warning", 1m, 1m, 0m, "count"));
        }

        await bank.SubmitAcceptedAsync("2023-01", Csv(NewEnterprise("L1", "E2", "2023-01-10"), NewEnterprise("L2", "E3", "2023-01-11")));
        await bank.WaitForAllEvaluationsAsync();

        using (new AssertionScope())
        {
            (await bank.ExceptionsAsync()).Single(e => e["rule"]!.GetValue<string>() == "FIRST_LOAN_ENTERPRISES")["status"]!.GetValue<string>().Should().Be("cleared");
            (await HeadroomAsync(bank)).Should().Be(("pass", 2m, 1m, 1m, "count"));
        }
    }

    [TestCase("large_state", true, 3, "warning")]
    [TestCase("large_state", true, 4, null)]
    [TestCase("joint_stock", true, 3, "warning")]
    [TestCase("large_state", false, 3, null)]
    [TestCase("rural", true, 3, null)]
    public async Task NationalSet_AsksLargeAndJointStockLegalPersons_ForMoreFirstLoanEnterprisesThanLastYear(
        string category, bool legalPerson, int thisYear, string? severity)
    {
        (await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code = Bank, name = "测试银行", category, legalPerson, localLegalPerson = false, regionCode = "110101", reportingFrom = "2021-01",
        })).StatusCode.Should().Be(HttpStatusCode.Created);
        using var bank = _factory.ClientWithKey(await _factory.CreateKeyAsync(new { name = "bank", role = "institution", institution = Bank }));
        // Three new first-loan enterprises in January 2021; this year's January has thisYear of them.
        await bank.SubmitAcceptedAsync("2021-01", Csv([.. Enumerable.Range(1, 3).Select(i => NewEnterprise($"L{i}", $"E{i}", "2021-01-10"))]));
        var january = await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync(
            "2022-01", Csv([.. Enumerable.Range(1, thisYear).Select(i => NewEnterprise($"M{i}", $"F{i}", "2022-01-10"))])));

        var found = (await bank.ExceptionsAsync("&ruleSet=national&rule=FIRST_LOAN_ENTERPRISES&period=2022-01")).SingleOrDefault();
        var outcome = january["evaluation"]!["rules"]!.AsArray()
            .Single(r => r!["ruleSet"]!.GetValue<string>() == "national" && r["rule"]!.GetValue<string>() == "FIRST_LOAN_ENTERPRISES")!;

        using (new AssertionScope())
        {
            (found?["severity"]?.GetValue<string>()).Should().Be(severity);
            var inPopulation = legalPerson && category is "large_state" or "joint_stock";
            outcome["outcome"]!.GetValue<string>().Should().Be(!inPopulation ? "notApplicable" : severity ?? "pass");
            (outcome["reason"]?.GetValue<string>()).Should().Be(inPopulation ? null : "population");
        }
    }

    [Test]
    public async Task AdminsSet_WithStrictIndividualBusiness_FailsAFlatBook_AsTheNationalSetDoesFrom2022()
    {
        (await PutSetAsync(new { rule = "INDIVIDUAL_BUSINESS", parameters = new { strict = 2022 } })).StatusCode.Should().Be(HttpStatusCode.OK);
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Bank, "410101"));
        var flat = Csv(Row("L1", borrowerId: "I1", borrowerType: "individual_business"));
        await bank.SubmitAcceptedAsync("2022-12", flat);
        await bank.SubmitAcceptedAsync("2023-01", flat);
        await bank.WaitForAllEvaluationsAsync();

        var found = (await bank.ExceptionsAsync()).Where(e => e["rule"]!.GetValue<string>() == "INDIVIDUAL_BUSINESS")
            .ToDictionary(e => e["ruleSet"]!["id"]!.GetValue<string>());

        using (new AssertionScope())
        {
            found.Keys.Should().BeEquivalentTo("henan-first-loans", "national");
            found.Values.Should().OnlyContain(e => e["period"]!.GetValue<string>() == "2023-01" && e["figures"]!["strict"]!.GetValue<bool>());
            found["henan-first-loans"]["units"]!["strict"]!.GetValue<string>().Should().Be("boolean");
        }
    }

    [Test]
    public async Task NationalSet_In2022_FailsAFlatIndividualBusinessBookAndAnUnchangedRate_ThatItPassesIn2021()
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Bank, "410101", "2020-01"));
        // Every month from 2020-01 to 2022-01: the same individual-business loan, and one new micro loan of 10,000 yuan at
        // 4.5 %, so the book is flat and the weighted new-loan rate unchanged, year on year.
        for (var month = new DateOnly(2020, 1, 1); month <= new DateOnly(2022, 1, 1); month = month.AddMonths(1))
        {
            var period = month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            await bank.SubmitAcceptedAsync(period, Csv(
                Row("L1", borrowerId: "I1", borrowerType: "individual_business", disbursedOn: "2019-01-10", maturesOn: "2026-01-10"),
                Row($"N{period}", borrowerId: $"N{period}", borrowerType: "micro", creditLine: 100_000m, amount: 10_000m, balance: 0m,
                    disbursedOn: $"{period}-05", maturesOn: $"{month.Year + 1}-{month.Month:D2}-05", rate: 4.5m)));
        }

        await bank.WaitForAllEvaluationsAsync();
        var national = (await bank.ExceptionsAsync("&ruleSet=national")).Where(e => e["status"]!.GetValue<string>() == "open")
            .Select(e => (Period: e["period"]!.GetValue<string>(), Rule: e["rule"]!.GetValue<string>(), Severity: e["severity"]!.GetValue<string>()))
            .Where(e => e.Rule is "INDIVIDUAL_BUSINESS" or "NEW_LOAN_RATE")
            .ToList();

        national.Should().BeEquivalentTo(
        [
            ("2022-01", "INDIVIDUAL_BUSINESS", "warning"),
            ("2022-01", "NEW_LOAN_RATE", "warning"),
        ]);
    }

    [TestCase("\"x\"")]
    [TestCase("\"true\"")]
    [TestCase("1999")]
    [TestCase("2022.5")]
    [TestCase("null")]
    [TestCase("{}")]
    public async Task PutSet_WithStrictNeitherABooleanNorAYear_Answers400NamingTheRules(string strict)
    {
        var body = $$$"""{"jurisdiction":"41","scope":"cbirc","years":{"from":2022},"rules":[{"rule":"NEW_LOAN_RATE","parameters":{"strict":{{{strict}}}}}]}""";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await _admin.PutAsync("/api/v1/rule-sets/henan-first-loans", content);

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await response.JsonAsync())["errors"]!["rules"]![0]!.GetValue<string>().Should().Contain("strict");
        }
    }

    [TestCase("true")]
    [TestCase("false")]
    [TestCase("2022")]
    public async Task PutSet_WithStrictABooleanOrAYear_IsAccepted(string strict)
    {
        var body = $$$"""{"jurisdiction":"41","scope":"cbirc","years":{"from":2022},"rules":[{"rule":"NEW_LOAN_RATE","parameters":{"strict":{{{strict}}}}},{"rule":"INDIVIDUAL_BUSINESS","parameters":{"strict":{{{strict}}}}}]}""";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await _admin.PutAsync("/api/v1/rule-sets/henan-first-loans", content);

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await _admin.GetJsonAsync("/api/v1/rule-sets/henan-first-loans"))["rules"]![0]!["parameters"]!["strict"]!.ToJsonString().Should().Be(strict);
        }
    }

    private Task<HttpResponseMessage> PutSetAsync(object rule) =>
        _admin.PutAsJsonAsync("/api/v1/rule-sets/henan-first-loans", new { jurisdiction = "41", scope = "cbirc", years = new { from = 2022 }, rules = new[] { rule } });

    private static string NewEnterprise(string loanId, string borrowerId, string disbursedOn) =>
        Row(loanId, borrowerId: borrowerId, borrowerType: "small", disbursedOn: disbursedOn, firstLoan: "Y");

    private static async Task<(string?, decimal?, decimal?, decimal?, string?)> HeadroomAsync(HttpClient bank)
    {
        var items = (await bank.GetJsonAsync($"/api/v1/institutions/{Bank}/headroom?period=2023-01"))["items"]!.AsArray();
        var item = items.Single(i => i!["ruleSet"]!.GetValue<string>() == "henan-first-loans" && i["rule"]!.GetValue<string>() == "FIRST_LOAN_ENTERPRISES")!;
        return (item["outcome"]?.GetValue<string>(), item["figure"]?.GetValue<decimal>(), item["threshold"]?.GetValue<decimal>(),
            item["margin"]?.GetValue<decimal>(), item["unit"]?.GetValue<string>());
    }
}
