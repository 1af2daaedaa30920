using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Exceptions;

/// <summary>
/// An event's <c>actor</c> (api.md, "Exceptions"): its role, and the id and name of the key that acted (the name null
/// for the system); an institution key sees a regulator's or an admin's actor as <c>{role}</c> alone.
/// </summary>
public sealed class EventActorTests
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;
    private HttpClient _regulator = null!;
    private string _regulatorKeyId = null!;
    private string _exception = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory();
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("EA3713", "371302"));
        _regulator = _factory.ClientWithKey(await _factory.CreateKeyAsync(new { name = "临沂监管科", role = "regulator", jurisdiction = "3713" }));
        _regulatorKeyId = (await _regulator.GetJsonAsync("/api/v1/me"))["keyId"]!.GetValue<string>();
        await _bank.SubmitAcceptedAsync("2022-12", Example);
        await _bank.WaitForAllEvaluationsAsync();
        _exception = (await _bank.ExceptionsAsync("&rule=BASELINE_MISSING&ruleSet=national")).Single()["id"]!.GetValue<string>();
        (await _regulator.PostAsJsonAsync($"/api/v1/exceptions/{_exception}/resolve", new { note = "已核实" })).EnsureSuccessStatusCode();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _bank?.Dispose();
        _regulator?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Regulator_SeesEachActorsRoleKeyAndName()
    {
        var events = await EventsAsync(_regulator);

        using (new AssertionScope())
        {
            events[0]["actor"]!.ToJsonString().Should().Be("""{"role":"system","name":null}""");
            events[^1]["actor"]!.AsObject().Select(p => (p.Key, p.Value!.GetValue<string>()))
                .Should().Equal(("role", "regulator"), ("keyId", _regulatorKeyId), ("name", "临沂监管科"));
        }
    }

    [Test]
    public async Task Institution_SeesARegulatorsActorAsItsRoleAlone()
    {
        var events = await EventsAsync(_bank);

        using (new AssertionScope())
        {
            events[0]["actor"]!.ToJsonString().Should().Be("""{"role":"system","name":null}""");
            events[^1]["actor"]!.ToJsonString().Should().Be("""{"role":"regulator"}""");
        }
    }

    private async Task<List<JsonObject>> EventsAsync(HttpClient client) =>
        [.. (await client.GetJsonAsync($"/api/v1/exceptions/{_exception}"))["events"]!.AsArray().Select(e => e!.AsObject())];
}
