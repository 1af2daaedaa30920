using System.Diagnostics;
using System.Diagnostics.Metrics;
using Compliance.Data.Submissions;
using Hangfire;
using Hangfire.States;

namespace Compliance.Api.Operations;

/// <summary>
/// The product's own meter, <c>Compliance</c>: ledgers ingested, evaluations, sweeps, reminders and webhook deliveries.
/// Every label is one of a few fixed words; no institution, key, period or id is ever a label, so nothing scraped from
/// <c>/metrics</c> tells one tenant from another. The jobs take it as optional: the benchmarks run them without a host,
/// and time them on their own.
/// </summary>
public sealed class ComplianceMetrics
{
    public const string MeterName = "Compliance";

    /// <summary>
    /// The Hangfire queue evaluations are enqueued on (<see cref="Jobs.EvaluateSubmissionJob.Enqueue"/> names none, so
    /// Hangfire's default); the sweep and webhook deliveries share it.
    /// </summary>
    public const string EvaluationQueue = EnqueuedState.DefaultQueue;

    // Seconds, from a small ledger or one evaluation (milliseconds) to a ledger of millions of rows or a national sweep (minutes).
    private static readonly IReadOnlyList<double> Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Counter<long> _ingestRows;
    private readonly Counter<long> _ingestBytes;
    private readonly Histogram<double> _ingestDuration;
    private readonly Histogram<double> _evaluationDuration;
    private readonly Histogram<double> _sweepDuration;
    private readonly Counter<long> _remindersSent;
    private readonly Counter<long> _webhookDeliveries;

    public ComplianceMetrics(IMeterFactory meters, JobStorage jobs)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets };
        _ingestRows = meter.CreateCounter<long>("compliance.ingest.rows", "{row}", "Ledger rows read, by outcome (accepted or rejected); dry runs are not counted.");
        _ingestBytes = meter.CreateCounter<long>("compliance.ingest.bytes", "By", "Ledger bytes received, by outcome (accepted or rejected).");
        _ingestDuration = meter.CreateHistogram("compliance.ingest.duration", "s", "Time to read, validate and store a ledger once its body has arrived, by outcome (accepted or rejected).", advice: seconds);
        _evaluationDuration = meter.CreateHistogram("compliance.evaluation.duration", "s", "Time of one evaluation job (a batch of submissions in one transaction), failed runs included.", advice: seconds);
        _sweepDuration = meter.CreateHistogram("compliance.sweep.duration", "s", "Time of one deadline sweep.", advice: seconds);
        _remindersSent = meter.CreateCounter<long>("compliance.reminders.sent", "{reminder}", "Reminders the deadline sweeps wrote (each at most once).");
        _webhookDeliveries = meter.CreateCounter<long>("compliance.webhook.deliveries", "{delivery}", "Webhook delivery attempts, by outcome: delivered, timeout, refused, redirect, HTTP 4xx, HTTP 5xx or failed.");
        meter.CreateObservableGauge("compliance.evaluation.queue.depth", () => QueueDepth(jobs), "{job}", $"Jobs waiting on the Hangfire queue evaluations go to ({EvaluationQueue}).");
    }

    /// <summary>A ledger read and stored (<paramref name="accepted"/>) or rejected: its rows, its bytes, and how long it took.</summary>
    public void Ingested(bool accepted, long rows, long bytes, TimeSpan elapsed)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", accepted ? SubmissionStore.Accepted : SubmissionStore.Rejected);
        _ingestRows.Add(rows, outcome);
        _ingestBytes.Add(bytes, outcome);
        _ingestDuration.Record(elapsed.TotalSeconds, outcome);
    }

    /// <summary>Times an evaluation job until disposed: <c>using var timed = metrics.TimeEvaluation();</c>.</summary>
    public Timing TimeEvaluation() => new(_evaluationDuration);

    /// <summary>Times a sweep until disposed.</summary>
    public Timing TimeSweep() => new(_sweepDuration);

    public void RemindersSent(int count) => _remindersSent.Add(count);

    /// <summary>One delivery attempt: <c>delivered</c>, or the coarse error the reminder records.</summary>
    public void WebhookDelivery(string outcome) => _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private static IEnumerable<Measurement<long>> QueueDepth(JobStorage jobs)
    {
        long depth;
        try
        {
            depth = jobs.GetMonitoringApi().EnqueuedCount(EvaluationQueue);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // The job store does not answer: the scrape goes on without this gauge rather than failing whole.
            return [];
        }

        return [new Measurement<long>(depth, new KeyValuePair<string, object?>("queue", EvaluationQueue))];
    }

    /// <summary>Records the seconds since it was made into its histogram when disposed.</summary>
    public readonly struct Timing : IDisposable
    {
        private readonly Histogram<double> _histogram;
        private readonly long _started;

        internal Timing(Histogram<double> histogram)
        {
            _histogram = histogram;
            _started = Stopwatch.GetTimestamp();
        }

        public void Dispose() => _histogram.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds);
    }
}
