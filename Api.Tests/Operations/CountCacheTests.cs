using Compliance.Data;

namespace Compliance.Api.Tests.Operations;

/// <summary>A cached total is reused until a write invalidates it, and a count racing a write is not kept as current.</summary>
public sealed class CountCacheTests
{
    [Test]
    public async Task Total_IsCountedOnce_UntilInvalidated()
    {
        var cache = new CountCache();
        var counted = 0;
        Task<long> Count() => Task.FromResult((long)++counted);

        var first = await cache.GetAsync("k", Count);
        var again = await cache.GetAsync("k", Count);
        cache.Invalidate();
        var afterWrite = await cache.GetAsync("k", Count);
        var other = await cache.GetAsync("other", Count);

        (first, again, afterWrite, other).Should().Be((1L, 1L, 2L, 3L));
    }

    [Test]
    public async Task Callers_MissingAtOnce_ShareOneCount()
    {
        var cache = new CountCache();
        var counted = 0;
        var release = new TaskCompletionSource<long>();

        var waiting = Enumerable.Range(0, 10).Select(_ => cache.GetAsync("k", () => { Interlocked.Increment(ref counted); return release.Task; })).ToList();
        release.SetResult(7);
        var totals = await Task.WhenAll(waiting);

        totals.Should().AllBeEquivalentTo(7L);
        counted.Should().Be(1);
    }

    [Test]
    public async Task Total_OlderThanTheLifetime_IsCountedAgain()
    {
        var cache = new CountCache(TimeSpan.FromMilliseconds(50));
        var counted = 0;

        await cache.GetAsync("k", () => Task.FromResult((long)++counted));
        await Task.Delay(100);
        var later = await cache.GetAsync("k", () => Task.FromResult((long)++counted));

        later.Should().Be(2, "another node may have written since");
    }

    [Test]
    public async Task Total_CountedWhileAWriteCommits_IsCountedAgainNextTime()
    {
        var cache = new CountCache();
        var counted = 0;

        await cache.GetAsync("k", () =>
        {
            cache.Invalidate(); // a write commits while the count runs
            return Task.FromResult((long)++counted);
        });
        var next = await cache.GetAsync("k", () => Task.FromResult((long)++counted));

        next.Should().Be(2, "the first total was counted under the version before the write");
    }
}
