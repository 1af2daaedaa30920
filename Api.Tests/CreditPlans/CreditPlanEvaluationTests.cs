using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Api.Tests.CreditPlans;

/// <summary>
/// rules.md, "Who each rule judges", and api.md's credit plans, in Linyi (371302): a rural commercial bank (a legal
/// person) and two branches of a large bank, one municipal and one county whose parent is the municipal, each with the
/// same ledgers. The national set judges the legal person by 两增 and the branches by CREDIT_PLAN from 2022; a plan's
/// change re-evaluates the branch's periods of its year, and each exception it moves carries an event naming it.
/// </summary>
/// <remarks>
/// The ledgers, by hand: at 2022-12 two inclusive micro loans of 600,000.00 and 400,000.00 (1,000,000.00, two
/// borrowers) and a large pledged loan of 8,000,000.00 (total 9,000,000.00); at 2023-06 one inclusive loan of
/// 1,500,000.00 (one borrower) and the large loan at 20,000,000.00 (total 21,500,000.00): the inclusive increase is
/// 500,000.00, inclusive growth 50 % against total growth 138.89 %, borrowers 2 → 1. The county branch also files
/// 2023-12, its inclusive loan at 1,999,999.99 (an increase of 999,999.99), and 2021-06.
/// </remarks>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class CreditPlanEvaluationTests(TestDatabase database)
{
    private const string RuralBank = "LY-RCB";
    private const string Municipal = "LY-M";
    private const string County = "LY-C";

    private static readonly Instant Now = Instant.FromUtc(2024, 1, 20, 2, 0);

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private int _codes;

    [OneTimeSetUp]
    public async Task SeedLinyi()
    {
        _factory = new ComplianceApiFactory(database, now: Now);
        _admin = _factory.Admin();
        // The supervisor reads in Chinese: the notes the system writes are answered in the language asked for.
        _admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
        await CreateAsync(RuralBank, "rural", legalPerson: true, "head_office", null);
        await CreateAsync(Municipal, "large_state", legalPerson: false, "municipal", null);
        await CreateAsync(County, "large_state", legalPerson: false, "county", Municipal);
        foreach (var code in new[] { RuralBank, Municipal, County })
        {
            await FileAsync(code, "2022-12", Start);
            await FileAsync(code, "2023-06", June);
        }

        await FileAsync(County, "2023-12", December);
        await FileAsync(County, "2021-06", Start);
        await _admin.WaitForAllEvaluationsAsync();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    /// <summary>Two inclusive borrowers at 1,000,000.00 in all, and a large loan: 9,000,000.00.</summary>
    private static string Start { get; } = Ledgers.Csv(
        Ledgers.Row("L1", borrowerId: "B1", creditLine: 5_000_000m, amount: 600_000m, balance: 600_000m),
        Ledgers.Row("L3", borrowerId: "B3", creditLine: 5_000_000m, amount: 400_000m, balance: 400_000m),
        Ledgers.Row("L2", borrowerId: "B2", borrowerType: "large", creditLine: 500_000_000m, guarantee: "pledge", amount: 8_000_000m, balance: 8_000_000m));

    /// <summary>One inclusive borrower at 1,500,000.00, the large loan at 20,000,000.00.</summary>
    private static string June { get; } = Ledgers.Csv(
        Ledgers.Row("L1", borrowerId: "B1", creditLine: 5_000_000m, amount: 1_500_000m, balance: 1_500_000m),
        Ledgers.Row("L2", borrowerId: "B2", borrowerType: "large", creditLine: 500_000_000m, guarantee: "pledge", amount: 20_000_000m, balance: 20_000_000m));

    /// <summary>The inclusive loan at 1,999,999.99: a fen short of an increase of 1,000,000.00.</summary>
    private static string December { get; } = Ledgers.Csv(
        Ledgers.Row("L1", borrowerId: "B1", creditLine: 5_000_000m, amount: 2_000_000m, balance: 1_999_999.99m),
        Ledgers.Row("L2", borrowerId: "B2", borrowerType: "large", creditLine: 500_000_000m, guarantee: "pledge", amount: 20_000_000m, balance: 20_000_000m));

    [Test]
    public async Task Branches_AreNotJudgedByTheTwoIncreases_WhichJudgeTheLegalPersonWithTheSameLedgers()
    {
        var twoIncreases = new[] { "INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS" };

        var exceptions = await _admin.ExceptionsAsync("&ruleSet=national&period=2023-06");

        using var scope = new AssertionScope();
        exceptions.Where(e => e["institution"]!.GetValue<string>() == RuralBank).Select(e => e["rule"]!.GetValue<string>())
            .Should().Contain(twoIncreases, "inclusive growth of 50 % trails total growth of 138.89 %, and borrowers fell from 2 to 1");
        foreach (var branch in new[] { Municipal, County })
        {
            exceptions.Where(e => e["institution"]!.GetValue<string>() == branch).Select(e => e["rule"]!.GetValue<string>())
                .Should().NotContain(twoIncreases, branch);
            var rules = await RulesAsync(branch, "2023-06");
            foreach (var rule in twoIncreases)
            {
                rules.Should().Contain(("national", rule, "notApplicable", "population"), branch);
            }
        }

        (await RulesAsync(RuralBank, "2023-06")).Should().Contain(("national", "CREDIT_PLAN", "notApplicable", "population"));
    }

    [Test]
    public async Task ABranchWithoutAPlan_HasBaselineMissingNamingTheYear_NeverAPass()
    {
        var branch = await BranchWithLedgersAsync();

        var missing = (await _admin.ExceptionsAsync($"&institution={branch}&ruleSet=national&period=2023-06&rule=BASELINE_MISSING")).Single();

        using var scope = new AssertionScope();
        missing["figures"]!["missingPlans"]!.AsArray().Select(y => y!.GetValue<string>()).Should().Equal("2023");
        missing["figures"]!["blockedRules"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Contain("CREDIT_PLAN");
        (await RulesAsync(branch, "2023-06")).Should().Contain(("national", "CREDIT_PLAN", "baselineMissing", null));
    }

    [Test]
    public async Task TheCountyBranch_WithItsPlan_PassesAtPaceInJune_BreachesAFenShortInDecember_AndIsNotJudgedIn2021()
    {
        var put = await _admin.PutAsJsonAsync($"/api/v1/institutions/{County}/credit-plans/2023", new { inclusiveIncrease = 1_000_000.00m, note = "总行下达 2023 年计划" });
        put.StatusCode.Should().Be(HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        await _admin.WaitForAllEvaluationsAsync();

        var june = await _admin.ExceptionsAsync($"&institution={County}&ruleSet=national&period=2023-06&rule=CREDIT_PLAN");
        var december = (await _admin.ExceptionsAsync($"&institution={County}&ruleSet=national&period=2023-12&rule=CREDIT_PLAN")).Single();
        var headroom = (await _admin.GetJsonAsync($"/api/v1/institutions/{County}/headroom?period=2023-06"))["items"]!.AsArray()
            .Single(i => i!["ruleSet"]!.GetValue<string>() == "national" && i["rule"]!.GetValue<string>() == "CREDIT_PLAN")!;

        using var scope = new AssertionScope();
        (await RulesAsync(County, "2023-06")).Should().Contain(("national", "CREDIT_PLAN", "pass", null), "an increase of 500,000.00 is the pace, 1,000,000.00 × 6 / 12");
        june.Should().BeEmpty();
        headroom["outcome"]!.GetValue<string>().Should().Be("pass");
        headroom["figure"]!.GetValue<decimal>().Should().Be(500_000.00m);
        headroom["threshold"]!.GetValue<decimal>().Should().Be(500_000.00m);
        headroom["margin"]!.GetValue<decimal>().Should().Be(0m);
        december["severity"]!.GetValue<string>().Should().Be("breach");
        december["figures"]!["increase"]!.GetValue<decimal>().Should().Be(999_999.99m);
        december["figures"]!["plan"]!.GetValue<decimal>().Should().Be(1_000_000.00m);
        december["figures"]!["pace"]!.GetValue<decimal>().Should().Be(1_000_000.00m, "in the assessment month the pace is the plan");
        december["events"].Should().BeNull("a list carries no events");
        (await RulesAsync(County, "2021-06")).Should().Contain(("national", "CREDIT_PLAN", "notApplicable", "years"));
    }

    [Test]
    public async Task ADryRun_IsJudgedWithThePlanInForce()
    {
        var branch = await BranchWithLedgersAsync();
        (await _admin.PutAsJsonAsync($"/api/v1/institutions/{branch}/credit-plans/2023", new { inclusiveIncrease = 1_000_000.02m, note = "计划" })).EnsureSuccessStatusCode();

        var dryRun = await (await _admin.PostLedgerAsync("2023-06", June, $"&institution={branch}&dryRun=true")).JsonAsync();

        using var scope = new AssertionScope();
        Outcomes(dryRun["evaluation"]!).Should().Contain(("national", "CREDIT_PLAN", "warning", null), "500,000.00 is a fen short of the pace, 500,000.01");
        var finding = dryRun["findings"]!.AsArray().Single(f => f!["rule"]!.GetValue<string>() == "CREDIT_PLAN")!;
        finding["figures"]!["pace"]!.GetValue<decimal>().Should().Be(500_000.01m);
        finding["figures"]!["plan"]!.GetValue<decimal>().Should().Be(1_000_000.02m);
    }

    [Test]
    public async Task EachChangeOfThePlan_IsNamedOnTheExceptionsItMoves_AndOnNoOther()
    {
        var branch = await BranchWithLedgersAsync();
        var missing = (await _admin.ExceptionsAsync($"&institution={branch}&ruleSet=national&period=2023-06&rule=BASELINE_MISSING")).Single();
        var others = (await _admin.ExceptionsAsync($"&institution={branch}")).Where(e => e["rule"]!.GetValue<string>() is not ("BASELINE_MISSING" or "CREDIT_PLAN")).ToList();

        await ChangeAsync(branch, 1_000_000.00m, "总行下达计划");
        var atPace = await EventsAsync(missing);
        var planRules = await RulesAsync(branch, "2023-06");
        await ChangeAsync(branch, 1_000_000.02m, "追加两分");
        var plan = (await _admin.ExceptionsAsync($"&institution={branch}&ruleSet=national&period=2023-06&rule=CREDIT_PLAN")).Single();
        var opened = await EventsAsync(plan);
        await ChangeAsync(branch, 1_200_000.00m, "追加计划");
        var raised = await _admin.GetJsonAsync($"/api/v1/exceptions/{plan["id"]}");
        await ChangeAsync(branch, null, "计划撤销");
        var withdrawn = await _admin.GetJsonAsync($"/api/v1/exceptions/{plan["id"]}");
        var missingAgain = await _admin.GetJsonAsync($"/api/v1/exceptions/{missing["id"]}");

        using var scope = new AssertionScope();
        planRules.Should().Contain(("national", "CREDIT_PLAN", "pass", null));
        atPace[^1].Note.Should().Be("信贷计划 2023：无 → 1,000,000.00，总行下达计划");
        opened.Should().Equal(("created", "信贷计划 2023：1,000,000.00 → 1,000,000.02，追加两分"));
        plan["severity"]!.GetValue<string>().Should().Be("warning");
        plan["figures"]!["increase"]!.GetValue<decimal>().Should().Be(500_000.00m);
        plan["figures"]!["pace"]!.GetValue<decimal>().Should().Be(500_000.01m, "1,000,000.02 × 6 / 12 = 500,000.01");
        raised["figures"]!["pace"]!.GetValue<decimal>().Should().Be(600_000.00m);
        Events(raised).Should().Equal(
            ("created", "信贷计划 2023：1,000,000.00 → 1,000,000.02，追加两分"),
            ("updated", "信贷计划 2023：1,000,000.02 → 1,200,000.00，追加计划"));
        withdrawn["status"]!.GetValue<string>().Should().Be("cleared");
        Events(withdrawn)[^1].Should().Be(("cleared", "信贷计划 2023：1,200,000.00 → 无，计划撤销"));
        missingAgain["figures"]!["missingPlans"]!.AsArray().Select(y => y!.GetValue<string>()).Should().Equal("2023");
        Events(missingAgain)[^1].Note.Should().Be("信贷计划 2023：1,200,000.00 → 无，计划撤销");
        others.Should().NotBeEmpty();
        foreach (var other in others)
        {
            (await EventsAsync(other)).Should().OnlyContain(e => e.Note == null, $"{other["rule"]} did not move with the plan");
        }
    }

    [Test]
    public async Task AChangeNote_IsAnsweredInTheLanguageAsked_AndAPersonsNoteWithinItAsWritten()
    {
        var branch = await BranchWithLedgersAsync();
        await ChangeAsync(branch, 1_000_000.02m, "追加两分");
        var plan = (await _admin.ExceptionsAsync($"&institution={branch}&ruleSet=national&period=2023-06&rule=CREDIT_PLAN")).Single();

        var inChinese = await ReadAsync($"/api/v1/exceptions/{plan["id"]}", "zh-CN");
        var inEnglish = await ReadAsync($"/api/v1/exceptions/{plan["id"]}", "en-GB, zh;q=0.5");

        using var scope = new AssertionScope();
        Events(await inChinese.JsonAsync()).Should().Equal(("created", "信贷计划 2023：无 → 1,000,000.02，追加两分"));
        Events(await inEnglish.JsonAsync()).Should().Equal(("created", "Credit plan 2023: none → 1,000,000.02, 追加两分"));
        inChinese.Content.Headers.ContentLanguage.Should().Equal("zh-CN");
        inEnglish.Content.Headers.ContentLanguage.Should().Equal("en");
        inEnglish.Headers.Vary.Should().Contain("Accept-Language");
    }

    [Test]
    public async Task APreview_OfTheSetAsItIs_FindsTheWarningThePlanInForceGave_AndPreviewsNothingForIt()
    {
        var branch = await BranchWithLedgersAsync();
        await ChangeAsync(branch, 1_000_000.02m, "追加两分");
        var draft = await _admin.GetJsonAsync("/api/v1/rule-sets/national");

        var preview = await PreviewAsync(draft);

        using var scope = new AssertionScope();
        foreach (var list in new[] { "opened", "cleared", "changed" })
        {
            preview[list]!.AsArray().Where(c => c!["institution"]!.GetValue<string>() == branch).Should().BeEmpty(list);
        }
    }

    [Test]
    public async Task APreview_OfADraftThatNoLongerJudges2023ByThePlan_ClearsTheWarningThePlanInForceGave()
    {
        var branch = await BranchWithLedgersAsync();
        await ChangeAsync(branch, 1_000_000.02m, "追加两分");
        var draft = await _admin.GetJsonAsync("/api/v1/rule-sets/national");
        draft["rules"]!.AsArray().Single(r => r!["rule"]!.GetValue<string>() == "CREDIT_PLAN")!["years"] = new JsonObject { ["from"] = 2024 };

        var preview = await PreviewAsync(draft);

        preview["cleared"]!.AsArray().Select(c => (c!["institution"]!.GetValue<string>(), c["period"]!.GetValue<string>(), c["rule"]!.GetValue<string>()))
            .Should().Contain((branch, "2023-06", "CREDIT_PLAN"), "the current set, with the plan, finds the warning that the draft does not");
    }

    private async Task<JsonObject> PreviewAsync(JsonObject draft)
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/rule-sets/national/preview?from=2023-06&to=2023-06", draft);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    /// <summary>A new municipal branch with the ledgers of 2022-12 and 2023-06, evaluated, without a plan.</summary>
    private async Task<string> BranchWithLedgersAsync()
    {
        var code = $"LY-B{Interlocked.Increment(ref _codes)}";
        await CreateAsync(code, "large_state", legalPerson: false, "municipal", null);
        await FileAsync(code, "2022-12", Start);
        await FileAsync(code, "2023-06", June);
        await _admin.WaitForAllEvaluationsAsync();
        return code;
    }

    private async Task CreateAsync(string code, string category, bool legalPerson, string level, string? parent)
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"临沂 {code}", category, legalPerson, localLegalPerson = legalPerson, level, parent, regionCode = "371302", reportingFrom = "2021-01",
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task FileAsync(string code, string period, string csv)
    {
        var response = await _admin.PostLedgerAsync(period, csv, $"&institution={code}");
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sets the branch's plan of 2023 (or deletes it, for <c>null</c>) and waits for the re-evaluation.</summary>
    private async Task ChangeAsync(string code, decimal? increase, string note)
    {
        var url = $"/api/v1/institutions/{code}/credit-plans/2023";
        var response = increase is { } value
            ? await _admin.PutAsJsonAsync(url, new { inclusiveIncrease = value, note })
            : await _admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, url) { Content = JsonContent.Create(new { note }) });
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        await _admin.WaitForAllEvaluationsAsync();
    }

    /// <summary>The evaluation's outcomes of the latest accepted version of a period, as its receipt answers them.</summary>
    private async Task<List<(string RuleSet, string Rule, string Outcome, string? Reason)>> RulesAsync(string code, string period)
    {
        var submissions = (await _admin.GetJsonAsync($"/api/v1/submissions?institution={code}&period={period}&status=accepted"))["items"]!.AsArray();
        var latest = submissions.MaxBy(s => s!["version"]!.GetValue<int>())!;
        return Outcomes((await _admin.GetJsonAsync($"/api/v1/submissions/{latest["id"]}"))["evaluation"]!);
    }

    private static List<(string RuleSet, string Rule, string Outcome, string? Reason)> Outcomes(JsonNode evaluation) =>
        [.. evaluation["rules"]!.AsArray().Select(r => (r!["ruleSet"]!.GetValue<string>(), r["rule"]!.GetValue<string>(), r["outcome"]!.GetValue<string>(),
            r["reason"]?.GetValue<string>()))];

    private async Task<HttpResponseMessage> ReadAsync(string url, string acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptLanguage.Clear();
        request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        var response = await _admin.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return response;
    }

    private async Task<List<(string Kind, string? Note)>> EventsAsync(JsonObject exception) =>
        Events(await _admin.GetJsonAsync($"/api/v1/exceptions/{exception["id"]}"));

    private static List<(string Kind, string? Note)> Events(JsonObject exception) =>
        [.. exception["events"]!.AsArray().Select(e => (e!["kind"]!.GetValue<string>(), e["note"]?.GetValue<string>()))];
}
