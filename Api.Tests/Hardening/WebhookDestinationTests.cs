using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// A server that allows webhooks no network of its own (the production default): a <c>webhookUrl</c> that names a
/// refused address, in any form, or carries a user name and password is refused when it is registered, and one whose
/// name resolves to the loopback address is refused when the delivery connects, and the receiver there gets nothing.
/// An IPv6 address that carries an IPv4 one (NAT64, IPv4-compatible, 6to4, Teredo) is judged by the IPv4 address it
/// carries, at registration and when the delivery connects.
/// </summary>
public sealed class WebhookDestinationTests
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private int _codes;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Webhooks:AllowedNetworks"] = "" }) { CaptureLogs = true };
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
    public async Task NameResolvingToLoopback_IsRefusedWhenTheDeliveryConnects()
    {
        await using var receiver = await CountingReceiver.StartAsync();
        var code = NewCode();
        var (bank, _) = await _factory.CreateInstitutionWithWebhookAsync(code, $"http://localhost:{new Uri(receiver.Url).Port}/hook");

        await _admin.SweepAsync("2022-05-24");
        var reminders = await bank.AttemptedRemindersAsync(code);

        using var scope = new AssertionScope();
        reminders.Select(r => r["delivery"]!["lastError"]!.GetValue<string>()).Should().OnlyContain(e => e == "refused");
        receiver.Requests.Should().Be(0);
        _factory.Logs.Should().Contain(line => line.Contains($"for {code} refused", StringComparison.Ordinal), "the operator learns why, the institution does not");
    }

    [TestCase("64:ff9b::7f00:1")]
    [TestCase("64:ff9b:1::7f00:1")]
    [TestCase("::7f00:1")]
    [TestCase("2002:7f00:1::1")]
    [TestCase("2001:0:4136:e378:8000:63bf:80ff:fffe")]
    [TestCase("2001:0:7f00:1:8000:63bf:a247:27dd")]
    public async Task StoredAddressCarryingLoopback_IsRefusedWhenTheDeliveryConnects(string address)
    {
        await using var receiver = await CountingReceiver.StartAsync();
        var code = NewCode();
        var (bank, _) = await _factory.CreateInstitutionWithWebhookAsync(code, $"http://bank-{code.ToLowerInvariant()}.invalid/hook");
        // As a row stored before such addresses were refused at registration holds it.
        (await TestDatabases.ExecuteSqliteAsync(_factory.Location, "UPDATE institutions SET webhook_url = @url WHERE code = @code",
            new { url = $"http://[{address}]:{new Uri(receiver.Url).Port}/hook", code })).Should().Be(1);

        await _admin.SweepAsync("2022-05-24");
        var reminders = await bank.AttemptedRemindersAsync(code);

        using var scope = new AssertionScope();
        reminders.Select(r => r["delivery"]!["lastError"]!.GetValue<string>()).Should().OnlyContain(e => e == "refused");
        receiver.Requests.Should().Be(0);
        _factory.Logs.Should().Contain(line => line.Contains($"for {code} refused", StringComparison.Ordinal), "the address was refused, not merely unreachable");
    }

    [Test]
    [Combinatorial]
    public async Task WebhookUrl_ThatIsRefused_Answers400NamingIt_AndIsNotStored(
        [Values("POST", "PUT")] string method, [ValueSource(nameof(RefusedUrls))] string url)
    {
        var code = NewCode();
        if (method == "PUT")
        {
            await _factory.RegisterInstitutionAsync(code, "371302");
        }

        var body = new { code, name = code, category = "rural", localLegalPerson = true, regionCode = "371302", webhookUrl = url };
        var response = method == "POST"
            ? await _admin.PostAsJsonAsync("/api/v1/institutions", body)
            : await _admin.PutAsJsonAsync($"/api/v1/institutions/{code}", body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().Equal("webhookUrl");
        var stored = await _admin.GetAsync($"/api/v1/institutions/{code}");
        if (method == "POST")
        {
            stored.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
        else
        {
            (await stored.JsonAsync())["webhookUrl"].Should().BeNull();
        }
    }

    [TestCase("https://bank.example/hooks/compliance")]
    [TestCase("http://localhost:8080/hook")]
    [TestCase("http://93.184.216.34/hook")]
    [TestCase("https://[2606:4700:4700::1111]/hook")]
    [TestCase("http://[64:ff9b::93.184.216.34]/hook")]
    [TestCase("http://[::93.184.216.34]/hook")]
    [TestCase("http://[2002:5db8:d822::1]/hook")]
    [TestCase("http://[2001:0:4136:e378:8000:63bf:a247:27dd]/hook")]
    public async Task WebhookUrl_OfAPublicAddressOrAName_IsAccepted(string url)
    {
        var code = NewCode();

        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = code, category = "rural", localLegalPerson = true, regionCode = "371302", webhookUrl = url,
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static readonly string[] RefusedUrls =
    [
        "http://user:pass@bank.example/hook",
        "https://user@bank.example/hook",
        "http://2130706433/hook",
        "http://0x7f.1/hook",
        "http://0177.0.0.1/hook",
        "http://127.1/hook",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "http://0/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/hook",
        "http://172.16.5.4/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://224.0.0.1/hook",
        "http://255.255.255.255/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1%25eth0]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:a9fe:a9fe]/hook",
        // NAT64 (64:ff9b::/96): the last 32 bits.
        "http://[64:ff9b::127.0.0.1]/hook",
        "http://[64:ff9b::a00:1]/hook",
        "http://[64:ff9b::a9fe:a9fe]/hook",
        // Local-use NAT64 (64:ff9b:1::/48), whatever it carries: a public address in the /48 layout.
        "http://[64:ff9b:1:5db8:d8:2200::]/hook",
        "http://[64:ff9b:1::a00:1]/hook",
        // IPv4-compatible (::/96).
        "http://[::127.0.0.1]/hook",
        "http://[::10.0.0.1]/hook",
        "http://[::a9fe:a9fe]/hook",
        // 6to4 (2002::/16): bits 16 to 47.
        "http://[2002:7f00:1::1]/hook",
        "http://[2002:a00:1::1]/hook",
        "http://[2002:a9fe:a9fe::1]/hook",
        // Teredo (2001::/32): the client's address, inverted, in the last 32 bits (the server's, 65.54.227.120, is public)...
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook",
        "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook",
        "http://[2001:0:4136:e378:8000:63bf:5601:5601]/hook",
        // ... or the server's in bits 32 to 63 (the client's, 93.184.216.34, is public).
        "http://[2001:0:7f00:1:8000:63bf:a247:27dd]/hook",
        "http://[2001:0:a00:1:8000:63bf:a247:27dd]/hook",
        "http://[2001:0:a9fe:a9fe:8000:63bf:a247:27dd]/hook",
        "ftp://bank.example/hook",
        "file:///etc/passwd",
        "/relative/hook",
        "bank.example/hook",
    ];

    private string NewCode() => $"DS{Interlocked.Increment(ref _codes):D3}";
}
