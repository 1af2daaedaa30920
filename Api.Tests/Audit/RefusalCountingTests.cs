using System.Net;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Api.Tests.Audit;

/// <summary>
/// Refused requests in the audit log: one with a valid key is a row of its own; those without one (no key, an unknown
/// or a revoked key) are counted in one row per source address, route, status and minute, and past a thousand such rows
/// in a minute in one overflow row, so they cannot make the log grow faster than that.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class RefusalCountingTests(TestDatabase database)
{
    private static readonly Instant Start = Instant.FromUtc(2023, 1, 20, 2, 0, 5);

    [TestCase("made-up")]
    [TestCase("none")]
    public async Task RefusalsWithoutAValidKey_AThousandInOneMinute_AreOneRowCountingThemAll(string key)
    {
        using var factory = new ComplianceApiFactory(database, now: Start);
        using var admin = factory.Admin();
        var before = (await RowsAsync(admin)).Count;

        for (var i = 0; i < 1000; i++)
        {
            var status = await factory.SendAsync($"/api/v1/exceptions?n={i}", key: key == "none" ? null : $"cpl_made-up-key-{i:D4}-0123456789abcdef");
            status.Should().Be(StatusCodes.Status401Unauthorized);
            if (i == 0)
            {
                // A row is written once its answer has gone out: the first request's, before the next.
                await CountedAsync(admin, 1);
            }
        }

        var rows = await CountedAsync(admin, 1000);

        using var scope = new AssertionScope();
        rows.Count.Should().Be(before + 1, "a thousand refusals from one source to one route in one minute are one row");
        var row = rows.Single(r => r["status"]!.GetValue<int>() == 401);
        row["count"]!.GetValue<long>().Should().Be(1000);
        (row["method"]!.GetValue<string>(), row["path"]!.GetValue<string>(), row["route"]!.GetValue<string>(), row["query"]!.GetValue<string>())
            .Should().Be(("GET", "/api/v1/exceptions", "/api/v1/exceptions/", "?n=0"), "path and query are the first request's, the route its template");
        row["keyId"].Should().BeNull();
        row["role"].Should().BeNull();
        factory.DeleteDatabase();
    }

    [Test]
    public async Task RefusalsWithoutAValidKey_AThousandAtOnce_AreAllCounted_WhileAKeyHolderIsAnswered()
    {
        using var factory = new ComplianceApiFactory(database, now: Start);
        using var admin = factory.Admin();

        // Each row is written after its answer has gone out, so a flood's writes all wait at once: they queue for the
        // database instead of taking every connection the server has.
        var flood = Enumerable.Range(0, 1000).Select(i => factory.SendAsync($"/api/v1/exceptions?n={i}")).ToList();
        var statuses = await Task.WhenAll(flood);
        var meanwhile = await admin.GetAsync("/api/v1/institutions");
        var rows = await CountedAsync(admin, 1000);

        using var scope = new AssertionScope();
        statuses.Should().OnlyContain(s => s == StatusCodes.Status401Unauthorized);
        meanwhile.StatusCode.Should().Be(HttpStatusCode.OK, "a key holder is answered while the flood's rows are written");
        rows.Single(r => r["status"]!.GetValue<int>() == 401)["count"]!.GetValue<long>().Should().Be(1000, "no refusal is lost");
        factory.DeleteDatabase();
    }

    [Test]
    public async Task RefusalsWithoutAValidKey_AtUnmatchedPaths_AreOneRowWhoseRouteIsUnmatched()
    {
        using var factory = new ComplianceApiFactory(database, now: Start);
        using var admin = factory.Admin();

        for (var i = 0; i < 200; i++)
        {
            (await factory.SendAsync($"/api/v1/nothing-here-{i}")).Should().Be(StatusCodes.Status404NotFound);
            if (i == 0)
            {
                await CountedAsync(admin, 1);
            }
        }

        var rows = await CountedAsync(admin, 200);

        using var scope = new AssertionScope();
        var row = rows.Single(r => r["status"]!.GetValue<int>() == 404);
        (row["route"]!.GetValue<string>(), row["path"]!.GetValue<string>(), row["count"]!.GetValue<long>()).Should().Be(("(unmatched)", "/api/v1/nothing-here-0", 200));
        factory.DeleteDatabase();
    }

    [Test]
    public async Task RefusalsWithoutAValidKey_KeepTheFirstAndLatestTimes_AndTheNextMinuteStartsANewRow()
    {
        using var factory = new ComplianceApiFactory(database, now: Start);
        using var admin = factory.Admin();

        await factory.SendAsync("/api/v1/exceptions?first");
        await CountedAsync(admin, 1);
        factory.Clock.Advance(Duration.FromSeconds(40));
        await factory.SendAsync("/api/v1/exceptions?second");
        await CountedAsync(admin, 2);
        factory.Clock.Advance(Duration.FromSeconds(20));
        await factory.SendAsync("/api/v1/exceptions?third");
        var rows = await CountedAsync(admin, 3);

        using var scope = new AssertionScope();
        rows.Select(r => (At(r, "at"), At(r, "lastAt"), r["query"]!.GetValue<string>(), r["count"]!.GetValue<long>())).Should().BeEquivalentTo(
        [
            (Start, Start + Duration.FromSeconds(40), "?first", 2L),
            (Start + Duration.FromSeconds(60), Start + Duration.FromSeconds(60), "?third", 1L),
        ]);
        factory.DeleteDatabase();
    }

    [Test]
    public async Task RefusalsWithoutAValidKey_FromOneIpv6Slash64_ShareARow_OtherAddressesDoNot()
    {
        using var factory = new ComplianceApiFactory(database, now: Start);
        using var admin = factory.Admin();

        var rows = await OneByOneAsync(factory, admin,
            ("?a", "2001:db8:1:2::1", null),
            ("?a", "2001:db8:1:2:ffff:ffff:ffff:fffe", null),
            ("?b", "2001:db8:1:3::1", null),
            ("?c", "192.0.2.1", null),
            ("?c", "::ffff:192.0.2.1", null),
            ("?d", "192.0.2.2", null));

        Counts(rows).Should().BeEquivalentTo(new Dictionary<string, long> { ["?a"] = 2, ["?b"] = 1, ["?c"] = 2, ["?d"] = 1 });
        factory.DeleteDatabase();
    }

    [Test]
    public async Task RefusalsWithoutAValidKey_AreCountedByTheForwardedAddress_OnlyWhenThePeerIsATrustedProxy()
    {
        using var factory = new ComplianceApiFactory(database, now: Start, settings: new Dictionary<string, string?>
        {
            ["Compliance:Http:TrustedProxies"] = "10.9.0.0/16, 10.8.0.1",
        });
        using var admin = factory.Admin();
        const string proxy = "10.9.0.5", otherProxy = "10.8.0.1", stranger = "192.0.2.1";

        var rows = await OneByOneAsync(factory, admin,
            ("?a", proxy, "203.0.113.7"),
            // The right-most address that is not a trusted proxy: what the client wrote to the left of it is not believed.
            ("?a2", otherProxy, "198.51.100.1, 203.0.113.7, 10.9.0.6"),
            ("?b", proxy, "203.0.113.8"),
            ("?c", stranger, "203.0.113.7"),
            ("?c2", stranger, "203.0.113.8"),
            ("?d", proxy, null));

        Counts(rows).Should().BeEquivalentTo(new Dictionary<string, long> { ["?a"] = 2, ["?b"] = 1, ["?c"] = 2, ["?d"] = 1 });
        factory.DeleteDatabase();
    }

    [TestCase("10.0.0.0/33")]
    [TestCase("10.9.0.1, proxy.local")]
    public void TrustedProxies_Malformed_StopsTheServerAtStart_NamingTheKeyAndTheEntry(string trustedProxies)
    {
        using var factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Http:TrustedProxies"] = trustedProxies });

        var start = () => factory.CreateClient();

        start.Should().Throw<OptionsValidationException>()
            .WithMessage($"*Compliance:Http:TrustedProxies*'{trustedProxies.Split(',')[^1].Trim()}'*");
        factory.DeleteDatabase();
    }

    [Test]
    public async Task RefusalWithoutAValidKey_KeepsPathAndQueryCutTo256Characters()
    {
        using var factory = new ComplianceApiFactory(database, now: Start);
        using var admin = factory.Admin();
        var path = "/api/v1/" + new string('p', 1000);
        var query = "?" + new string('q', 1000);

        await factory.SendAsync(path + query);
        var row = (await CountedAsync(admin, 1)).Single(r => r["status"]!.GetValue<int>() == 404);

        using var scope = new AssertionScope();
        row["path"]!.GetValue<string>().Should().Be(path[..256]);
        row["query"]!.GetValue<string>().Should().Be(query[..256]);
        factory.DeleteDatabase();
    }

    [Test]
    public async Task RefusalsWithoutAValidKey_PastAThousandRowsInAMinute_GoToOneOverflowRow()
    {
        using var factory = new ComplianceApiFactory(database, now: Start);
        using var admin = factory.Admin();

        for (var i = 0; i < 1005; i++)
        {
            await factory.SendAsync($"/api/v1/exceptions?n={i}", from: new IPAddress([10, 1, (byte)(i / 256), (byte)(i % 256)]));
            if (i == 999)
            {
                // Each row is written once its answer has gone out: the thousand first, then the rest.
                await CountedAsync(admin, 1000);
            }
        }

        await factory.SendAsync("/api/v1/exceptions?again", from: new IPAddress([10, 1, 0, 0]));
        var rows = await CountedAsync(admin, 1006);
        factory.Clock.Advance(Duration.FromMinutes(1));
        await factory.SendAsync("/api/v1/exceptions?next-minute", from: new IPAddress([10, 2, 0, 0]));
        var later = await CountedAsync(admin, 1007);

        using var scope = new AssertionScope();
        rows.Should().HaveCount(1001, "a thousand rows of their own, then one overflow row");
        var overflow = rows.Where(r => r["route"]!.GetValue<string>() == "(overflow)").Should().ContainSingle().Subject;
        overflow["count"]!.GetValue<long>().Should().Be(5);
        overflow["query"]!.GetValue<string>().Should().BeOneOf(Enumerable.Range(1000, 5).Select(i => $"?n={i}"), "the overflow row keeps the first's");
        rows.Single(r => r["query"]!.GetValue<string>() == "?n=0")["count"]!.GetValue<long>().Should().Be(2, "a source that has its row keeps adding to it");
        later.Where(r => r["query"]!.GetValue<string>() == "?next-minute").Should().ContainSingle()
            .Which["route"]!.GetValue<string>().Should().Be("/api/v1/exceptions/", "the next minute has rows of its own again");
        factory.DeleteDatabase();
    }

    [Test]
    public async Task RefusalsWithAValidKey_AreRowsOfTheirOwn_AndWritesCarryTheirRoute()
    {
        using var factory = new ComplianceApiFactory(database, now: Start);
        using var admin = factory.Admin();
        var bankKey = await factory.CreateInstitutionAsync("R1", "371302");
        using var bank = factory.ClientWithKey(bankKey);

        (await bank.GetAsync("/api/v1/submissions/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await bank.GetAsync("/api/v1/submissions/999998")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await bank.GetAsync("/api/v1/audit")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await admin.GetAsync("/api/v1/audit?from=January")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var rows = await Eventually.UntilAsync(
            () => RowsAsync(admin),
            found => found.Count(r => r["status"]!.GetValue<int>() >= 400) == 4,
            "the four refusals to be audited");

        using var scope = new AssertionScope();
        var refused = rows.Where(r => r["status"]!.GetValue<int>() >= 400).ToList();
        refused.Select(r => (r["path"]!.GetValue<string>(), r["route"]!.GetValue<string>(), r["status"]!.GetValue<int>(), r["role"]!.GetValue<string>(), r["count"]!.GetValue<long>()))
            .Should().BeEquivalentTo(
            [
                ("/api/v1/submissions/999999", "/api/v1/submissions/{id}", 404, "institution", 1L),
                ("/api/v1/submissions/999998", "/api/v1/submissions/{id}", 404, "institution", 1L),
                ("/api/v1/audit", "/api/v1/audit", 403, "institution", 1L),
                ("/api/v1/audit", "/api/v1/audit", 400, "admin", 1L),
            ]);
        refused.Should().OnlyContain(r => r["keyId"] != null && At(r, "lastAt") == At(r, "at"));
        var created = rows.Single(r => r["path"]!.GetValue<string>() == "/api/v1/institutions");
        (created["route"]!.GetValue<string>(), created["count"]!.GetValue<long>(), At(created, "lastAt")).Should().Be(("/api/v1/institutions/", 1L, At(created, "at")));
        factory.DeleteDatabase();
    }

    private static Instant At(JsonObject row, string field) => InstantPattern.ExtendedIso.Parse(row[field]!.GetValue<string>()).Value;

    /// <summary>The counts of the rows refused without a key, by the query of their first request.</summary>
    private static Dictionary<string, long> Counts(IEnumerable<JsonObject> rows) =>
        rows.Where(r => r["keyId"] is null).ToDictionary(r => r["query"]!.GetValue<string>(), r => r["count"]!.GetValue<long>());

    /// <summary>
    /// Sends <c>GET /api/v1/exceptions</c> with each query, from each peer address, each once the one before is counted
    /// (a row is written after its answer has gone out, so which came first is known); returns every row.
    /// </summary>
    private static async Task<List<JsonObject>> OneByOneAsync(ComplianceApiFactory factory, HttpClient admin, params (string Query, string From, string? ForwardedFor)[] requests)
    {
        var rows = new List<JsonObject>();
        for (var i = 0; i < requests.Length; i++)
        {
            var (query, from, forwardedFor) = requests[i];
            await factory.SendAsync("/api/v1/exceptions" + query, IPAddress.Parse(from), forwardedFor);
            rows = await CountedAsync(admin, i + 1);
        }

        return rows;
    }

    /// <summary>Waits until the rows refused without a key count <paramref name="requests"/> in all, and returns every row.</summary>
    private static Task<List<JsonObject>> CountedAsync(HttpClient admin, long requests) =>
        Eventually.UntilAsync(
            () => RowsAsync(admin),
            rows => rows.Where(r => r["keyId"] is null).Sum(r => r["count"]?.GetValue<long>() ?? 1) == requests,
            $"{requests} refusals without a key to be counted");

    /// <summary>Every row of the audit log, page by page, read again where a row came between two pages.</summary>
    private static async Task<List<JsonObject>> RowsAsync(HttpClient admin)
    {
        while (true)
        {
            var rows = new List<JsonObject>();
            var totals = new HashSet<long>();
            for (var page = 1; ; page++)
            {
                var answer = await admin.GetJsonAsync($"/api/v1/audit?pageSize=500&page={page}");
                totals.Add(answer["total"]!.GetValue<long>());
                var items = answer["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
                rows.AddRange(items);
                if (items.Count < 500)
                {
                    break;
                }
            }

            if (totals.Count == 1 && totals.Single() == rows.Count)
            {
                return rows;
            }
        }
    }
}
