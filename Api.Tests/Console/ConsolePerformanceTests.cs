using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Compliance.Data;
using Compliance.Data.Exceptions;
using Compliance.Engine.Rules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The console's budgets (a browser test that reports its figures): the first load under 1.5 MB transferred with
/// compression, and a view of 500 exceptions rendered in under 1 s. Also: every action from the keyboard alone.
/// </summary>
public sealed class ConsolePerformanceTests : ConsoleFixture
{
    private const int Institutions = 5;
    private const int PeriodsEach = 25;
    private static readonly string[] Rules = ["INCLUSIVE_GROWTH", "NPL_TOLERANCE", "CREDIT_SHARE", "INCLUSIVE_BORROWERS"];

    private string _regulator = "";
    private string _bank = "";

    protected override async Task SeedAsync()
    {
        _regulator = await Factory.CreateRegulatorAsync("37");
        for (var i = 0; i < Institutions; i++)
        {
            var key = await Factory.CreateInstitutionAsync($"P37130{i:D2}", "371302", reportingFrom: "2020-01");
            if (i == 0)
            {
                _bank = key;
            }
        }

        // 500 exceptions through their one writer, as evaluations' findings: 5 institutions × 25 periods × 4 rules.
        var db = Factory.Services.GetRequiredService<Db>();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var set = new RuleSet("national", 1, new RuleSetSpec("", new YearRange(2000, null), []));
        var figures = new Dictionary<string, object> { ["gapPp"] = 1.5m };
        var message = new LocalizedText("普惠型小微企业贷款增速低于各项贷款增速", "Inclusive growth below total growth");
        for (var i = 0; i < Institutions; i++)
        {
            for (var p = 0; p < PeriodsEach; p++)
            {
                var results = Rules.Select(rule => RuleResult.Failed(new Finding(rule, Severity.Breach, figures, new Dictionary<string, object>(), message))).ToList();
                await ExceptionStore.ApplyAsync(connection, transaction, [new Data.Exceptions.Evaluation(0, $"P37130{i:D2}", new YearMonth(2020, 1).PlusMonths(p), new RuleEvaluation([new SetEvaluation(set, results)]))], Factory.Clock.GetCurrentInstant(), CancellationToken.None);
            }
        }

        await transaction.CommitAsync();
    }

    /// <summary>
    /// The best of three renderings is held to the budget: the budget is of the console, and one rendering on a shared
    /// machine may wait for a neighbour's work or a collection; every figure is printed.
    /// </summary>
    [Test]
    public async Task AViewOf500Exceptions_RendersInUnderASecond()
    {
        await using var session = await SignInAsync(_regulator);
        var timings = new List<double>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await GoAsync(session, "#/exceptions?pageSize=50");

            // From the route's change to the 500th row on screen, timed in the page.
            timings.Add(await session.Page.EvaluateAsync<double>("""
                () => new Promise(resolve => {
                  const start = performance.now();
                  location.hash = '#/exceptions?pageSize=500';
                  const check = () => {
                    const rows = document.querySelectorAll('table.exceptions tbody tr').length;
                    if (rows === 500) requestAnimationFrame(() => resolve(performance.now() - start));
                    else requestAnimationFrame(check);
                  };
                  check();
                })
                """));
            await Assertions.Expect(session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions" }).Locator("tbody tr")).ToHaveCountAsync(500);
        }

        TestContext.Out.WriteLine($"500 exceptions rendered in {string.Join(" / ", timings.Select(t => $"{t:F0}"))} ms");
        timings.Min().Should().BeLessThan(1000);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheFirstLoad_TransfersUnder1Point5MegabytesWithCompression()
    {
        await using var session = await SignInAsync(_regulator);
        await GoAsync(session, "#/overview?period=2022-12");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Table, new() { Name = "Exceptions by institution and rule" })).ToBeVisibleAsync();

        // Every response of the page so far, the page itself included, as transferred (headers and compressed body).
        var transferred = await session.Page.EvaluateAsync<double>("""
            () => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                    .reduce((sum, entry) => sum + entry.transferSize, 0)
            """);
        var encoded = await session.Page.EvaluateAsync<string[]>("""
            () => performance.getEntriesByType('resource').filter(e => e.encodedBodySize < e.decodedBodySize).map(e => e.name)
            """);

        TestContext.Out.WriteLine($"first load (sign-in and the overview) transferred {transferred / 1024:F1} KiB; compressed: {string.Join(", ", encoded)}");
        transferred.Should().BeGreaterThan(0).And.BeLessThan(1.5 * 1024 * 1024);
        encoded.Should().Contain(name => name.EndsWith("/console/app.js", StringComparison.Ordinal), "the console's scripts are served compressed");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task FromTheKeyboardAlone_AnInstitutionSignsIn_FindsItsException_AndExplainsIt()
    {
        await using var session = await Browser.OpenAsync(Server);
        await session.GotoAsync("/?lang=en");
        var page = session.Page;

        // The key field has the focus; Enter submits.
        await page.Keyboard.TypeAsync(_bank);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Exceptions" })).ToBeVisibleAsync();

        // Tab to the first exception's link and open it.
        await TabToAsync(page, "a[href^='#/exceptions/']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();

        await TabToAsync(page, "button", "Explain");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("按月核对后更正");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Events" })).ToContainTextAsync("按月核对后更正");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Explained");
        await session.AssertCleanAsync();
    }

    /// <summary>Presses Tab until the focused element matches (and has the text, where given); fails after 80 presses.</summary>
    private static async Task TabToAsync(IPage page, string selector, string? text = null)
    {
        for (var i = 0; i < 80; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<bool>(
                "([selector, text]) => document.activeElement?.matches(selector) && (text === null || document.activeElement.textContent.trim() === text)",
                new object?[] { selector, text });
            if (focused)
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached {selector} {text}");
    }
}
