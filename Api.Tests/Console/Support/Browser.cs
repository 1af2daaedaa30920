using System.Collections.Concurrent;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
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

    /// <summary>
    /// A fresh context and page that watch what happens while they browse the server at <paramref name="server"/>, in a
    /// window <paramref name="width"/> CSS pixels wide (a desktop's 1440 by default; 390 is a phone's).
    /// </summary>
    public Task<BrowserSession> OpenAsync(Uri server, int width = BrowserSession.DesktopWidth) => BrowserSession.OpenAsync(_browser, server, width);

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
    /// <summary>A desktop window's width, in CSS pixels.</summary>
    public const int DesktopWidth = 1440;

    /// <summary>A phone's width, in CSS pixels: no page may scroll sideways at it (console.md, "Focus and small screens").</summary>
    public const int PhoneWidth = 390;

    /// <summary>
    /// The words of two or more Latin letters a Chinese page may show (console.md, "One language on the screen"): the
    /// formats, the encodings and the product's name. Hex digests are recognised by their form; text a person typed
    /// (<c>[data-user-text]</c>) and a code beside its name (<c>.code</c>) are not read at all.
    /// </summary>
    public static readonly IReadOnlySet<string> AllowedLatinWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "CSV", "XLSX", "JSON", "NDJSON", "UTF-8", "GB18030", "Compliance",
    };

    /// <summary>
    /// Lists every word of two or more Latin letters in what a person reads on the page: the visible text, and the
    /// accessible names given by <c>aria-label</c>, <c>title</c>, <c>placeholder</c> and <c>alt</c>; outside
    /// <c>[data-user-text]</c>, <c>.code</c> and text marked (<c>lang</c>) as another language than the page's. Each word comes with the start of the text it was found in.
    /// </summary>
    private const string LatinWordsScript = """
        () => {
          // Text marked as another language than the page's (the language switch, named in its own language) is that
          // language's, not a word of the page's.
          const page = (document.documentElement.lang || '').split('-')[0];
          const otherLanguage = el => { const marked = el.closest('[lang]'); return marked && marked.lang.split('-')[0] !== page; };
          const skip = el => el.closest('[data-user-text], .code, script, style, noscript, template') || otherLanguage(el);
          const visible = el => {
            if (el.closest('[hidden], [aria-hidden="true"]')) return false;
            const style = getComputedStyle(el);
            return style.display !== 'none' && style.visibility !== 'hidden';
          };
          const texts = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const el = node.parentElement;
            if (!el || skip(el) || !visible(el)) continue;
            // An option is read only when it is the one a closed select shows, or in an open list: every option counts.
            texts.push(node.textContent);
          }
          for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
            if (skip(el)) continue;
            for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
              const value = el.getAttribute(name);
              if (value) texts.push(value);
            }
          }
          texts.push(document.title);
          const found = [];
          for (const text of texts) {
            for (const match of text.matchAll(/[A-Za-z][A-Za-z0-9]*(?:-[0-9]+)?/g)) {
              const word = match[0];
              const letters = word.replace(/[^A-Za-z]/g, '');
              if (letters.length < 2) continue;
              if (/^[0-9a-f]{8,}$/i.test(word) && /[0-9]/.test(word)) continue;
              found.push({ word, text: text.trim().slice(0, 80) });
            }
          }
          return found;
        }
        """;

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

    internal static async Task<BrowserSession> OpenAsync(IBrowser browser, Uri server, int width = DesktopWidth)
    {
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = server.GetLeftPart(UriPartial.Authority),
            ViewportSize = new() { Width = width, Height = width == PhoneWidth ? 844 : 900 },
        });
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
    /// The words of two or more Latin letters the page shows outside text a person typed and codes beside their names,
    /// but those <see cref="AllowedLatinWords"/> allows, each as "word (in: text)"; empty for a page in one language.
    /// </summary>
    public async Task<IReadOnlyList<string>> LatinWordsAsync()
    {
        var found = await Page.EvaluateAsync<JsonElement>(LatinWordsScript);
        return found.EnumerateArray()
            .Select(f => (Word: f.GetProperty("word").GetString() ?? "", Text: f.GetProperty("text").GetString() ?? ""))
            .Where(f => !AllowedLatinWords.Contains(f.Word))
            .Select(f => $"{f.Word} (in: {f.Text})")
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// The violations axe-core finds on the page as it is now, by the WCAG 2.1 A and AA rules, each as
    /// "rule: help (targets)"; empty for an accessible page.
    /// </summary>
    public async Task<IReadOnlyList<string>> AxeViolationsAsync()
    {
        var result = await Page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        return result.Violations
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()).Take(5))})")
            .ToList();
    }

    /// <summary>How many CSS pixels the page is wider than its window (0 where nothing scrolls sideways).</summary>
    public Task<int> SidewaysOverflowAsync() =>
        Page.EvaluateAsync<int>("() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)");

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
