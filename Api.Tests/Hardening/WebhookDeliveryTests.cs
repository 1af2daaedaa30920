using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.Http;
using NodaTime;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// What a webhook delivery does with what its receiver answers (deadlines.md): a redirect is never followed, and the
/// error recorded on the reminder is coarse, never what the server saw. The test host allows 127.0.0.0/8.
/// </summary>
public sealed class WebhookDeliveryTests
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private int _codes;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory() { CaptureLogs = true };
        _admin = _factory.Admin();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase(301)]
    [TestCase(302)]
    [TestCase(303)]
    [TestCase(307)]
    [TestCase(308)]
    public async Task Redirect_IsAFailedAttempt_AndItsTargetGetsNoRequest(int status)
    {
        await using var target = await CountingReceiver.StartAsync();
        await using var receiver = await Webhooks.StartReceiverAsync(context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = target.Url + "/elsewhere";
            return Task.CompletedTask;
        });
        var code = NewCode();
        var (bank, _) = await _factory.CreateInstitutionWithWebhookAsync(code, receiver.Urls.First() + "/hook");

        await _admin.SweepAsync("2022-05-24");
        var reminders = await bank.AttemptedRemindersAsync(code);

        using var scope = new AssertionScope();
        reminders.Select(r => r["delivery"]!["lastError"]!.GetValue<string>()).Should().OnlyContain(e => e == "redirect");
        reminders.Select(r => r["delivery"]!["status"]!.GetValue<string>()).Should().NotContain("delivered");
        target.Requests.Should().Be(0, "a signed delivery never goes to the host a redirect names");
    }

    [TestCase(400, "HTTP 4xx")]
    [TestCase(404, "HTTP 4xx")]
    [TestCase(500, "HTTP 5xx")]
    [TestCase(503, "HTTP 5xx")]
    public async Task ErrorAnswer_IsRecordedAsItsClassOnly(int status, string expected)
    {
        await using var receiver = await Webhooks.StartReceiverAsync(async context =>
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync("internal detail of 10.1.2.3");
        });
        var code = NewCode();
        var (bank, _) = await _factory.CreateInstitutionWithWebhookAsync(code, receiver.Urls.First() + "/hook");

        await _admin.SweepAsync("2022-05-24");
        var reminders = await bank.AttemptedRemindersAsync(code);

        reminders.Select(r => r["delivery"]!["lastError"]!.GetValue<string>()).Should().OnlyContain(e => e == expected);
    }

    [Test]
    public async Task NothingListening_IsRecordedAsRefused_WithoutTheAddress()
    {
        string url;
        await using (var gone = await Webhooks.StartReceiverAsync(_ => Task.CompletedTask))
        {
            url = gone.Urls.First() + "/hook";
        }

        var code = NewCode();
        var (bank, _) = await _factory.CreateInstitutionWithWebhookAsync(code, url);

        await _admin.SweepAsync("2022-05-24");
        var reminders = await bank.AttemptedRemindersAsync(code);

        reminders.Select(r => r["delivery"]!["lastError"]!.GetValue<string>()).Should().OnlyContain(e => e == "refused");
    }

    [Test]
    public async Task NameResolvingToAnAllowedNetwork_IsDeliveredThere()
    {
        await using var receiver = await CountingReceiver.StartAsync();
        var code = NewCode();
        var (bank, _) = await _factory.CreateInstitutionWithWebhookAsync(code, $"http://localhost:{new Uri(receiver.Url).Port}/hook");

        await _admin.SweepAsync("2022-05-24");
        var reminders = await bank.RemindersAsync(code, items => items.All(r => r["delivery"]!["status"]!.GetValue<string>() == "delivered"),
            "every delivery through localhost, resolved to 127.0.0.1 (allowed by the test host) and ::1 (not allowed)");

        receiver.Requests.Should().Be(reminders.Count);
    }

    [Test]
    public async Task EachAttempt_IsSignedOverItsOwnTimestampAndTheExactBody_WithTheSecretAsShown()
    {
        var start = _factory.Clock.GetCurrentInstant();
        var attempts = new ConcurrentQueue<(string Timestamp, string Signature, byte[] Body)>();
        await using var receiver = await Webhooks.StartReceiverAsync(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (!JsonNode.Parse(body.ToArray())!["obligation"]!.GetValue<string>().Equals("CREDIT_POLICY_DIGEST", StringComparison.Ordinal))
            {
                return;
            }

            attempts.Enqueue((context.Request.Headers["X-Compliance-Timestamp"].ToString(), context.Request.Headers["X-Compliance-Signature"].ToString(), body.ToArray()));
            if (attempts.Count == 1)
            {
                // The retry comes 90 s later by the server's clock, and must be signed as of then.
                _factory.Clock.Advance(Duration.FromSeconds(90));
                context.Response.StatusCode = 500;
            }
        });
        var code = NewCode();
        var (bank, secret) = await _factory.CreateInstitutionWithWebhookAsync(code, receiver.Urls.First() + "/hook");

        await _admin.SweepAsync("2022-05-24");
        await bank.RemindersAsync(code, items => items.All(r => r["delivery"]!["status"]!.GetValue<string>() == "delivered"), "every delivery");

        using var scope = new AssertionScope();
        attempts.Select(a => a.Timestamp).Should().Equal(
            start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), start.Plus(Duration.FromSeconds(90)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        foreach (var (timestamp, signature, body) in attempts)
        {
            signature.Should().Be(Webhooks.ExpectedSignature(secret, timestamp, body));
        }

        attempts.Select(a => a.Signature).Should().OnlyHaveUniqueItems("a signature captured from one attempt does not verify with another's timestamp");
    }

    [Test]
    public async Task StoredUrlWithUserInfo_IsNeitherAnsweredNorLoggedNorSent()
    {
        var authorizations = new ConcurrentQueue<string>();
        await using var receiver = await Webhooks.StartReceiverAsync(context =>
        {
            authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            return Task.CompletedTask;
        });
        var url = receiver.Urls.First() + "/hook";
        var code = NewCode();
        var (bank, _) = await _factory.CreateInstitutionWithWebhookAsync(code, url);
        await StoreWebhookUrlAsync(code, url.Replace("http://", "http://olduser:oldpassword@", StringComparison.Ordinal));

        await _admin.SweepAsync("2022-05-24");
        await bank.RemindersAsync(code, items => items.All(r => r["delivery"]!["status"]!.GetValue<string>() == "delivered"), "every delivery");
        var answers = await _admin.GetStringAsync($"/api/v1/institutions/{code}") + await _admin.GetStringAsync("/api/v1/institutions?pageSize=500")
            + await bank.GetStringAsync($"/api/v1/institutions/{code}");

        using var scope = new AssertionScope();
        answers.Should().Contain(url).And.NotContain("oldpassword").And.NotContain("olduser");
        string.Join('\n', _factory.Logs).Should().NotContain("oldpassword");
        authorizations.Should().NotBeEmpty().And.OnlyContain(a => a.Length == 0);
    }

    /// <summary>Writes a webhook URL as a row stored before user names and passwords were refused holds it.</summary>
    private async Task StoreWebhookUrlAsync(string code, string url) =>
        (await TestDatabases.ExecuteSqliteAsync(_factory.Location, "UPDATE institutions SET webhook_url = @url WHERE code = @code", new { url, code })).Should().Be(1);

    private string NewCode() => $"WD{Interlocked.Increment(ref _codes):D3}";
}
