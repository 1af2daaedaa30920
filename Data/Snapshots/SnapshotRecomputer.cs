using Compliance.Data.Submissions;
using Compliance.Engine;

namespace Compliance.Data.Snapshots;

/// <summary>
/// What recomputing a batch of snapshots came to: how many it took (recomputed by it, or by another node meanwhile), and
/// the submissions whose evaluation it marked pending, for the caller to enqueue.
/// </summary>
public sealed record RecomputedBatch(int Snapshots, IReadOnlyList<long> ToEvaluate);

/// <summary>
/// Recomputes snapshots stored before the PBoC 口径, or before an indicator added since (newFirstLoanEnterprises), in batches: each batch's snapshots are written by
/// <see cref="SnapshotStore"/>, and the evaluations that read them are marked pending by <see cref="SubmissionStore"/>,
/// in one transaction.
/// </summary>
public sealed class SnapshotRecomputer(Db db)
{
    /// <summary>
    /// Recomputes the next <paramref name="batchSize"/> snapshots not recomputed yet (the oldest submissions first)
    /// from their submissions' stored loans, as an ingest of the same rows computes them today: both 口径, each
    /// borrower classified by its effective credit line, every indicator declared today. A latest version's
    /// evaluation, and that of every period reading it, is marked pending: its PBoC figures or its newer indicators are
    /// new (a rule that met them NULL counted the month missing), and its CBIRC figures may have changed. The loans are
    /// read before the transaction, which only writes, so ingests wait for no scan; they never change, and a snapshot
    /// another node recomputed meanwhile is left as it is. <c>null</c> where none is left.
    /// </summary>
    public async Task<RecomputedBatch?> RecomputeNextAsync(int batchSize, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var batch = await SnapshotStore.NextToRecomputeAsync(connection, batchSize, ct);
        if (batch.Count == 0)
        {
            return null;
        }

        var rebuilt = await SnapshotStore.RebuildAsync(connection, batch, ct);
        var toEvaluate = new List<long>();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var row in batch)
        {
            // Stored before the PBoC 口径, the row had none: a set that reads it judged the period without them, and its
            // CBIRC figures may differ too. So the latest version is evaluated again, with every period that reads it.
            if (await SnapshotStore.RecomputeAsync(connection, transaction, row.SubmissionId, rebuilt[row.SubmissionId], ct) && row.IsLatest)
            {
                toEvaluate.AddRange(await SubmissionStore.MarkWithReadersAsync(connection, transaction, row.Institution, Periods.Parse(row.Period), ct));
            }
        }

        await transaction.CommitAsync(ct);
        return new RecomputedBatch(batch.Count, [.. toEvaluate.Distinct()]);
    }
}
