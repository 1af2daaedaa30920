using System.Globalization;
using System.Text.RegularExpressions;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// Every view a role can open, walked in Chinese and English at a desktop's and a phone's width (console.md, "A
/// supervisor's page, every day"): no axe-core violation (WCAG 2.1 A and AA); on a Chinese page no word of Latin letters
/// outside text a person typed and codes beside their names; nothing scrolls sideways at 390 px; focus on the level-1
/// heading after each navigation. And the pages open where the data is, and show figures by their unit equal to the
/// API's exact ones. Two Linyi banks filed December 2021 and 2022 (one of them hundreds of millions of yuan, so that
/// both 亿元 and 万元 show), with exceptions, a deliverable and the Shandong and Linyi targets; a Linyi supervisor, the
/// first bank and the admin walk.
/// </summary>
public sealed partial class EveryViewTests : ConsoleFixture
{
    /// <summary>The environment variable naming a directory for Chinese screenshots of the main screens (docs/screenshots).</summary>
    public const string ScreenshotsVariable = "COMPLIANCE_SCREENSHOTS";

    private const string Bank = "EV3713001";
    private const string Other = "EV3713002";
    private const string Latest = "2022-12";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private string _regulator = "";
    private string _bank = "";
    private string _exception = "";
    private string _submission = "";

