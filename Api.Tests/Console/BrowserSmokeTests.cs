using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The browser-test groundwork itself: the machine's Chromium, driven by Playwright, browses the real server over
/// Kestrel, and a session notices what a clean page must not do.
/// </summary>
public sealed class BrowserSmokeTests : ConsoleFixture
{
    [Test]
    public async Task Liveness_OpensInTheBrowser_AndThePageIsClean()
    {
        await using var session = await Browser.OpenAsync(Server);

        var response = await session.GotoAsync("/health/live");

        response.Should().NotBeNull();
        response!.Status.Should().Be(200);
        (await session.Page.InnerTextAsync("body")).Should().Contain("\"status\":\"live\"");
        await session.ScreenshotAsync("health-live");
        File.Exists(Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots", "health-live.png")).Should().BeTrue();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ConsoleError_FailsTheCleanCheck()
    {
        await using var session = await Browser.OpenAsync(Server);
        await session.GotoAsync("/health/live");

        await session.Page.EvaluateAsync("() => console.error('x')");

        var check = () => session.AssertCleanAsync();
        (await check.Should().ThrowAsync<AssertionException>()).WithMessage("*console.error*x*");
    }

    [Test]
    public async Task ErrorStatus_LogsOnlyTheBrowsersOwnLine_WhichTheCleanCheckAllows()
    {
        await using var session = await Browser.OpenAsync(Server);
        await session.GotoAsync("/health/live");

        var status = await session.Page.EvaluateAsync<int>("async () => (await fetch('/api/v1/institutions')).status");

        status.Should().Be(401);
        // Events reach the test on their own way, not with the evaluation's result.
        await Eventually.UntilAsync(() => Task.FromResult(session.ConsoleErrors.Count), count => count > 0, "the browser's line for the 401");
        session.ConsoleErrors.Should().ContainSingle().Which.Should().StartWith("Failed to load resource");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task CspViolation_IsRecorded_AndFailsTheCleanCheck()
    {
        await using var session = await Browser.OpenAsync(Server);
        await session.GotoAsync("/health/live");

        await session.Page.EvaluateAsync("""
            () => new Promise(resolve => {
              document.addEventListener('securitypolicyviolation', () => resolve(), { once: true });
              const policy = document.createElement('meta');
              policy.httpEquiv = 'Content-Security-Policy';
              policy.content = "img-src 'none'";
              document.head.appendChild(policy);
              const image = document.createElement('img');
              image.src = '/nothing.png';
              document.body.appendChild(image);
            })
            """);

        (await session.ReadCspViolationsAsync()).Should().ContainSingle(v => v.ViolatedDirective == "img-src");
        await Eventually.UntilAsync(() => Task.FromResult(session.CspViolations.Count), count => count > 0, "the violation to reach the test");
        session.CspViolations.Should().ContainSingle(v => v.ViolatedDirective == "img-src" && v.BlockedUri.EndsWith("/nothing.png"));
        var check = () => session.AssertCleanAsync();
        await check.Should().ThrowAsync<AssertionException>();
    }

    [Test]
    public async Task RequestToAnotherOrigin_FailsTheCleanCheck()
    {
        await using var session = await Browser.OpenAsync(Server);
        await session.GotoAsync("/health/live");
        var elsewhere = $"http://localhost:{Server.Port}/health/live";

        await session.Page.EvaluateAsync("url => fetch(url, { mode: 'no-cors' }).catch(() => null)", elsewhere);

        session.ForeignRequests.Should().ContainSingle().Which.Should().Be(elsewhere);
        var check = () => session.AssertCleanAsync();
        await check.Should().ThrowAsync<AssertionException>();
    }
}
