using System.Collections.Concurrent;
using NodaTime;

namespace Compliance.Data;

/// <summary>
/// The totals of large lists (<c>GET /exceptions</c> counts every matching row on every page), kept until this node
/// writes something that can change them and, where other nodes may write too (SQL Server), at most
/// <see cref="SharedLifetime"/>. With SQLite (one node) a total is therefore always exact; with several nodes on SQL
/// Server, one may lag another's write by at most that long. Callers that miss at once share one count.
/// </summary>
internal sealed class CountCache(IClock clock, Duration? lifetime)
{
    /// <summary>How long a total is trusted against writes by other nodes.</summary>
    public static readonly Duration SharedLifetime = Duration.FromSeconds(5);

    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _totals = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>A cache for one node alone: a total lasts until the next write.</summary>
    public CountCache(IClock clock)
        : this(clock, null)
    {
    }

    /// <summary>Forgets every total: called after a write that can change a cached list.</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);

    /// <summary>The total under <paramref name="key"/>, counted again where it is missing, outdated or too old.</summary>
    public async Task<long> GetAsync(string key, Func<Task<long>> count)
    {
        var version = Interlocked.Read(ref _version); // read before counting: a write meanwhile makes this total outdated
        if (_totals.Count >= Capacity)
        {
            _totals.Clear();
        }

        var now = clock.GetCurrentInstant();
        var entry = _totals.AddOrUpdate(
            key,
            _ => new Entry(version, now, new Lazy<Task<long>>(count)),
            (_, existing) => existing.Version == version && (lifetime is not { } limit || now - existing.CountedAt < limit)
                ? existing
                : new Entry(version, now, new Lazy<Task<long>>(count)));
        try
        {
            return await entry.Total.Value;
        }
        catch
        {
            _totals.TryRemove(new KeyValuePair<string, Entry>(key, entry)); // a failed count is not kept
            throw;
        }
    }

    private sealed record Entry(long Version, Instant CountedAt, Lazy<Task<long>> Total);
}