    protected override async Task SeedAsync()
    {
        _regulator = await Factory.CreateRegulatorAsync("3713");
        _bank = await Factory.CreateInstitutionAsync(Bank, "371302", "2021-12");
        var other = await Factory.CreateInstitutionAsync(Other, "371311", "2021-12");
        using var bank = Factory.ClientWithKey(_bank);
        // Hundreds of millions of yuan in loans of a few million each, whose credit share falls over 2022: CREDIT_SHARE
        // breaches in both sets.
        await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv([.. Loans("C", 40, 5_000_000m, "credit"), .. Loans("M", 20, 4_567_890.12m, "mortgage")]));
        _submission = await bank.SubmitAcceptedAsync(Latest, Ledgers.Csv([.. Loans("C", 40, 5_000_000m, "credit"), .. Loans("M", 60, 4_987_654.31m, "mortgage")]));
        (await bank.FileDeliverableAsync("CREDIT_POLICY_DIGEST", 2022, "梳理报告"u8.ToArray())).EnsureSuccessStatusCode();
        using var second = Factory.ClientWithKey(other);
        await second.SubmitAcceptedAsync(Latest, Ledgers.Example);
        using var admin = Factory.Admin();
        await admin.WaitForAllEvaluationsAsync();
        _exception = (await bank.ExceptionsAsync("&rule=CREDIT_SHARE"))[0]["id"]!.GetValue<string>();
    }

    /// <summary>Loans of one guarantee to as many borrowers, each of an inclusive credit line.</summary>
    private static IEnumerable<string> Loans(string prefix, int count, decimal balance, string guarantee) =>
        Enumerable.Range(0, count).Select(i => Ledgers.Row($"{prefix}{i}", borrowerId: $"{prefix}B{i}", guarantee: guarantee, creditLine: 9_000_000m, amount: balance, balance: balance));

    /// <summary>A view of the walk: its name (for the lists above and the failure message) and its route.</summary>
    private sealed record View(string Name, string Route);

    private List<View> ViewsOf(string role)
    {
        // The first view is never the role's landing page, so that going to it is a navigation.
        var views = new List<View> { new("rules", "#/rules"), new("rule-set", "#/rules/shandong") };
        if (role != "institution")
        {
            views.Add(new("overview", "#/overview"));
        }

        views.Add(new("exceptions", "#/exceptions"));
        views.Add(new("exception", $"#/exceptions/{_exception}"));
        views.Add(new("institution", $"#/institutions/{Bank}"));
        if (role != "regulator")
        {
            views.Add(new("submit", "#/submit"));
        }

        views.Add(new("submission", $"#/submissions/{_submission}"));
        views.Add(new("deadlines", "#/deadlines"));
        if (role == "admin")
        {
            views.Add(new("institutions", "#/institutions"));
            views.Add(new("admin-institutions", "#/admin/institutions"));
            views.Add(new("admin-keys", "#/admin/keys"));
            views.Add(new("admin-obligations", "#/admin/obligations"));
            views.Add(new("admin-audit", "#/admin/audit"));
        }

        return views;
    }

    private string KeyOf(string role) => role switch
    {
        "regulator" => _regulator,
        "institution" => _bank,
        _ => ComplianceApiFactory.AdminKey,
    };

    [TestCase("regulator", "zh")]
    [TestCase("regulator", "en")]
    [TestCase("institution", "zh")]
    [TestCase("institution", "en")]
    [TestCase("admin", "zh")]
    [TestCase("admin", "en")]
    public async Task EveryView_IsAccessible_InOneLanguage_FocusedOnItsHeading_AndNeverScrollsSideways(string role, string language)
    {
        var problems = new List<string>();
        await using var session = await SignInAsync(KeyOf(role), language, BrowserSession.DesktopWidth);
        foreach (var width in new[] { BrowserSession.DesktopWidth, BrowserSession.PhoneWidth })
        {
            await session.Page.SetViewportSizeAsync(width, width == BrowserSession.PhoneWidth ? 844 : 900);
            foreach (var view in ViewsOf(role))
            {
                var where = $"{view.Name} ({view.Route}) at {width} px";
                await GoAsync(session, view.Route);
                await SettleAsync(session);
                if (!await HeadingFocusedAsync(session))
                {
                    problems.Add($"{where}: focus is not on the level-1 heading but on {await session.Page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing'")}");
                }

                if (language == "zh" && width == BrowserSession.DesktopWidth)
                {
                    await ScreenshotAsync(session, view);
                }

                if (width == BrowserSession.PhoneWidth && await session.SidewaysOverflowAsync() is var overflow and > 0)
                {
                    problems.Add($"{where}: the page scrolls sideways by {overflow} px, past its right edge: {await session.Page.EvaluateAsync<string>(WidestScript)}");
                }

                problems.AddRange((await session.AxeViolationsAsync()).Select(v => $"{where}: axe {v}"));
                if (language == "zh")
                {
                    problems.AddRange((await session.LatinWordsAsync()).Select(w => $"{where}: Latin word {w}"));
                }
            }
        }

        problems.Should().BeEmpty("every view of a {0} key in {1} must pass: {2}", role, language, string.Join("\n", problems));
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheOverviewTheInstitutionPageAndTheExceptions_OpenOnTheLatestPeriodWithData()
    {
        using (var client = Factory.ClientWithKey(_regulator))
        {
            (await client.GetJsonAsync("/api/v1/me"))["latestPeriod"]!.GetValue<string>().Should().Be(Latest);
        }

        await using var session = await SignInAsync(_regulator, "zh", BrowserSession.DesktopWidth);
        var page = session.Page;

        await GoAsync(session, "#/overview");
        await Assertions.Expect(page.GetByLabel("报告期")).ToHaveValueAsync(Latest);
        await Assertions.Expect(page.Locator("table.heatmap tbody tr")).ToHaveCountAsync(2);

        await GoAsync(session, $"#/institutions/{Bank}");
        await Assertions.Expect(page.GetByLabel("报告期")).ToHaveValueAsync(Latest);
        await Assertions.Expect(page.Locator("table.inst-headroom")).ToContainTextAsync("普惠型小微企业信用贷款占比");

        await GoAsync(session, "#/exceptions");
        (await page.Locator("main input[type=month]").EvaluateAllAsync<string[]>("inputs => inputs.map(i => i.value)")).Should().Contain(Latest);

        // A period with nothing filed says why and offers the latest period that has data.
        await GoAsync(session, "#/overview?period=2022-11");
        var offer = page.GetByRole(AriaRole.Button, new() { Name = $"查看有数据的最新报告期 {Latest}" });
        await Assertions.Expect(page.GetByRole(AriaRole.Note)).ToContainTextAsync("2022-11 尚无已接受的台账");
        await offer.ClickAsync();
        await Assertions.Expect(page.GetByLabel("报告期")).ToHaveValueAsync(Latest);
        await Assertions.Expect(page.Locator("table.heatmap tbody tr")).ToHaveCountAsync(2);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ALinyiSupervisorsTargets_ReadAsSentencesInTheirUnits_WithAProgressBar_AndShandongsAsContributions()
    {
        await using var session = await SignInAsync(_regulator, "zh", BrowserSession.DesktopWidth);

        await GoAsync(session, "#/overview");

        var targets = session.Page.GetByRole(AriaRole.Region, new() { Name = "目标进度" });
        await Assertions.Expect(targets.GetByRole(AriaRole.Article)).ToHaveCountAsync(4);
        await Assertions.Expect(targets.Locator(".loading")).ToHaveCountAsync(0);
        await Assertions.Expect(targets.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        var linyi = targets.GetByRole(AriaRole.Article, new() { Name = "千亿助小微：全年发放普惠小微贷款1000亿元", Exact = true });
        await Assertions.Expect(linyi.Locator(".target-sentence")).ToHaveTextAsync("全年累计发放普惠小微贷款 ≥ 1,000.00 亿元");
        (await linyi.Locator(".badge").InnerTextAsync()).Should().BeOneOf("已达成", "按进度", "进度滞后", "未达成", "无数据");
        var shandong = targets.GetByRole(AriaRole.Article, new() { Name = "万亿助小微：全年发放普惠小微贷款1万亿元", Exact = true });
        await Assertions.Expect(shandong.Locator(".target-sentence")).ToHaveTextAsync("全年累计发放普惠小微贷款 ≥ 10,000.00 亿元");
        await Assertions.Expect(shandong.Locator(".badge")).ToHaveTextAsync("本辖区贡献");
        var operating = targets.GetByRole(AriaRole.Article, new() { Name = "百亿惠商户：经营性贷款余额增加100亿元", Exact = true });
        await Assertions.Expect(operating.Locator(".target-sentence")).ToHaveTextAsync("经营性贷款余额较年初增加 ≥ 100.00 亿元");

        // The bar is of value against threshold, named by both in the same units.
        using var client = Factory.ClientWithKey(_regulator);
        var progress = await client.GetJsonAsync("/api/v1/targets/linyi-operating-increase/progress?year=2022");
        var latest = progress["months"]!.AsArray().Last(m => m!["value"] is not null)!;
        var bar = operating.GetByRole(AriaRole.Progressbar);
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-label", $"完成进度: {Yi(latest["value"]!.GetValue<decimal>())} / 100.00 亿元");
        (await targets.InnerTextAsync()).Should().NotContain("cumulative(").And.NotContain(">=");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheInstitutionPage_ShowsFiguresByUnit_EqualToTheApisExactFigures_AndTheThresholdsAsLines()
    {
        using var client = Factory.ClientWithKey(_regulator);
        var december = (await client.GetJsonAsync($"/api/v1/institutions/{Bank}/indicators?from={Latest}&to={Latest}"))["items"]!.AsArray().Single()!;
        var headroom = (await client.GetJsonAsync($"/api/v1/institutions/{Bank}/headroom?period={Latest}"))["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        await using var session = await SignInAsync(_regulator, "zh", BrowserSession.DesktopWidth);
        var page = session.Page;

        await GoAsync(session, $"#/institutions/{Bank}");

        // The balances in 亿元 (|amount| ≥ 1 亿), rounded to 2 decimals; the exact yuan one click away.
        var growth = page.GetByRole(AriaRole.Table, new() { Name = "贷款增速（较上年末，%）" });
        var row = growth.Locator("tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = Latest }) });
        var cells = row.Locator("td");
        var inclusive = december["inclusiveBalance"]!.GetValue<decimal>();
        var total = december["totalBalance"]!.GetValue<decimal>();
        ParseYuan(await cells.Nth(0).InnerTextAsync()).Should().Be(Math.Round(inclusive / 100_000_000m, 2, MidpointRounding.AwayFromZero) * 100_000_000m);
        ParseYuan(await cells.Nth(1).InnerTextAsync()).Should().Be(Math.Round(total / 100_000_000m, 2, MidpointRounding.AwayFromZero) * 100_000_000m);
        await cells.Nth(1).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(cells.Nth(1)).ToHaveTextAsync(total.ToString("#,##0.00", Invariant) + " 元");
        // Growths as percentages with 2 decimals, the gap in signed points.
        ParsePercent(await cells.Nth(2).InnerTextAsync()).Should().Be(Math.Round(december["inclusiveGrowthYtd"]!.GetValue<decimal>(), 2, MidpointRounding.AwayFromZero));
        ParsePercent(await cells.Nth(3).InnerTextAsync()).Should().Be(Math.Round(december["totalGrowthYtd"]!.GetValue<decimal>(), 2, MidpointRounding.AwayFromZero));
        (await cells.Nth(4).InnerTextAsync()).Should().MatchRegex(@"^([+−-][\d,]+\.\d\d|0\.00) 个百分点$");
        ParsePoints(await cells.Nth(4).InnerTextAsync()).Should().Be(Math.Round(december["growthGapPp"]!.GetValue<decimal>(), 2, MidpointRounding.AwayFromZero));

        // Headroom: each rule by its name in its set's scope, each figure by its unit.
        var rows = page.GetByRole(AriaRole.Region, new() { Name = "达标空间" }).Locator("table.inst-headroom tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(headroom.Count);
        for (var i = 0; i < headroom.Count; i++)
        {
            var item = headroom[i];
            if (item["figure"] is not { } figure)
            {
                continue;
            }

            var shown = await rows.Nth(i).Locator("td").Nth(3).InnerTextAsync();
            var value = figure.GetValue<decimal>();
            switch ((string?)item["unit"])
            {
                case "yuan":
                    ParseYuan(shown).Should().Be(Math.Abs(value) >= 100_000_000m
                        ? Math.Round(value / 100_000_000m, 2, MidpointRounding.AwayFromZero) * 100_000_000m
                        : Math.Round(value / 10_000m, 2, MidpointRounding.AwayFromZero) * 10_000m, "{0} of {1}", shown, item["rule"]);
                    break;
                case "pp":
                    ParsePoints(shown).Should().Be(Math.Round(value, 2, MidpointRounding.AwayFromZero), "{0} of {1}", shown, item["rule"]);
                    break;
                case "count":
                    shown.Should().Be(value.ToString("#,##0", Invariant));
                    break;
            }
        }

        var body = await page.Locator("main").InnerTextAsync();
        body.Should().NotContain("inclusiveNplRatio").And.NotContain("gapPp").And.NotContain("rural");

        // The NPL chart draws the tolerance, the credit-share chart the share the year must reach, as lines.
        await Assertions.Expect(page.Locator(".chart canvas")).ToHaveCountAsync(3);
        var lines = (await page.EvaluateAsync<System.Text.Json.JsonElement>(
            "() => [...document.querySelectorAll('.chart')].map(c => window.echarts.getInstanceByDom(c).getOption().series.flatMap(s => (s.markLine?.data ?? []).map(d => d.yAxis)))"))
            .EnumerateArray().Select(chart => chart.EnumerateArray().Select(y => y.GetDecimal()).ToList()).ToList();
        lines.Should().HaveCount(3);
        lines[1].Should().Equal(headroom.Single(i => (string?)i["rule"] == "NPL_TOLERANCE")["threshold"]!.GetValue<decimal>());
        lines[2].Should().ContainSingle();
        await session.AssertCleanAsync();
    }

    /// <summary>The innermost elements outside any scroll box that reach past the window's right edge, as tag.class, for a failure's message.</summary>
    private const string WidestScript = """
        () => {
          const width = document.documentElement.clientWidth;
          const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) { if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
          const past = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > width + 1 && !clipped(e));
          return past.slice(-5)
            .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} in ${e.parentElement?.tagName.toLowerCase()}.${[...(e.parentElement?.classList ?? [])].join('.')} (${Math.round(e.getBoundingClientRect().right)} px)`).join(', ');
        }
        """;

    /// <summary>Waits until the page's charts (if any) have drawn and no section is loading.</summary>
    private static async Task SettleAsync(BrowserSession session)
    {
        await Assertions.Expect(session.Page.Locator("main .loading")).ToHaveCountAsync(0);
        await session.Page.WaitForFunctionAsync("() => [...document.querySelectorAll('.chart')].every(c => c.querySelector('canvas') || c.textContent)");
    }

    private static async Task<bool> HeadingFocusedAsync(BrowserSession session)
    {
        try
        {
            await session.Page.WaitForFunctionAsync("() => document.activeElement === document.querySelector('main h1')", null, new() { Timeout = 5_000 });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Saves the Chinese screenshots of the main screens where <see cref="ScreenshotsVariable"/> names a directory.</summary>
    private static async Task ScreenshotAsync(BrowserSession session, View view)
    {
        var directory = Environment.GetEnvironmentVariable(ScreenshotsVariable);
        var name = view.Name switch
        {
            "overview" => "overview",
            "exceptions" => "work-list",
            "exception" => "exception",
            "admin-institutions" => "admin-institutions",
            "institutions" => "institutions",
            "institution" => "institution",
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(directory) || name is null)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        await session.Page.ScreenshotAsync(new() { Path = Path.Combine(directory, $"{name}.png"), FullPage = true });
    }

    /// <summary>An amount shown in 亿元 or 万元 as yuan: "1,234.57 亿元" → 123,457,000,000.</summary>
    private static decimal ParseYuan(string text)
    {
        var match = AmountShown().Match(text.Trim());
        match.Success.Should().BeTrue("'{0}' is an amount in 亿元 or 万元", text);
        var number = decimal.Parse(match.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal).Replace('−', '-'), Invariant);
        return number * (match.Groups["u"].Value == "亿元" ? 100_000_000m : 10_000m);
    }

    private static decimal ParsePercent(string text)
    {
        var match = PercentShown().Match(text.Trim());
        match.Success.Should().BeTrue("'{0}' is a percentage with 2 decimals", text);
        return decimal.Parse(match.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal).Replace('−', '-'), Invariant);
    }

    private static decimal ParsePoints(string text)
    {
        var match = PointsShown().Match(text.Trim());
        match.Success.Should().BeTrue("'{0}' is signed percentage points with 2 decimals", text);
        return decimal.Parse(match.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal).Replace('−', '-'), Invariant);
    }

    private static string Yi(decimal yuan) => Math.Abs(yuan) >= 100_000_000m
        ? Math.Round(yuan / 100_000_000m, 2, MidpointRounding.AwayFromZero).ToString("#,##0.00", Invariant) + " 亿元"
        : Math.Round(yuan / 10_000m, 2, MidpointRounding.AwayFromZero).ToString("#,##0.00", Invariant) + " 万元";

    [GeneratedRegex(@"^(?<n>[-−]?[\d,]+\.\d\d) (?<u>亿元|万元)$")]
    private static partial Regex AmountShown();

    [GeneratedRegex(@"^(?<n>[-−]?[\d,]+\.\d\d)%$")]
    private static partial Regex PercentShown();

    [GeneratedRegex(@"^(?<n>[+\-−]?[\d,]+\.\d\d) 个百分点$")]
    private static partial Regex PointsShown();
}
