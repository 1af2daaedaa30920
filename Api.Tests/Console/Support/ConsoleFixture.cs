using Compliance.Api.Tests.Support;
using Microsoft.Playwright;
using NodaTime;

namespace Compliance.Api.Tests.Console.Support;

/// <summary>
/// A fixture of console tests: the real server over Kestrel on a database of its own, the machine's Chromium, and
/// signing in through the console's own page. Derived fixtures seed what they need through the API in <see cref="SeedAsync"/>.
/// </summary>
public abstract class ConsoleFixture
{
    protected Browser Browser { get; private set; } = null!;

    protected ComplianceApiFactory Factory { get; private set; } = null!;

    protected Uri Server { get; private set; } = null!;

    /// <summary>The fake clock's start; by default after the first half of 2023's filings.</summary>
    protected virtual Instant Now => Instant.FromUtc(2023, 1, 20, 2, 0);

    [OneTimeSetUp]
    public async Task StartConsoleAsync()
    {
        // An expectation waits up to 15 s for the page to settle (5 s by default), for busy machines.
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await Browser.LaunchAsync();
        Factory = new ComplianceApiFactory(now: Now);
        Server = Factory.StartKestrel();
        await SeedAsync();
    }

    [OneTimeTearDown]
    public async Task StopConsoleAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (Factory is not null)
        {
            await Factory.DisposeAsync();
            Factory.DeleteDatabase();
        }
    }

    /// <summary>What the fixture's tests share, created through the API once.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    /// <summary>Opens the console in English, signs in with <paramref name="key"/> and waits for the navigation.</summary>
    protected async Task<BrowserSession> SignInAsync(string key, string route = "")
    {
        var session = await Browser.OpenAsync(Server);
        await session.GotoAsync("/?lang=en" + route);
        await session.Page.GetByLabel("API key").FillAsync(key);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        return session;
    }

    /// <summary>
    /// Opens the console in <paramref name="language"/> (<c>zh</c> or <c>en</c>) in a window <paramref name="width"/>
    /// pixels wide, signs in with <paramref name="key"/> and waits until the first view has loaded.
    /// </summary>
    protected async Task<BrowserSession> SignInAsync(string key, string language, int width, string route = "")
    {
        var session = await Browser.OpenAsync(Server, width);
        await session.GotoAsync($"/?lang={language}" + route);
        await session.Page.Locator("form.signin input[type=password]").FillAsync(key);
        await session.Page.Locator("form.signin button[type=submit]").ClickAsync();
        await Assertions.Expect(session.Page.Locator("#tools button")).ToHaveCountAsync(2);
        await Assertions.Expect(session.Page.Locator("main .loading")).ToHaveCountAsync(0);
        return session;
    }

    /// <summary>
    /// Goes to a route of the console (<c>#/exceptions</c>) in the signed-in session and waits until it has replaced
    /// what the page showed before (a marker left in the old view is gone) and has loaded.
    /// </summary>
    protected static async Task GoAsync(BrowserSession session, string hash)
    {
        await session.Page.EvaluateAsync(
            "hash => { const marker = document.createElement('span'); marker.id = 'left-view'; document.getElementById('view').append(marker); location.hash = hash; }",
            hash);
        await Assertions.Expect(session.Page.Locator("#left-view")).ToHaveCountAsync(0);
        await Assertions.Expect(session.Page.Locator("main .loading")).ToHaveCountAsync(0);
    }
}
