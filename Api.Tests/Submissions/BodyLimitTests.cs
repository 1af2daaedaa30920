using System.Net;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Submissions;

/// <summary>Compliance:Ingest:MaxBytes: a larger body is refused with 413 and leaves nothing behind.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class BodyLimitTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Ingest:MaxBytes"] = "2000" });
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("C1", "110101"));
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _bank?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task BodyOverTheLimit_Answers413_AndStoresNothing()
    {
        var csv = Ledgers.Csv(Enumerable.Range(1, 40).Select(i => Ledgers.Row($"L{i}", borrowerId: $"B{i}")).ToArray());

        var response = await _bank.PostLedgerAsync("2022-12", csv);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.JsonAsync())["type"]!.GetValue<string>().Should().Be("/problems/payload-too-large");
        (await _bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(0);
    }

    [Test]
    public async Task BodyWithinTheLimit_IsAccepted()
    {
        var response = await _bank.PostLedgerAsync("2022-12", Ledgers.Csv(Ledgers.Row("L1")));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }
}
