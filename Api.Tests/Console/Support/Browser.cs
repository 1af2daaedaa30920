using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console.Support;

/// <summary>
/// One Playwright driver and one headless Chromium, for a test fixture: launch it in <c>[OneTimeSetUp]</c>, open a
/// <see cref="BrowserSession"/> (a fresh context and page) in each test, dispose of it in <c>[OneTimeTearDown]</c>.
/// The browser is the machine's own Chromium (<see cref="ChromiumVariable"/>, else Debian's); nothing is downloaded,
/// and where there is none the tests are skipped.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    /// <summary>The environment variable that names the Chromium executable to drive.</summary>
    public const string ChromiumVariable = "COMPLIANCE_CHROMIUM";

    private static readonly string[] DebianChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>
    /// The Chromium to drive: <see cref="ChromiumVariable"/> when set, else Debian's; <c>null</c> when there is none
    /// (a variable naming a file that does not exist counts as none).
    /// </summary>
    public static string? FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable(ChromiumVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        return DebianChromium.FirstOrDefault(File.Exists);
    }

    /// <summary>Starts Playwright's driver and a headless Chromium; skips the test (or fixture) where there is no Chromium.</summary>
    public static async Task<Browser> LaunchAsync()
    {
        var path = FindChromium();
        if (path is null)
        {
            Assert.Ignore("No Chromium found (set COMPLIANCE_CHROMIUM or install Debian's chromium package): browser tests skipped");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            // --no-sandbox: Chromium refuses to sandbox itself as root, which CI is.
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = path, Headless = true, Args = ["--no-sandbox"] });
            return new Browser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh context and page that watch what happens while they browse the server at <paramref name="server"/>.</summary>
    public Task<BrowserSession> OpenAsync(Uri server) => BrowserSession.OpenAsync(_browser, server);

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>A CSP violation as the page reported it (<c>securitypolicyviolation</c>).</summary>
public sealed record CspViolation(string ViolatedDirective, string BlockedUri);

