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
        "ftp://bank.example/hook",
        "file:///etc/passwd",
        "/relative/hook",
        "bank.example/hook",
    ];

    private string NewCode() => $"DS{Interlocked.Increment(ref _codes):D3}";
}
