using System.Text;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.Playwright;
using NodaTime;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// A bank's officer files from the deadlines page and fixes uploads alone (console.md, "Filing from the deadlines page",
/// "Uploads a bank's officer can fix alone"): a deliverable filed through the "File" dialog, what is due soon and what
/// is overdue, a GB18030 file sent as UTF-8 offered again as GB18030, a new version of an accepted period asked for
/// first, the errors downloaded as CSV; and the deadlines, submit and submission views in one language, accessible and
/// without sideways scrolling on a phone. The server's clock and the page's stand on Saturday 2023-05-20 (China Standard
/// Time): 2023's credit-policy digest of a Linyi bank is due on 2023-05-31, April's ledger was due on 2023-05-15; one
/// bank filed 2022's matchmaking report late and 2023's early.
/// </summary>
public sealed class FilingTests : ConsoleFixture
{
    private static readonly string[] ErrorsHeader = ["Line", "Column", "Code", "Message"];

    private const string ChineseHeader = "借据号,客户号,统一社会信用代码,客户类型,单户授信总额,业务品种,贷款用途,担保方式,五级分类,发放金额,贷款余额,发放日期,到期日期,执行年利率,首贷户标识,行业,地区代码";

    private string _filer = "";
    private string _encoded = "";
    private string _superseding = "";
    private string _rejected = "";
    private string _due = "";
    private string _views = "";
    private string _viewsSubmission = "";

    protected override Instant Now => Instant.FromUtc(2023, 5, 20, 2, 0);

    private static LocalDate Today => new(2023, 5, 20);

    protected override async Task SeedAsync()
    {
        _filer = await Factory.CreateInstitutionAsync("F3713001", "371302", "2022-01");
        _encoded = await Factory.CreateInstitutionAsync("F3713002", "371302", "2022-01");
        _superseding = await Factory.CreateInstitutionAsync("F3713003", "371302", "2022-01");
        _rejected = await Factory.CreateInstitutionAsync("F3713004", "371302", "2022-01");
        _due = await Factory.CreateInstitutionAsync("F3713005", "371302", "2023-04");
        _views = await Factory.CreateInstitutionAsync("F3713006", "371302", "2022-01");

        using (var bank = Factory.ClientWithKey(_superseding))
        {
            await bank.SubmitAcceptedAsync("2023-02", Ledgers.Example);
        }

        using var views = Factory.ClientWithKey(_views);
        _viewsSubmission = await views.SubmitAcceptedAsync("2023-03", Ledgers.Example);
        (await views.FileDeliverableAsync("MATCHMAKING_REPORT", 2022, "报告"u8.ToArray())).EnsureSuccessStatusCode();
        (await views.FileDeliverableAsync("MATCHMAKING_REPORT", 2023, "报告"u8.ToArray())).EnsureSuccessStatusCode();
        await views.WaitForEvaluationAsync(_viewsSubmission);
        await views.WaitForAllEvaluationsAsync();
    }

