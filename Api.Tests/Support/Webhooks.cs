using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Compliance.Api.Tests.Support;

/// <summary>Institutions with a webhook, the sweep that sends to it, and a receiver to send to.</summary>
public static class Webhooks
{
    /// <summary>
    /// A real HTTP receiver on the loopback address, as an institution's webhook endpoint (or a host a redirect points
    /// to): every request, whatever its method and path, goes to <paramref name="handle"/>.
    /// </summary>
    public static async Task<WebApplication> StartReceiverAsync(RequestDelegate handle)
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.Run(handle);
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// What a receiver computes to verify a delivery, as SECURITY.md shows it: <c>sha256=</c> and the lowercase hex
    /// HMAC-SHA256, keyed with the UTF-8 bytes of the secret shown at creation, of the timestamp header, a dot and the
    /// exact body.
    /// </summary>
    public static string ExpectedSignature(string secret, string timestamp, byte[] body)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return "sha256=" + Convert.ToHexStringLower(hmac.ComputeHash([.. Encoding.UTF8.GetBytes(timestamp + "."), .. body]));
    }

    /// <summary>
    /// Creates an institution of region 371302 (Linyi: <c>CREDIT_POLICY_DIGEST</c> is due 2022-05-31) reporting from
    /// 2022-01 with the webhook <paramref name="url"/>; returns a client with its institution key and the webhook
    /// secret shown at creation.
    /// </summary>
    public static async Task<(HttpClient Bank, string Secret)> CreateInstitutionWithWebhookAsync(this ComplianceApiFactory factory, string code, string url)
    {
        using var admin = factory.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = code, category = "rural", localLegalPerson = true, regionCode = "371302", reportingFrom = "2022-01", webhookUrl = url,
        });
        var created = await response.JsonAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, created.ToJsonString());
        var key = await factory.CreateKeyAsync(new { name = code, role = "institution", institution = code });
        return (factory.ClientWithKey(key), created["webhookSecret"]!.GetValue<string>());
    }

    /// <summary>Runs the sweep as of <paramref name="date"/> (admin) and returns the number of reminders it wrote.</summary>
    public static async Task<int> SweepAsync(this HttpClient admin, string date)
    {
        var response = await admin.PostAsync($"/api/v1/deadlines/sweep?date={date}", null);
        var answer = await response.JsonAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, answer.ToJsonString());
        answer["date"]!.GetValue<string>().Should().Be(date);
        return answer["reminders"]!.GetValue<int>();
    }

    /// <summary>Waits until the institution's reminders hold what <paramref name="holds"/> asks of them, and returns them.</summary>
    public static Task<List<JsonObject>> RemindersAsync(this HttpClient client, string institution, Func<List<JsonObject>, bool> holds, string what) =>
        Eventually.UntilAsync(
            async () => (await client.GetJsonAsync($"/api/v1/reminders?institution={institution}"))["items"]!.AsArray().Select(r => r!.AsObject()).ToList(),
            holds,
            what);

    /// <summary>Waits until every reminder of the institution has had at least one delivery attempt, and returns them.</summary>
    public static Task<List<JsonObject>> AttemptedRemindersAsync(this HttpClient client, string institution) =>
        client.RemindersAsync(institution, items => items.Count > 0 && items.All(r => r["delivery"]!["attempts"]!.GetValue<int>() >= 1),
            $"a delivery attempt of every reminder of {institution}");
}

/// <summary>A receiver that answers 200 to every request and counts them.</summary>
public sealed class CountingReceiver : IAsyncDisposable
{
    private WebApplication _app = null!;
    private int _requests;

    /// <summary>The receiver's base address, <c>http://127.0.0.1:&lt;port&gt;</c>.</summary>
    public string Url => _app.Urls.First();

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<CountingReceiver> StartAsync()
    {
        var receiver = new CountingReceiver();
        receiver._app = await Webhooks.StartReceiverAsync(_ =>
        {
            Interlocked.Increment(ref receiver._requests);
            return Task.CompletedTask;
        });
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
