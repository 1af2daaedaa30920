using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// Text a client stored, shown inert: an institution name stored before bidirectional formatting characters were
/// refused still holds a right-to-left override, and the console shows it as U+FFFD, inside an element that isolates
/// its direction, so it cannot reorder the page around it.
/// </summary>
public sealed class UserTextTests : ConsoleFixture
{
    private const string Code = "UT-B1";
    private const string Stored = "银行\u202Eabc 1-2";
    private const string Shown = "银行\uFFFDabc 1-2";

    protected override async Task SeedAsync()
    {
        await Factory.CreateInstitutionAsync(Code, "371302");
        (await TestDatabases.ExecuteSqliteAsync(Factory.Location, "UPDATE institutions SET name = @name WHERE code = @code", new { name = Stored, code = Code }))
            .Should().Be(1);
    }

    [Test]
    public async Task StoredNameWithARightToLeftOverride_IsShownInertAndIsolated_OnTheInstitutionsPage()
    {
        await using var session = await SignInAsync(ComplianceApiFactory.AdminKey);
        var page = session.Page;

        await GoAsync(session, $"#/institutions/{Code}");

        var heading = page.Locator("main h1");
        await Assertions.Expect(heading).ToHaveTextAsync($"{Shown} ({Code})");
        (await heading.EvaluateAsync<string>(
            "(h, name) => { const e = [...h.querySelectorAll('*')].find(c => c.textContent === name); return e ? getComputedStyle(e).unicodeBidi : 'not in an element of its own'; }",
            Shown)).Should().Be("isolate");
        await GoAsync(session, "#/institutions");
        var cell = page.GetByRole(AriaRole.Table, new() { Name = "Institutions" }).Locator("tbody tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = Code }) }).Locator("td").First;
        await Assertions.Expect(cell).ToHaveTextAsync(Shown);
        (await page.EvaluateAsync<bool>("() => /[\\u202A-\\u202E\\u2066-\\u2069]/.test(document.body.textContent)")).Should().BeFalse();
        await session.AssertCleanAsync();
    }
}
