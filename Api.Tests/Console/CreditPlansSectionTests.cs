using System.Net.Http.Json;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The institution's page shows whether it is a legal person or a branch, its level and its parent (a link), and its
/// credit plans with their history; an admin or a regulator over it records a year's plan there (console.md, "Names
/// the tests rely on": a region "Credit plans" with "Year", "Planned increase (yuan)", "Note" and "Save plan"). Two
/// branches of a large bank in Linyi: a municipal one, and a county one that reports to it and has a plan of 2023 in
/// two versions.
/// </summary>
public sealed class CreditPlansSectionTests : ConsoleFixture
{
    private const string Municipal = "CPS-M";
    private const string County = "CPS-C";

    private string _regulator = "";
    private string _bankKey = "";

    protected override async Task SeedAsync()
    {
        using var admin = Factory.Admin();
        foreach (var (code, level, parent) in new[] { (Municipal, "municipal", (string?)null), (County, "county", Municipal) })
        {
            (await admin.PostAsJsonAsync("/api/v1/institutions", new
            {
                code, name = $"临沂{code}", category = "large_state", legalPerson = false, localLegalPerson = false, level, parent, regionCode = "371302",
            })).EnsureSuccessStatusCode();
        }

        (await admin.PutAsJsonAsync($"/api/v1/institutions/{County}/credit-plans/2023", new { inclusiveIncrease = 1_000_000m, note = "总行下达" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/institutions/{County}/credit-plans/2023", new { inclusiveIncrease = 1_200_000.5m, note = "总行追加" })).EnsureSuccessStatusCode();
        _regulator = await Factory.CreateRegulatorAsync("3713");
        _bankKey = await Factory.CreateKeyAsync(new { name = "县支行", role = "institution", institution = County });
    }

    [Test]
    public async Task ARegulator_SeesTheBranchItsLevelParentAndPlans_AndRecordsAPlan()
    {
        await using var session = await SignInAsync(_regulator);
        var page = session.Page;

        await GoAsync(session, $"#/institutions/{County}");

        var about = page.Locator("main .inst-about");
        await Assertions.Expect(about).ToContainTextAsync("Legal status: Branch");
        await Assertions.Expect(about).ToContainTextAsync("Level: County");
        await Assertions.Expect(about.GetByRole(AriaRole.Link, new() { Name = Municipal })).ToHaveAttributeAsync("href", $"#/institutions/{Municipal}");
        var plans = page.GetByRole(AriaRole.Region, new() { Name = "Credit plans" });
        var table = plans.GetByRole(AriaRole.Table, new() { Name = "Credit plans by year (the inclusive increase the head office hands down)" });
        var row = table.Locator(":scope > tbody > tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator(":scope > th")).ToHaveTextAsync("2023");
        await Assertions.Expect(row.Locator(":scope > td").Nth(0)).ToHaveTextAsync("CNY 1,200,000.50");
        await Assertions.Expect(row.Locator(":scope > td").Nth(1)).ToHaveTextAsync("总行追加");
        await Assertions.Expect(row.Locator(":scope > td").Nth(3)).ToHaveTextAsync("bootstrap (Admin)");
        await row.GetByText("Earlier versions (1)").ClickAsync();
        var earlier = plans.GetByRole(AriaRole.Table, new() { Name = "Earlier versions of the 2023 credit plan" });
        await Assertions.Expect(earlier.Locator("tbody td").First).ToHaveTextAsync("CNY 1,000,000.00");
        await Assertions.Expect(earlier).ToContainTextAsync("总行下达");

        await plans.GetByLabel("Year").FillAsync("2024");
        await plans.GetByLabel("Planned increase (yuan)").FillAsync("1500000.25");
        await plans.GetByLabel("Note").FillAsync("2024 年总行下达计划");
        await plans.GetByRole(AriaRole.Button, new() { Name = "Save plan" }).ClickAsync();

        await Assertions.Expect(plans.Locator(".cp-result")).ToContainTextAsync("The 2024 credit plan is saved (version 1)");
        await Assertions.Expect(row).ToHaveCountAsync(2);
        await Assertions.Expect(row.First.Locator(":scope > th")).ToHaveTextAsync("2024");
        await Assertions.Expect(row.First.Locator(":scope > td").Nth(0)).ToHaveTextAsync("CNY 1,500,000.25");
        await Assertions.Expect(row.First.Locator(":scope > td").Nth(3)).ToHaveTextAsync("regulator 3713 (Regulator)");
        using var admin = Factory.Admin();
        var stored = (await admin.GetJsonAsync($"/api/v1/institutions/{County}/credit-plans"))["items"]![0]!;
        stored["year"]!.GetValue<int>().Should().Be(2024);
        stored["inclusiveIncrease"]!.GetValue<decimal>().Should().Be(1_500_000.25m);
        stored["note"]!.GetValue<string>().Should().Be("2024 年总行下达计划");
        stored["setBy"]!["role"]!.GetValue<string>().Should().Be("regulator");
        await session.ScreenshotAsync("institution-credit-plans");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ARegulator_SavingAPlanWithoutANote_IsToldWhatIsMissing_AndNothingIsStored()
    {
        await using var session = await SignInAsync(_regulator);
        await GoAsync(session, $"#/institutions/{Municipal}");
        var plans = session.Page.GetByRole(AriaRole.Region, new() { Name = "Credit plans" });
        await Assertions.Expect(plans).ToContainTextAsync("No credit plan is recorded yet.");

        await plans.GetByLabel("Year").FillAsync("2023");
        await plans.GetByLabel("Planned increase (yuan)").FillAsync("1000");
        await plans.GetByRole(AriaRole.Button, new() { Name = "Save plan" }).ClickAsync();

        (await plans.GetByLabel("Note").EvaluateAsync<bool>("e => e.validity.valueMissing")).Should().BeTrue();
        using var admin = Factory.Admin();
        (await admin.GetJsonAsync($"/api/v1/institutions/{Municipal}/credit-plans"))["items"]!.AsArray().Should().BeEmpty();
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task TheBranchItself_ReadsItsPlansBySetterRole_AndHasNoFormToChangeThem()
    {
        await using var session = await SignInAsync(_bankKey);

        await GoAsync(session, $"#/institutions/{County}");

        var plans = session.Page.GetByRole(AriaRole.Region, new() { Name = "Credit plans" });
        var row = plans.Locator("table.credit-plans > tbody > tr").Filter(new() { Has = session.Page.GetByRole(AriaRole.Rowheader, new() { Name = "2023" }) });
        await Assertions.Expect(row.Locator(":scope > td").Nth(3)).ToHaveTextAsync("Admin");
        await Assertions.Expect(plans.GetByRole(AriaRole.Button, new() { Name = "Save plan" })).ToHaveCountAsync(0);
        await Assertions.Expect(plans.GetByLabel("Planned increase (yuan)")).ToHaveCountAsync(0);
        await session.AssertCleanAsync();
    }
}
