using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>Signing in and out, the navigation of each role, and the language switch (console.md, "Language and access").</summary>
public sealed class SignInTests : ConsoleFixture
{
    private string _regulator = "";
    private string _institution = "";

    protected override async Task SeedAsync()
    {
        _institution = await Factory.CreateInstitutionAsync("C3713001", "371302");
        _regulator = await Factory.CreateRegulatorAsync("37");
    }

    [Test]
    public async Task TheRootPage_IsTheSignInPage_WithTheConsolesHeaders()
    {
        await using var session = await Browser.OpenAsync(Server);

        var response = await session.GotoAsync("/?lang=en");

        response!.Status.Should().Be(200);
        var headers = await response.AllHeadersAsync();
        headers["content-security-policy"].Should().Contain("default-src 'self'").And.Contain("script-src 'self'").And.Contain("frame-ancestors 'none'")
            .And.NotContain("unsafe-inline");
        headers["x-content-type-options"].Should().Be("nosniff");
        await Assertions.Expect(session.Page.GetByLabel("API key")).ToBeVisibleAsync();
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await session.ScreenshotAsync("sign-in");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AWrongKey_ShowsTheProblem_AndStaysOnSignIn()
    {
        await using var session = await Browser.OpenAsync(Server);
        await session.GotoAsync("/?lang=en");

        await session.Page.GetByLabel("API key").FillAsync("not-a-key-0123456789");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(session.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Unauthorized");
        (await session.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('compliance.key')")).Should().BeNull();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ARegulator_SeesOverviewExceptionsDeadlinesAndRules_AndSignsOut()
    {
        await using var session = await SignInAsync(_regulator);

        (await NavigationAsync(session)).Should().Equal("Overview", "Exceptions", "Deadlines", "Rules");
        (await session.Page.EvaluateAsync<string>("() => sessionStorage.getItem('compliance.key')")).Should().Be(_regulator);
        (await session.Page.EvaluateAsync<int>("() => localStorage.length")).Should().Be(0);

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Assertions.Expect(session.Page.GetByLabel("API key")).ToBeVisibleAsync();
        (await session.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('compliance.key')")).Should().BeNull();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnInstitution_SeesItsOwnNavigation()
    {
        await using var session = await SignInAsync(_institution);

        (await NavigationAsync(session)).Should().Equal("Exceptions", "Submit a ledger", "Deadlines", "Rules", "My institution");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AnAdmin_SeesEveryView()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);

        (await NavigationAsync(session)).Should().Contain(["Overview", "Exceptions", "Submit a ledger", "Deadlines", "Rules"]);
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheLanguageSwitch_TurnsTheConsoleChinese_AndBack()
    {
        await using var session = await SignInAsync(_regulator);

        await session.Page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();

        (await NavigationAsync(session)).Should().Equal("总览", "监测事项", "报送期限", "规则");
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Navigation, new() { Name = "主导航" })).ToBeVisibleAsync();
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Link, new() { Name = "跳到正文", IncludeHidden = true })).ToHaveCountAsync(1);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        (await NavigationAsync(session)).Should().Equal("Overview", "Exceptions", "Deadlines", "Rules");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task AKeyRevokedWhileSignedIn_ReturnsToSignIn()
    {
        var key = await Factory.CreateRegulatorAsync("3713");
        await using var session = await SignInAsync(key);
        using var admin = Factory.Admin();
        var keys = await admin.GetJsonAsync("/api/v1/api-keys");
        var id = keys["items"]!.AsArray().Single(k => (string?)k!["jurisdiction"] == "3713")!["id"]!.ToString();
        (await admin.DeleteAsync($"/api/v1/api-keys/{id}")).EnsureSuccessStatusCode();

        await GoAsync(session, "#/exceptions");

        await Assertions.Expect(session.Page.GetByLabel("API key")).ToBeVisibleAsync();
        (await session.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('compliance.key')")).Should().BeNull();
    }

    private static async Task<IReadOnlyList<string>> NavigationAsync(BrowserSession session) =>
        [.. (await session.Page.Locator("nav#nav").GetByRole(AriaRole.Link).AllInnerTextsAsync()).Select(t => t.Trim())];
}
