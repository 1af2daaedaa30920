using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Submissions;

/// <summary>
/// <c>GET /institutions/{code}/indicators</c> carries each period's growth since the December before, as the engine
/// computes it (<see cref="Peers"/>), with 4 decimals: inclusive 200,000 → 300,000 → 233,333.33 and total 1,000,000 →
/// 1,200,000 → 1,133,333.33 over 2021-12, 2022-06 and 2022-12.
/// </summary>
public sealed class IndicatorGrowthTests
{
    private const string Bank = "IG-B1";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory();
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Bank, "410101"));
        foreach (var (period, inclusive, other) in new[] { ("2021-12", 200_000m, 800_000m), ("2022-06", 300_000m, 900_000m), ("2022-12", 233_333.33m, 900_000m) })
        {
            await _bank.SubmitAcceptedAsync(period, Ledgers.Csv(
                Ledgers.Row("L1", borrowerId: "B1", balance: inclusive),
                Ledgers.Row("L2", borrowerId: "B2", borrowerType: "large", creditLine: 500_000_000m, guarantee: "pledge", balance: other)));
        }
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _bank?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Indicators_OfARangeAfterItsDecember_CarryTheGrowthSinceThatDecember_WithFourDecimals()
    {
        var items = await ItemsAsync("2022-06", "2022-12");

        using var scope = new AssertionScope();
        items.Select(i => i["period"]!.GetValue<string>()).Should().Equal("2022-06", "2022-12");
        Growths(items[0]).Should().Be((50.0000m, 20.0000m, 30.0000m));
        Growths(items[1]).Should().Be((16.6667m, 13.3333m, 3.3333m));
        items[1]["inclusiveGrowthYtd"]!.ToJsonString().Should().Be("16.6667");
    }

    [Test]
    public async Task Indicators_Growths_AreTheEnginesMeasures()
    {
        var december = (await ItemsAsync("2021-12", "2021-12")).Single();

        var items = await ItemsAsync("2022-06", "2022-12");

        using var scope = new AssertionScope();
        foreach (var item in items)
        {
            foreach (var measure in new[] { Peers.InclusiveGrowthYtd, Peers.TotalGrowthYtd, Peers.GrowthGapPp })
            {
                var expected = Peers.Of(measure, Snapshot(item), Snapshot(december))!.Value;
                item[measure]!.GetValue<decimal>().Should().Be(Math.Round(expected, 4, MidpointRounding.AwayFromZero), measure);
            }
        }
    }

    [Test]
    public async Task Indicators_OfAPeriodWithoutTheDecemberBefore_HaveNullGrowths()
    {
        var item = (await ItemsAsync("2021-12", "2021-12")).Single();

        using var scope = new AssertionScope();
        foreach (var measure in new[] { "inclusiveGrowthYtd", "totalGrowthYtd", "growthGapPp" })
        {
            item.ContainsKey(measure).Should().BeTrue(measure);
            item[measure].Should().BeNull(measure);
        }
    }

    private async Task<List<JsonObject>> ItemsAsync(string from, string to) =>
        [.. (await _bank.GetJsonAsync($"/api/v1/institutions/{Bank}/indicators?from={from}&to={to}"))["items"]!.AsArray().Select(i => i!.AsObject())];

    private static (decimal?, decimal?, decimal?) Growths(JsonObject item) =>
        ((decimal?)item["inclusiveGrowthYtd"], (decimal?)item["totalGrowthYtd"], (decimal?)item["growthGapPp"]);

    private static IndicatorSnapshot Snapshot(JsonObject item) =>
        new() { InclusiveBalance = item["inclusiveBalance"]!.GetValue<decimal>(), TotalBalance = item["totalBalance"]!.GetValue<decimal>() };
}
