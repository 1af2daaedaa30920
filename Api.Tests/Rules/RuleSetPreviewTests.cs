using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Rules;

/// <summary>
/// The preview of a rule-set change (analytics.md, "Shadow replay"): it lists what a re-evaluation with the draft then
/// does, and writes nothing. The database is read beside the server, so the fixture runs on its SQLite file.
/// </summary>
public sealed class RuleSetPreviewTests
{
    private const string SetId = "preview-local";
    private const string Bank = "PV4190001";
    private static readonly string[] Tables = ["exceptions", "exception_events", "submissions", "rule_sets", "snapshots"];

    private static readonly string[] Lists = ["opened", "cleared", "changed"];

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(TestDatabase.Sqlite);
        _admin = _factory.Admin();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Preview_ListsWhatTheReevaluationThenDoes_AndWritesNothing()
    {
        (await _admin.PutAsJsonAsync($"/api/v1/rule-sets/{SetId}", Set(3))).EnsureSuccessStatusCode();
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Bank, "419001"));
        foreach (var period in new[] { "2022-10", "2022-11", "2022-12" })
        {
            await bank.SubmitAcceptedAsync(period, Example);
        }

        await bank.WaitForAllEvaluationsAsync();
        var local = await _admin.ExceptionsAsync($"&institution={Bank}&ruleSet={SetId}&rule=NPL_TOLERANCE");
        local.Should().HaveCount(3, "a 27 % inclusive NPL ratio is beyond a 3 pp tolerance");
        var resolved = local.Single(e => e["period"]!.GetValue<string>() == "2022-11")["id"]!.GetValue<string>();
        (await _admin.PostAsJsonAsync($"/api/v1/exceptions/{resolved}/resolve", new { note = "已核实" })).EnsureSuccessStatusCode();
        // The draft adds a growth rule whose baselines are missing, and the rule that reports them: it opens exceptions of the local set.
        const string added = "BASELINE_MISSING";
        (await _admin.ExceptionsAsync($"&institution={Bank}&ruleSet=national&rule={added}")).Should().NotBeEmpty();
        var before = await ExceptionsOf(Bank);
        var hashBefore = await HashAsync();

        var response = await _admin.PostAsJsonAsync($"/api/v1/rule-sets/{SetId}/preview?from=2022-01&to=2022-12", Set(30, "INCLUSIVE_GROWTH", added));
        var preview = await response.JsonAsync();
        var hashAfter = await HashAsync();

        (await _admin.PutAsJsonAsync($"/api/v1/rule-sets/{SetId}", Set(30, "INCLUSIVE_GROWTH", added))).EnsureSuccessStatusCode();
        (await _admin.PostAsync($"/api/v1/evaluations?institution={Bank}&from=2022-01&to=2022-12", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await bank.WaitForAllEvaluationsAsync();
        var after = await ExceptionsOf(Bank);

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK, preview.ToJsonString());
        hashAfter.Should().Be(hashBefore, "a preview writes nothing");
        preview["draft"]!["id"]!.GetValue<string>().Should().Be(SetId);
        preview["draft"]!["basedOn"]!.GetValue<int>().Should().Be(1);
        preview["evaluated"]!.GetValue<int>().Should().Be(3);
        preview["unchanged"]!.GetValue<int>().Should().Be(3 - Lists.SelectMany(list => preview[list]!.AsArray().Select(e => e!["period"]!.GetValue<string>())).Distinct().Count());
        preview["elapsedMs"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);

        var opened = after.Values.Where(e => e.Status == "open" && (!before.TryGetValue(e.Id, out var was) || was.Status != "open" && was.Status != "explained"))
            .Select(e => (e.Institution, e.Period, e.RuleSet, e.Rule)).ToList();
        var cleared = after.Values.Where(e => e.Status == "cleared" && before[e.Id].Status is "open" or "explained").Select(e => e.Id).ToList();
        var changed = after.Values.Where(e => before.TryGetValue(e.Id, out var was) && was.Status is "open" or "explained" && e.Status is "open" or "explained"
            && was.Severity != e.Severity).Select(e => e.Id).ToList();
        opened.Should().NotBeEmpty().And.OnlyContain(o => o.RuleSet == SetId && o.Rule == added);
        cleared.Should().HaveCount(2, "the resolved exception stays resolved");
        cleared.Should().NotContain(resolved);

        preview["opened"]!.AsArray().Select(o => (o!["institution"]!.GetValue<string>(), o["period"]!.GetValue<string>(), o["ruleSet"]!.GetValue<string>(), o["rule"]!.GetValue<string>()))
            .Should().BeEquivalentTo(opened);
        preview["opened"]!.AsArray().Should().OnlyContain(o => o!["severity"] != null && o["figures"] is JsonObject);
        preview["cleared"]!.AsArray().Select(c => c!["exceptionId"]!.GetValue<string>()).Should().BeEquivalentTo(cleared);
        preview["changed"]!.AsArray().Select(c => c!["exceptionId"]!.GetValue<string>()).Should().BeEquivalentTo(changed);
    }

    [Test]
    public async Task Preview_Refuses_AsAnalyticsAccessSays()
    {
        using var institution = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("PV3701001", "370101"));
        using var shandong = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));
        using var jinan = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3701"));
        var current = await _admin.GetJsonAsync("/api/v1/rule-sets/shandong");
        var national = Set(3) with { Jurisdiction = "" };
        var inside = Set(3) with { Jurisdiction = "3702" };
        const string Range = "?from=2022-01&to=2022-12";

        using var scope = new AssertionScope();
        (await shandong.PostAsJsonAsync($"/api/v1/rule-sets/shandong/preview{Range}", current)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await shandong.PostAsJsonAsync($"/api/v1/rule-sets/shandong/preview{Range}", national)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the draft is wider than its jurisdiction");
        (await shandong.PostAsJsonAsync($"/api/v1/rule-sets/national/preview{Range}", inside)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the set is wider than its jurisdiction");
        (await jinan.PostAsJsonAsync($"/api/v1/rule-sets/shandong/preview{Range}", current)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await institution.PostAsJsonAsync($"/api/v1/rule-sets/shandong/preview{Range}", current)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _admin.PostAsJsonAsync($"/api/v1/rule-sets/no-such-set/preview{Range}", national)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _admin.PostAsJsonAsync("/api/v1/rule-sets/shandong/preview?from=2022-01", current)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.PostAsJsonAsync("/api/v1/rule-sets/shandong/preview?to=2022-12", current)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var noScope = await _admin.PostAsJsonAsync($"/api/v1/rule-sets/shandong/preview{Range}", new { jurisdiction = "37", years = new { from = 2022 }, rules = new[] { new { rule = "NPL_TOLERANCE" } } });
        noScope.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await noScope.JsonAsync())["errors"]!["scope"].Should().NotBeNull();
    }

    private static Draft Set(int tolerancePp, params string[] also) => new(
        "419001", "cbirc", new Years(2000),
        [new Spec("NPL_TOLERANCE", new Dictionary<string, object> { ["tolerancePp"] = tolerancePp }), .. also.Select(rule => new Spec(rule, null))]);

    private async Task<Dictionary<string, Stored>> ExceptionsOf(string institution) =>
        (await _admin.ExceptionsAsync($"&institution={institution}")).Select(e => new Stored(
            e["id"]!.GetValue<string>(), e["institution"]!.GetValue<string>(), e["period"]!.GetValue<string>(), e["ruleSet"]?["id"]?.GetValue<string>() ?? "",
            e["rule"]!.GetValue<string>(), e["severity"]!.GetValue<string>(), e["status"]!.GetValue<string>())).ToDictionary(e => e.Id);

    /// <summary>A hash of every row of the tables a preview reads, read from the SQLite file beside the server.</summary>
    private async Task<string> HashAsync()
    {
        var text = new StringBuilder();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_factory.Location};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        foreach (var table in Tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY rowid";
            await using var reader = await command.ExecuteReaderAsync();
            text.Append(table).Append('\n');
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }

                text.Append('\n');
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private sealed record Years(int From);

    private sealed record Spec(string Rule, Dictionary<string, object>? Parameters);

    private sealed record Draft(string Jurisdiction, string Scope, Years Years, Spec[] Rules);

    private sealed record Stored(string Id, string Institution, string Period, string RuleSet, string Rule, string Severity, string Status);
}
