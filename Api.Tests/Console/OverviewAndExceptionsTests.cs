using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The supervisor's overview and the work on an exception, through the console's buttons (console.md): the heat map
/// against the API's, an exception explained by its institution and resolved by its regulator, an explanation that
/// carries HTML shown as text, and the list's filters and exports.
/// </summary>
public sealed class OverviewAndExceptionsTests : ConsoleFixture
{
    private string _regulator = "";
    private readonly Dictionary<string, string> _banks = [];

    protected override async Task SeedAsync()
    {
        _regulator = await Factory.CreateRegulatorAsync("37");
        foreach (var code in new[] { "C3713001", "C3713002", "C3713003" })
        {
            _banks[code] = await Factory.CreateInstitutionAsync(code, "371302");
        }

        // Two file the example ledger, whose NPL_TOLERANCE breaches; the third files nothing.
        foreach (var code in new[] { "C3713001", "C3713002" })
        {
            using var bank = Factory.ClientWithKey(_banks[code]);
            await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        }
    }

    [Test]
    public async Task TheHeatMap_ShowsEveryInstitutionAndCell_AsTheApiAnswersThem()
    {
        using var client = Factory.ClientWithKey(_regulator);
        var map = await client.GetJsonAsync("/api/v1/analytics/heatmap?period=2022-12");
        await using var session = await SignInAsync(_regulator);

        await GoAsync(session, "#/overview?period=2022-12");

        var heat = session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions by institution and rule" });
        await Assertions.Expect(heat).ToBeVisibleAsync();
        var rows = heat.Locator("tbody tr");
        var expected = map["institutions"]!.AsArray();
        await Assertions.Expect(rows).ToHaveCountAsync(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var row = expected[i]!;
            var cells = rows.Nth(i).Locator("th, td");
            (await cells.Nth(0).InnerTextAsync()).Trim().Should().Be(row["code"]!.GetValue<string>());
            var apiCells = row["cells"]!.AsArray();
            (await cells.CountAsync()).Should().Be(apiCells.Count + 2);
            for (var c = 0; c < apiCells.Count; c++)
            {
                var outcome = (string?)apiCells[c]!["outcome"];
                var shown = cells.Nth(c + 2).Locator(".outcome");
                (await shown.GetAttributeAsync("class")).Should().Contain(outcome is null ? "none" : $"o-{outcome}");
                if (apiCells[c]!["exceptionId"] is { } exceptionId)
                {
                    (await cells.Nth(c + 2).Locator("a").GetAttributeAsync("href")).Should().Be($"#/exceptions/{exceptionId}");
                }
            }
        }

        (await heat.InnerTextAsync()).Should().Contain("C3713003").And.Contain("NPL_TOLERANCE");
        await session.ScreenshotAsync("overview");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnException_IsExplainedByItsInstitution_AndResolvedByItsRegulator_ThroughTheButtons()
    {
        var id = await ExceptionOfAsync("C3713001");
        await using (var bank = await SignInAsync(_banks["C3713001"]))
        {
            await GoAsync(bank, $"#/exceptions/{id}");
            await Assertions.Expect(bank.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("NPL_TOLERANCE");
            await Assertions.Expect(bank.Page.GetByRole(AriaRole.Button, new() { Name = "Resolve" })).ToHaveCountAsync(0);

            await bank.Page.GetByRole(AriaRole.Button, new() { Name = "Explain" }).ClickAsync();
            await bank.Page.GetByLabel("Reason code").SelectOptionAsync("ONE_OFF_EVENT");
            await bank.Page.GetByLabel("Explanation").FillAsync("一笔贷款临时逾期，已于一月追回");
            await bank.Page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

            var events = bank.Page.GetByRole(AriaRole.List, new() { Name = "Events" });
            await Assertions.Expect(events.Locator("li")).ToHaveCountAsync(2);
            await Assertions.Expect(events).ToContainTextAsync("一笔贷款临时逾期，已于一月追回");
            await Assertions.Expect(bank.Page.Locator("main")).ToContainTextAsync("Explained");
            await bank.ScreenshotAsync("exception-explained");
            await bank.AssertCleanAsync();
        }

        await using var regulator = await SignInAsync(_regulator);
        await GoAsync(regulator, $"#/exceptions/{id}");
        await Assertions.Expect(regulator.Page.GetByRole(AriaRole.Button, new() { Name = "Explain" })).ToHaveCountAsync(0);
        await Assertions.Expect(regulator.Page.GetByRole(AriaRole.Button, new() { Name = "Reopen" })).ToHaveCountAsync(0);

        await regulator.Page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await regulator.Page.GetByLabel("Note").FillAsync("核实无误");
        await regulator.Page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Assertions.Expect(regulator.Page.GetByRole(AriaRole.List, new() { Name = "Events" }).Locator("li")).ToHaveCountAsync(3);
        await Assertions.Expect(regulator.Page.GetByRole(AriaRole.Button, new() { Name = "Reopen" })).ToBeVisibleAsync();
        await Assertions.Expect(regulator.Page.GetByRole(AriaRole.Button, new() { Name = "Resolve" })).ToHaveCountAsync(0);
        using var client = Factory.ClientWithKey(_regulator);
        var stored = await client.GetJsonAsync($"/api/v1/exceptions/{id}");
        stored["status"]!.GetValue<string>().Should().Be("resolved");
        stored["events"]!.AsArray().Select(e => (string?)e!["kind"]).Should().Equal("created", "explained", "resolved");
        await regulator.ScreenshotAsync("exception");
        await regulator.AssertCleanAsync();
    }

    [Test]
    public async Task AnExplanationCarryingHtml_IsShownAsThoseCharacters()
    {
        const string Hostile = "<img src=x onerror=\"window.__owned=1\"><b>bold</b>";
        var id = await ExceptionOfAsync("C3713002");
        using (var bank = Factory.ClientWithKey(_banks["C3713002"]))
        {
            var explained = await bank.PostAsync($"/api/v1/exceptions/{id}/explanation", System.Net.Http.Json.JsonContent.Create(new { text = Hostile }));
            explained.EnsureSuccessStatusCode();
        }

        await using var session = await SignInAsync(_regulator);
        await GoAsync(session, $"#/exceptions/{id}");

        var events = session.Page.GetByRole(AriaRole.List, new() { Name = "Events" });
        await Assertions.Expect(events).ToContainTextAsync(Hostile);
        (await events.Locator("img, b").CountAsync()).Should().Be(0);
        (await session.Page.EvaluateAsync<bool>("() => window.__owned === 1")).Should().BeFalse();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheList_FiltersAsTheApiDoes_AndExportsTheSameFilter()
    {
        await using var session = await SignInAsync(_regulator);
        await GoAsync(session, "#/exceptions?rule=NPL_TOLERANCE");

        var list = session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions" });
        using var client = Factory.ClientWithKey(_regulator);
        var answer = await client.GetJsonAsync("/api/v1/exceptions?rule=NPL_TOLERANCE");
        await Assertions.Expect(list.Locator("tbody tr")).ToHaveCountAsync(answer["items"]!.AsArray().Count);
        await Assertions.Expect(session.Page.Locator("main")).ToContainTextAsync($"{answer["total"]} in all");

        var download = await session.Page.RunAndWaitForDownloadAsync(() =>
            session.Page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
        var path = await download.PathAsync();
        var csv = await File.ReadAllTextAsync(path!);
        csv.Should().Contain("机构代码").And.Contain("NPL_TOLERANCE");
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(answer["items"]!.AsArray().Count + 1);
        await session.ScreenshotAsync("exceptions");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnExceptionsFigures_AreNamedAsTheirRuleDeclaresThem_AndShownInTheirUnit()
    {
        var id = await ExceptionOfAsync("C3713002");
        using var client = Factory.ClientWithKey(_regulator);
        var exception = await client.GetJsonAsync($"/api/v1/exceptions/{id}");
        var declared = (await client.GetJsonAsync("/api/v1/rules"))["items"]!.AsArray()
            .Single(r => r!["id"]!.GetValue<string>() == "NPL_TOLERANCE")!["figures"]!.AsArray().ToDictionary(f => f!["key"]!.GetValue<string>());
        var figures = exception["figures"]!.AsObject().ToList();
        await using var session = await SignInAsync(_regulator);

        await GoAsync(session, $"#/exceptions/{id}");

        var shown = session.Page.GetByRole(AriaRole.Region, new() { Name = "Figures and thresholds" }).Locator("dl.figures");
        await Assertions.Expect(shown.Locator("dt")).ToHaveTextAsync([.. figures.Select(f => $"{declared[f.Key]!["name"]!["en"]} {f.Key}")]);
        // Percentages with 2 decimals and %; points with 2 decimals, an explicit sign and pp (console.md, "Figures a supervisor reads").
        await Assertions.Expect(shown.Locator("dd")).ToHaveTextAsync([.. figures.Select(f =>
        {
            var value = Math.Round(f.Value!.GetValue<decimal>(), 2, MidpointRounding.AwayFromZero);
            return exception["units"]![f.Key]!.GetValue<string>() == "percent"
                ? value.ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture) + "%"
                : value.ToString("+#,##0.00;-#,##0.00;0.00", System.Globalization.CultureInfo.InvariantCulture) + " pp";
        })]);
        await Assertions.Expect(shown.Locator("dt").Last).ToHaveTextAsync("NPL tolerance tolerancePp");
        await Assertions.Expect(shown.Locator("dd").Last).ToHaveTextAsync("+3.00 pp");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ATargetOfACount_ShowsItsFiguresAsACount_AsItsUnitSays()
    {
        using (var admin = Factory.Admin())
        {
            (await admin.PutAsync("/api/v1/targets/console-first-loans", System.Net.Http.Json.JsonContent.Create(new
            {
                name = new { zh = "首贷户不少于1000户", en = "At least 1000 first-time borrowers" }, source = "通知", jurisdiction = "37", year = 2022,
                population = new { }, measure = "cumulative(newFirstLoanBorrowers)", op = ">=", value = 1000, scope = "pboc",
            }))).EnsureSuccessStatusCode();
        }

        await using var session = await SignInAsync(_regulator);

        await GoAsync(session, "#/overview?period=2022-12");

        var card = session.Page.Locator("article.card").Filter(new() { HasText = "At least 1000 first-time borrowers" });
        await Assertions.Expect(card.Locator("dd").Nth(1)).ToHaveTextAsync("1,000");
        await session.AssertCleanAsync();
    }

    private async Task<string> ExceptionOfAsync(string code)
    {
        using var client = Factory.ClientWithKey(_regulator);
        var list = await client.GetJsonAsync($"/api/v1/exceptions?institution={code}&rule=NPL_TOLERANCE");
        return list["items"]!.AsArray().Single()!["id"]!.ToString();
    }
}
