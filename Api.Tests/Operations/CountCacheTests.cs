using Compliance.Data;
using NodaTime;
using NodaTime.Testing;

namespace Compliance.Api.Tests.Operations;

/// <summary>A cached total is reused until a write invalidates it, and a count racing a write is not kept as current.</summary>
public sealed class CountCacheTests
{
    private static readonly Instant Now = Instant.FromUtc(2023, 1, 20, 2, 0);

    [Test]
    public async Task Total_IsCountedOnce_UntilInvalidated()
    {
        var cache = new CountCache(new FakeClock(Now));
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
        var cache = new CountCache(new FakeClock(Now));
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
        var clock = new FakeClock(Now);
        var cache = new CountCache(clock, Duration.FromSeconds(5));
        var counted = 0;

        await cache.GetAsync("k", () => Task.FromResult((long)++counted));
        clock.Advance(Duration.FromSeconds(5) - Duration.Epsilon);
        var within = await cache.GetAsync("k", () => Task.FromResult((long)++counted));
        clock.Advance(Duration.Epsilon);
        var later = await cache.GetAsync("k", () => Task.FromResult((long)++counted));

        within.Should().Be(1, "a total younger than the lifetime is trusted");
        later.Should().Be(2, "another node may have written since");
    }

    [Test]
    public async Task Total_CountedWhileAWriteCommits_IsCountedAgainNextTime()
    {
        var cache = new CountCache(new FakeClock(Now));
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
