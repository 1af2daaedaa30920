using Compliance.Data;
using Compliance.Data.Submissions;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Jobs;

/// <summary><c>Compliance:Roles</c>: what a node runs, <c>api</c>, <c>worker</c> or both; <c>Compliance:Node:WorkerCount</c>.</summary>
public sealed class NodeOptions
{
    public const string Section = "Compliance:Node";

    public string Roles { get; set; } = "api,worker";

    public bool RunsApi => Has("api");

    public bool RunsWorker => Has("worker");

    /// <summary>Hangfire worker threads; twice the cores by default.</summary>
    public int? WorkerCount { get; set; }

    private bool Has(string role) => Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Contains(role, StringComparer.OrdinalIgnoreCase);
}

/// <summary><c>Compliance:Jobs</c>: how the job storage shared by many nodes treats the jobs a worker holds.</summary>
public sealed class JobOptions
{
    public const string Section = "Compliance:Jobs";

    /// <summary>The shortest <see cref="InvisibilityTimeout"/>: a worker renews its hold on a job well within it.</summary>
    public static readonly TimeSpan MinInvisibilityTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a job taken by a worker that stopped renewing its hold (its process died) stays hidden before another
    /// worker takes it: Hangfire's invisibility timeout on PostgreSQL, its sliding invisibility timeout on SQL Server. A
    /// running worker renews its hold, so a long job is never taken twice for its length alone. On PostgreSQL a lock of
    /// Hangfire's that a dead worker held (a row, unlike SQL Server's, which end with the session) is taken over after it
    /// too. The in-memory storage of the embedded SQLite default has none: its jobs die with the process and are queued
    /// again at start.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

internal static class JobsSetup
{
    /// <summary>
    /// Hangfire, with a server and the recomputation of old snapshots on worker nodes, on the storage of the database's
    /// entry (<see cref="DatabaseKind"/>): its in-memory store with the embedded SQLite default (one node), the same
    /// database, schema <c>hangfire</c>, with SQL Server and PostgreSQL (workers on many nodes share it, and take a job a
    /// dead worker held once <c>Compliance:Jobs:InvisibilityTimeout</c> has passed).
    /// </summary>
    public static WebApplicationBuilder AddComplianceJobs(this WebApplicationBuilder builder)
    {
        // Roles sits beside the section, as Compliance:Roles; it wins over a Compliance:Node:Roles.
        builder.Services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section).BindConfiguration("Compliance")
            .Validate(o => o.RunsApi || o.RunsWorker, "Compliance:Roles names api, worker or both.")
            .Validate(o => o.WorkerCount is null or > 0, $"{NodeOptions.Section}:WorkerCount must be positive.").ValidateOnStart();
        builder.Services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section)
            .Validate(o => o.InvisibilityTimeout >= JobOptions.MinInvisibilityTimeout,
                $"{JobOptions.Section}:InvisibilityTimeout is a duration of at least {JobOptions.MinInvisibilityTimeout:c} (hh:mm:ss).").ValidateOnStart();
        builder.Services.AddHangfire((services, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseComplianceStorage(services));

        // Hangfire's server is one hosted service; a node that is not a worker never starts it.
        var registered = builder.Services.Count;
        builder.Services.AddHangfireServer((services, options) =>
        {
            options.WorkerCount = services.GetRequiredService<IOptions<NodeOptions>>().Value.WorkerCount ?? Math.Max(2, Environment.ProcessorCount * 2);
            options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        var server = builder.Services.Skip(registered).Single(d => d.ServiceType == typeof(IHostedService));
        builder.Services.Remove(server);
        builder.Services.AddSingleton<IHostedService>(services => services.GetRequiredService<IOptions<NodeOptions>>().Value.RunsWorker
            ? (IHostedService)server.ImplementationFactory!(services)
            : new NoServer());
        builder.Services.AddHostedService<SnapshotRecomputation>();

        builder.Services.AddOptions<SnapshotOptions>().BindConfiguration(SnapshotOptions.Section)
            .Validate(o => o.RecomputeBatchSize > 0, "Compliance:Snapshots:RecomputeBatchSize must be positive.").ValidateOnStart();

        builder.Services.AddTransient<EvaluateSubmissionJob>();
        return builder;
    }

    /// <summary>Where the database's entry keeps Hangfire's jobs (<see cref="DatabaseKind.UseJobStorage"/>).</summary>
    private static void UseComplianceStorage(this IGlobalConfiguration configuration, IServiceProvider services) =>
        services.GetRequiredService<DatabaseKind>().UseJobStorage(
            configuration, services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString, services.GetRequiredService<IOptions<JobOptions>>().Value);

    /// <summary>The hosted service of a node that runs no jobs.</summary>
    private sealed class NoServer : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
