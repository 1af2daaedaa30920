using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// Submitting a ledger through the console (console.md, <c>#/submit</c>) and reading one submission
/// (<c>#/submissions/{id}</c>): the receipt of an accepted ledger, the errors of a rejected one by line and column,
/// the progress of a large upload, the admin's institution field, and the submission's own page.
/// </summary>
public sealed class SubmitTests : ConsoleFixture
{
    private const string Period = "2022-12";

    private static readonly string[] NdjsonLoans = ["L1", "L2"];

    private string _accepting = "";
    private string _rejecting = "";
    private string _large = "";
    private string _reading = "";
    private string _encoded = "";

    protected override async Task SeedAsync()
    {
        _accepting = await Factory.CreateInstitutionAsync("SUB-ACCEPT", "371302");
        _rejecting = await Factory.CreateInstitutionAsync("SUB-REJECT", "371302");
        _large = await Factory.CreateInstitutionAsync("SUB-LARGE", "371302");
        _reading = await Factory.CreateInstitutionAsync("SUB-READ", "371311");
        _encoded = await Factory.CreateInstitutionAsync("SUB-GB", "371302");
        await Factory.CreateInstitutionAsync("SUB-ADMIN", "371302");
    }

    [Test]
    public async Task AnAcceptedLedger_ShowsTheReceipt_WithItsStatusRowsAndLink()
    {
        await using var session = await SignInAsync(_accepting);
        await GoAsync(session, "#/submit");
        var page = session.Page;

        await Assertions.Expect(page.GetByLabel("Encoding")).ToHaveValueAsync("utf-8");
        await Assertions.Expect(page.GetByLabel("Period")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}$"));
        await Assertions.Expect(page.GetByLabel("Institution", new() { Exact = true })).ToHaveCountAsync(0);
        // The default is last month by the browser's clock; the server's clock is the fixture's.
        await page.GetByLabel("Period").FillAsync(Period);
        await UploadAsync(page, "ledger.csv", "text/csv", Encoding.UTF8.GetBytes(Ledgers.Example));

        var receipt = page.GetByRole(AriaRole.Region, new() { Name = "Receipt" });
        await Assertions.Expect(receipt).ToContainTextAsync("Accepted");
        using var client = Factory.ClientWithKey(_accepting);
        var kept = (await client.GetJsonAsync($"/api/v1/submissions?period={Period}"))["items"]!.AsArray().Single()!;
        var id = kept["id"]!.GetValue<string>();
        await Assertions.Expect(receipt.GetByRole(AriaRole.Link, new() { Name = id })).ToHaveAttributeAsync("href", $"#/submissions/{id}");
        await Assertions.Expect(receipt).ToContainTextAsync(kept["sha256"]!.GetValue<string>());
        await Assertions.Expect(receipt).ToContainTextAsync("SUB-ACCEPT");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Errors" })).ToHaveCountAsync(0);
        // The evaluation, pending at first, is followed until it is done.
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Evaluation" })).ToContainTextAsync("Done", new() { Timeout = 20_000 });
        await session.ScreenshotAsync("submit");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ARejectedLedger_ShowsEveryError_WithItsLineAndColumn()
    {
        var csv = Ledgers.Csv(
            Ledgers.Row("L1"),
            Ledgers.Row("L2", borrowerId: "B2", amount: 0m),
            Ledgers.Row("L3", borrowerId: "B3"),
            Ledgers.Row("L4", borrowerId: "B4", rate: 40m),
            Ledgers.Row("L5", borrowerId: "B5", disbursedOn: "2023-02-01", maturesOn: "2024-02-01"));
        await using var session = await SignInAsync(_rejecting);
        await GoAsync(session, "#/submit");
        var page = session.Page;

        await page.GetByLabel("Period").FillAsync(Period);
        await UploadAsync(page, "rejected.csv", "text/csv", Encoding.UTF8.GetBytes(csv));

        var errors = page.GetByRole(AriaRole.Table, new() { Name = "Errors" });
        await Assertions.Expect(errors).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Receipt" })).ToContainTextAsync("Rejected");
        using var client = Factory.ClientWithKey(_rejecting);
        var rejected = (await client.GetJsonAsync($"/api/v1/submissions?status=rejected"))["items"]!.AsArray().Single()!;
        var expected = await ErrorRowsAsync(client, rejected["id"]!.GetValue<string>());
        expected.Should().HaveCount(3).And.OnlyContain(row => row[0] != "—" && row[1] != "—");
        (await TableRowsAsync(errors)).Should().BeEquivalentTo(expected, options => options.WithStrictOrdering());
        await session.ScreenshotAsync("submit-rejected");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ALargeLedger_UploadsWithMovingProgress_AndThePageStaysResponsive()
    {
        var csv = LargeLedger(100_000);
        await using var session = await SignInAsync(_large);
        await GoAsync(session, "#/submit");
        var page = session.Page;
        await page.GetByLabel("Period").FillAsync(Period);
        await page.GetByLabel("Ledger file").SetInputFilesAsync(new FilePayload { Name = "large.csv", MimeType = "text/csv", Buffer = csv });
        // Every value the progress bar takes, as the page sets it.
        await page.EvaluateAsync("""
            () => {
              window.__progress = [];
              new MutationObserver(records => {
                for (const record of records) {
                  if (record.target instanceof HTMLProgressElement) window.__progress.push(record.target.value);
                }
              }).observe(document.getElementById('view'), { subtree: true, attributes: true, attributeFilter: ['value'] });
              // The page's own clock: the gaps between ticks of a 20 ms timer while the upload runs (a busy main thread stretches them).
              window.__gaps = [];
              let last = performance.now();
              window.__ticks = setInterval(() => {
                const now = performance.now();
                const bar = document.querySelector('main progress');
                if (bar && bar.value < 100) window.__gaps.push(now - last);
                last = now;
              }, 20);
            }
            """);
        // A slow link, so that the upload lasts long enough to be watched.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = csv.Length / 4,
        });

        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();

        var progress = page.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress" });
        await Assertions.Expect(progress).ToBeVisibleAsync();
        var answers = new List<TimeSpan>();
        var receipt = page.GetByRole(AriaRole.Region, new() { Name = "Receipt" });
        var watch = Stopwatch.StartNew();
        while (await progress.CountAsync() > 0 && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var value = await page.EvaluateAsync<int>("() => document.querySelector('main progress')?.value ?? -1");
            if (value is >= 0 and < 100)
            {
                var asked = Stopwatch.StartNew();
                (await page.EvaluateAsync<int>("() => 1 + 1")).Should().Be(2);
                answers.Add(asked.Elapsed);
            }

            await Task.Delay(50);
        }

        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = -1,
        });
        await Assertions.Expect(receipt).ToContainTextAsync("Accepted", new() { Timeout = 30_000 });
        await Assertions.Expect(receipt).ToContainTextAsync("100,000");
        var values = (await page.EvaluateAsync<JsonElement>("() => window.__progress")).EnumerateArray().Select(v => v.GetDouble()).ToList();
        await TestContext.Out.WriteLineAsync($"upload watched for {watch.Elapsed}; progress {string.Join(", ", values)}; slowest answer {answers.DefaultIfEmpty().Max()} of {answers.Count}; longest gap {(await page.EvaluateAsync<double>("() => Math.max(0, ...window.__gaps)")):F0} ms");
        values.Where(v => v is > 0 and < 100).Distinct().Should().HaveCountGreaterThanOrEqualTo(2, "the bar moves while the body is sent: {0}", string.Join(", ", values));
        values.Should().BeInAscendingOrder();
        answers.Should().NotBeEmpty("the page was asked something while the upload ran");
        // Asked from the test, an answer also waits for this process, which runs the server too: most answer at once.
        answers.Count(time => time < TimeSpan.FromMilliseconds(200)).Should().BeGreaterThanOrEqualTo(answers.Count * 9 / 10, "the page answers at once while uploading");
        var gaps = (await page.EvaluateAsync<JsonElement>("() => { clearInterval(window.__ticks); return window.__gaps; }")).EnumerateArray().Select(v => v.GetDouble()).ToList();
        gaps.Should().NotBeEmpty().And.OnlyContain(gap => gap < 200, "the page's main thread is never blocked while uploading");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AGb18030Ledger_WithChineseHeaders_IsAcceptedWithTheChosenEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var header = "借据号,客户号,统一社会信用代码,客户类型,单户授信总额,业务品种,贷款用途,担保方式,五级分类,发放金额,贷款余额,发放日期,到期日期,执行年利率,首贷户标识,行业,地区代码";
        var csv = header + "\n" +
            "L1,B1,,微型企业,1000000,贷款,经营,信用,正常,100000,90000,2022-06-01,2024-06-01,4.5,是,C,371302\n" +
            "L2,B2,,个体工商户,500000,贷款,经营,保证,次级,200000,200000,2021-06-01,2024-06-01,5.1,否,F,371302\n";
        await using var session = await SignInAsync(_encoded);
        await GoAsync(session, "#/submit");
        var page = session.Page;

        await page.GetByLabel("Period").FillAsync(Period);
        await page.GetByLabel("Encoding").SelectOptionAsync("GB18030");
        await UploadAsync(page, "台账.csv", "text/csv", Encoding.GetEncoding("GB18030").GetBytes(csv));

        var receipt = page.GetByRole(AriaRole.Region, new() { Name = "Receipt" });
        await Assertions.Expect(receipt).ToContainTextAsync("Accepted");
        using var client = Factory.ClientWithKey(_encoded);
        var kept = (await client.GetJsonAsync($"/api/v1/submissions?period={Period}"))["items"]!.AsArray().Single()!;
        kept["rows"]!.GetValue<long>().Should().Be(2);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ANdjsonLedger_IsSentAsNdjson_WhateverTheEncodingField()
    {
        var ndjson = string.Join('\n', NdjsonLoans.Select(id => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["loan_id"] = id, ["borrower_id"] = $"B{id}", ["borrower_type"] = "micro", ["credit_line"] = "1000000", ["product"] = "loan",
            ["purpose"] = "business", ["guarantee"] = "credit", ["classification"] = "normal", ["amount"] = "100000", ["balance"] = "90000",
            ["disbursed_on"] = "2022-06-01", ["matures_on"] = "2024-06-01", ["annual_rate"] = "4.5", ["first_loan"] = "N",
        }))) + "\n";
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        await GoAsync(session, "#/submit");
        var page = session.Page;

        await page.GetByLabel("Institution", new() { Exact = true }).FillAsync("SUB-ADMIN");
        await page.GetByLabel("Period").FillAsync("2022-08");
        await page.GetByLabel("Dry run").CheckAsync();
        await page.GetByLabel("Ledger file").SetInputFilesAsync(new FilePayload { Name = "ledger.ndjson", MimeType = "application/octet-stream", Buffer = Encoding.UTF8.GetBytes(ndjson) });
        await Assertions.Expect(page.GetByLabel("Encoding")).ToBeDisabledAsync();
        var sent = await page.RunAndWaitForRequestAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync(), request => request.Url.Contains("/api/v1/submissions?", StringComparison.Ordinal));

        (await sent.HeaderValueAsync("content-type")).Should().Be("application/x-ndjson");
        sent.Url.Should().Contain("period=2022-08").And.Contain("institution=SUB-ADMIN").And.Contain("dryRun=true");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Receipt" })).ToContainTextAsync("Accepted");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnAdmin_NamesTheInstitution_AndADryRunStoresNothing()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        await GoAsync(session, "#/submit");
        var page = session.Page;

        var institution = page.GetByLabel("Institution", new() { Exact = true });
        await Assertions.Expect(institution).ToBeVisibleAsync();
        await institution.FillAsync("SUB-ADMIN");
        await page.GetByLabel("Period").FillAsync(Period);
        await page.GetByLabel("Dry run").CheckAsync();
        await UploadAsync(page, "ledger.csv", "text/csv", Encoding.UTF8.GetBytes(Ledgers.Example));

        var receipt = page.GetByRole(AriaRole.Region, new() { Name = "Receipt" });
        await Assertions.Expect(receipt).ToContainTextAsync("Accepted");
        await Assertions.Expect(receipt).ToContainTextAsync("Dry run");
        await Assertions.Expect(receipt).ToContainTextAsync("SUB-ADMIN");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Evaluation" })).ToContainTextAsync("Done");
        using var admin = Factory.Admin();
        (await admin.GetJsonAsync("/api/v1/submissions?institution=SUB-ADMIN"))["total"]!.GetValue<int>().Should().Be(0);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnUnsupportedAnswer_ShowsTheProblem()
    {
        await using var session = await SignInAsync(_accepting);
        await GoAsync(session, "#/submit");
        var page = session.Page;

        await page.GetByLabel("Period").FillAsync("2099-01");
        await UploadAsync(page, "ledger.csv", "text/csv", Encoding.UTF8.GetBytes(Ledgers.Example));

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("period");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Receipt" })).ToHaveCountAsync(0);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheSubmissionPage_ShowsAnAcceptedReceipt_ItsEvaluation_AndDownloadsTheOriginal()
    {
        using var client = Factory.ClientWithKey(_reading);
        var id = await client.SubmitAcceptedAsync("2022-11", Ledgers.Example);
        var stored = await client.WaitForEvaluationAsync(id);
        await using var session = await SignInAsync(_reading);

        await GoAsync(session, $"#/submissions/{id}");

        var page = session.Page;
        var receipt = page.GetByRole(AriaRole.Region, new() { Name = "Receipt" });
        await Assertions.Expect(receipt).ToContainTextAsync("Accepted");
        await Assertions.Expect(receipt).ToContainTextAsync("2022-11");
        await Assertions.Expect(receipt).ToContainTextAsync(stored["sha256"]!.GetValue<string>());
        var evaluation = page.GetByRole(AriaRole.Region, new() { Name = "Evaluation" });
        await Assertions.Expect(evaluation).ToContainTextAsync("Done");
        var rules = stored["evaluation"]!["rules"]!.AsArray();
        await Assertions.Expect(evaluation.GetByRole(AriaRole.Table, new() { Name = "Rule outcomes" }).Locator("tbody tr")).ToHaveCountAsync(rules.Count);
        foreach (var exception in stored["evaluation"]!["exceptions"]!.AsArray())
        {
            var exceptionId = exception!.GetValue<string>();
            await Assertions.Expect(evaluation.GetByRole(AriaRole.Link, new() { Name = exceptionId })).ToHaveAttributeAsync("href", $"#/exceptions/{exceptionId}");
        }

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download the original" }).ClickAsync());
        var path = await download.PathAsync();
        (await File.ReadAllTextAsync(path!)).Should().Be(Ledgers.Example);
        await session.ScreenshotAsync("submission");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheSubmissionPage_OfARejectedLedger_ShowsItsErrors()
    {
        using var client = Factory.ClientWithKey(_reading);
        var response = await client.PostLedgerAsync("2022-10", Ledgers.Csv(Ledgers.Row("L1", amount: -5m), Ledgers.Row("L1", borrowerId: "B9")));
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.UnprocessableEntity);
        var id = (await response.JsonAsync())["submissionId"]!.GetValue<string>();
        await using var session = await SignInAsync(_reading);

        await GoAsync(session, $"#/submissions/{id}");

        var page = session.Page;
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Receipt" })).ToContainTextAsync("Rejected");
        var errors = page.GetByRole(AriaRole.Table, new() { Name = "Errors" });
        await Assertions.Expect(errors).ToBeVisibleAsync();
        (await TableRowsAsync(errors)).Should().BeEquivalentTo(await ErrorRowsAsync(client, id), options => options.WithStrictOrdering());
        await session.ScreenshotAsync("submission-rejected");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ManyErrors_ArePaged_ThroughTheApi()
    {
        var rows = Enumerable.Range(1, 60).Select(i => Ledgers.Row($"L{i}", borrowerId: $"B{i}", amount: 0m)).ToArray();
        using var client = Factory.ClientWithKey(_reading);
        var response = await client.PostLedgerAsync("2022-09", Ledgers.Csv(rows));
        var id = (await response.JsonAsync())["submissionId"]!.GetValue<string>();
        await using var session = await SignInAsync(_reading);

        await GoAsync(session, $"#/submissions/{id}");

        var page = session.Page;
        var errors = page.GetByRole(AriaRole.Table, new() { Name = "Errors" });
        await Assertions.Expect(errors.Locator("tbody tr")).ToHaveCountAsync(50);
        await Assertions.Expect(page.GetByText("60 in all")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(errors.Locator("tbody tr")).ToHaveCountAsync(10);
        var second = await client.GetJsonAsync($"/api/v1/submissions/{id}/errors?page=2&pageSize=50");
        (await TableRowsAsync(errors)).Should().BeEquivalentTo(Rows(second), options => options.WithStrictOrdering());
        await session.AssertCleanAsync();
    }

    private static async Task UploadAsync(IPage page, string name, string mimeType, byte[] body)
    {
        await page.GetByLabel("Ledger file").SetInputFilesAsync(new FilePayload { Name = name, MimeType = mimeType, Buffer = body });
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
    }

    /// <summary>The cells of each body row of a table, as the page shows them.</summary>
    private static async Task<List<List<string>>> TableRowsAsync(ILocator table)
    {
        var rows = new List<List<string>>();
        foreach (var row in await table.Locator("tbody tr").AllAsync())
        {
            rows.Add([.. (await row.Locator("td, th").AllInnerTextsAsync()).Select(text => text.Trim())]);
        }

        return rows;
    }

    /// <summary>A submission's errors from the API (the first page), as the table shows them: line, column, code, message.</summary>
    private static async Task<List<List<string>>> ErrorRowsAsync(HttpClient client, string id) =>
        Rows(await client.GetJsonAsync($"/api/v1/submissions/{id}/errors"));

    private static List<List<string>> Rows(JsonObject page) =>
        [.. page["items"]!.AsArray().Select(e => new List<string>
        {
            e!["line"]?.ToString() ?? "—", e["column"]?.GetValue<string>() ?? "—", e["code"]!.GetValue<string>(), e["message"]!.GetValue<string>(),
        })];

    /// <summary>A valid CSV ledger of <paramref name="rows"/> loans, one borrower each.</summary>
    private static byte[] LargeLedger(int rows)
    {
        var csv = new StringBuilder(Ledgers.Header, rows * 110).Append('\n');
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(Ledgers.Row($"L{i:D7}", borrowerId: $"B{i:D7}", amount: 100_000m + i, balance: 50_000m + i)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }
}
