using System.Globalization;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The institution's page (console.md, <c>#/institutions/{code}</c>): a rural bank in Henan, under the national set
/// alone, that filed December 2021 and June, November and December 2022. It has an inclusive credit loan that grows, a
/// borrower at exactly 10,000,000 of credit line (inclusive under CBIRC, not under PBoC, so the two credit shares
/// differ while it borrows), an inclusive guaranteed loan that turns substandard, and a large non-inclusive loan.
/// </summary>
public sealed class InstitutionPageTests : ConsoleFixture
{
    private const string Bank = "IP-B1";   // 410101
    private const string Other = "IP-B2";  // 410102
    private const string Period = "2022-12";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private string _bankKey = "";

    protected override async Task SeedAsync()
    {
        _bankKey = await Factory.CreateInstitutionAsync(Bank, "410101");
        await Factory.CreateInstitutionAsync(Other, "410102");
        using var bank = Factory.ClientWithKey(_bankKey);
        foreach (var (period, credit, exact, guaranteed, npl, large) in new[]
        {
            ("2021-12", 100_000m, 1_000_000m, 500_000m, false, 8_400_000m),
            ("2022-06", 300_000m, 1_000_000m, 500_000m, true, 8_600_000m),
            ("2022-11", 500_000m, 0m, 0m, false, 8_800_000m),
            ("2022-12", 600_000m, 0m, 0m, false, 8_900_000m),
        })
        {
            var rows = new List<string> { Ledgers.Row("L1", borrowerId: "B1", balance: credit, amount: 1_000_000m) };
            if (exact > 0)
            {
                rows.Add(Ledgers.Row("L2", borrowerId: "B2", creditLine: 10_000_000m, balance: exact, amount: exact));
                rows.Add(Ledgers.Row("L3", borrowerId: "B3", creditLine: 2_000_000m, guarantee: "guarantee", classification: npl ? "substandard" : "normal",
                    balance: guaranteed, amount: guaranteed));
            }

            rows.Add(Ledgers.Row("L4", borrowerId: "B4", borrowerType: "large", creditLine: 500_000_000m, guarantee: "pledge", balance: large, amount: 9_000_000m));
            await bank.SubmitAcceptedAsync(period, Ledgers.Csv([.. rows]));
        }

        using var admin = Factory.Admin();
        await admin.WaitForAllEvaluationsAsync();
    }

