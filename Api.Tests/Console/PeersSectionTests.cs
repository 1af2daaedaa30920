using System.Net.Http.Json;
using Compliance.Api.Tests.Console.Support;
using Compliance.Api.Tests.Support;
using Microsoft.Playwright;

namespace Compliance.Api.Tests.Console;

/// <summary>
/// The peers section of an institution's page shows the figures the API sends, and no column for those it does not:
/// five village banks in Hubei (42) that filed December 2022 only, so all five have a credit share and none has a
/// growth. Their own keys are sent each group's size and their percentile; a regulator every figure.
/// </summary>
public sealed class PeersSectionTests : ConsoleFixture
{
    private const string Bank = "PS-V0";
    private const string Period = "2022-12";

    private string _bankKey = "";
    private string _regulator = "";

    protected override async Task SeedAsync()
    {
        using var admin = Factory.Admin();
        for (var i = 0; i < 5; i++)
        {
            var code = $"PS-V{i}";
            (await admin.PostAsJsonAsync("/api/v1/institutions", new
            {
                code, name = $"村镇银行 {i}", category = "village", localLegalPerson = true, regionCode = "420102", reportingFrom = "2022-01",
            })).EnsureSuccessStatusCode();
            var key = await Factory.CreateKeyAsync(new { name = $"{code} key", role = "institution", institution = code });
            using var bank = Factory.ClientWithKey(key);
            await bank.SubmitAcceptedAsync(Period, Ledgers.Csv(
                Ledgers.Row("L1", amount: 200_000m, balance: 20_000m * (i + 1)),
                Ledgers.Row("L2", borrowerId: "B2", guarantee: "guarantee", amount: 200_000m, balance: 100_000m)));
            if (code == Bank)
            {
                _bankKey = key;
            }
        }

        _regulator = await Factory.CreateRegulatorAsync("42");
        await admin.WaitForAllEvaluationsAsync();
    }

    [Test]
    public async Task TheInstitution_SeesItsGroupsSizeAndItsPercentile_AndNoColumnOfFiguresItIsNotSent()
    {
        await using var session = await SignInAsync(_bankKey);

        await GoAsync(session, $"#/institutions/{Bank}?period={Period}");

        var peers = session.Page.GetByRole(AriaRole.Region, new() { Name = "Peers" });
        var table = peers.GetByRole(AriaRole.Table, new() { Name = $"Peers in {Period}" });
        await Assertions.Expect(table.Locator("thead th")).ToHaveTextAsync(["Measure", "Value", "Group", "Members", "Percentile"]);
        var share = table.Locator("tbody tr").Filter(new() { Has = session.Page.GetByRole(AriaRole.Rowheader, new() { Name = "Credit share", Exact = true }) });
        await Assertions.Expect(share.Locator("td")).ToHaveTextAsync(["16.67%", "Village bank (42)", "5", "0"]);
        // The growths have no group: too few peers.
        await Assertions.Expect(peers).ToContainTextAsync("fewer than 5 peers");
        await session.AssertCleanAsync();
    }

    [Test]
    public async Task ARegulator_SeesEveryFigureOfTheGroup()
    {
        await using var session = await SignInAsync(_regulator);

        await GoAsync(session, $"#/institutions/{Bank}?period={Period}");

        var table = session.Page.GetByRole(AriaRole.Region, new() { Name = "Peers" }).GetByRole(AriaRole.Table, new() { Name = $"Peers in {Period}" });
        await Assertions.Expect(table.Locator("thead th")).ToHaveTextAsync(["Measure", "Value", "Group", "Members", "Min", "Q1", "Median", "Q3", "Max", "Percentile"]);
        var share = table.Locator("tbody tr").Filter(new() { Has = session.Page.GetByRole(AriaRole.Rowheader, new() { Name = "Credit share", Exact = true }) });
        // Credit shares of 20/120, 40/140, 60/160, 80/180 and 100/200.
        await Assertions.Expect(share.Locator("td")).ToHaveTextAsync(["16.67%", "Village bank (42)", "5", "16.67%", "28.57%", "37.50%", "44.44%", "50.00%", "0"]);
        await session.AssertCleanAsync();
    }
}
