using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// A Linyi supervisor's overview (console.md, analytics.md "Regional targets"): the Shandong targets are shown as
/// Linyi's contribution, labelled so and never refused, and every target's status in the supervisor's words.
/// </summary>
public sealed class TargetContributionTests : ConsoleFixture
{
    private string _linyi = "";

    protected override async Task SeedAsync()
    {
        _linyi = await Factory.CreateRegulatorAsync("3713");
        using var bank = Factory.ClientWithKey(await Factory.CreateInstitutionAsync("CT3713001", "371302"));
        // Linyi's one institution files the start of the year and December: the operating-loan increase is far below
        // 百亿 with December complete (missed); the year's disbursements lack every month between (no data).
        foreach (var (period, balance) in new[] { ("2021-12", 1_000_000m), ("2022-12", 1_200_000m) })
        {
            await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync(period, Ledgers.Csv(Ledgers.Row("L1", amount: balance, balance: balance, creditLine: balance))));
        }
    }

    private static ILocator Card(BrowserSession session, string name) =>
        session.Page.GetByRole(AriaRole.Region, new() { Name = name.Length > 0 && name[0] < 128 ? "Target progress" : "目标进度" })
            .GetByRole(AriaRole.Article, new() { Name = name, Exact = true });

    [Test]
    public async Task ALinyiSupervisor_SeesShandongTargetsAsItsContribution_AndEveryStatusInItsWords()
    {
        await using var session = await SignInAsync(_linyi);

        await GoAsync(session, "#/overview?period=2022-12");

        var targets = session.Page.GetByRole(AriaRole.Region, new() { Name = "Target progress" });
        await Assertions.Expect(targets.GetByRole(AriaRole.Article)).ToHaveCountAsync(4);
        await Assertions.Expect(targets.Locator(".loading")).ToHaveCountAsync(0);
        await Assertions.Expect(targets).Not.ToContainTextAsync("Forbidden");
        await Assertions.Expect(Card(session, "Operating loans up by CNY 100 billion")).ToContainTextAsync("Contribution of this jurisdiction");
        await Assertions.Expect(Card(session, "CNY 1 trillion of inclusive loans disbursed in the year")).ToContainTextAsync("Contribution of this jurisdiction");
        await Assertions.Expect(Card(session, "Operating loans up by CNY 10 billion").Locator(".badge")).ToHaveTextAsync("Missed");
        await Assertions.Expect(Card(session, "CNY 100 billion of inclusive loans disbursed in the year").Locator(".badge")).ToHaveTextAsync("No data");

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();

        var chinese = session.Page.GetByRole(AriaRole.Region, new() { Name = "目标进度" });
        await Assertions.Expect(chinese.GetByRole(AriaRole.Article)).ToHaveCountAsync(4);
        await Assertions.Expect(chinese.Locator(".loading")).ToHaveCountAsync(0);
        await Assertions.Expect(Card(session, "千亿惠商户：经营性贷款余额增加1000亿元").Locator(".badge")).ToHaveTextAsync("本辖区贡献");
        await Assertions.Expect(Card(session, "万亿助小微：全年发放普惠小微贷款1万亿元").Locator(".badge")).ToHaveTextAsync("本辖区贡献");
        await Assertions.Expect(Card(session, "百亿惠商户：经营性贷款余额增加100亿元").Locator(".badge")).ToHaveTextAsync("未达成");
        await Assertions.Expect(Card(session, "千亿助小微：全年发放普惠小微贷款1000亿元").Locator(".badge")).ToHaveTextAsync("无数据");
        await session.ScreenshotAsync("overview-contribution");
        await session.AssertCleanAsync();
    }
}
