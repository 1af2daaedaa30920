using Compliance.Data.Exceptions;
using Compliance.Data.Snapshots;
using Compliance.Data.Submissions;
using NodaTime;

namespace Compliance.Data.Evaluations;

/// <summary>
/// Runs evaluations against the store: each batch reads its snapshots (<see cref="SnapshotStore"/>), evaluates, writes
/// its exceptions (<see cref="ExceptionStore"/>) and marks its evaluations done (<see cref="SubmissionStore"/>) in one
/// transaction (it writes no table of its own), so nothing another writer commits can fall between what an
/// evaluation read and what it wrote, and SQLite pays one commit for many evaluations.
/// </summary>
public sealed class EvaluationStore(Db db, ExceptionStore exceptions)
{
    /// <summary>
    /// Evaluates the submissions in one transaction; a submission superseded by a newer accepted version of its
    /// period writes nothing. Returns the ids of the exceptions each evaluation wrote, by submission.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<long>>> EvaluateAsync(
        IReadOnlyList<long> submissionIds, Func<EvaluationSubject, Evaluation> evaluate, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submissionIds);
        ArgumentNullException.ThrowIfNull(evaluate);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var subjects = await SnapshotStore.LoadForEvaluationAsync(connection, transaction, [.. submissionIds.Distinct()], ct);
        // A person's change that queued an evaluation is named on the events it writes, and forgotten once it is done.
        var evaluations = subjects.Values.Where(s => s.IsLatest).Select(s => evaluate(s) with { Cause = s.Cause }).ToList();
        var written = await ExceptionStore.ApplyAsync(connection, transaction, evaluations, now, ct);
        await SubmissionStore.EvaluatedAsync(
            connection, transaction, evaluations.Select(e => (e.SubmissionId, StoredEvaluation.Of(e.Result, written[e.SubmissionId]).ToJson(), e.Cause)), now, ct);
        await exceptions.CommitAsync(transaction, ct);
        return written;
    }
}
