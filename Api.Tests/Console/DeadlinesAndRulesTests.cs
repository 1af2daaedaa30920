using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.Playwright;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The deadlines view (the year's deadlines and the reminders sent) and the rules view (sets with their history; a
/// draft previewed by a regulator, enacted by an admin) against what the API answers (console.md, analytics.md).
/// </summary>
public sealed class DeadlinesAndRulesTests : ConsoleFixture
{
    private const string Bank = "C3713001";

    /// <summary>A Linyi set whose 30 pp tolerance the example ledger keeps; a draft at 3 pp opens exceptions.</summary>
    private const string LocalSet = "console-linyi";

    /// <summary>
    /// A set of its own, for a region with no institution, for the admin to enact a new version of: the preview's set
    /// stays as seeded, and the new version (not yet re-evaluated) opens nothing a preview would list.
    /// </summary>
    private const string EnactSet = "console-enact";

    private static readonly Dictionary<string, string> Deliveries = new() { ["none"] = "No webhook", ["pending"] = "Pending", ["delivered"] = "Delivered", ["failed"] = "Failed" };

    private static readonly Dictionary<string, string> Severities = new() { ["breach"] = "Breach", ["warning"] = "Warning" };

    /// <summary>A draft typed as a person would: indented, Chinese as itself.</summary>
    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private string _regulator = "";
    private string _institution = "";

    protected override async Task SeedAsync()
    {
        _institution = await Factory.CreateInstitutionAsync(Bank, "371302");
        _regulator = await Factory.CreateRegulatorAsync("37");
        using var admin = Factory.Admin();
        (await admin.PutAsJsonAsync($"/api/v1/rule-sets/{LocalSet}", SetBody(30, "3713"))).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/rule-sets/{EnactSet}", SetBody(30, "4401"))).EnsureSuccessStatusCode();

        using var bank = Factory.ClientWithKey(_institution);
        foreach (var period in new[] { "2022-10", "2022-11", "2022-12" })
        {
            await bank.SubmitAcceptedAsync(period, Example);
        }

        await bank.WaitForAllEvaluationsAsync();
        // The day before January's ledger is due: its reminder, and the missed ones of the months never filed.
        (await admin.PostAsync("/api/v1/deadlines/sweep?date=2023-02-14", null)).EnsureSuccessStatusCode();
    }

    [Test]
    public async Task Deadlines_ListTheYearsDeadlinesAndReminders_AsTheApiAnswersTheInstitution()
    {
        await using var session = await SignInAsync(_institution);
        // The page counts days overdue from its own today: the server's.
        await session.Page.Clock.SetFixedTimeAsync(Factory.Clock.GetCurrentInstant().ToDateTimeUtc());
        var today = Factory.Clock.GetCurrentInstant().InZone(ChinaTime).Date;
        using var bank = Factory.ClientWithKey(_institution);
        var deadlines = await bank.GetJsonAsync("/api/v1/deadlines?year=2023");
        var reminders = await bank.GetJsonAsync("/api/v1/reminders?year=2023");

        await GoAsync(session, "#/deadlines?year=2023");

        var page = session.Page;
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Deadlines" });
        await Assertions.Expect(table).ToBeVisibleAsync();
        var expected = deadlines["items"]!.AsArray().Select(d => string.Join('|',
            d!["obligation"]!.GetValue<string>(), d["institution"]!.GetValue<string>(), (string?)d["period"] ?? "—", d["dueDate"]!.GetValue<string>(),
            StatusWords(d, today), d["filedAt"] is null ? "" : "filed")).ToList();
        var shown = await RowsAsync(table, """
            r => [r.cells[0].querySelector('code').textContent, r.cells[1].textContent, r.cells[2].textContent,
                  r.cells[3].querySelector('time').getAttribute('datetime'), r.cells[4].textContent, r.cells[5].querySelector('time') ? 'filed' : ''].join('|')
            """);
        var reminderTable = page.GetByRole(AriaRole.Table, new() { Name = "Reminders" });
        await Assertions.Expect(reminderTable).ToBeVisibleAsync();
        var expectedReminders = reminders["items"]!.AsArray().Select(r => string.Join('|',
            r!["obligation"]!.GetValue<string>(), r["institution"]!.GetValue<string>(), r["dueDate"]!.GetValue<string>(), Deliveries[r["delivery"]!["status"]!.GetValue<string>()])).ToList();
        var shownReminders = await RowsAsync(reminderTable, """
            r => [r.cells[0].querySelector('code').textContent, r.cells[1].textContent, r.cells[2].querySelector('time').getAttribute('datetime'), r.cells[6].textContent].join('|')
            """);

        using (new AssertionScope())
        {
            await Assertions.Expect(page.GetByLabel("Year")).ToHaveValueAsync("2023");
            expected.Should().Contain(d => d.StartsWith("LEDGER_MONTHLY|C3713001|2022-12|", StringComparison.Ordinal) && d.Contains("|Filed 4 days late|", StringComparison.Ordinal), "the fixture files it on 2023-01-20, four days after its due date");
            shown.Should().Equal(expected);
            expectedReminders.Should().NotBeEmpty("the sweep the day before January's ledger is due reminds of it");
            shownReminders.Should().Equal(expectedReminders);
            await Assertions.Expect(page.GetByText($"{expected.Count} in all:")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText($"{expectedReminders.Count} reminders")).ToBeVisibleAsync();
            (await page.GetByLabel("Institution").CountAsync()).Should().Be(0, "an institution sees its own deadlines only");
        }

        await session.ScreenshotAsync("deadlines");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task Deadlines_ARegulatorFiltersByInstitution_AndTheYearStaysInTheAddress()
    {
        await using var session = await SignInAsync(_regulator);
        await GoAsync(session, "#/deadlines");
        var page = session.Page;

        // The year opens where the data is: that of the latest period with an accepted ledger.
        await Assertions.Expect(page.GetByLabel("Year")).ToHaveValueAsync("2022");
        await page.GetByLabel("Year").FillAsync("2022");
        await page.GetByLabel("Institution").FillAsync(Bank);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"#/deadlines\?year=2022&institution=C3713001$"));
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Deadlines" });
        await Assertions.Expect(table).ToBeVisibleAsync();
        using var regulator = Factory.ClientWithKey(_regulator);
        var deadlines = await regulator.GetJsonAsync($"/api/v1/deadlines?year=2022&institution={Bank}");
        var overdue = deadlines["items"]!.AsArray().Count(d => d!["status"]!.GetValue<string>() == "overdue");
        overdue.Should().BePositive("the months of 2022 before October were never filed");
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(deadlines["items"]!.AsArray().Count);
        await Assertions.Expect(table.Locator("tbody tr", new() { HasText = "Overdue" })).ToHaveCountAsync(overdue);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task Rules_ARegulatorPreviewsAThresholdChange_AndOpenedListsWhatTheApiAnswers()
    {
        await using var session = await SignInAsync(_regulator);
        var page = session.Page;
        await GoAsync(session, "#/rules");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Rule sets" }).GetByRole(AriaRole.Link, new() { Name = LocalSet })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Rule catalogue" })).ToContainTextAsync("NPL_TOLERANCE");
        await session.ScreenshotAsync("rules");

        await page.GetByRole(AriaRole.Link, new() { Name = LocalSet }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit draft" }).ClickAsync();
        var draftBox = page.GetByLabel("Draft");
        var draft = JsonNode.Parse(await draftBox.InputValueAsync())!.AsObject();
        using var regulator = Factory.ClientWithKey(_regulator);
        var set = await regulator.GetJsonAsync($"/api/v1/rule-sets/{LocalSet}");
        foreach (var name in new[] { "jurisdiction", "years", "scope", "rules" })
        {
            JsonNode.DeepEquals(draft[name], set[name]).Should().BeTrue($"the draft's {name} is the set's ({draft[name]?.ToJsonString()} against {set[name]?.ToJsonString()})");
        }

        draft["rules"]![0]!["parameters"]!["tolerancePp"] = 3;
        await draftBox.FillAsync(draft.ToJsonString(Readable));
        await page.GetByLabel("From").FillAsync("2022-01");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("2022-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        var opened = page.GetByRole(AriaRole.Table, new() { Name = "Opened" });
        await Assertions.Expect(opened).ToBeVisibleAsync();
        var response = await regulator.PostAsync($"/api/v1/rule-sets/{LocalSet}/preview?from=2022-01&to=2022-12",
            new StringContent(draft.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var preview = await response.JsonAsync();
        var expected = preview["opened"]!.AsArray().Select(o => string.Join('|',
            o!["institution"]!.GetValue<string>(), o["period"]!.GetValue<string>(), o["ruleSet"]!.GetValue<string>(), o["rule"]!.GetValue<string>(),
            Severities[o["severity"]!.GetValue<string>()])).ToList();
        var shown = await RowsAsync(opened, """
            r => [r.cells[0].textContent, r.cells[1].textContent, r.cells[2].textContent, r.cells[3].textContent, r.cells[4].textContent].join('|')
            """);

        using (new AssertionScope())
        {
            response.IsSuccessStatusCode.Should().BeTrue(preview.ToJsonString());
            expected.Should().HaveCount(3, "a 3 pp tolerance is breached in each of the three months filed").And
                .OnlyContain(o => o.StartsWith($"{Bank}|2022-1", StringComparison.Ordinal) && o.EndsWith($"|{LocalSet}|NPL_TOLERANCE|Breach", StringComparison.Ordinal));
            shown.Should().Equal(expected);
            await Assertions.Expect(opened.GetByRole(AriaRole.Link, new() { Name = Bank }).First).ToHaveAttributeAsync("href", $"#/institutions/{Bank}");
            await Assertions.Expect(page.Locator(".preview dd.evaluated")).ToHaveTextAsync(preview["evaluated"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(page.Locator(".preview dd.unchanged")).ToHaveTextAsync(preview["unchanged"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Cleared" }).Locator("tbody tr")).ToHaveCountAsync(preview["cleared"]!.AsArray().Count);
            await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Changed" }).Locator("tbody tr")).ToHaveCountAsync(preview["changed"]!.AsArray().Count);
            (await page.GetByRole(AriaRole.Button, new() { Name = "Enact" }).CountAsync()).Should().Be(0, "only an admin enacts");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($@"#/rules/{LocalSet}\?from=2022-01&to=2022-12$"));
        }

        await session.ScreenshotAsync("rules-preview");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task Rules_ADraftThatIsNotJson_ShowsWhy_AndSendsNoRequest_WhileAForbiddenDraftShowsTheProblem()
    {
        await using var session = await SignInAsync(_regulator);
        var page = session.Page;
        var previews = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/preview", StringComparison.Ordinal))
            {
                previews.Add(request.Url);
            }
        };
        await GoAsync(session, $"#/rules/{LocalSet}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit draft" }).ClickAsync();
        var draft = JsonNode.Parse(await page.GetByLabel("Draft").InputValueAsync())!.AsObject();

        await page.GetByLabel("Draft").FillAsync("{ \"jurisdiction\": \"3713\", ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The draft is not valid JSON");
        await page.WaitForTimeoutAsync(300);
        previews.Should().BeEmpty("a draft that is not JSON is never sent");

        // A draft for the whole country is wider than the regulator's jurisdiction: the API's 403, shown as the problem.
        draft["jurisdiction"] = "";
        await page.GetByLabel("Draft").FillAsync(draft.ToJsonString());
        await page.GetByLabel("From").FillAsync("2022-01");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("2022-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Forbidden");
        previews.Should().ContainSingle();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task Rules_AnInstitutionSeesTheSetsAndTheirHistory_ButNoDraftNorPreview()
    {
        await using var session = await SignInAsync(_institution);
        var page = session.Page;

        await GoAsync(session, $"#/rules/{LocalSet}");

        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "History" })).ToContainTextAsync("1 (current)");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Rules" })).ToContainTextAsync("tolerancePp = 30");
        (await page.GetByRole(AriaRole.Button, new() { Name = "Edit draft" }).CountAsync()).Should().Be(0);
        (await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).CountAsync()).Should().Be(0);
        (await page.GetByLabel("Draft").CountAsync()).Should().Be(0);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task Rules_ARegulatorGetsNoDraftOfASetWiderThanItsJurisdiction()
    {
        await using var session = await SignInAsync(_regulator);

        await GoAsync(session, "#/rules/national");

        await Assertions.Expect(session.Page.GetByRole(AriaRole.Table, new() { Name = "Rules" })).ToBeVisibleAsync();
        (await session.Page.GetByRole(AriaRole.Button, new() { Name = "Edit draft" }).CountAsync()).Should().Be(0);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task Rules_AnAdminEnactsADraft_AfterConfirming_AndSeesTheNewVersion()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        var page = session.Page;
        await GoAsync(session, $"#/rules/{EnactSet}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit draft" }).ClickAsync();
        var draft = JsonNode.Parse(await page.GetByLabel("Draft").InputValueAsync())!.AsObject();
        draft["rules"]![0]!["parameters"]!["tolerancePp"] = 5;
        await page.GetByLabel("Draft").FillAsync(draft.ToJsonString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Enact" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        using var admin = Factory.Admin();
        (await admin.GetJsonAsync($"/api/v1/rule-sets/{EnactSet}"))["version"]!.GetValue<int>().Should().Be(1, "nothing is enacted before the confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Version 2 is in force.");
        var set = await admin.GetJsonAsync($"/api/v1/rule-sets/{EnactSet}");
        set["version"]!.GetValue<int>().Should().Be(2);
        set["rules"]![0]!["parameters"]!["tolerancePp"]!.GetValue<decimal>().Should().Be(5);
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "History" }).Locator("tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Rules" })).ToContainTextAsync("tolerancePp = 5");
        await session.AssertCleanAsync();
    }

    private static object SetBody(int tolerancePp, string jurisdiction) => new
    {
        jurisdiction,
        scope = "cbirc",
        years = new { from = 2000 },
        rules = new[] { new { rule = "NPL_TOLERANCE", parameters = new Dictionary<string, object> { ["tolerancePp"] = tolerancePp } } },
        name = new { zh = "临沂测试规则集", en = "Linyi test set" },
    };

    private static readonly NodaTime.DateTimeZone ChinaTime = NodaTime.DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>
    /// A deadline's standing as the page words it (console.md): filed, filed N days late (the China Standard Time date
    /// of the filing after the due date), pending, or overdue N days (today after the due date).
    /// </summary>
    private static string StatusWords(JsonNode deadline, NodaTime.LocalDate today)
    {
        var due = NodaTime.Text.LocalDatePattern.Iso.Parse(deadline["dueDate"]!.GetValue<string>()).Value;
        static string Days(int n, string one, string many) => n == 1 ? one : string.Format(System.Globalization.CultureInfo.InvariantCulture, many, n);
        switch (deadline["status"]!.GetValue<string>())
        {
            case "filed":
                var filed = NodaTime.Text.InstantPattern.ExtendedIso.Parse(deadline["filedAt"]!.GetValue<string>()).Value.InZone(ChinaTime).Date;
                var late = NodaTime.Period.Between(due, filed, NodaTime.PeriodUnits.Days).Days;
                return late > 0 ? Days(late, "Filed 1 day late", "Filed {0} days late") : "Filed";
            case "overdue":
                return Days(NodaTime.Period.Between(due, today, NodaTime.PeriodUnits.Days).Days, "Overdue 1 day", "Overdue {0} days");
            default:
                return "Pending";
        }
    }

    /// <summary>Each body row of a table, as the script makes a string of it.</summary>
    private static async Task<IReadOnlyList<string>> RowsAsync(ILocator table, string row) =>
        (await table.Locator("tbody tr").EvaluateAllAsync<string[]>($"rows => rows.map({row})")).Select(r => r.Trim()).ToList();
}
