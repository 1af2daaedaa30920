using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Access;

/// <summary>
/// <c>GET /me</c>'s <c>name</c> (the key's own; <c>bootstrap</c> for the first admin key) and <c>latestPeriod</c>: the
/// latest period with an accepted ledger among the institutions the key may see, null where none, which the console
/// opens on.
/// </summary>
public sealed class MeTests
{
    private ComplianceApiFactory _factory = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory();
        using var linyi = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("ME3713", "371302"));
        using var beijing = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("ME1101", "110101"));
        await linyi.SubmitAcceptedAsync("2022-08", Example);
        await linyi.SubmitAcceptedAsync("2022-10", Example);
        await beijing.SubmitAcceptedAsync("2022-12", Example);
        // A rejected ledger is no accepted period.
        (await beijing.PostLedgerAsync("2023-01", "loan_id\n")).StatusCode.Should().Be(System.Net.HttpStatusCode.UnprocessableEntity);
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("3713", "2022-10")]
    [TestCase("37", "2022-10")]
    [TestCase("", "2022-12")]
    [TestCase("41", null)]
    public async Task Regulator_LatestPeriod_IsTheLatestAcceptedInItsJurisdiction(string jurisdiction, string? expected)
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateKeyAsync(new { name = $"监管{jurisdiction}", role = "regulator", jurisdiction }));

        var me = await regulator.GetJsonAsync("/api/v1/me");

        using (new AssertionScope())
        {
            (me["latestPeriod"]?.GetValue<string>()).Should().Be(expected);
            me.ContainsKey("latestPeriod").Should().BeTrue("latestPeriod is null, not absent, where nothing was accepted");
            me["name"]!.GetValue<string>().Should().Be($"监管{jurisdiction}");
        }
    }

    [Test]
    public async Task Institution_LatestPeriod_IsItsOwn()
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateKeyAsync(new { name = "临沂农商行报送", role = "institution", institution = "ME3713" }));

        var me = await bank.GetJsonAsync("/api/v1/me");

        using (new AssertionScope())
        {
            me["latestPeriod"]!.GetValue<string>().Should().Be("2022-10");
            me["name"]!.GetValue<string>().Should().Be("临沂农商行报送");
        }
    }

    [Test]
    public async Task BootstrapAdmin_IsNamedBootstrap_AndSeesEveryPeriod()
    {
        using var admin = _factory.Admin();

        var me = await admin.GetJsonAsync("/api/v1/me");

        using (new AssertionScope())
        {
            me["name"]!.GetValue<string>().Should().Be("bootstrap");
            me["latestPeriod"]!.GetValue<string>().Should().Be("2022-12");
        }
    }
}
