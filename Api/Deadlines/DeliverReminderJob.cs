using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Compliance.Data.Deadlines;
using Compliance.Engine;
using Hangfire;
using NodaTime;

namespace Compliance.Api.Deadlines;

/// <summary>
/// POSTs a reminder to its institution's webhook, signed (deadlines.md) with <c>X-Compliance-Timestamp</c>, the attempt's
/// Unix seconds, and <c>X-Compliance-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of
/// <c>&lt;timestamp&gt;.&lt;body&gt;</c> keyed with the UTF-8 bytes of the webhook secret as the API showed it, so a
/// receiver can reject a captured delivery replayed later; retries with back-off and records every attempt, its last
/// error and the final status on the reminder. The last error is coarse — <c>timeout</c>,
/// <c>refused</c>, <c>redirect</c>, <c>HTTP 4xx</c>, <c>HTTP 5xx</c> or <c>failed</c> — never an exception's message,
/// an address or a body.
/// </summary>
public sealed class DeliverReminderJob(DeadlineStore deadlines, IHttpClientFactory http, IClock clock, ILogger<DeliverReminderJob> logger, Operations.ComplianceMetrics? metrics = null)
{
    public const string Client = "webhooks";
    public const string TimestampHeader = "X-Compliance-Timestamp";
    public const string SignatureHeader = "X-Compliance-Signature";
    public const int MaxAttempts = 5;

    [AutomaticRetry(Attempts = MaxAttempts - 1, DelaysInSeconds = [1, 5, 30, 120], OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(long reminderId, CancellationToken ct)
    {
        if (await deadlines.ForDeliveryAsync(reminderId, ct) is not { } found || found.Reminder.DeliveryStatus is "delivered" or "failed" or "none" || found.Url is null)
        {
            return;
        }

        var (reminder, url, secret) = found;
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @event = "reminder",
            kind = reminder.Kind,
            obligation = reminder.Obligation,
            institution = reminder.Institution,
            dueDate = Periods.FormatDate(reminder.DueDate),
            offsetDays = reminder.OffsetDays,
            reminderId = reminder.Id.ToString(CultureInfo.InvariantCulture),
        });
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookDestinations.WithoutUserInfo(url)) { Content = content };
        // Each attempt is signed when it is sent, so its timestamp is the attempt's own.
        var timestamp = clock.GetCurrentInstant().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Signature(secret, timestamp, body));
        string? error;
        try
        {
            using var response = await http.CreateClient(Client).SendAsync(request, ct);
            error = Failure(response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            if (e.InnerException is DestinationRefusedException)
            {
                logger.WebhookDestinationRefused(reminderId, reminder.Institution);
            }

            error = e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError ? "refused" : "failed";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = "timeout";
        }

        metrics?.WebhookDelivery(error ?? "delivered");
        if (error is null)
        {
            await deadlines.RecordDeliveryAsync(reminderId, "delivered", null, ct);
            return;
        }

        var last = reminder.Attempts + 1 >= MaxAttempts;
        await deadlines.RecordDeliveryAsync(reminderId, last ? "failed" : "pending", error, ct);
        if (!last)
        {
            throw new WebhookException($"Webhook delivery of reminder {reminderId} failed: {error}");
        }
    }

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of <c>&lt;timestamp&gt;.&lt;body&gt;</c> under the secret's UTF-8 bytes.</summary>
    private static string Signature(string secret, string timestamp, byte[] body)
    {
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>
    /// What an answer's status says, coarsely: the receiver's own body, headers and exact status stay unknown to the
    /// institution, so a webhook pointed at someone else's service learns nothing about it. A redirect is not followed.
    /// </summary>
    private static string? Failure(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => null,
        >= 300 and < 400 => "redirect",
        var code => $"HTTP {code / 100}xx",
    };
}

/// <summary>A delivery attempt failed; Hangfire retries it.</summary>
public sealed class WebhookException(string message) : Exception(message);
