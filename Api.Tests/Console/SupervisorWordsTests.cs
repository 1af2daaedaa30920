using System.Net.Http.Json;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The console speaks each authority's words (console.md, "One language on the screen"; rules.md, "Names"): a rule
/// is named in its set's scope wherever an exception, a heat-map column or a set's rule shows it, and severities and
/// statuses in the supervisor's words (预警 / 未达标, 逾期 for a missed deadline; 待处理 / 已说明 / 已办结 /
/// 暂缓（至某日） / 已消除), or their English on an English page. A Shandong bank's credit-loan share fell over 2022:
/// CREDIT_SHARE breaches in the national set (cbirc, waived until March) and in the Shandong set (pboc, open); the
/// bank never filed its later months, so the sweep found missed deadlines.
/// </summary>
public sealed class SupervisorWordsTests : ConsoleFixture
{
    private const string Bank = "C3713001";

    private string _regulator = "";

    protected override async Task SeedAsync()
    {
        _regulator = await Factory.CreateRegulatorAsync("37");
        using var bank = Factory.ClientWithKey(await Factory.CreateInstitutionAsync(Bank, "371302", "2021-12"));
        await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"), Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage")));
        await bank.SubmitAcceptedAsync("2022-12", Ledgers.Csv(
            Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit"),
            Ledgers.Row("L2", borrowerId: "B2", guarantee: "mortgage", amount: 200_000m, balance: 200_000m)));
        await bank.WaitForAllEvaluationsAsync();
        using var regulator = Factory.ClientWithKey(_regulator);
        var national = (await regulator.ExceptionsAsync("&rule=CREDIT_SHARE&ruleSet=national")).Single()["id"]!.GetValue<string>();
        (await regulator.PostAsJsonAsync($"/api/v1/exceptions/{national}/waive", new { note = "待年报核实", until = "2023-03-31" })).EnsureSuccessStatusCode();
        using var admin = Factory.Admin();
        (await admin.PostAsync("/api/v1/deadlines/sweep?date=2023-02-14", null)).EnsureSuccessStatusCode();
    }

    [Test]
    public async Task InChinese_TheExceptionsSpeakEachSetsScope_AndTheSupervisorsWords()
    {
        await using var session = await SignInAsync(_regulator);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();

        await GoAsync(session, "#/exceptions?rule=CREDIT_SHARE");
        var list = session.Page.GetByRole(AriaRole.Table, new() { Name = "监测事项" });
        await Assertions.Expect(list.Locator("tbody tr")).ToHaveCountAsync(2);
        var national = list.Locator("tbody tr").Filter(new() { HasText = "national" });
        var shandong = list.Locator("tbody tr").Filter(new() { HasText = "shandong" });
        await Assertions.Expect(national).ToContainTextAsync("普惠型小微企业信用贷款占比");
        await Assertions.Expect(national).ToContainTextAsync("未达标");
        await Assertions.Expect(national).ToContainTextAsync("暂缓（至2023年3月31日）");
        await Assertions.Expect(shandong).ToContainTextAsync("普惠小微信用贷款占比");
        await Assertions.Expect(shandong).ToContainTextAsync("待处理");
        await session.ScreenshotAsync("exceptions-zh-words");

        await GoAsync(session, "#/exceptions?rule=DEADLINE_MISSED");
        var missed = session.Page.GetByRole(AriaRole.Table, new() { Name = "监测事项" }).Locator("tbody tr").First;
        await Assertions.Expect(missed).ToContainTextAsync("逾期未报送");
        await Assertions.Expect(missed.Locator(".badge").First).ToHaveTextAsync("逾期");

        await GoAsync(session, $"#/exceptions/{await ExceptionAsync("shandong")}");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("普惠小微信用贷款占比");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("CREDIT_SHARE");
        (await session.Page.Locator("body").InnerTextAsync()).Should().NotContain("违规");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task InEnglish_TheExceptionsSpeakTheEnglishWords()
    {
        await using var session = await SignInAsync(_regulator);

        await GoAsync(session, "#/exceptions?rule=CREDIT_SHARE");

        var list = session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions" });
        var national = list.Locator("tbody tr").Filter(new() { HasText = "national" });
        await Assertions.Expect(national).ToContainTextAsync("Credit-loan share");
        await Assertions.Expect(national).ToContainTextAsync("Breach");
        await Assertions.Expect(national).ToContainTextAsync("Waived (until Mar 31, 2023)");
        await Assertions.Expect(list.Locator("tbody tr").Filter(new() { HasText = "shandong" })).ToContainTextAsync("Open");
        await GoAsync(session, "#/exceptions?rule=DEADLINE_MISSED");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions" }).Locator("tbody tr").First.Locator(".badge").First).ToHaveTextAsync("Overdue");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheHeatMapsColumns_AndEachSetsRules_AreNamedInTheSetsScope()
    {
        await using var session = await SignInAsync(_regulator);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();

        await GoAsync(session, "#/overview?period=2022-12");
        var columns = session.Page.Locator("table.heatmap thead th");
        await Assertions.Expect(columns.Filter(new() { HasText = "shandong" }).Filter(new() { HasText = "CREDIT_SHARE" })).ToContainTextAsync("普惠小微信用贷款占比");
        await Assertions.Expect(columns.Filter(new() { HasText = "national" }).Filter(new() { HasText = "CREDIT_SHARE" })).ToContainTextAsync("普惠型小微企业信用贷款占比");
        await Assertions.Expect(columns.Filter(new() { HasText = "national" }).Filter(new() { HasText = "NPL_TOLERANCE" })).ToContainTextAsync("普惠型小微企业贷款不良容忍度");
        (await session.Page.Locator("main").InnerTextAsync()).Should().NotContain("违规");

        await GoAsync(session, "#/rules/shandong");
        await Assertions.Expect(session.Page.Locator("table.set-rules")).ToContainTextAsync("普惠小微信用贷款占比");
        await Assertions.Expect(session.Page.Locator("table.set-rules")).Not.ToContainTextAsync("普惠型");
        await GoAsync(session, "#/rules/national");
        await Assertions.Expect(session.Page.Locator("table.set-rules")).ToContainTextAsync("普惠型小微企业信用贷款占比");
        await GoAsync(session, "#/rules");
        var catalogue = session.Page.Locator("table.catalogue");
        await Assertions.Expect(catalogue).ToContainTextAsync("普惠型小微企业贷款不良容忍度");
        await Assertions.Expect(catalogue).ToContainTextAsync("普惠小微贷款不良容忍度");
        await session.ScreenshotAsync("rules-zh-words");
        await session.AssertCleanAsync();
    }

    private async Task<string> ExceptionAsync(string ruleSet)
    {
        using var client = Factory.ClientWithKey(_regulator);
        return (await client.ExceptionsAsync($"&rule=CREDIT_SHARE&ruleSet={ruleSet}")).Single()["id"]!.GetValue<string>();
    }
}
