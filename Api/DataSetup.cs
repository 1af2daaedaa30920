using Compliance.Api.Access;
using Compliance.Api.Backup;
using Compliance.Api.Deadlines;
using Compliance.Data.Deadlines;
using Compliance.Api.Jobs;
using Compliance.Api.Submissions;
using Compliance.Data;
using Compliance.Data.Access;
using Compliance.Data.Analytics;
using Compliance.Data.Audit;
using Compliance.Data.CreditPlans;
using Compliance.Data.Evaluations;
using Compliance.Data.Exceptions;
using Compliance.Data.Institutions;
using Compliance.Data.Rules;
using Compliance.Data.Snapshots;
using Compliance.Data.Submissions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Compliance.Api;

internal static class DataSetup
{
    /// <summary>The migration that gives the built-in sets their populations, credit plans and strict parameters.</summary>
    internal const string BuiltInSetsUpdate = "0018_built_in_sets_populations.sql";

    /// <summary>The clock, the database (<c>Compliance:Database</c>, its <see cref="DatabaseKind"/>) and its stores, and the ingest options.</summary>
    public static WebApplicationBuilder AddComplianceData(this WebApplicationBuilder builder)
    {
        // The composition root is the one place the system clock is named; everything else receives IClock. It reads
        // to the millisecond, as instants are stored, so an answer and a later read of the same instant agree.
#pragma warning disable RS0030
        builder.Services.AddSingleton<IClock>(new MillisecondClock(SystemClock.Instance));
#pragma warning restore RS0030
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), $"{DatabaseOptions.Section}:ConnectionString is required.")
            .Validate(o => o.BusyTimeoutSeconds > 0, $"{DatabaseOptions.Section}:BusyTimeoutSeconds must be positive.").ValidateOnStart();
        // The provider setting is looked up once, here: the rest asks the entry (its dialect, job storage, backup).
        builder.Services.AddSingleton(services => DatabaseKind.Of(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider));
        builder.Services.AddSingleton(services => new Db(
            services.GetRequiredService<DatabaseKind>().Dialect, services.GetRequiredService<IOptions<DatabaseOptions>>().Value,
            builder.Environment.ContentRootPath, services.GetRequiredService<IClock>()));
        builder.Services.AddSingleton(services => new ServingHold(services.GetRequiredService<Db>().HoldWhileServing()));
        builder.Services.AddOptions<BackupOptions>().BindConfiguration(BackupOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Directory), $"{BackupOptions.Section}:Directory is required.").ValidateOnStart();
        builder.Services.AddSingleton<Migrations>();
        builder.Services.AddSingleton<InstitutionStore>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<SubmissionStore>();
        builder.Services.AddSingleton<SnapshotStore>();
        builder.Services.AddSingleton<SnapshotRecomputer>();
        builder.Services.AddSingleton<AnalyticsSnapshots>();
        builder.Services.AddSingleton<ExceptionStore>();
        builder.Services.AddSingleton<RuleSetStore>();
        builder.Services.AddSingleton<EvaluationStore>();
        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddSingleton<AuditStore>();
        builder.Services.AddSingleton<AnalyticsStore>();
        builder.Services.AddSingleton<TargetStore>();
        builder.Services.AddSingleton<CreditPlanStore>();
        builder.Services.AddHostedService<Checkpoints>();
        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section)
            .Validate(o => o.MaxBytes > 0, "Compliance:Ingest:MaxBytes must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.SpoolDirectory), $"{IngestOptions.Section}:SpoolDirectory is required.").ValidateOnStart();
        builder.Services.AddScoped<SubmitLedger>();
        return builder;
    }

    /// <summary>
    /// Before the first request: the schema, the reference data, the admin key, the spool files a crash left, and the
    /// evaluations owed.
    /// </summary>
    public static async Task InitializeComplianceAsync(this WebApplication app)
    {
        var services = app.Services;
        var clock = services.GetRequiredService<IClock>();
        var ct = app.Lifetime.ApplicationStopping;
        // First of all, before the schema: a restore refuses to replace a database a server holds, and the server
        // refuses to start on one being restored.
        services.GetRequiredService<ServingHold>();
        // Nodes starting at once take turns: each applies what the one before left, and seeds what is missing.
        var applied = await services.GetRequiredService<Migrations>().ApplyAsync(ct, async () =>
        {
            await services.GetRequiredService<RuleSetStore>().SeedAsync(clock.GetCurrentInstant(), ct);
            await services.GetRequiredService<CalendarStore>().SeedAsync(clock.GetCurrentInstant(), ct);
            await services.GetRequiredService<ObligationStore>().SeedAsync(clock.GetCurrentInstant(), ct);
            await services.GetRequiredService<TargetStore>().SeedAsync(clock.GetCurrentInstant(), ct);
            await AccessSetup.EnsureAdminKeyAsync(services, app.Configuration, ct);
        });
        if (applied.Count > 0)
        {
            app.Logger.MigrationsApplied(string.Join(", ", applied));
        }

        // The migration that brings the built-in sets up to date adds a version only where the one in force is the
        // system's: an admin's own version is kept, and said so.
        if (applied.Contains(BuiltInSetsUpdate))
        {
            foreach (var kept in await services.GetRequiredService<RuleSetStore>().BuiltInKeptAsync(ct))
            {
                app.Logger.BuiltInSetKept(kept.Id, kept.Version, kept.CreatedBy);
            }
        }

        var spool = services.GetRequiredService<IOptions<IngestOptions>>().Value.SpoolPath(app.Environment.ContentRootPath);
        var (files, bytes) = SpooledBody.DeleteAbandoned(spool);
        if (files > 0)
        {
            app.Logger.SpoolCleaned(files, bytes, spool);
        }

        await JobsSetup.RequeuePendingAsync(services, ct);
        await DeadlinesSetup.ScheduleSweepAsync(services, ct);
    }
}

/// <summary>The server's hold on its database (<see cref="Db.HoldWhileServing"/>), released when the host is disposed or the process ends.</summary>
internal sealed class ServingHold(IDisposable? hold) : IDisposable
{
    public void Dispose() => hold?.Dispose();
}

/// <summary>A clock that reads to the millisecond, the precision instants are stored with.</summary>
internal sealed class MillisecondClock(IClock clock) : IClock
{
    public Instant GetCurrentInstant()
    {
        var now = clock.GetCurrentInstant();
        return Instant.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
    }
}
