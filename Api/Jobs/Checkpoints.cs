using Compliance.Data;

namespace Compliance.Api.Jobs;

/// <summary>
/// Checkpoints the SQLite write-ahead log every few seconds in the background, so that no request's commit pays
/// for copying a large ledger from the log into the database file.
/// </summary>
internal sealed class Checkpoints(Db db, ILogger<Checkpoints> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!db.Dialect.Checkpoints)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await db.CheckpointAsync(stoppingToken);
            }
            catch (System.Data.Common.DbException e)
            {
                log.CheckpointFailed(e.Message); // busy now; the next tick tries again
            }
        }
    }
}
