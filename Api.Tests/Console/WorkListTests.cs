using System.Globalization;
using System.Net.Http.Json;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The exceptions view as a supervisor's work list (console.md, "A work list", "Actions from the server"): it opens on
/// the latest period's open and explained exceptions, sorts by a column through the API, works selected rows with one
/// bulk action and shows what was done and refused, links back from the detail to the list with its filters, refuses
/// a waiver date before today in the dialog, and offers exactly the exception's <c>actions</c>. Three Linyi banks
/// file the example ledger of 2022-12; one of the first bank's exceptions is resolved, one explained with a reason.
/// </summary>
public sealed class WorkListTests : ConsoleFixture
{
    private static readonly string[] Codes = ["C3713003", "C3713001", "C3713002"];

    private readonly Dictionary<string, string> _banks = [];
    private string _regulator = "";
    private string _resolved = "";
    private string _explained = "";

    protected override async Task SeedAsync()
    {
        _regulator = await Factory.CreateRegulatorAsync("37");
        foreach (var code in Codes)
        {
            _banks[code] = await Factory.CreateInstitutionAsync(code, "371302");
            using var bank = Factory.ClientWithKey(_banks[code]);
            await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        }

        var first = await OpenOfAsync(Codes[0]);
        _resolved = first[0];
        _explained = first[1];
        using var regulator = Factory.ClientWithKey(_regulator);
        (await regulator.PostAsJsonAsync($"/api/v1/exceptions/{_resolved}/resolve", new { note = "核实无误" })).EnsureSuccessStatusCode();
        using var owner = Factory.ClientWithKey(_banks[Codes[0]]);
        (await owner.PostAsJsonAsync($"/api/v1/exceptions/{_explained}/explanation", new { reasonCode = "ONE_OFF_EVENT", text = "一笔贷款临时逾期" })).EnsureSuccessStatusCode();
    }

