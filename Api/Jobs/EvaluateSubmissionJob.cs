using Compliance.Data.Evaluations;
using Compliance.Data.Exceptions;
using Compliance.Data.Rules;
using Compliance.Data.Submissions;
using Compliance.Engine.Rules;
using Hangfire;
using NodaTime;

namespace Compliance.Api.Jobs;

/// <summary>
/// Evaluates accepted submissions: for each, its snapshot and baselines are read, the institution's rule set runs,
/// and the findings are applied as exceptions, a batch in one transaction. Safe to run twice, concurrently, or
/// after a crash: exceptions are keyed, a superseded version writes nothing, and the same inputs give the same writes.
/// </summary>
public sealed class EvaluateSubmissionJob(
    EvaluationStore evaluations,
    SubmissionStore submissions,
    RuleSetStore ruleSets,
    IClock clock,
    ILogger<EvaluateSubmissionJob> log,
    Operations.ComplianceMetrics? metrics = null)
{
    /// <summary>The most submissions one job evaluates (and one transaction holds the write lock for).</summary>
    public const int MaxBatch = 200;

    /// <summary>Evaluates one submission.</summary>
    [AutomaticRetry(Attempts = 5)]
    public Task RunAsync(long submissionId, CancellationToken ct) => RunManyAsync([submissionId], ct);

    /// <summary>Evaluates submissions together, in one transaction.</summary>
    [AutomaticRetry(Attempts = 5)]
    public async Task RunManyAsync(long[] submissionIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submissionIds);
        using var timed = metrics?.TimeEvaluation();
        var sets = await ruleSets.CurrentAsync(ct);
        await submissions.MarkEvaluationAsync(submissionIds, SubmissionStore.EvaluationRunning, null, ct);
        try
        {
            // With no set in force for the region and year, nothing applies: the evaluation is done, its outcome
            // notApplicable, and what an ended set wrote for the period is cleared (api.md, "Rules").
            var written = await evaluations.EvaluateAsync(submissionIds, subject =>
                new Evaluation(subject.SubmissionId, subject.Institution, subject.History.Period, RuleEvaluation.Of(sets, subject.Profile, subject.History)),
                clock.GetCurrentInstant(), ct);
            log.Evaluated(submissionIds.Length, written.Count, written.Values.Sum(w => w.Count));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await submissions.MarkEvaluationAsync(submissionIds, SubmissionStore.EvaluationFailed, e.Message, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Enqueues the evaluation of <paramref name="submissionIds"/> in batches of at most <see cref="MaxBatch"/>.</summary>
    public static void Enqueue(IBackgroundJobClient jobs, IEnumerable<long> submissionIds)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        foreach (var batch in submissionIds.Chunk(MaxBatch))
        {
            jobs.Enqueue<EvaluateSubmissionJob>(job => job.RunManyAsync(batch, CancellationToken.None));
        }
    }
}
