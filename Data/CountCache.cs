using System.Collections.Concurrent;
using System.Diagnostics;

namespace Compliance.Data;

/// <summary>
/// The totals of large lists (<c>GET /exceptions</c> counts every matching row on every page), kept until this node
/// writes something that can change them, and at most <see cref="Lifetime"/> for what other nodes write. With SQLite
/// (one node) a total is therefore always exact; with several nodes on SQL Server, one may lag another's write by at
/// most that long.
/// </summary>
internal sealed class CountCache
{
    /// <summary>How long a total is trusted against writes by other nodes.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _totals = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Forgets every total: called after a write that can change a cached list.</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);

    /// <summary>The total under <paramref name="key"/>, counted again where it is missing, outdated or too old.</summary>
    public async Task<long> GetAsync(string key, Func<Task<long>> count)
    {
        var version = Interlocked.Read(ref _version); // read before counting: a write meanwhile makes this total outdated
        if (_totals.TryGetValue(key, out var entry) && entry.Version == version && Stopwatch.GetElapsedTime(entry.CountedAt) < Lifetime)
        {
            return entry.Total;
        }

        var total = await count();
        if (_totals.Count >= Capacity)
        {
            _totals.Clear();
        }

        _totals[key] = new Entry(version, Stopwatch.GetTimestamp(), total);
        return total;
    }

    private sealed record Entry(long Version, long CountedAt, long Total);
}
