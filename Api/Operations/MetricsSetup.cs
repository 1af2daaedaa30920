using System.Net;
using Compliance.Api.Http;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Compliance.Api.Operations;

/// <summary><c>Compliance:Metrics</c>: whether <c>/metrics</c> is served, and to whom beyond this machine.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Compliance:Metrics";

    /// <summary><c>false</c> collects nothing and leaves <c>/metrics</c> unmapped (404).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Comma-separated CIDR ranges (<c>10.20.0.0/16, fd00:1::/64</c>) that may scrape <c>/metrics</c> besides local
    /// requests; empty by default.
    /// </summary>
    public string AllowedNetworks { get; set; } = "";

    internal List<IPNetwork>? ParseAllowedNetworks(out string? malformed) => Networks.Parse(AllowedNetworks, out malformed);
}

internal static class MetricsSetup
{
    public const string Path = "/metrics";

    /// <summary>
    /// The product's meter (<see cref="ComplianceMetrics"/>) and, unless <c>Compliance:Metrics:Enabled</c> is false,
    /// OpenTelemetry collecting it with ASP.NET Core's own meters (<c>http.server.request.duration</c> by route template
    /// and status) and the runtime's, for the Prometheus exporter.
    /// </summary>
    public static WebApplicationBuilder AddComplianceMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MetricsOptions>>(new NetworkListValidation<MetricsOptions>($"{MetricsOptions.Section}:AllowedNetworks", o => o.AllowedNetworks));
        builder.Services.AddSingleton<ComplianceMetrics>();
        if (!Enabled(builder.Configuration))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("compliance"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("System.Runtime")
                .AddMeter(ComplianceMetrics.MeterName)
                // A scrape every few seconds needs no cache, and a cached answer would hide what a test just did.
                .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        return builder;
    }

    /// <summary>
    /// <c>/metrics</c>, on every node (a worker's evaluations and deliveries are measured where they run), without an
    /// API key, to local requests and <c>Compliance:Metrics:AllowedNetworks</c>; anyone else is answered 403.
    /// </summary>
    public static WebApplication MapComplianceMetrics(this WebApplication app)
    {
        if (!Enabled(app.Configuration))
        {
            return app;
        }

        // Made now, not at the first ledger or job, so the queue's gauge is scraped from the start.
        app.Services.GetRequiredService<ComplianceMetrics>();
        var allowed = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.ParseAllowedNetworks(out _) ?? [];
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (Networks.IsLocalOrIn(context.Connection, allowed))
            {
                await next(context);
                return;
            }

            await Problems.ForbiddenResult($"{Path} 只对本机请求和 {MetricsOptions.Section}:AllowedNetworks 中的网络提供。", $"{Path} is served to local requests and to {MetricsOptions.Section}:AllowedNetworks only.").ExecuteAsync(context);
        }), optionsName: null).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static bool Enabled(IConfiguration configuration) => configuration.GetValue($"{MetricsOptions.Section}:Enabled", true);
}
