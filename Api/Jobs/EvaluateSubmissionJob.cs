using Compliance.Data.Exceptions;
using Compliance.Data.Rules;
using Compliance.Data.Snapshots;
using Compliance.Data.Submissions;
using Compliance.Engine;
using Compliance.Engine.Rules;
using Hangfire;
using NodaTime;

namespace Compliance.Api.Jobs;

/// <summary>
/// Evaluates one accepted submission: loads its snapshot and baselines, runs the institution's rule set, and
/// applies the findings as exceptions in one transaction. Safe to run twice, concurrently, or after a crash: the
/// exceptions are keyed, a superseded version writes nothing, and the same inputs give the same writes.
/// </summary>
public sealed class EvaluateSubmissionJob(
    SnapshotStore snapshots,
    RuleSetStore ruleSets,
    ExceptionStore exceptions,
    SubmissionStore submissions,
    IClock clock,
    ILogger<EvaluateSubmissionJob> log)
{
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(long submissionId, CancellationToken ct)
    {
        var subject = await snapshots.LoadForEvaluationAsync(submissionId, ct);
        if (subject is null || !subject.IsLatest)
        {
            log.EvaluationSkipped(submissionId);
            return;
        }

        await submissions.SetEvaluationStatusAsync(submissionId, "running", null, ct);
        try
        {
            var period = subject.History.Period;
            var ruleSet = RuleSet.Select(await ruleSets.CurrentAsync(ct), subject.RegionCode, period.Year)
                ?? throw new InvalidOperationException($"No rule set is in force for region {subject.RegionCode} in {period.Year}.");
            var results = ruleSet.Evaluate(subject.History);
            var written = await exceptions.ApplyAsync(new Evaluation(submissionId, subject.Institution, period, ruleSet, results), clock.GetCurrentInstant(), ct);
            log.Evaluated(submissionId, subject.Institution, Periods.Format(period), ruleSet.Id, ruleSet.Version, written?.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await submissions.SetEvaluationStatusAsync(submissionId, "failed", e.Message, CancellationToken.None);
            throw;
        }
    }
}
