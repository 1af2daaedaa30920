using System.Diagnostics;

namespace Compliance.Api.Tests.Support;

/// <summary>Waits on a condition, never on a fixed sleep: polls until it holds or the timeout passes.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> holds, string what, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            var value = await probe();
            if (holds(value))
            {
                return value;
            }

            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds} s waiting for {what}; last value: {value}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Waits until Hangfire has no job enqueued or processing.</summary>
    public static Task JobsIdleAsync() =>
        UntilAsync(
            () =>
            {
                var monitor = Hangfire.JobStorage.Current.GetMonitoringApi();
                return Task.FromResult(monitor.EnqueuedCount("default") + monitor.ProcessingCount());
            },
            pending => pending == 0,
            "background jobs to finish");

    /// <summary>Waits until a Hangfire job has succeeded.</summary>
    public static Task JobSucceededAsync(string jobId) =>
        UntilAsync(
            () =>
            {
                using var connection = Hangfire.JobStorage.Current.GetConnection();
                return Task.FromResult(connection.GetStateData(jobId)?.Name);
            },
            state => state == Hangfire.States.SucceededState.StateName,
            $"job {jobId} to succeed");
}
