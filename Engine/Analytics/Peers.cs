using Compliance.Engine.Indicators;

namespace Compliance.Engine.Analytics;

/// <summary>The figures of a peer group for one measure: how many members have it, and its five-number summary.</summary>
public sealed record PeerFigures(int N, decimal Min, decimal Q1, decimal Median, decimal Q3, decimal Max);

/// <summary>
/// Peers and ranking (analytics.md, "Peers and ranking"): the measures an institution is compared by, each in the
/// CBIRC 口径 from its snapshot of the period and that of the December before; the quartiles of a peer group; and where
/// one member stands in it.
/// </summary>
public static class Peers
{
    /// <summary>Inclusive-loan growth since the December before, in percent.</summary>
    public const string InclusiveGrowthYtd = "inclusiveGrowthYtd";

    /// <summary>Total-loan growth since the December before, in percent.</summary>
    public const string TotalGrowthYtd = "totalGrowthYtd";

    /// <summary>The inclusive growth less the total growth (both unrounded), in percentage points.</summary>
    public const string GrowthGapPp = "growthGapPp";

    /// <summary>The measures, in the order the peers answer lists them.</summary>
    public static IReadOnlyList<string> Measures { get; } =
    [
        InclusiveGrowthYtd, TotalGrowthYtd, GrowthGapPp, "inclusiveNplRatio", "nplGapPp", "creditShare", "creditShareChangePp", "inclusiveBorrowersChange",
    ];

    /// <summary>Whether <paramref name="measure"/> is one of <see cref="Measures"/> (names are case-sensitive).</summary>
    public static bool IsMeasure(string? measure) => measure is not null && Measures.Contains(measure, StringComparer.Ordinal);

    /// <summary>Whether a lower figure is the better one: the NPL ratio and the NPL gap; every other measure is best highest.</summary>
    public static bool LowerIsBetter(string measure) => measure is "inclusiveNplRatio" or "nplGapPp";

    /// <summary>Whether the measure is a count (borrowers) rather than a percentage or percentage points.</summary>
    public static bool IsCount(string measure) => measure == "inclusiveBorrowersChange";

    /// <summary>
    /// The measure for an institution from its snapshot of the period (<paramref name="now"/>) and of the December
    /// before (<paramref name="start"/>), unrounded; <c>null</c> where a snapshot it needs is missing or a base is 0.
    /// </summary>
    public static decimal? Of(string measure, IndicatorSnapshot? now, IndicatorSnapshot? start)
    {
        ArgumentNullException.ThrowIfNull(measure);
        return measure switch
        {
            InclusiveGrowthYtd => Growth(now?.InclusiveBalance, start?.InclusiveBalance),
            TotalGrowthYtd => Growth(now?.TotalBalance, start?.TotalBalance),
            GrowthGapPp => Growth(now?.InclusiveBalance, start?.InclusiveBalance) - Growth(now?.TotalBalance, start?.TotalBalance),
            "inclusiveNplRatio" => now?.InclusiveNplRatio,
            "nplGapPp" => now?.InclusiveNplRatio - now?.TotalNplRatio,
            "creditShare" => now?.CreditShare,
            "creditShareChangePp" => now?.CreditShare - start?.CreditShare,
            "inclusiveBorrowersChange" => now is null || start is null ? null : now.InclusiveBorrowers - start.InclusiveBorrowers,
            _ => throw new ArgumentOutOfRangeException(nameof(measure), measure, "Not a peer measure."),
        };
    }

    /// <summary>(now − base) / base × 100; <c>null</c> where either is missing or the base is 0.</summary>
    private static decimal? Growth(decimal? now, decimal? start) =>
        now is { } n && start is { } s && s != 0 ? (n - s) * 100m / s : null;

    /// <summary>The count, extremes and quartiles of <paramref name="values"/> (inclusive linear interpolation at (n−1)·p); <c>null</c> for none.</summary>
    public static PeerFigures? FiguresOf(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        return new PeerFigures(sorted.Count, sorted[0], Quantile(sorted, 0.25m), Quantile(sorted, 0.5m), Quantile(sorted, 0.75m), sorted[^1]);
    }

    /// <summary>The p-quantile of sorted values: at h = (n−1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).</summary>
    public static decimal Quantile(IReadOnlyList<decimal> sorted, decimal p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var h = (sorted.Count - 1) * p;
        var low = (int)decimal.Floor(h);
        return low + 1 >= sorted.Count ? sorted[low] : sorted[low] + ((h - low) * (sorted[low + 1] - sorted[low]));
    }

    /// <summary>
    /// Where <paramref name="value"/> stands among the group's <paramref name="members"/> (itself included once):
    /// 100 × (others strictly worse + ½ × others equal) / (n − 1); <c>null</c> where it has no other member.
    /// </summary>
    public static decimal? Percentile(string measure, decimal value, IReadOnlyCollection<decimal> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count <= 1)
        {
            return null;
        }

        var lower = LowerIsBetter(measure);
        var worse = members.Count(m => lower ? m > value : m < value);
        var equal = members.Count(m => m == value) - 1; // the institution itself is not its own peer
        return 100m * (worse + (equal / 2m)) / (members.Count - 1);
    }

    /// <summary>The ranking order: best first, ties by code (ordinal).</summary>
    public static IReadOnlyList<(string Code, decimal Value)> Rank(string measure, IEnumerable<(string Code, decimal Value)> values)
    {
        var ordered = LowerIsBetter(measure) ? values.OrderBy(v => v.Value) : values.OrderByDescending(v => v.Value);
        return [.. ordered.ThenBy(v => v.Code, StringComparer.Ordinal)];
    }
}
