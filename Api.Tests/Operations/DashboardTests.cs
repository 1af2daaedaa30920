using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Tests.Operations;

/// <summary>
/// The Hangfire dashboard at <c>/hangfire</c> over real Kestrel (a loopback peer, as a browser on the node would be):
/// read-only by default, so a forged cross-site post changes no job; with <c>Compliance:Dashboard:Actions</c> every
/// post needs the page's antiforgery token and is audited; the daily sweep is registered again at every start.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed partial class DashboardTests(TestDatabase database)
{
    private const string Sweep = "deadline-sweep";

    [TestCase("/hangfire/recurring/trigger")]
    [TestCase("/hangfire/recurring/remove")]
    public async Task ReadOnly_ByDefault_AForgedCrossSitePostChangesNothing(string command)
    {
        using var factory = Factory();
        using var browser = Browser(factory.StartKestrel());

        var page = await browser.GetAsync("/hangfire/recurring");
        var forged = await browser.SendAsync(CrossSitePost(command));

        var audited = await AuditedAsync(factory, command);

        using var scope = new AssertionScope();
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        forged.IsSuccessStatusCode.Should().BeFalse();
        forged.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        RecurringJobs(factory).Should().ContainSingle(j => j.Id == Sweep).Which.LastJobId.Should().BeNull("no sweep was triggered");
        audited["status"]!.GetValue<int>().Should().Be(401);
        audited["keyId"].Should().BeNull();
        factory.Dispose();
        factory.DeleteDatabase();
    }

    [TestCase("/hangfire/recurring/trigger")]
    [TestCase("/hangfire/recurring/remove")]
    public async Task WithActions_APostWithoutTheToken_IsRefused(string command)
    {
        using var factory = Factory(new() { ["Compliance:Dashboard:Actions"] = "true" });
        using var browser = Browser(factory.StartKestrel());
        await browser.GetAsync("/hangfire/recurring");

        var forged = await browser.SendAsync(CrossSitePost(command));

        using var scope = new AssertionScope();
        forged.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        RecurringJobs(factory).Should().ContainSingle(j => j.Id == Sweep).Which.LastJobId.Should().BeNull("no sweep was triggered");
        factory.Dispose();
        factory.DeleteDatabase();
    }

    [Test]
    public async Task WithActions_APostWithThePagesToken_IsCarriedOut_AndTheSweepIsRegisteredAgainAtTheNextStart()
    {
        using var factory = Factory(new() { ["Compliance:Dashboard:Actions"] = "true" });
        using var browser = Browser(factory.StartKestrel());
        var page = await browser.GetStringAsync("/hangfire/recurring");
        var token = CsrfToken().Match(page);
        token.Success.Should().BeTrue("the dashboard's page carries its antiforgery token");
        using var remove = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/remove")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", Sweep)]),
        };
        remove.Headers.Add("RequestVerificationToken", token.Groups[1].Value);

        var removed = await browser.SendAsync(remove);
        var afterRemove = RecurringJobs(factory);
        var audited = await AuditedAsync(factory, "/hangfire/recurring/remove");
        factory.Dispose();
        using var restarted = new ComplianceApiFactory(database, factory.Location, Settings(new()));
        restarted.CreateClient().Dispose();

        using var scope = new AssertionScope();
        removed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        afterRemove.Should().NotContain(j => j.Id == Sweep);
        audited["status"]!.GetValue<int>().Should().Be(204);
        audited["method"]!.GetValue<string>().Should().Be("POST");
        audited["target"]!.GetValue<string>().Should().Be(Sweep, "the row names the jobs the post acted on");
        audited["count"]!.GetValue<long>().Should().Be(1);
        RecurringJobs(restarted).Should().ContainSingle(j => j.Id == Sweep, "every start registers the daily sweep again");
        restarted.Dispose();
        restarted.DeleteDatabase();
    }

    [TestCase("10.0.0.0/33")]
    [TestCase("dashboard.example")]
    public void AllowedNetworks_Malformed_StopsTheServerAtStart_NamingTheEntry(string networks)
    {
        using var factory = Factory(new() { ["Compliance:Dashboard:AllowedNetworks"] = networks });

        var start = () => factory.CreateClient();

        start.Should().Throw<OptionsValidationException>().WithMessage($"*Compliance:Dashboard:AllowedNetworks*'{networks}' is not a CIDR range*");
        factory.DeleteDatabase();
    }

    /// <summary>The audit row of a dashboard post to <paramref name="path"/>, once written (after the answer).</summary>
    private static async Task<JsonObject> AuditedAsync(ComplianceApiFactory factory, string path)
    {
        using var admin = factory.Admin();
        var rows = await Eventually.UntilAsync(
            async () => (await admin.GetJsonAsync("/api/v1/audit"))["items"]!.AsArray().Select(r => r!.AsObject()).Where(r => r["path"]!.GetValue<string>() == path).ToList(),
            rows => rows.Count > 0,
            $"the audit row of {path}");
        return rows.Should().ContainSingle().Subject;
    }

    private ComplianceApiFactory Factory(Dictionary<string, string?>? settings = null) => new(database, settings: Settings(settings ?? []));

    private static Dictionary<string, string?> Settings(Dictionary<string, string?> settings)
    {
        settings["Compliance:Deadlines:SweepAt"] = "09:00";
        return settings;
    }

    /// <summary>A browser on the node: keeps cookies, follows no redirect.</summary>
    private static HttpClient Browser(Uri address) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };

    /// <summary>What a form on another site posts: its own origin, the job's id, no token.</summary>
    private static HttpRequestMessage CrossSitePost(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([new("jobs[]", Sweep)]) };
        request.Headers.Add("Origin", "https://elsewhere.example");
        return request;
    }

    private static List<RecurringJobDto> RecurringJobs(ComplianceApiFactory factory)
    {
        using var connection = factory.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetRecurringJobs();
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([^"]+)">""")]
    private static partial Regex CsrfToken();
}
