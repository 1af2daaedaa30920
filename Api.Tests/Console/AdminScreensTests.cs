using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.Playwright;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The admin's screens (console.md, "An admin's screens"): institutions with their parent and credit plans, keys shown
/// once and revoked, obligations edited in a form, the audit log filtered, and on #/rules the draft's differences before
/// enacting and the re-evaluation after it. A municipal branch of a large bank in Linyi is the parent to choose; a rural
/// bank in Linyi has three accepted ledgers, judged by a Linyi set of its own at a 30 pp tolerance.
/// </summary>
public sealed class AdminScreensTests : ConsoleFixture
{
    private const string Parent = "ADM-PARENT";
    private const string Bank = "ADMBANK1";
    private const string LocalSet = "admin-linyi";

    private string _bankKey = "";

    protected override async Task SeedAsync()
    {
        using var admin = Factory.Admin();
        (await admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code = Parent, name = "临沂分行", category = "large_state", legalPerson = false, localLegalPerson = false, level = "municipal", regionCode = "371302",
        })).EnsureSuccessStatusCode();
        _bankKey = await Factory.CreateInstitutionAsync(Bank, "371302");
        (await admin.PutAsJsonAsync($"/api/v1/rule-sets/{LocalSet}", new
        {
            jurisdiction = "3713",
            scope = "cbirc",
            years = new { from = 2000 },
            rules = new[] { new { rule = "NPL_TOLERANCE", parameters = new Dictionary<string, object> { ["tolerancePp"] = 30 } } },
            name = new { zh = "临沂管理测试规则集", en = "Linyi admin test set" },
        })).EnsureSuccessStatusCode();

        using var bank = Factory.ClientWithKey(_bankKey);
        foreach (var period in new[] { "2022-10", "2022-11", "2022-12" })
        {
            await bank.SubmitAcceptedAsync(period, Example);
        }

        await bank.WaitForAllEvaluationsAsync();
    }

    [Test]
    public async Task AnAdmin_RegistersABranchUnderItsParent_SeesTheWebhookSecretOnce_AndRecordsItsCreditPlan()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        var page = session.Page;
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Institutions" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Institutions");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Institutions" }).GetByRole(AriaRole.Link, new() { Name = Parent, Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "New institution" }).ClickAsync();
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync("ADM-COUNTY");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("沂南县支行");
        await page.GetByLabel("Category", new() { Exact = true }).SelectOptionAsync("large_state");
        await page.GetByLabel("Legal person", new() { Exact = true }).SelectOptionAsync("false");
        await page.GetByLabel("Level", new() { Exact = true }).SelectOptionAsync("county");
        await page.GetByLabel("Parent", new() { Exact = true }).SelectOptionAsync(Parent);
        await Assertions.Expect(page.GetByLabel("Local legal person")).Not.ToBeCheckedAsync();
        await page.GetByLabel("Region code").FillAsync("371321");
        await page.GetByLabel("Reporting from").FillAsync("2022-01");
        await page.GetByLabel("Webhook URL").FillAsync("https://bank.example/hooks");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

        var secretRegion = page.GetByRole(AriaRole.Region, new() { Name = "Webhook secret" });
        await Assertions.Expect(secretRegion).ToContainTextAsync("shown only now");
        var secret = (await secretRegion.Locator("code").InnerTextAsync()).Trim();
        secret.Should().NotBeNullOrEmpty();
        (await page.EvaluateAsync<string>("() => location.hash")).Should().Be("#/admin/institutions/ADM-COUNTY");
        using var admin = Factory.Admin();
        var stored = await admin.GetJsonAsync("/api/v1/institutions/ADM-COUNTY");
        using (new AssertionScope())
        {
            stored["parent"]!.GetValue<string>().Should().Be(Parent);
            stored["legalPerson"]!.GetValue<bool>().Should().BeFalse();
            stored["level"]!.GetValue<string>().Should().Be("county");
            stored["category"]!.GetValue<string>().Should().Be("large_state");
            stored["regionCode"]!.GetValue<string>().Should().Be("371321");
            stored["reportingFrom"]!.GetValue<string>().Should().Be("2022-01");
        }

        var plans = page.GetByRole(AriaRole.Region, new() { Name = "Credit plans" });
        await Assertions.Expect(plans).ToContainTextAsync("No credit plan is recorded yet.");
        await plans.GetByLabel("Year").FillAsync("2023");
        await plans.GetByLabel("Planned increase (yuan)").FillAsync("5000000");
        await plans.GetByLabel("Note", new() { Exact = true }).FillAsync("分行下达 2023 年计划");
        await plans.GetByRole(AriaRole.Button, new() { Name = "Save plan" }).ClickAsync();
        await Assertions.Expect(plans.Locator("table.credit-plans > tbody > tr")).ToHaveCountAsync(1);
        var plan = (await admin.GetJsonAsync("/api/v1/institutions/ADM-COUNTY/credit-plans"))["items"]![0]!;
        plan["year"]!.GetValue<int>().Should().Be(2023);
        plan["inclusiveIncrease"]!.GetValue<decimal>().Should().Be(5_000_000m);

        // Gone once left: the secret is kept nowhere.
        await GoAsync(session, "#/admin/keys");
        await GoAsync(session, "#/admin/institutions/ADM-COUNTY");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Credit plans" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Webhook secret" })).ToHaveCountAsync(0);
        (await page.ContentAsync()).Should().NotContain(secret);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnAdmin_EditingAnInstitution_SeesTheApisFieldErrorBesideTheField_AndNothingChanges()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        var page = session.Page;
        await GoAsync(session, $"#/admin/institutions/{Bank}");
        await Assertions.Expect(page.GetByLabel("Code", new() { Exact = true })).ToHaveValueAsync(Bank);

        // A legal person reports to no parent (api.md): the API names the field.
        await page.GetByLabel("Parent", new() { Exact = true }).SelectOptionAsync(Parent);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Parent", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator(".adm-field-error:visible")).ToContainTextAsync("parent");
        using var admin = Factory.Admin();
        (await admin.GetJsonAsync($"/api/v1/institutions/{Bank}"))["parent"].Should().BeNull();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnAdmin_IssuesAKeyShownOnce_RevokesItAfterConfirming_AndABrowserUsingItReturnsToSignIn()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        var page = session.Page;
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("API keys");

        await page.GetByRole(AriaRole.Button, new() { Name = "Issue a key" }).ClickAsync();
        await page.GetByLabel("Key name").FillAsync("临沂银行报送系统");
        await page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("institution");
        await Assertions.Expect(page.GetByLabel("Jurisdiction", new() { Exact = true })).ToBeHiddenAsync();
        await page.GetByLabel("Institution", new() { Exact = true }).SelectOptionAsync(Bank);
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue", Exact = true }).ClickAsync();

        var once = page.GetByRole(AriaRole.Region, new() { Name = "New key" });
        await Assertions.Expect(once).ToContainTextAsync("will not be shown again");
        await Assertions.Expect(once.GetByRole(AriaRole.Button, new() { Name = "Copy" })).ToBeVisibleAsync();
        var key = (await once.Locator("code").InnerTextAsync()).Trim();
        using (var client = Factory.ClientWithKey(key))
        {
            var me = await client.GetJsonAsync("/api/v1/me");
            me["institution"]!.GetValue<string>().Should().Be(Bank);
            me["name"]!.GetValue<string>().Should().Be("临沂银行报送系统");
        }

        await using var bankBrowser = await SignInAsync(key);

        await GoAsync(session, "#/admin/audit");
        await GoAsync(session, "#/admin/keys");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "New key" })).ToHaveCountAsync(0);
        (await page.ContentAsync()).Should().NotContain(key);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke 临沂银行报送系统" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("临沂银行报送系统");
        await Assertions.Expect(dialog).ToContainTextAsync(key[..8]);
        using var admin = Factory.Admin();
        using (var client = Factory.ClientWithKey(key))
        {
            (await client.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK, "nothing is revoked before the confirmation");
        }

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.Locator(".adm-result")).ToContainTextAsync("is revoked");
        // Focus moves to the result once it is shown: waited for, as every other expectation of the page.
        await Assertions.Expect(page.Locator(".adm-result")).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke 临沂银行报送系统" })).ToHaveCountAsync(0);
        var revoked = (await admin.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray().Single(k => k!["name"]!.GetValue<string>() == "临沂银行报送系统")!;
        revoked["revokedAt"].Should().NotBeNull();

        await bankBrowser.Page.EvaluateAsync("() => { location.hash = '#/deadlines'; }");
        await Assertions.Expect(bankBrowser.Page.GetByLabel("API key")).ToBeVisibleAsync();
        await Assertions.Expect(bankBrowser.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
        (await bankBrowser.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('compliance.key')")).Should().BeNull();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnAdmin_EditsAnObligationInAFormOfItsFields_AndSeesTheApisProblem()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        var page = session.Page;
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Obligations" }).ClickAsync();
        var list = page.GetByRole(AriaRole.Table, new() { Name = "Obligations" });
        var row = list.Locator("tbody tr").Filter(new() { HasText = "CREDIT_POLICY_DIGEST" });
        await Assertions.Expect(row).ToContainTextAsync("Credit policy digest to the PBoC");
        await Assertions.Expect(row).ToContainTextAsync("Last working day of month 5");
        await Assertions.Expect(row).ToContainTextAsync("Every institution of the region");

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await page.GetByLabel("To year").FillAsync("2024");
        await page.GetByLabel("Reminder offsets (days from the due date)").FillAsync("-7, 0, 1");
        await page.GetByLabel("Every institution of the region").UncheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Condition 1" }).GetByLabel("Provincial").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator(".adm-result")).ToContainTextAsync("is saved");
        await Assertions.Expect(row).ToContainTextAsync("2022–2024");
        using var admin = Factory.Admin();
        var stored = (await admin.GetJsonAsync("/api/v1/obligations"))["items"]!.AsArray().Single(o => o!["code"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST")!;
        using (new AssertionScope())
        {
            stored["years"]!["to"]!.GetValue<int>().Should().Be(2024);
            stored["reminderOffsets"]!.AsArray().Select(o => o!.GetValue<int>()).Should().Equal(-7, 0, 1);
            stored["populations"]!.ToJsonString().Should().Be("""[{"levels":["provincial"]}]""");
            stored["due"]!.GetValue<string>().Should().Be("endOfMonth(5)");
        }

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await page.GetByLabel("Month", new() { Exact = true }).FillAsync("13");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("due");
        (await admin.GetJsonAsync("/api/v1/obligations"))["items"]!.AsArray().Single(o => o!["code"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST")!["due"]!
            .GetValue<string>().Should().Be("endOfMonth(5)");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnAdmin_FiltersTheAuditLogByKeyAndTime_AsTheApiAnswers()
    {
        using var admin = Factory.Admin();
        var bankKeyId = (await admin.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray().Single(k => k!["name"]!.GetValue<string>() == $"{Bank} key")!["id"]!.GetValue<string>();
        var day = (await admin.GetJsonAsync($"/api/v1/audit?keyId={bankKeyId}"))["items"]![0]!["at"]!.GetValue<DateTimeOffset>().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var expected = (await admin.GetJsonAsync($"/api/v1/audit?keyId={bankKeyId}&from={day}&to={day}"))["total"]!.GetValue<int>();
        expected.Should().BeGreaterThan(0);

        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        var page = session.Page;
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Audit log" })).ToBeVisibleAsync();

        await page.GetByLabel("Key", new() { Exact = true }).SelectOptionAsync(bankKeyId);
        await page.GetByLabel("From date").FillAsync(day);
        await page.GetByLabel("To date").FillAsync(day);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        var table = page.GetByRole(AriaRole.Table, new() { Name = "Audit log" });
        await Assertions.Expect(page.Locator("main .pager").First).ToContainTextAsync($"{expected} in all");
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(Math.Min(expected, 50));
        var keys = await table.Locator("tbody tr td:nth-child(2) [data-user-text]").AllInnerTextsAsync();
        keys.Should().OnlyContain(name => name == $"{Bank} key");
        (await page.EvaluateAsync<string>("() => location.hash")).Should().Contain($"keyId={bankKeyId}").And.Contain($"from={day}");

        var dayBefore = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var before = (await admin.GetJsonAsync($"/api/v1/audit?keyId={bankKeyId}&from=2000-01-01&to={dayBefore}"))["total"]!.GetValue<int>();
        await page.GetByLabel("From date").FillAsync("2000-01-01");
        await page.GetByLabel("To date").FillAsync(dayBefore);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(page.Locator("main .pager").First).ToContainTextAsync($"{before} in all");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnAdmin_SeesTheDraftsDifferencesRuleByRule_Enacts_AndReEvaluatesThePeriodsTheSetTouches()
    {
        using var admin = Factory.Admin();
        (await admin.ExceptionsAsync($"&ruleSet={LocalSet}")).Should().BeEmpty("a 30 pp tolerance keeps the example ledgers");
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        var page = session.Page;
        await GoAsync(session, $"#/rules/{LocalSet}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit draft" }).ClickAsync();
        var draft = JsonNode.Parse(await page.GetByLabel("Draft").InputValueAsync())!.AsObject();
        draft["rules"]![0]!["parameters"]!["tolerancePp"] = 3;
        draft["rules"]!.AsArray().Add(new JsonObject { ["rule"] = "CREDIT_SHARE" });
        await page.GetByLabel("Draft").FillAsync(draft.ToJsonString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Enact" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var differences = dialog.GetByRole(AriaRole.Table, new() { Name = "Differences between the draft and the version in force" });
        var changed = differences.Locator("tbody tr.diff-changed");
        await Assertions.Expect(changed).ToHaveCountAsync(1);
        await Assertions.Expect(changed.Locator("th")).ToContainTextAsync("NPL_TOLERANCE");
        await Assertions.Expect(changed.Locator("td")).ToHaveTextAsync(["Changed", "Tolerance (percentage points)", "30", "3"]);
        await Assertions.Expect(differences.Locator("tbody tr.diff-added").First).ToContainTextAsync("CREDIT_SHARE");
        await Assertions.Expect(differences.Locator("tbody tr.diff-added").First).ToContainTextAsync("Added");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Version 2 is in force.");

        var reevaluate = page.GetByRole(AriaRole.Button, new() { Name = "Re-evaluate" });
        await Assertions.Expect(reevaluate).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator(".reevaluate")).ToContainTextAsync("2000-01 to 2022-12");
        await reevaluate.ClickAsync();

        await Assertions.Expect(page.Locator(".reevaluated")).ToContainTextAsync("3 institution-periods are queued for evaluation.");
        await admin.WaitForAllEvaluationsAsync();
        var opened = await admin.ExceptionsAsync($"&ruleSet={LocalSet}");
        opened.Should().NotBeEmpty("the evaluations queued by the button have run with the enacted version");
        opened.Select(e => e["institution"]!.GetValue<string>()).Should().OnlyContain(i => i == Bank);
        await session.AssertCleanAsync();
    }
}
