using System.Net;
using System.Text;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Hardening;

/// <summary>What one client may send: query, headers and JSON bodies within their limits; ledgers within theirs.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class LimitsTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?>
        {
            ["Compliance:Limits:MaxQueryBytes"] = "512",
            ["Compliance:Limits:MaxHeaderBytes"] = "4096",
            ["Compliance:Limits:MaxJsonBodyBytes"] = "2048",
            ["Compliance:Limits:MaxPathBytes"] = "512",
            ["Compliance:Limits:MaxHeaderCount"] = "20",
        });
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
    public async Task QueryString_LongerThanTheLimit_Is414()
    {
        var response = await _admin.GetAsync("/api/v1/exceptions?rule=" + new string('x', 600));

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestUriTooLong, "uri-too-long");
    }

    [Test]
    public async Task QueryString_WithinTheLimit_IsServed()
    {
        var response = await _admin.GetAsync("/api/v1/exceptions?rule=" + new string('x', 400));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Headers_LargerThanTheLimit_Are431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/exceptions");
        request.Headers.Add("X-Padding", new string('p', 5000));

        var response = await _admin.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "headers-too-large");
    }

    [Test]
    public async Task Path_LongerThanTheLimit_Is414()
    {
        var response = await _admin.GetAsync("/api/v1/institutions/" + new string('x', 600));

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestUriTooLong, "uri-too-long");
    }

    [Test]
    public async Task Path_WithinTheLimit_IsServed()
    {
        var response = await _admin.GetAsync("/api/v1/institutions/" + new string('x', 400));

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task Headers_MoreThanTheLimit_Are431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/exceptions");
        for (var i = 0; i < 20; i++)
        {
            request.Headers.Add($"X-Header-{i}", "1");
        }

        var response = await _admin.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "headers-too-large");
    }

    [Test]
    public async Task Headers_WithinTheLimit_AreServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/exceptions");
        for (var i = 0; i < 10; i++)
        {
            request.Headers.Add($"X-Header-{i}", "1");
        }

        var response = await _admin.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task JsonBody_LargerThanTheLimit_Is413AndCreatesNothing()
    {
        var body = $$"""{"code":"BIG1","name":"{{new string('名', 1000)}}","category":"rural","localLegalPerson":true,"regionCode":"110101"}""";

        var response = await _admin.PostAsync("/api/v1/institutions", new StringContent(body, Encoding.UTF8, "application/json"));

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        (await _admin.GetAsync("/api/v1/institutions/BIG1")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Ledger_LargerThanTheJsonLimit_IsReadAgainstItsOwnLimit()
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("LIM1", "110101"));
        var rows = Enumerable.Range(1, 40).Select(i => Ledgers.Row($"L{i}", borrowerId: $"B{i}")).ToArray();
        var csv = Ledgers.Csv(rows);
        Encoding.UTF8.GetByteCount(csv).Should().BeGreaterThan(2048);

        var response = await bank.PostLedgerAsync("2022-12", csv);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [TestCase(0)]
    [TestCase(501)]
    public async Task PageSize_OutsideOneTo500_Is400(int pageSize)
    {
        var response = await _admin.GetAsync($"/api/v1/exceptions?pageSize={pageSize}");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().Contain("pageSize");
    }
}

/// <summary>Rate limiting per API key: a key over its rate is told when to retry; other keys and health checks are not held.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class RateLimitTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;

    [OneTimeSetUp]
    public void StartServer() => _factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?>
    {
        ["Compliance:Limits:PermitsPerSecond"] = "1",
        ["Compliance:Limits:Burst"] = "3",
    });

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Key_OverItsBurst_Gets429WithRetryAfter_WhileAnotherKeyIsServed()
    {
        using var greedy = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("11"));
        using var other = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));

        var answers = new List<HttpResponseMessage>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await greedy.GetAsync("/api/v1/exceptions"));
        }

        var replenished = (int)Math.Ceiling(clock.Elapsed.TotalSeconds);
        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        limited.Should().NotBeEmpty("eight requests at once exceed a burst of three");
        answers.Count(a => a.StatusCode == HttpStatusCode.OK).Should().BeInRange(3, 3 + replenished, "the burst, and a token a second replenished meanwhile");
        await limited[0].ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        limited[0].Headers.RetryAfter!.Delta.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        (await other.GetAsync("/api/v1/exceptions")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await greedy.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Key_AfterRetryAfter_IsServedAgain()
    {
        using var client = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("44"));
        HttpResponseMessage last;
        do
        {
            last = await client.GetAsync("/api/v1/exceptions");
        }
        while (last.StatusCode == HttpStatusCode.OK);

        last.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        await Task.Delay(last.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(200));

        (await client.GetAsync("/api/v1/exceptions")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

/// <summary>
/// Requests without a key are limited per client address: the one a trusted proxy forwards, not the proxy's, and an
/// IPv6 address per /64, so neither a proxy's clients share one limit nor one network escapes it by changing address.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class RateLimitByAddressTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;

    [OneTimeSetUp]
    public void StartServer() => _factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?>
    {
        ["Compliance:Limits:PermitsPerSecond"] = "1",
        ["Compliance:Limits:Burst"] = "2",
        ["Compliance:Http:TrustedProxies"] = "10.9.0.5",
    });

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task ClientsOfATrustedProxy_AreLimitedEachOnItsOwn()
    {
        var proxy = IPAddress.Parse("10.9.0.5");
        await UntilLimitedAsync(() => _factory.SendAsync("/api/v1/exceptions", from: proxy, forwardedFor: "203.0.113.7"));

        var other = await _factory.SendAsync("/api/v1/exceptions", from: proxy, forwardedFor: "203.0.113.8");
        var same = await _factory.SendAsync("/api/v1/exceptions", from: proxy, forwardedFor: "203.0.113.7");

        (other, same).Should().Be((401, 429));
    }

    [Test]
    public async Task AddressesOfOneIpv6Slash64_ShareOneLimit()
    {
        await UntilLimitedAsync(() => _factory.SendAsync("/api/v1/exceptions", from: IPAddress.Parse("2001:db8:5:6::1")));

        var sibling = await _factory.SendAsync("/api/v1/exceptions", from: IPAddress.Parse("2001:db8:5:6:1234::9"));
        var neighbour = await _factory.SendAsync("/api/v1/exceptions", from: IPAddress.Parse("2001:db8:5:7::1"));

        (sibling, neighbour).Should().Be((429, 401));
    }

    private static async Task UntilLimitedAsync(Func<Task<int>> send)
    {
        var statuses = new List<int>();
        while (statuses.Count < 20 && statuses.LastOrDefault() != 429)
        {
            statuses.Add(await send());
        }

        statuses.Should().Contain(429, "a burst of two is soon spent");
    }
}
