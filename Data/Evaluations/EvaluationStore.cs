using System.Text.Json;
using Compliance.Data.Exceptions;
using Compliance.Data.Snapshots;
using NodaTime;

namespace Compliance.Data.Evaluations;

/// <summary>
/// Runs evaluations against the store: each batch reads its snapshots, evaluates and writes its exceptions in one
/// transaction, so nothing another writer commits can fall between what an evaluation read and what it wrote,
/// and SQLite pays one commit for many evaluations.
/// </summary>
public sealed class EvaluationStore(Db db, ExceptionStore exceptions)
{
    private const string MarkSql = """
        UPDATE submissions SET evaluation_status = @status,
            evaluation = CASE WHEN @error IS NULL THEN evaluation ELSE @error END
        WHERE id = @id AND status = 'accepted'
          AND version = (SELECT MAX(v.version) FROM submissions v WHERE v.institution = submissions.institution AND v.period = submissions.period AND v.status = 'accepted')
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        var written = await ExceptionStore.ApplyAsync(connection, transaction, [.. subjects.Values.Where(s => s.IsLatest).Select(evaluate)], now, ct);
        await exceptions.CommitAsync(transaction, ct);
        return written;
    }

    /// <summary>
    /// Sets the evaluation status of the latest accepted versions among <paramref name="submissionIds"/>
    /// (<c>running</c>, or <c>failed</c> with the error's message), in one transaction.
    /// </summary>
    public async Task MarkAsync(IReadOnlyList<long> submissionIds, string status, string? error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submissionIds);
        var errorJson = error is null ? null : JsonSerializer.Serialize(new { error }, Json);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var mark = connection.Repeated(transaction, MarkSql, "status", "error", "id"))
        {
            foreach (var id in submissionIds.Distinct())
            {
                mark.Bind(status, errorJson, id);
                await mark.ExecuteNonQueryAsync(ct);
            }
        }

        await transaction.CommitAsync(ct);
    }
}
