using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Rules;

/// <summary>
/// A preview shows the draft's effect and nothing else (analytics.md, "Shadow replay"): a waiver of another set whose
/// <c>until</c> has passed, which the next evaluation reopens, is no part of it.
/// </summary>
public sealed class RuleSetPreviewDraftOnlyTests
{
    private const string SetId = "preview-equal";
    private const string Bank = "PE4190020";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private string _setException = "";
    private string _waived = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _factory = new ComplianceApiFactory();
        _admin = _factory.Admin();
        (await _admin.PutAsJsonAsync($"/api/v1/rule-sets/{SetId}", Draft(3))).EnsureSuccessStatusCode();
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Bank, "419002"));
        await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        _setException = (await _admin.ExceptionsAsync($"&institution={Bank}&ruleSet={SetId}&rule=NPL_TOLERANCE")).Single()["id"]!.GetValue<string>();
        // The national set's exception of the same rule, waived until the end of January; then February comes.
        _waived = (await _admin.ExceptionsAsync($"&institution={Bank}&ruleSet=national&rule=NPL_TOLERANCE")).Single()["id"]!.GetValue<string>();
        (await _admin.PostAsJsonAsync($"/api/v1/exceptions/{_waived}/waive", new { note = "疫情期间豁免", until = "2023-01-31" })).EnsureSuccessStatusCode();
        _factory.Clock.AdvanceDays(12);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    private static object Draft(int tolerancePp) => new
    {
        jurisdiction = "419002", scope = "cbirc", years = new { from = 2000 },
        rules = new[] { new { rule = "NPL_TOLERANCE", parameters = new Dictionary<string, object> { ["tolerancePp"] = tolerancePp } } },
    };

    private static List<string> Ids(JsonObject preview, string list, string field) => [.. preview[list]!.AsArray().Select(e => e![field]!.GetValue<string>())];

    [Test]
    public async Task ADraftEqualToTheSetInForce_PreviewsNothing_EvenWithALapsedWaiverOfAnotherSet()
    {
        var current = await _admin.GetJsonAsync($"/api/v1/rule-sets/{SetId}");

        var response = await _admin.PostAsJsonAsync($"/api/v1/rule-sets/{SetId}/preview?from=2022-01&to=2022-12", current);
        var preview = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK, preview.ToJsonString());
        (await _admin.GetJsonAsync($"/api/v1/exceptions/{_waived}"))["status"]!.GetValue<string>().Should().Be("waived", "its waiver ended, and the next evaluation would reopen it");
        preview["evaluated"]!.GetValue<int>().Should().Be(1);
        preview["opened"]!.AsArray().Should().BeEmpty();
        preview["cleared"]!.AsArray().Should().BeEmpty();
        preview["changed"]!.AsArray().Should().BeEmpty();
        preview["unchanged"]!.GetValue<int>().Should().Be(1);
    }

    [Test]
    public async Task AWiderTolerance_ClearsTheSetsOwnException_AndNothingOfAnotherSet()
    {
        var response = await _admin.PostAsJsonAsync($"/api/v1/rule-sets/{SetId}/preview?from=2022-01&to=2022-12", Draft(30));
        var preview = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK, preview.ToJsonString());
        Ids(preview, "cleared", "exceptionId").Should().Equal([_setException], "a 27 % inclusive NPL ratio is within 30 pp, and only this set's exception is the draft's to clear");
        preview["cleared"]![0]!["ruleSet"]!.GetValue<string>().Should().Be(SetId);
        preview["opened"]!.AsArray().Should().BeEmpty();
        preview["changed"]!.AsArray().Should().BeEmpty();
        preview["unchanged"]!.GetValue<int>().Should().Be(0);
    }
}
