using Compliance.Data;
using Compliance.Data.Snapshots;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Jobs;

/// <summary><c>Compliance:Snapshots</c>.</summary>
public sealed class SnapshotOptions
{
    public const string Section = "Compliance:Snapshots";

    /// <summary>Whether a worker recomputes, at start, the snapshots stored before the PBoC 口径 or before newFirstLoanEnterprises.</summary>
    public bool RecomputeOnStart { get; set; } = true;

    /// <summary>Snapshots recomputed in one transaction.</summary>
    public int RecomputeBatchSize { get; set; } = 50;
}

/// <summary>
/// Recomputes, in the background of a worker's start, the snapshots stored before the PBoC 口径 and before borrowers
/// were classified by their effective credit line (and those stored before newFirstLoanEnterprises), from their stored
/// loans, a batch a transaction, and queues again the evaluations whose figures changed. The store's NULL PBoC values,
/// and NULL newFirstLoanEnterprises, mark what is left, so a stop or crash loses at most the batch under way, and every
/// later start finds nothing to do with one count.
/// </summary>
internal sealed class SnapshotRecomputation(
    SnapshotStore snapshots,
    SnapshotRecomputer recomputer,
    Db db,
    IBackgroundJobClient jobs,
    IOptions<SnapshotOptions> options,
    IOptions<NodeOptions> node,
    ILogger<SnapshotRecomputation> log) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Only a worker recomputes: the evaluations it queues are a worker's, and one writer at a time is enough.
        if (!options.Value.RecomputeOnStart || !node.Value.RunsWorker)
        {
            return;
        }

        var total = await snapshots.CountToRecomputeAsync(stoppingToken);
        if (total == 0)
        {
            return;
        }

        log.RecomputingSnapshots(total, options.Value.RecomputeBatchSize);
        var done = 0L;
        while (true)
        {
            RecomputedBatch? batch;
            try
            {
                batch = await recomputer.RecomputeNextAsync(options.Value.RecomputeBatchSize, stoppingToken);
            }
            catch (Exception e) when (db.Dialect.IsTransient(e) && !stoppingToken.IsCancellationRequested)
            {
                // A long ingest holds the write lock; the batch rolled back whole and is simply tried again.
                log.RecomputationDeferred(e.Message);
                await Task.Delay(RetryAfter, stoppingToken);
                continue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The server goes on answering, old snapshots as they were stored; the next start tries again.
                log.RecomputationStopped(done, total, e.Message);
                return;
            }

            if (batch is null)
            {
                return;
            }

            // Marked pending in the batch's transaction: were this enqueue lost, the next start enqueues them.
            EvaluateSubmissionJob.Enqueue(jobs, batch.ToEvaluate);
            done += batch.Snapshots;
            log.SnapshotsRecomputed(done, total, batch.ToEvaluate.Count);
        }
    }
}
