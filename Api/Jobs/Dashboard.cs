using System.Net;
using Compliance.Api.Http;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Jobs;

/// <summary><c>Compliance:Dashboard</c>: who may open the Hangfire dashboard, and whether it may change anything.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Compliance:Dashboard";

    /// <summary>
    /// Comma-separated CIDR ranges (<c>10.20.0.0/16, fd00:1::/64</c>) that may open the dashboard besides local requests;
    /// empty by default.
    /// </summary>
    public string AllowedNetworks { get; set; } = "";

    /// <summary>
    /// <c>true</c> lets the dashboard trigger, delete and requeue jobs; every such post then needs the page's antiforgery
    /// token and is audited. <c>false</c> by default: the dashboard only reads.
    /// </summary>
    public bool Actions { get; set; }

    internal List<IPNetwork>? ParseAllowedNetworks(out string? malformed) => Networks.Parse(AllowedNetworks, out malformed);
}

/// <summary>
/// The Hangfire dashboard at <c>/hangfire</c>. It reads only, unless <c>Compliance:Dashboard:Actions</c> is set: a
/// cross-site form, or anything else that reaches it, can then trigger or remove no job (the daily sweep among them).
/// With actions on, Hangfire checks every post's antiforgery token, and the audit log records it.
/// </summary>
internal static class Dashboard
{
    public const string Path = "/hangfire";

    public static WebApplicationBuilder AddComplianceDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>>(new NetworkListValidation<DashboardOptions>($"{DashboardOptions.Section}:AllowedNetworks", o => o.AllowedNetworks));
        if (builder.Configuration.GetValue($"{DashboardOptions.Section}:{nameof(DashboardOptions.Actions)}", false))
        {
            // Hangfire's dashboard checks each post's token with the host's antiforgery service when there is one.
            builder.Services.AddAntiforgery();
        }

        return builder;
    }

    public static WebApplication MapComplianceDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        var allowed = options.ParseAllowedNetworks(out _) ?? [];
        app.UseHangfireDashboard(Path, new Hangfire.DashboardOptions
        {
            Authorization = [new AllowedRequests(allowed)],
            IsReadOnlyFunc = _ => !options.Actions,
            IgnoreAntiforgeryToken = false,
            DisplayStorageConnectionString = false,
        });
        return app;
    }

    /// <summary>A request from this machine or from an allowed network.</summary>
    private sealed class AllowedRequests(List<IPNetwork> allowed) : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => Networks.IsLocalOrIn(context.GetHttpContext().Connection, allowed);
    }
}