    [Test]
    public async Task TheInstitution_OpensMyInstitution_AndSeesItsHeadroomPeersSupportToolAndSubmissions()
    {
        await using var session = await SignInAsync(_bankKey);
        using var bank = Factory.ClientWithKey(_bankKey);
        var headroom = (await bank.GetJsonAsync($"/api/v1/institutions/{Bank}/headroom?period={Period}"))["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        var page = session.Page;

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "My institution" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync($"({Bank})");
        // The page opens on the latest period with an accepted ledger (console.md, "Opens where the data is").
        await Assertions.Expect(page.GetByLabel("Period")).ToHaveValueAsync(Period);
        (await page.EvaluateAsync<string>("() => location.hash")).Should().Be($"#/institutions/{Bank}");
        var region = page.GetByRole(AriaRole.Region, new() { Name = "Headroom" });
        var rows = region.GetByRole(AriaRole.Table).Locator("tbody tr");
        headroom.Should().NotBeEmpty();
        await Assertions.Expect(rows).ToHaveCountAsync(headroom.Count);
        await Assertions.Expect(region.GetByRole(AriaRole.Table)).ToContainTextAsync($"Headroom of each rule in {Period}");
        for (var i = 0; i < headroom.Count; i++)
        {
            var item = headroom[i];
            var unit = (string?)item["unit"];
            var cells = rows.Nth(i).Locator("td");
            // The set by its name, its id in smaller type; figures by their unit (console.md, "Figures a supervisor reads").
            await Assertions.Expect(cells.Nth(0)).ToContainTextAsync(item["ruleSet"]!.GetValue<string>());
            await Assertions.Expect(cells.Nth(1)).ToContainTextAsync(item["rule"]!.GetValue<string>());
            await Assertions.Expect(cells.Nth(3)).ToHaveTextAsync(ByUnit(item["figure"], unit));
            await Assertions.Expect(cells.Nth(4)).ToHaveTextAsync(ByUnit(item["threshold"], unit));
            await Assertions.Expect(cells.Nth(5)).ToHaveTextAsync(ByUnit(item["margin"], unit));
            await Assertions.Expect(cells.Nth(6)).ToHaveTextAsync(item["projection"] is { } projection ? ByUnit(projection["figure"], unit) : "—");
        }

        // The rule's name comes from the catalogue, in English.
        await Assertions.Expect(rows.First.Locator("td").Nth(1)).Not.ToHaveTextAsync("INCLUSIVE_GROWTH");
        // The set's name, not its id alone.
        await Assertions.Expect(rows.First.Locator("td").Nth(0)).Not.ToHaveTextAsync(headroom[0]["ruleSet"]!.GetValue<string>());
        // A bank alone in its group is told why it sees no peer figures.
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Peers" })).ToContainTextAsync("fewer than 5 peers");
        var support = page.GetByRole(AriaRole.Region, new() { Name = "Support tool" });
        await Assertions.Expect(support.GetByRole(AriaRole.Table).Locator("tbody tr")).ToHaveCountAsync(4);
        await Assertions.Expect(support.GetByRole(AriaRole.Table)).ToContainTextAsync("2022Q4");
        var submissions = page.GetByRole(AriaRole.Region, new() { Name = "Submissions" });
        await Assertions.Expect(submissions.GetByRole(AriaRole.Table).Locator("tbody tr")).ToHaveCountAsync(4);
        var receipt = submissions.GetByRole(AriaRole.Link).First;
        (await receipt.GetAttributeAsync("href")).Should().StartWith("#/submissions/");
        await Assertions.Expect(page.Locator(".chart canvas")).ToHaveCountAsync(3);
        await session.ScreenshotAsync("institution");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheCharts_DrawOnCanvas_EachBesideATableOfTheIndicators()
    {
        await using var session = await SignInAsync(_bankKey);
        using var bank = Factory.ClientWithKey(_bankKey);
        var indicators = (await bank.GetJsonAsync($"/api/v1/institutions/{Bank}/indicators?from=2020-12&to={Period}"))["items"]!.AsArray()
            .Select(i => i!.AsObject()).ToDictionary(i => i["period"]!.GetValue<string>());
        var page = session.Page;

        await GoAsync(session, $"#/institutions/{Bank}?period={Period}");

        var charts = page.Locator(".pair");
        await Assertions.Expect(charts).ToHaveCountAsync(3);
        for (var i = 0; i < 3; i++)
        {
            await Assertions.Expect(charts.Nth(i).Locator(".chart canvas")).ToHaveCountAsync(1);
            await Assertions.Expect(charts.Nth(i).Locator("table caption")).ToHaveCountAsync(1);
        }

        // Every month of the window that has a snapshot is a row, oldest first: 2021-01 to 2022-12 (2020-12 only serves as a base).
        var shown = indicators.Keys.Where(p => string.CompareOrdinal(p, "2021-01") >= 0).Order(StringComparer.Ordinal).ToList();
        shown.Should().Equal("2021-12", "2022-06", "2022-11", "2022-12");

        var growth = page.GetByRole(AriaRole.Table, new() { Name = "Loan growth since the December before (%)" });
        await Assertions.Expect(growth.Locator("tbody tr")).ToHaveCountAsync(shown.Count);
        for (var r = 0; r < shown.Count; r++)
        {
            var item = indicators[shown[r]];
            indicators.TryGetValue($"{int.Parse(shown[r][..4], Invariant) - 1}-12", out var start);
            // The engine's measures of growth since the December before, which the server computes for the page.
            var (now, then) = (Snapshot(item), Snapshot(start));
            await ExpectRowAsync(growth, r, shown[r], Money(item["inclusiveBalance"]), Money(item["totalBalance"]),
                Percent(Peers.Of(Peers.InclusiveGrowthYtd, now, then)), Percent(Peers.Of(Peers.TotalGrowthYtd, now, then)), Pp(Peers.Of(Peers.GrowthGapPp, now, then)));
        }

        // 2022-12 against 2021-12: inclusive 1,600,000 → 600,000 (−62.5 %), total 10,000,000 → 9,500,000 (−5 %).
        await ExpectRowAsync(growth, 3, "2022-12", "CNY 600,000.00", "CNY 9,500,000.00", "-62.50%", "-5.00%", "-57.50 pp");

        var npl = page.GetByRole(AriaRole.Table, new() { Name = "NPL ratios (%)" });
        await Assertions.Expect(npl.Locator("tbody tr")).ToHaveCountAsync(shown.Count);
        for (var r = 0; r < shown.Count; r++)
        {
            var item = indicators[shown[r]];
            var inclusive = (decimal?)item["inclusiveNplRatio"];
            var total = (decimal?)item["totalNplRatio"];
            await ExpectRowAsync(npl, r, shown[r], Percent(inclusive), Percent(total), Pp(inclusive is null || total is null ? null : Math.Round(inclusive.Value - total.Value, 4, MidpointRounding.AwayFromZero)));
        }

        // The borrower at exactly 10,000,000 makes the PBoC share differ, so both 口径 are shown.
        var share = page.GetByRole(AriaRole.Table, new() { Name = "Credit share (%)" });
        await Assertions.Expect(share.Locator("thead th")).ToHaveTextAsync(["Period", "Credit share (CBIRC)", "Credit share (PBoC)"]);
        for (var r = 0; r < shown.Count; r++)
        {
            var item = indicators[shown[r]];
            await ExpectRowAsync(share, r, shown[r], Percent((decimal?)item["creditShare"]), Percent((decimal?)item["pboc"]!["creditShare"]));
        }

        indicators["2021-12"]["creditShare"]!.GetValue<decimal>().Should().NotBe(indicators["2021-12"]["pboc"]!["creditShare"]!.GetValue<decimal>());

        // The tooltip is drawn on the canvas (rich text), so hovering a point writes no inline style the CSP would refuse.
        var canvas = charts.Nth(0).Locator(".chart canvas");
        var box = (await canvas.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.9f), box.Y + (box.Height / 2));
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.95f), box.Y + (box.Height / 2));
        await page.WaitForTimeoutAsync(300);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheGrowthTable_ShowsTheGrowthTheServerAnswers_AndComputesNone()
    {
        await using var session = await SignInAsync(_bankKey);
        // The server's figures, changed on their way: the page must show what it is sent, not a growth of its own.
        await session.Page.RouteAsync("**/api/v1/institutions/*/indicators*", async route =>
        {
            var response = await route.FetchAsync();
            var answer = JsonNode.Parse(await response.TextAsync())!.AsObject();
            var december = answer["items"]!.AsArray().Single(i => i!["period"]!.GetValue<string>() == Period)!;
            (december["inclusiveGrowthYtd"], december["totalGrowthYtd"], december["growthGapPp"]) = (12.3456m, -1.5m, 13.8456m);
            await route.FulfillAsync(new() { Response = response, Body = answer.ToJsonString() });
        });

        await GoAsync(session, $"#/institutions/{Bank}?period={Period}");

        var growth = session.Page.GetByRole(AriaRole.Table, new() { Name = "Loan growth since the December before (%)" });
        await ExpectRowAsync(growth, 3, Period, "CNY 600,000.00", "CNY 9,500,000.00", "12.35%", "-1.50%", "+13.85 pp");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task LeavingThePage_DisposesItsCharts()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        await GoAsync(session, $"#/institutions/{Bank}?period={Period}");
        await Assertions.Expect(session.Page.Locator(".chart canvas")).ToHaveCountAsync(3);
        await session.Page.EvaluateAsync("() => { window.__charts = [...document.querySelectorAll('.chart')]; }");
        (await session.Page.EvaluateAsync<bool>("() => window.__charts.every(c => window.echarts.getInstanceByDom(c))")).Should().BeTrue();
        await session.Page.SetViewportSizeAsync(700, 900);

        await GoAsync(session, "#/institutions");

        await Assertions.Expect(session.Page.GetByRole(AriaRole.Table, new() { Name = "Institutions" })).ToBeVisibleAsync();
        (await session.Page.EvaluateAsync<bool>("() => window.__charts.every(c => !window.echarts.getInstanceByDom(c))")).Should().BeTrue();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task OneFailingCall_ShowsItsProblemInItsSection_AndTheRestOfThePageLoads()
    {
        await using var session = await SignInAsync(_bankKey);
        await session.Page.RouteAsync("**/api/v1/institutions/*/headroom*", route => route.FulfillAsync(new()
        {
            Status = 503, ContentType = "application/problem+json",
            Body = """{"type":"/problems/unavailable","title":"Service Unavailable","status":503,"detail":"The headroom is being recomputed."}""",
        }));

        await GoAsync(session, $"#/institutions/{Bank}?period={Period}");

        var headroom = session.Page.GetByRole(AriaRole.Region, new() { Name = "Headroom" });
        await Assertions.Expect(headroom.GetByRole(AriaRole.Alert)).ToContainTextAsync("Service Unavailable");
        await Assertions.Expect(headroom.GetByRole(AriaRole.Alert)).ToContainTextAsync("The headroom is being recomputed.");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(Bank);
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Region, new() { Name = "Peers" }).GetByRole(AriaRole.Table)).ToBeVisibleAsync();
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Region, new() { Name = "Submissions" }).GetByRole(AriaRole.Table)).ToBeVisibleAsync();
        await Assertions.Expect(session.Page.Locator(".chart canvas")).ToHaveCountAsync(3);

        await session.Page.UnrouteAsync("**/api/v1/institutions/*/headroom*");
        await headroom.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Assertions.Expect(headroom.GetByRole(AriaRole.Table)).ToBeVisibleAsync();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnotherInstitutionsPage_ShowsTheNotFoundProblem()
    {
        await using var session = await SignInAsync(_bankKey);

        await GoAsync(session, $"#/institutions/{Other}?period={Period}");

        await Assertions.Expect(session.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"Institution {Other} does not exist or is not visible to this key.");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Region, new() { Name = "Headroom" })).ToHaveCountAsync(0);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheAdminsList_LinksToEachInstitutionsPage()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        var page = session.Page;

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Institutions" }).ClickAsync();

        var list = page.GetByRole(AriaRole.Table, new() { Name = "Institutions" });
        await Assertions.Expect(list.Locator("tbody tr")).ToHaveCountAsync(2);
        await list.GetByRole(AriaRole.Link, new() { Name = Bank, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"测试银行 {Bank} ({Bank})");
        (await page.EvaluateAsync<string>("() => location.hash")).Should().Be($"#/institutions/{Bank}");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Headroom" })).ToBeVisibleAsync();
        await session.AssertCleanAsync();
    }

    private static async Task ExpectRowAsync(ILocator table, int row, string period, params string[] cells)
    {
        var line = table.Locator("tbody tr").Nth(row);
        await Assertions.Expect(line.Locator("th")).ToHaveTextAsync(period);
        await Assertions.Expect(line.Locator("td")).ToHaveTextAsync(cells);
    }

    /// <summary>The balances a growth reads, of a period's indicators as answered; null for none.</summary>
    private static IndicatorSnapshot? Snapshot(JsonObject? item) => item is null ? null
        : new() { InclusiveBalance = item["inclusiveBalance"]!.GetValue<decimal>(), TotalBalance = item["totalBalance"]!.GetValue<decimal>() };

    /// <summary>Money on an English page: CNY with thousands separators and 2 decimals.</summary>
    private static string Money(JsonNode? value) => value is null ? "—" : "CNY " + value.GetValue<decimal>().ToString("#,##0.00", Invariant);

    /// <summary>A percentage: 2 decimals and %.</summary>
    private static string Percent(decimal? value) =>
        value is null ? "—" : Math.Round(value.Value, 2, MidpointRounding.AwayFromZero).ToString("#,##0.00", Invariant) + "%";

    /// <summary>Percentage points: 2 decimals, an explicit sign (none for 0) and pp.</summary>
    private static string Pp(decimal? value) =>
        value is null ? "—" : Math.Round(value.Value, 2, MidpointRounding.AwayFromZero).ToString("+#,##0.00;-#,##0.00;0.00", Invariant) + " pp";

    private static string ByUnit(JsonNode? value, string? unit) => value is null ? "—" : unit switch
    {
        "yuan" => Money(value),
        "count" => value.GetValue<decimal>().ToString("#,##0", Invariant),
        "percent" => Percent(value.GetValue<decimal>()),
        _ => Pp(value.GetValue<decimal>()),
    };
}