/// <summary>
/// A browser context and its page, opened on one server, that record what a clean console page must not do: every
/// <c>console.error</c>, every uncaught page error, every request to another origin and every CSP violation.
/// <see cref="AssertCleanAsync"/> fails on any of them.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>
    /// Collects each <c>securitypolicyviolation</c> in <c>window.__cspViolations</c> (the page's own record) and hands
    /// it to the test as it happens (so that violations on a page since left are not lost).
    /// </summary>
    private const string CspScript = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => {
          const violation = { violatedDirective: e.violatedDirective, blockedURI: e.blockedURI };
          window.__cspViolations.push(violation);
          if (typeof window.__complianceCspViolation === 'function') {
            window.__complianceCspViolation(JSON.stringify(violation));
          }
        });
        """;

    /// <summary>The browser's own line for a response with an error status, which a scenario may expect (a 422).</summary>
    private const string FailedToLoadResource = "Failed to load resource";

    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _consoleErrors = new();
    private readonly ConcurrentQueue<string> _pageErrors = new();
    private readonly ConcurrentQueue<string> _foreignRequests = new();
    private readonly ConcurrentQueue<CspViolation> _cspViolations = new();

    private BrowserSession(IBrowserContext context, IPage page, Uri server)
    {
        _context = context;
        Page = page;
        Server = server;
    }

    /// <summary>The page, for anything the session does not wrap.</summary>
    public IPage Page { get; }

    /// <summary>The server's base address; requests to any other origin count against the page.</summary>
    public Uri Server { get; }

    /// <summary>The text of every <c>console.error</c> so far, with where it was logged.</summary>
    public IReadOnlyCollection<string> ConsoleErrors => _consoleErrors;

    /// <summary>Every uncaught error in the page so far.</summary>
    public IReadOnlyCollection<string> PageErrors => _pageErrors;

    /// <summary>The URL of every request so far to an origin other than the server's.</summary>
    public IReadOnlyCollection<string> ForeignRequests => _foreignRequests;

    /// <summary>Every CSP violation so far, on this page and on those it has left.</summary>
    public IReadOnlyCollection<CspViolation> CspViolations => _cspViolations;

    internal static async Task<BrowserSession> OpenAsync(IBrowser browser, Uri server)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = server.GetLeftPart(UriPartial.Authority) });
        try
        {
            var page = await context.NewPageAsync();

            // A busy CI machine runs both test assemblies at once: waits are generous, and a test that fails still fails.
            page.SetDefaultTimeout(30_000);
            var session = new BrowserSession(context, page, server);
            await context.ExposeFunctionAsync("__complianceCspViolation", (string violation) =>
                session._cspViolations.Enqueue(ToViolation(JsonDocument.Parse(violation).RootElement)));
            await context.AddInitScriptAsync(CspScript);
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    session._consoleErrors.Enqueue($"{message.Text} (at {message.Location})");
                }
            };
            page.PageError += (_, error) => session._pageErrors.Enqueue(error);
            page.Request += (_, request) =>
            {
                if (session.IsForeign(request.Url))
                {
                    session._foreignRequests.Enqueue(request.Url);
                }
            };
            return session;
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a path on the server (or an absolute URL) and returns the main response.</summary>
    public Task<IResponse?> GotoAsync(string pathOrUrl) => Page.GotoAsync(pathOrUrl);

    /// <summary>The CSP violations the current page has recorded in <c>window.__cspViolations</c>.</summary>
    public async Task<IReadOnlyList<CspViolation>> ReadCspViolationsAsync()
    {
        var recorded = await Page.EvaluateAsync<JsonElement>("() => window.__cspViolations ?? []");
        return recorded.EnumerateArray().Select(ToViolation).ToList();
    }

    /// <summary>
    /// Fails if the page had any uncaught error, CSP violation, request to another origin, or <c>console.error</c>
    /// other than the browser's own "Failed to load resource" line for an error status.
    /// </summary>
    public async Task AssertCleanAsync()
    {
        // Violations reach the test through a binding; the page's own record is read too, in case one is still on its way.
        var violations = _cspViolations.Concat(await ReadCspViolationsAsync()).Distinct().ToList();
        var consoleErrors = _consoleErrors.Where(e => !e.StartsWith(FailedToLoadResource, StringComparison.Ordinal)).ToList();
        using (new FluentAssertions.Execution.AssertionScope())
        {
            _pageErrors.Should().BeEmpty("the page must throw no uncaught error");
            violations.Should().BeEmpty("the page must keep to its Content-Security-Policy");
            _foreignRequests.Should().BeEmpty("the page must load nothing from another origin than {0}", Server);
            consoleErrors.Should().BeEmpty("the page must log no console.error (other than the browser's own line for an error status)");
        }
    }

    /// <summary>
    /// Saves a full-page PNG as <c>screenshots/&lt;name&gt;.png</c> under the test's work directory, attaches it to the
    /// test and returns its path.
    /// </summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{name}.png");
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
        return path;
    }

    /// <summary>
    /// Closes the session, writing what the page showed last to the test's output (shown where the test fails, with
    /// the console errors and page errors seen) so that a failure on a busy machine can be read afterwards.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            var shown = await Page.InnerTextAsync("body", new() { Timeout = 2_000 });
            await TestContext.Out.WriteLineAsync($"page {Page.Url} showed: {(shown.Length > 3_000 ? shown[..3_000] + "…" : shown)}");
            await TestContext.Out.WriteLineAsync($"console errors: {string.Join(" | ", _consoleErrors)}; page errors: {string.Join(" | ", _pageErrors)}");
        }
        catch (PlaywrightException)
        {
            // The page is gone already: nothing to report.
        }

        await _context.DisposeAsync();
    }

    private static CspViolation ToViolation(JsonElement violation) => new(
        violation.GetProperty("violatedDirective").GetString() ?? "",
        violation.GetProperty("blockedURI").GetString() ?? "");

    private bool IsForeign(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return true;
        }

        // Content the page makes itself never leaves the browser.
        if (uri.Scheme is "data" or "blob" or "about")
        {
            return false;
        }

        return !string.Equals(uri.GetLeftPart(UriPartial.Authority), Server.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }
}
