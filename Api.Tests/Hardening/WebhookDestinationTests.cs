using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// A server that allows webhooks no network of its own (the production default): a webhook whose name resolves to
/// the loopback address is refused when the delivery connects, and the receiver there gets nothing.
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
        var received = 0;
        await using var receiver = await Webhooks.StartReceiverAsync(_ =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        });
        var code = NewCode();
        var (bank, _) = await _factory.CreateInstitutionWithWebhookAsync(code, $"http://localhost:{new Uri(receiver.Urls.First()).Port}/hook");

        await _admin.SweepAsync("2022-05-24");
        var reminders = await bank.AttemptedRemindersAsync(code);

        using var scope = new AssertionScope();
        reminders.Select(r => r["delivery"]!["lastError"]!.GetValue<string>()).Should().OnlyContain(e => e == "refused");
        Volatile.Read(ref received).Should().Be(0);
        _factory.Logs.Should().Contain(line => line.Contains($"for {code} refused", StringComparison.Ordinal), "the operator learns why, the institution does not");
    }

    private string NewCode() => $"DS{Interlocked.Increment(ref _codes):D3}";
}