    [Test]
    public async Task WithoutAQuery_ARegulatorsListOpensOnTheLatestPeriodsOpenAndExplainedExceptions()
    {
        using var client = Factory.ClientWithKey(_regulator);
        (await client.GetJsonAsync("/api/v1/me"))["latestPeriod"]!.GetValue<string>().Should().Be("2022-12");
        var expected = (await client.GetJsonAsync("/api/v1/exceptions?period=2022-12&status=open&status=explained&pageSize=50"))["items"]!.AsArray();
        await using var session = await SignInAsync(_regulator);

        await GoAsync(session, "#/exceptions");

        var rows = session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions" }).Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(expected.Count);
        (await session.Page.EvaluateAsync<string>("() => location.hash")).Should().Contain("period=2022-12").And.Contain("status=open&status=explained");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Checkbox, new() { Name = _resolved, Exact = true })).ToHaveCountAsync(0);
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Checkbox, new() { Name = _explained, Exact = true })).ToHaveCountAsync(1);
        var first = expected[0]!;
        var cells = rows.First.Locator("td");
        await Assertions.Expect(cells.Nth(2)).ToHaveTextAsync($"{first["institutionName"]} {first["institution"]}");
        await Assertions.Expect(cells.Nth(2).Locator(".code")).ToHaveTextAsync(first["institution"]!.GetValue<string>());
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Columnheader, new() { Name = "Age (days)" })).ToBeVisibleAsync();
        await Assertions.Expect(cells.Nth(8)).ToHaveTextAsync((await AgeInDaysAsync(session.Page, first["createdAt"]!.GetValue<DateTimeOffset>())).ToString(CultureInfo.InvariantCulture));
        await session.ScreenshotAsync("exceptions-work-list");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task SortingByAColumn_ListsTheRowsInTheApisOrder_AndSaysSo()
    {
        using var client = Factory.ClientWithKey(_regulator);
        var byInstitution = await IdsAsync(client, "period=2022-12&sort=institution");
        var bySeverity = await IdsAsync(client, "period=2022-12&sort=-severity");
        await using var session = await SignInAsync(_regulator);
        await GoAsync(session, "#/exceptions?period=2022-12");
        var table = session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions" });

        await table.GetByRole(AriaRole.Button, new() { Name = "Institution" }).ClickAsync();

        await Assertions.Expect(table.Locator("tbody tr td:nth-child(2)")).ToHaveTextAsync([.. byInstitution]);
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "Institution" })).ToHaveAttributeAsync("aria-sort", "ascending");
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "Period" })).ToHaveAttributeAsync("aria-sort", "none");
        (await session.Page.EvaluateAsync<string>("() => location.hash")).Should().Contain("sort=institution");

        await table.GetByRole(AriaRole.Button, new() { Name = "Severity" }).ClickAsync();

        await Assertions.Expect(table.Locator("tbody tr td:nth-child(2)")).ToHaveTextAsync([.. bySeverity]);
        await Assertions.Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "Severity" })).ToHaveAttributeAsync("aria-sort", "descending");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ResolvingThreeSelectedRows_OneAlreadyResolved_ShowsTwoDoneAndOneRefusedWithItsReason()
    {
        var open = await OpenOfAsync(Codes[1]);
        var alsoOpen = (await OpenOfAsync(Codes[2]))[0];
        await using var session = await SignInAsync(_regulator);
        await GoAsync(session, "#/exceptions?period=2022-12");
        var page = session.Page;
        var resolve = page.GetByRole(AriaRole.Button, new() { Name = "Resolve selected" });
        await Assertions.Expect(resolve).ToBeDisabledAsync();

        foreach (var id in new[] { open[0], _resolved, alsoOpen })
        {
            await page.GetByRole(AriaRole.Checkbox, new() { Name = id, Exact = true }).CheckAsync();
        }

        await Assertions.Expect(resolve).ToBeEnabledAsync();
        await resolve.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Note").FillAsync("批量核实无误");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        var result = page.GetByRole(AriaRole.Region, new() { Name = "Bulk result" });
        await Assertions.Expect(result).ToContainTextAsync("2 done, 1 refused.");
        await Assertions.Expect(result.Locator(".x-refused li")).ToHaveCountAsync(1);
        await Assertions.Expect(result.Locator(".x-refused li")).ToContainTextAsync(_resolved);
        await Assertions.Expect(result.Locator(".x-refused li")).ToContainTextAsync("Invalid transition");
        await Assertions.Expect(result.Locator(".x-done li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bulk result" })).ToBeFocusedAsync();
        using var client = Factory.ClientWithKey(_regulator);
        foreach (var id in new[] { open[0], alsoOpen })
        {
            var stored = await client.GetJsonAsync($"/api/v1/exceptions/{id}");
            stored["status"]!.GetValue<string>().Should().Be("resolved");
            stored["events"]!.AsArray()[^1]!["note"]!.GetValue<string>().Should().Be("批量核实无误");
        }

        await session.ScreenshotAsync("exceptions-bulk-result");
        await session.AssertCleanAsync();
    }

    /// <summary>
    /// A bulk waiver in Chinese: the result speaks a supervisor's words, one done and one refused with its reason. Where
    /// <see cref="EveryViewTests.ScreenshotsVariable"/> names a directory, the page is saved there as the work list with a
    /// bulk result.
    /// </summary>
    [Test]
    public async Task InChinese_ABulkWaiver_ShowsWhatWasDoneAndWhatWasRefusedInChinese()
    {
        var open = await OpenOfAsync(Codes[0]);
        open.Should().NotBeEmpty("the first bank has an open exception besides the resolved and the explained one");
        await using var session = await SignInAsync(_regulator);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();
        await GoAsync(session, "#/exceptions?period=2022-12");
        var page = session.Page;
        foreach (var id in new[] { open[0], _resolved })
        {
            await page.GetByRole(AriaRole.Checkbox, new() { Name = id, Exact = true }).CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "批量暂缓" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Textbox).First.FillAsync("待年报核实后处理");
        await dialog.Locator("button[type=submit]").ClickAsync();

        var result = page.GetByRole(AriaRole.Region, new() { Name = "批量处理结果" });
        await Assertions.Expect(result).ToContainTextAsync("已完成 1 项，未完成 1 项。");
        await Assertions.Expect(result.Locator(".x-refused li")).ToContainTextAsync(_resolved);
        await Assertions.Expect(result.Locator(".x-refused li")).ToContainTextAsync("当前状态不允许该操作");
        await Assertions.Expect(result.Locator(".x-done li")).ToContainTextAsync(open[0]);
        (await LatinWordsAsync(page)).Should().BeEmpty();
        using var client = Factory.ClientWithKey(_regulator);
        (await client.GetJsonAsync($"/api/v1/exceptions/{open[0]}"))["status"]!.GetValue<string>().Should().Be("waived");
        if (Environment.GetEnvironmentVariable(EveryViewTests.ScreenshotsVariable) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "work-list-bulk-result.png"), FullPage = true });
        }

        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheDetail_LinksBackToTheListWithTheFiltersItCameFrom()
    {
        await using var session = await SignInAsync(_regulator);
        await GoAsync(session, "#/exceptions?period=2022-12&status=open&sort=institution&pageSize=100");
        var list = await session.Page.EvaluateAsync<string>("() => location.hash");
        var first = session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions" }).Locator("tbody tr").First.Locator("td").Nth(1).GetByRole(AriaRole.Link);

        await first.ClickAsync();
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
        await session.Page.GetByRole(AriaRole.Link, new() { Name = "Back to the list" }).ClickAsync();

        await Assertions.Expect(session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions" })).ToBeVisibleAsync();
        (await session.Page.EvaluateAsync<string>("() => location.hash")).Should().Be(list);
        await Assertions.Expect(session.Page.GetByLabel("Period", new() { Exact = true })).ToHaveValueAsync("2022-12");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Columnheader, new() { Name = "Institution" })).ToHaveAttributeAsync("aria-sort", "ascending");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AWaiverDateBeforeToday_IsRefusedInTheDialog_AndNothingIsSent()
    {
        var id = (await OpenOfAsync(Codes[2]))[^1];
        await using var session = await SignInAsync(_regulator);
        await GoAsync(session, $"#/exceptions/{id}");
        var page = session.Page;

        await page.GetByRole(AriaRole.Button, new() { Name = "Waive", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Note").FillAsync("政策过渡");
        await dialog.GetByLabel("Waive until").FillAsync((await TodayInChinaAsync(page)).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Assertions.Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("may not be before today");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        using var client = Factory.ClientWithKey(_regulator);
        (await client.GetJsonAsync($"/api/v1/exceptions/{id}"))["status"]!.GetValue<string>().Should().Be("open");

        var until = (await TodayInChinaAsync(page)).AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await dialog.GetByLabel("Waive until").FillAsync(until);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reopen" })).ToBeVisibleAsync();
        var stored = await client.GetJsonAsync($"/api/v1/exceptions/{id}");
        stored["status"]!.GetValue<string>().Should().Be("waived");
        stored["waivedUntil"]!.GetValue<string>().Should().Be(until);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheDetailsButtons_AreExactlyTheExceptionsActions()
    {
        var labels = new Dictionary<string, string> { ["explanation"] = "Explain", ["resolve"] = "Resolve", ["waive"] = "Waive", ["reopen"] = "Reopen" };
        foreach (var key in new[] { _regulator, _banks[Codes[0]], ComplianceApiFactory.AdminKey })
        {
            using var client = Factory.ClientWithKey(key);
            await using var session = await SignInAsync(key);
            foreach (var id in new[] { _resolved, _explained })
            {
                var actions = (await client.GetJsonAsync($"/api/v1/exceptions/{id}"))["actions"]!.AsArray().Select(a => labels[a!.GetValue<string>()]).ToList();

                await GoAsync(session, $"#/exceptions/{id}");

                await Assertions.Expect(session.Page.Locator("main div.actions button")).ToHaveTextAsync([.. actions]);
            }

            await session.AssertCleanAsync();
        }
    }

    [Test]
    public async Task InChinese_TheListAndTheDetailShowNoLatinWord_ButWhatAPersonTypedAndCodes()
    {
        await using var session = await SignInAsync(_regulator);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();

        await GoAsync(session, "#/exceptions?period=2022-12");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Table, new() { Name = "监测事项" }).Locator("tbody tr").First).ToBeVisibleAsync();
        (await LatinWordsAsync(session.Page)).Should().BeEmpty();

        await GoAsync(session, $"#/exceptions/{_explained}");
        var events = session.Page.GetByRole(AriaRole.List, new() { Name = "处理记录" });
        await Assertions.Expect(events).ToContainTextAsync("一次性事件：一笔贷款临时逾期");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Link, new() { Name = "返回列表" })).ToBeVisibleAsync();
        (await LatinWordsAsync(session.Page)).Should().BeEmpty();

        await GoAsync(session, $"#/exceptions/{_resolved}");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.List, new() { Name = "处理记录" })).ToContainTextAsync("核实无误");
        (await LatinWordsAsync(session.Page)).Should().BeEmpty();
        await session.ScreenshotAsync("exception-zh");
        await session.AssertCleanAsync();
    }

    /// <summary>
    /// The words of two or more Latin letters in what the page shows and names (text, accessible labels) outside what a
    /// person typed (<c>data-user-text</c>) and codes (<c>.code</c>), but those console.md allows.
    /// </summary>
    private static Task<string[]> LatinWordsAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => {
          const allowed = new Set(['CSV', 'XLSX', 'JSON', 'NDJSON', 'UTF', 'GB', 'Compliance']);
          const outside = node => !node.closest('[data-user-text], .code');
          const texts = [];
          const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const parent = node.parentElement;
            if (outside(parent) && (parent.checkVisibility() || parent.closest('select'))) texts.push(node.textContent);
          }
          for (const element of document.querySelectorAll('main [aria-label], main [title], main [placeholder]')) {
            if (outside(element)) texts.push(element.getAttribute('aria-label') ?? '', element.getAttribute('title') ?? '', element.getAttribute('placeholder') ?? '');
          }
          return texts.flatMap(text => text.match(/[A-Za-z]{2,}/g) ?? []).filter(word => !allowed.has(word) && !/^[0-9a-f]+$/.test(word));
        }
        """);

    /// <summary>Today in China Standard Time by the browser's clock, against which the page counts.</summary>
    private static async Task<DateOnly> TodayInChinaAsync(IPage page) =>
        DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds((long)await page.EvaluateAsync<double>("() => Date.now()")).UtcDateTime.AddHours(8));

    private static async Task<long> AgeInDaysAsync(IPage page, DateTimeOffset createdAt) =>
        (await TodayInChinaAsync(page)).DayNumber - DateOnly.FromDateTime(createdAt.UtcDateTime.AddHours(8)).DayNumber;

    private static async Task<List<string>> IdsAsync(HttpClient client, string query) =>
        [.. (await client.GetJsonAsync($"/api/v1/exceptions?{query}&pageSize=50"))["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>())];

    private async Task<List<string>> OpenOfAsync(string code)
    {
        using var client = Factory.ClientWithKey(_regulator);
        return await IdsAsync(client, $"institution={code}&status=open");
    }
}
