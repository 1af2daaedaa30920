using Compliance.Data.Submissions;
using Hangfire;
using Hangfire.Dashboard;

namespace Compliance.Api.Jobs;

/// <summary><c>Compliance:Roles</c>: what a node runs, <c>api</c>, <c>worker</c> or both.</summary>
public sealed class NodeOptions
{
    public string Roles { get; set; } = "api,worker";

    public bool RunsApi => Has("api");

    public bool RunsWorker => Has("worker");

    /// <summary>Hangfire worker threads; twice the cores by default.</summary>
    public int? WorkerCount { get; set; }

    private bool Has(string role) => Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Contains(role, StringComparer.OrdinalIgnoreCase);
}

internal static class JobsSetup
{
    /// <summary>Hangfire on its in-memory store (the embedded default), with a server on worker nodes.</summary>
    public static WebApplicationBuilder AddComplianceJobs(this WebApplicationBuilder builder)
    {
        var node = builder.Configuration.GetSection("Compliance:Node").Get<NodeOptions>() ?? new NodeOptions();
        if (builder.Configuration["Compliance:Roles"] is { } roles)
        {
            node.Roles = roles;
        }

        builder.Services.AddSingleton(node);
        builder.Services.AddHangfire(configuration => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseInMemoryStorage());
        if (node.RunsWorker)
        {
            builder.Services.AddHangfireServer(options =>
            {
                options.WorkerCount = node.WorkerCount ?? Math.Max(2, Environment.ProcessorCount * 2);
                options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
        }

        builder.Services.AddTransient<EvaluateSubmissionJob>();
        return builder;
    }

    /// <summary>The dashboard at <c>/hangfire</c>, open to local requests only.</summary>
    public static WebApplication MapComplianceJobs(this WebApplication app)
    {
        app.UseHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new LocalRequestsOnlyAuthorizationFilter()] });
        return app;
    }

    /// <summary>
    /// The database, not Hangfire, is the source of truth: every accepted submission whose evaluation is not done
    /// is enqueued again at start, so the in-memory job store loses nothing that matters.
    /// </summary>
    public static async Task RequeuePendingAsync(IServiceProvider services, CancellationToken ct)
    {
        var submissions = services.GetRequiredService<SubmissionStore>();
        var jobs = services.GetRequiredService<IBackgroundJobClient>();
        EvaluateSubmissionJob.Enqueue(jobs, await submissions.PendingEvaluationsAsync(ct));
    }
}