    [Test]
    public async Task ABank_FilesADeliverable_FromTheDeadlinesPage_AndTheRowShowsFiled()
    {
        await using var session = await SignInOnTheDayAsync(_filer);
        var page = session.Page;
        await GoAsync(session, "#/deadlines?year=2023");

        var table = page.GetByRole(AriaRole.Table, new() { Name = "Deadlines" });
        var digest = table.Locator("tbody tr", new() { HasText = "CREDIT_POLICY_DIGEST" });
        await Assertions.Expect(digest).ToContainTextAsync("Pending");
        await digest.GetByRole(AriaRole.Button, new() { Name = "File" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        var document = Encoding.UTF8.GetBytes("信贷政策梳理报告");
        await dialog.GetByLabel("Document").SetInputFilesAsync(new FilePayload { Name = "信贷政策梳理.txt", MimeType = "text/plain", Buffer = document });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();

        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(digest.Locator(".badge")).ToHaveTextAsync("Filed");
        var result = page.Locator(".filed-result");
        await Assertions.Expect(result).ToBeFocusedAsync();
        await Assertions.Expect(result).ToContainTextAsync("信贷政策梳理.txt");
        using var bank = Factory.ClientWithKey(_filer);
        var filed = (await bank.GetJsonAsync("/api/v1/deliverables?obligation=CREDIT_POLICY_DIGEST&year=2023"))["items"]!.AsArray().Single()!;
        using (new AssertionScope())
        {
            filed["bytes"]!.GetValue<long>().Should().Be(document.Length);
            filed["mediaType"]!.GetValue<string>().Should().StartWith("text/plain");
            (await bank.GetByteArrayAsync($"/api/v1/deliverables/{filed["id"]!.GetValue<string>()}/content")).Should().Equal(document);
            (await bank.GetJsonAsync("/api/v1/deadlines?year=2023"))["items"]!.AsArray()
                .Single(d => d!["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST")!["status"]!.GetValue<string>().Should().Be("filed");
        }

        // Last year's overdue deliverables show the action too, with the days they are overdue.
        await page.GetByLabel("Year").FillAsync("2022");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        var matchmaking = table.Locator("tbody tr", new() { HasText = "MATCHMAKING_REPORT" });
        await Assertions.Expect(matchmaking.Locator(".badge")).ToHaveTextAsync($"Overdue {Period.Between(new LocalDate(2022, 6, 30), Today, PeriodUnits.Days).Days} days");
        await Assertions.Expect(matchmaking.GetByRole(AriaRole.Button, new() { Name = "File" })).ToBeVisibleAsync();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task InChinese_TheDeadlinesSpeakASupervisorsWords_AndListWhatIsDueSoon()
    {
        await using var session = await SignInOnTheDayAsync(_views, "zh");
        var page = session.Page;
        await GoAsync(session, "#/deadlines?year=2022");

        var rows = page.Locator("table.deadlines tbody tr");
        using var bank = Factory.ClientWithKey(_views);
        var deadlines = (await bank.GetJsonAsync("/api/v1/deadlines?year=2022"))["items"]!.AsArray();
        var late = Period.Between(new LocalDate(2022, 6, 30), Today, PeriodUnits.Days).Days;
        deadlines.Single(d => d!["obligation"]!.GetValue<string>() == "MATCHMAKING_REPORT")!["status"]!.GetValue<string>().Should().Be("filed");
        await Assertions.Expect(rows.Filter(new() { HasText = "MATCHMAKING_REPORT" }).Locator(".badge")).ToHaveTextAsync($"迟报 {late} 天");
        await Assertions.Expect(rows.Filter(new() { HasText = "MATCHMAKING_REPORT" })).ToContainTextAsync("对接活动工作报告及照片");
        await Assertions.Expect(rows.Filter(new() { HasText = "CREDIT_POLICY_DIGEST" }).Locator(".badge")).ToHaveTextAsync($"逾期 {Period.Between(new LocalDate(2022, 5, 31), Today, PeriodUnits.Days).Days} 天");
        await Assertions.Expect(rows.Filter(new() { HasText = "2022-03" }).Locator(".badge")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^逾期 \\d+ 天$"));
        await GoAsync(session, "#/deadlines?year=2023");
        await Assertions.Expect(page.Locator("table.deadlines tbody tr").Filter(new() { HasText = "MATCHMAKING_REPORT" }).Locator(".badge")).ToHaveTextAsync("已报送");
        await Assertions.Expect(page.Locator("table.deadlines tbody tr").Filter(new() { HasText = "CREDIT_POLICY_DIGEST" }).Locator(".badge")).ToHaveTextAsync("待报送");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "近期待办" })).ToContainTextAsync("梳理信贷政策报送人民银行");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task DueSoon_ListsAnOverdueLedger_AndAnUpcomingDeliverable_EachLinkingToWhereItIsFiled()
    {
        await using var session = await SignInOnTheDayAsync(_due);
        var page = session.Page;
        await GoAsync(session, "#/deadlines");

        var soon = page.GetByRole(AriaRole.Region, new() { Name = "Due soon and overdue" });
        await Assertions.Expect(soon).ToBeVisibleAsync();
        var overdue = soon.GetByRole(AriaRole.List, new() { Name = "Overdue" }).GetByRole(AriaRole.Listitem);
        var upcoming = soon.GetByRole(AriaRole.List, new() { Name = "Due in the next 14 days" }).GetByRole(AriaRole.Listitem);
        using (new AssertionScope())
        {
            // April's ledger, due on Monday 2023-05-15, is the only one owed since the bank reports from 2023-04.
            await Assertions.Expect(overdue).ToHaveCountAsync(1);
            await Assertions.Expect(overdue.First).ToContainTextAsync("LEDGER_MONTHLY");
            await Assertions.Expect(overdue.First).ToContainTextAsync("Overdue 5 days");
            await Assertions.Expect(overdue.First.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "#/submit?period=2023-04");
            await Assertions.Expect(upcoming).ToHaveCountAsync(1);
            await Assertions.Expect(upcoming.First).ToContainTextAsync("CREDIT_POLICY_DIGEST");
            await Assertions.Expect(upcoming.First).ToContainTextAsync("in 11 days");
            await Assertions.Expect(upcoming.First.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "#/deadlines?year=2023");
        }

        await overdue.First.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Period")).ToHaveValueAsync("2023-04");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnInstitutionsLanding_StartsWithWhatIsDueSoonAndOverdue_BeforeItsList()
    {
        await using var session = await SignInOnTheDayAsync(_due);
        var page = session.Page;
        await GoAsync(session, "#/exceptions");

        var soon = page.GetByRole(AriaRole.Region, new() { Name = "Due soon and overdue" });
        await Assertions.Expect(soon).ToBeVisibleAsync();
        await Assertions.Expect(soon.GetByRole(AriaRole.List, new() { Name = "Overdue" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Assertions.Expect(soon.GetByRole(AriaRole.List, new() { Name = "Due in the next 14 days" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        (await page.EvaluateAsync<bool>(
            "() => { const due = document.querySelector('section.due-soon'); const list = document.querySelector('main form.filters'); " +
            "return !!due && !!list && !!(due.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING); }"))
            .Should().BeTrue("the landing starts with what is due, before the list");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AGb18030FileSentAsUtf8_IsOfferedAgainAsGb18030_UnderANewIdempotencyKey_AndAccepted()
    {
        var csv = ChineseHeader + "\n" +
            "L1,B1,,微型企业,1000000,贷款,经营,信用,正常,100000,90000,2022-06-01,2024-06-01,4.5,是,C,371302\n" +
            "L2,B2,,个体工商户,500000,贷款,经营,保证,次级,200000,200000,2021-06-01,2024-06-01,5.1,否,F,371302\n";
        await using var session = await SignInOnTheDayAsync(_encoded, "zh");
        var page = session.Page;
        await GoAsync(session, "#/submit");
        var sent = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.Contains("/api/v1/submissions?", StringComparison.Ordinal))
            {
                sent.Add(request);
            }
        };

        await page.GetByLabel("报告期").FillAsync("2023-03");
        await Assertions.Expect(page.GetByLabel("编码")).ToHaveValueAsync("utf-8");
        await page.GetByLabel("台账文件").SetInputFilesAsync(new FilePayload { Name = "台账.csv", MimeType = "text/csv", Buffer = Gb18030.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("该文件似乎是 GB18030 编码，是否以 GB18030 重新提交？");
        sent.Should().ContainSingle("nothing is sent again before the officer says yes");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "以 GB18030 重新提交" }).ClickAsync();

        var receipt = page.GetByRole(AriaRole.Region, new() { Name = "回执" });
        await Assertions.Expect(receipt).ToContainTextAsync("已接受");
        using var bank = Factory.ClientWithKey(_encoded);
        var accepted = (await bank.GetJsonAsync("/api/v1/submissions?period=2023-03&status=accepted"))["items"]!.AsArray().Single()!;
        using (new AssertionScope())
        {
            accepted["rows"]!.GetValue<long>().Should().Be(2);
            sent.Should().HaveCount(2);
            (await sent[0].HeaderValueAsync("content-type")).Should().Be("text/csv; charset=utf-8");
            (await sent[1].HeaderValueAsync("content-type")).Should().Be("text/csv; charset=gb18030");
            var keys = new[] { await sent[0].HeaderValueAsync("idempotency-key"), await sent[1].HeaderValueAsync("idempotency-key") };
            keys.Should().OnlyContain(key => !string.IsNullOrEmpty(key)).And.OnlyHaveUniqueItems("the resend is a new request, under a new key");
            sent[1].PostDataBuffer.Should().Equal(sent[0].PostDataBuffer, "the same file is sent again");
            await Assertions.Expect(page.GetByLabel("编码")).ToHaveValueAsync("gb18030");
        }

        await session.AssertCleanAsync();
    }

    [Test]
    public async Task APeriodWithAnAcceptedLedger_AsksBeforeANewVersion_CancelSendsNothing_AndYesSendsVersion2()
    {
        await using var session = await SignInOnTheDayAsync(_superseding);
        var page = session.Page;
        await GoAsync(session, "#/submit");
        var posts = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.Contains("/api/v1/submissions?", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref posts);
            }
        };

        await page.GetByLabel("Period").FillAsync("2023-02");
        await page.GetByLabel("Ledger file").SetInputFilesAsync(new FilePayload { Name = "ledger.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(Ledgers.Example) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("will supersede version 1");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true })).ToBeFocusedAsync();
        await page.WaitForTimeoutAsync(300);
        using var bank = Factory.ClientWithKey(_superseding);
        using (new AssertionScope())
        {
            Volatile.Read(ref posts).Should().Be(0, "a cancelled new version is never sent");
            (await bank.GetJsonAsync("/api/v1/submissions?period=2023-02"))["total"]!.GetValue<int>().Should().Be(1);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        var receipt = page.GetByRole(AriaRole.Region, new() { Name = "Receipt" });
        await Assertions.Expect(receipt).ToContainTextAsync("Accepted");
        await Assertions.Expect(receipt.Locator("dd").Nth(4)).ToHaveTextAsync("2");
        var versions = (await bank.GetJsonAsync("/api/v1/submissions?period=2023-02&status=accepted"))["items"]!.AsArray().Select(s => s!["version"]!.GetValue<int>());
        versions.Should().BeEquivalentTo([1, 2]);
        Volatile.Read(ref posts).Should().Be(1);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheErrorsTable_DownloadsAsCsv_WithEveryErrorTheApiPagesThrough()
    {
        var rows = Enumerable.Range(1, 60).Select(i => Ledgers.Row($"L{i}", borrowerId: $"B{i}", amount: 0m)).Append(Ledgers.Row("L61", borrowerId: "B61", rate: 40m));
        await using var session = await SignInOnTheDayAsync(_rejected);
        var page = session.Page;
        await GoAsync(session, "#/submit");
        await page.GetByLabel("Period").FillAsync("2023-01");
        await page.GetByLabel("Ledger file").SetInputFilesAsync(new FilePayload { Name = "rejected.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(Ledgers.Csv([.. rows])) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Errors" })).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download the errors (CSV)" }).ClickAsync());
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);

        using var bank = Factory.ClientWithKey(_rejected);
        var id = (await bank.GetJsonAsync("/api/v1/submissions?status=rejected"))["items"]!.AsArray().Single()!["id"]!.GetValue<string>();
        var expected = new List<IReadOnlyList<string>> { ErrorsHeader };
        for (var number = 1; ; number++)
        {
            var errors = await bank.GetJsonAsync($"/api/v1/submissions/{id}/errors?page={number}&pageSize=50");
            var items = errors["items"]!.AsArray();
            expected.AddRange(items.Select(e => (IReadOnlyList<string>)
            [
                e!["line"]?.ToString() ?? "", e["column"]?.GetValue<string>() ?? "", e["code"]!.GetValue<string>(), e["message"]!.GetValue<string>(),
            ]));
            if (items.Count == 0 || number * 50 >= errors["total"]!.GetValue<int>())
            {
                break;
            }
        }

        using (new AssertionScope())
        {
            bytes.Take(3).Should().Equal([0xEF, 0xBB, 0xBF], "the file is UTF-8 with a BOM, so Excel opens it");
            expected.Count.Should().BeGreaterThan(51, "the errors are more than one page of the table");
            ParseCsv(Encoding.UTF8.GetString(bytes[3..])).Should().BeEquivalentTo(expected, options => options.WithStrictOrdering());
        }

        await session.AssertCleanAsync();
    }

    [TestCase("zh", BrowserSession.DesktopWidth)]
    [TestCase("zh", BrowserSession.PhoneWidth)]
    [TestCase("en", BrowserSession.DesktopWidth)]
    [TestCase("en", BrowserSession.PhoneWidth)]
    public async Task TheDeadlinesSubmitAndSubmissionViews_AreAccessible_InOneLanguage_AndNeverScrollSideways(string language, int width)
    {
        await using var session = await SignInOnTheDayAsync(_views, language, width);
        var problems = new List<string>();
        string[] routes = ["#/deadlines?year=2022", "#/deadlines", "#/submit", $"#/submissions/{_viewsSubmission}"];
        foreach (var route in routes)
        {
            await GoAsync(session, route);
            if (route.StartsWith("#/submissions/", StringComparison.Ordinal))
            {
                await Assertions.Expect(session.Page.GetByRole(AriaRole.Table).Last).ToBeVisibleAsync();
            }

            problems.AddRange((await session.AxeViolationsAsync()).Select(v => $"{route}: axe {v}"));
            var overflow = await session.SidewaysOverflowAsync();
            if (overflow > 0)
            {
                problems.Add($"{route}: scrolls {overflow} px sideways");
            }

            if (language == "zh")
            {
                // The language switch names the other language in its own words.
                problems.AddRange((await session.LatinWordsAsync()).Where(w => w != "English (in: English)").Select(w => $"{route}: Latin word {w}"));
            }

            await session.ScreenshotAsync($"filing-{route[2..].Split('?', '/')[0]}-{language}-{width}");
        }

        // The file dialog, open, in the same words.
        await GoAsync(session, "#/deadlines?year=2022");
        await session.Page.Locator("table.deadlines tbody tr").Filter(new() { HasText = "CREDIT_POLICY_DIGEST" }).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        problems.AddRange((await session.AxeViolationsAsync()).Select(v => $"file dialog: axe {v}"));
        if (language == "zh")
        {
            problems.AddRange((await session.LatinWordsAsync()).Where(w => w != "English (in: English)").Select(w => $"file dialog: Latin word {w}"));
        }

        problems.Should().BeEmpty();
        await session.AssertCleanAsync();
    }

    private static Encoding Gb18030
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("GB18030");
        }
    }

    /// <summary>Signs in with the page's clock at the server's (a fixed date in 2023), so both see the same today.</summary>
    private async Task<BrowserSession> SignInOnTheDayAsync(string key, string language = "en", int width = BrowserSession.DesktopWidth)
    {
        var session = await Browser.OpenAsync(Server, width);
        await session.Page.Clock.SetFixedTimeAsync(Now.ToDateTimeUtc());
        await session.GotoAsync($"/?lang={language}");
        await session.Page.Locator("form.signin input[type=password]").FillAsync(key);
        await session.Page.Locator("form.signin button[type=submit]").ClickAsync();
        await Assertions.Expect(session.Page.Locator("#tools button")).ToHaveCountAsync(2);
        await Assertions.Expect(session.Page.Locator("main .loading")).ToHaveCountAsync(0);
        return session;
    }

    /// <summary>The rows of a CSV file (RFC 4180: quoted cells with doubled quotes; CRLF between rows).</summary>
    private static List<IReadOnlyList<string>> ParseCsv(string text)
    {
        var rows = new List<IReadOnlyList<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }

        return rows;
    }
}
