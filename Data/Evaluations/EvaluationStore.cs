using System.Data.Common;
using Compliance.Data.Exceptions;
using Compliance.Data.Snapshots;
using Compliance.Data.Submissions;
using Compliance.Engine;
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
    // The institution-period of a submission, which never changes: what its evaluation locks.
    private const string PeriodOfSql = "SELECT institution, period FROM submissions WHERE id = @id";

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
        var ids = submissionIds.Distinct().ToList();
        // Each institution-period is locked before anything of it is read. Where each statement reads what was committed
        // before it (PostgreSQL, SQL Server), a history read before the lock may be older than what another node's
        // evaluation of the same period commits meanwhile, and this one would then write its older result over that.
        await ExceptionStore.LockEvaluationsAsync(connection, transaction, await PeriodsOfAsync(connection, transaction, ids, ct), ct);
        var subjects = await SnapshotStore.LoadForEvaluationAsync(connection, transaction, ids, ct);
        // A person's change that queued an evaluation is named on the events it writes, and forgotten once it is done.
        var evaluations = subjects.Values.Where(s => s.IsLatest).Select(s => evaluate(s) with { Cause = s.Cause }).ToList();
        var written = await ExceptionStore.ApplyAsync(connection, transaction, evaluations, now, ct);
        await SubmissionStore.EvaluatedAsync(
            connection, transaction, evaluations.Select(e => (e.SubmissionId, StoredEvaluation.Of(e.Result, written[e.SubmissionId]).ToJson(), e.Cause)), now, ct);
        await exceptions.CommitAsync(transaction, ct);
        return written;
    }

    // The institution-periods of the submissions that exist.
    private static async Task<List<(string Institution, YearMonth Period)>> PeriodsOfAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<long> ids, CancellationToken ct)
    {
        var periods = new List<(string, YearMonth)>();
        await using var periodOf = connection.Repeated(transaction, PeriodOfSql, "id");
        foreach (var id in ids)
        {
            periodOf.Bind(id);
            await using var reader = await periodOf.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                periods.Add((reader.GetString(0), Periods.Parse(reader.GetString(1))));
            }
        }

        return periods;
    }
}
