using Compliance.Data.Deadlines;
using Compliance.Engine.Calendar;
using Hangfire;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Api.Deadlines;

/// <summary><c>Compliance:Deadlines</c>.</summary>
public sealed class DeadlineOptions
{
    public const string Section = "Compliance:Deadlines";

    /// <summary>When the daily sweep runs, <c>HH:mm</c> China Standard Time, or <c>off</c>.</summary>
    public string SweepAt { get; set; } = "09:00";

    internal bool Off => SweepAt.Equals("off", StringComparison.OrdinalIgnoreCase);

    /// <summary>The time of the sweep; <c>null</c> when it is off, or not a time.</summary>
    internal LocalTime? SweepTime => !Off && LocalTimePattern.CreateWithInvariantCulture("HH':'mm").Parse(SweepAt) is { Success: true } parsed ? parsed.Value : null;
}

internal static class DeadlinesSetup
{
    /// <summary>
    /// The deadline stores, the sweep and webhook jobs, and the HTTP client for webhooks: 10 s timeout, no redirects
    /// (a 3xx is a failed attempt, so a signed delivery never bounces to another host), no cookies, and only to the
    /// destinations <see cref="WebhookDestinations"/> allows under <c>Compliance:Webhooks</c>.
    /// </summary>
    public static WebApplicationBuilder AddComplianceDeadlines(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CalendarStore>();
        builder.Services.AddSingleton<ObligationStore>();
        builder.Services.AddSingleton<DeadlineStore>();
        builder.Services.AddTransient<DeadlineSweepJob>();
        builder.Services.AddTransient<DeliverReminderJob>();
        builder.Services.AddOptions<DeadlineOptions>().BindConfiguration(DeadlineOptions.Section)
            .Validate(o => o.Off || o.SweepTime is not null, $"{DeadlineOptions.Section}:SweepAt is a time HH:mm (China Standard Time) or off.").ValidateOnStart();
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebhookOptions>>(new Http.NetworkListValidation<WebhookOptions>($"{WebhookOptions.Section}:AllowedNetworks", o => o.AllowedNetworks));
        builder.Services.AddSingleton<WebhookDestinations>();
        builder.Services.AddHttpClient(DeliverReminderJob.Client, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(services => services.GetRequiredService<WebhookDestinations>().NewHandler());
        return builder;
    }

    /// <summary>
    /// The daily sweep at <c>Compliance:Deadlines:SweepAt</c> (default 09:00) China Standard Time, or none for
    /// <c>off</c>. The time is turned into UTC with NodaTime's tzdb, not the machine's zone database.
    /// </summary>
    public static async Task ScheduleSweepAsync(IServiceProvider services, CancellationToken ct)
    {
        var jobs = services.GetRequiredService<IRecurringJobManager>();
        var options = services.GetRequiredService<IOptions<DeadlineOptions>>().Value;
        if (options.SweepTime is not { } time)
        {
            jobs.RemoveIfExists("deadline-sweep");
        }
        else
        {
            var offset = ReportingZone.Shanghai.GetUtcOffset(services.GetRequiredService<IClock>().GetCurrentInstant());
            var utc = time.Minus(Period.FromSeconds(offset.Seconds));
            jobs.AddOrUpdate<DeadlineSweepJob>("deadline-sweep", job => job.RunAsync(null, CancellationToken.None), $"{utc.Minute} {utc.Hour} * * *",
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }

        // Reminders not yet delivered to their webhook go out again.
        var client = services.GetRequiredService<IBackgroundJobClient>();
        foreach (var id in await services.GetRequiredService<DeadlineStore>().PendingDeliveriesAsync(ct))
        {
            client.Enqueue<DeliverReminderJob>(job => job.RunAsync(id, CancellationToken.None));
        }
    }
}
