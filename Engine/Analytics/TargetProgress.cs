using Compliance.Engine.Indicators;
using NodaTime;

namespace Compliance.Engine.Analytics;

/// <summary>An institution as a target's population sees it.</summary>
public sealed record TargetMember(string Code, string RegionCode, string Category, bool LocalLegalPerson, YearMonth ReportingFrom);

/// <summary>How many institutions a figure sums, of how many it should (analytics.md, "Population and coverage").</summary>
public sealed record TargetCoverage(int Included, int Expected);

/// <summary>A measure of a population in one month: null where no institution has the snapshots it needs, or a base is 0.</summary>
public sealed record MeasuredFigure(decimal? Value, TargetCoverage Coverage);

/// <summary>One month of a target's year: its figure, the threshold it is compared with, and whether it meets it.</summary>
public sealed record ProgressMonth(YearMonth Period, decimal? Value, decimal? Threshold, bool? Met, TargetCoverage Coverage, TargetCoverage? VersusCoverage);

/// <summary>The year's figure projected from the latest month with data m: value(m) × 12 / m, the threshold likewise.</summary>
public sealed record ProgressProjection(YearMonth Period, decimal Value, decimal Threshold, bool Met);

/// <summary>Where a target stands.</summary>
public enum ProgressStatus
{
    /// <summary>December has data and meets the threshold.</summary>
    Met,

    /// <summary>December has data and misses it, or before that the projection misses it.</summary>
    AtRisk,

    /// <summary>Before December has data, the projection meets the threshold.</summary>
    OnTrack,

    /// <summary>No month has data.</summary>
    NoData,
}

/// <summary>
/// An indicator as a measure reads it: in the PBoC 口径 where the target's scope is the PBoC's and its measure names a
/// 口径-dependent indicator (then every indicator of that measure is read from the PBoC-口径 snapshot, and a snapshot
/// without PBoC figures has none), else as stored.
/// </summary>
public sealed record IndicatorRead(Indicator Indicator, bool Pboc);

/// <summary>A target's progress over a year.</summary>
public sealed record TargetProgressResult(IReadOnlyList<ProgressMonth> Months, ProgressProjection? Projection, ProgressStatus Status);

/// <summary>
/// The arithmetic of a target's progress (analytics.md, "Regional targets"): every figure a ratio of sums over the
/// population, unrounded; an institution lacking a snapshot a figure needs is left out and counted in its coverage.
/// </summary>
public static class TargetProgress
{
    /// <summary>Every indicator the target's measures read, each once: what a store needs to read of each snapshot.</summary>
    public static IReadOnlyList<IndicatorRead> Reads(TargetSpec target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var measures = target.Versus is { } versus ? new[] { target.Measure, versus.Measure } : [target.Measure];
        return [.. measures.SelectMany(m => ReadsOf(m, target.Scope)).Distinct()];
    }

    /// <summary>The figures of stored snapshots, as <see cref="Of"/> reads them: <c>null</c> where the institution has no snapshot of the period (or none in the 口径).</summary>
    public static Func<string, YearMonth, IndicatorRead, decimal?> FiguresOf(Func<string, YearMonth, IndicatorSnapshot?> snapshotOf)
    {
        ArgumentNullException.ThrowIfNull(snapshotOf);
        return (code, period, read) => snapshotOf(code, period) is { } s && (read.Pboc ? s.Pboc : s) is { } scoped && read.Indicator.ValueOf(scoped) is { } value
            ? Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>
    /// The progress of <paramref name="target"/> over <paramref name="year"/>, from the institutions and the figures of
    /// their latest snapshots (<paramref name="figureOf"/>: <c>null</c> where an institution has no snapshot of the period).
    /// </summary>
    public static TargetProgressResult Of(
        TargetSpec target, int year, IReadOnlyList<TargetMember> members, Func<string, YearMonth, IndicatorRead, decimal?> figureOf)
    {
        ArgumentNullException.ThrowIfNull(target);
        var months = new List<ProgressMonth>();
        for (var month = 1; month <= 12; month++)
        {
            var period = new YearMonth(year, month);
            var figure = Measure(target.Measure, target.Scope, target.Jurisdiction, target.Population, period, members, figureOf);
            MeasuredFigure? versus = target.Versus is { } v
                ? Measure(v.Measure, target.Scope, target.Jurisdiction, v.Population, period, members, figureOf)
                : null;
            var threshold = versus is null ? target.Value : versus.Value;
            bool? met = figure.Value is { } value && threshold is { } t ? target.Meets(value, t) : null;
            months.Add(new ProgressMonth(period, figure.Value, threshold, met, figure.Coverage, versus?.Coverage));
        }

        var latest = months.LastOrDefault(m => m.Met is not null);
        if (latest is null)
        {
            return new TargetProgressResult(months, null, ProgressStatus.NoData);
        }

        var m = latest.Period.Month;
        var projectedValue = latest.Value!.Value * 12 / m;
        var projectedThreshold = target.Versus is null ? latest.Threshold!.Value : latest.Threshold!.Value * 12 / m;
        var projection = new ProgressProjection(new YearMonth(year, 12), projectedValue, projectedThreshold, target.Meets(projectedValue, projectedThreshold));
        var status = m == 12
            ? latest.Met == true ? ProgressStatus.Met : ProgressStatus.AtRisk
            : projection.Met ? ProgressStatus.OnTrack : ProgressStatus.AtRisk;
        return new TargetProgressResult(months, projection, status);
    }

    /// <summary>
    /// A measure of the population of <paramref name="jurisdiction"/> in <paramref name="period"/>: every member whose region is
    /// in it, reporting by the period and of the <paramref name="population"/>, summed over those with every figure needed.
    /// </summary>
    public static MeasuredFigure Measure(
        TargetMeasure measure, StatisticalScope? scope, string jurisdiction, TargetPopulation population, YearMonth period,
        IReadOnlyList<TargetMember> members, Func<string, YearMonth, IndicatorRead, decimal?> figureOf)
    {
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(figureOf);
        var expected = members
            .Where(i => i.RegionCode.StartsWith(jurisdiction, StringComparison.Ordinal) && i.ReportingFrom <= period && population.Includes(i.Category, i.LocalLegalPerson))
            .ToList();
        IReadOnlyList<YearMonth> needed = measure.Kind == TargetMeasureKind.Cumulative
            ? [.. Enumerable.Range(1, period.Month).Select(month => new YearMonth(period.Year, month))]
            : [new YearMonth(period.Year - 1, 12), period];
        var reads = ReadsOf(measure, scope);

        // sums[at, r]: the sum of read r at needed period at, over the members with every figure.
        var sums = new decimal[needed.Count, reads.Count];
        var figures = new decimal[needed.Count, reads.Count];
        var included = 0;
        foreach (var member in expected)
        {
            if (!TryFigures(member.Code, needed, reads, figureOf, figures))
            {
                continue;
            }

            included++;
            for (var at = 0; at < needed.Count; at++)
            {
                for (var r = 0; r < reads.Count; r++)
                {
                    sums[at, r] += figures[at, r];
                }
            }
        }

        var coverage = new TargetCoverage(included, expected.Count);
        if (included == 0)
        {
            return new MeasuredFigure(null, coverage);
        }

        decimal? value = measure.Kind switch
        {
            TargetMeasureKind.Cumulative => Enumerable.Range(0, needed.Count).Sum(at => sums[at, 0]),
            TargetMeasureKind.Increase or TargetMeasureKind.Change => sums[1, 0] - sums[0, 0],
            TargetMeasureKind.GrowthPct => sums[0, 0] is var b && b != 0 ? (sums[1, 0] - b) / b * 100 : null,
            _ => Share(sums[1, 0], sums[1, 1]) is { } now && Share(sums[0, 0], sums[0, 1]) is { } start ? now - start : null,
        };
        return new MeasuredFigure(value, coverage);
    }

    private static bool TryFigures(
        string code, IReadOnlyList<YearMonth> needed, IReadOnlyList<IndicatorRead> reads, Func<string, YearMonth, IndicatorRead, decimal?> figureOf, decimal[,] figures)
    {
        for (var at = 0; at < needed.Count; at++)
        {
            for (var r = 0; r < reads.Count; r++)
            {
                if (figureOf(code, needed[at], reads[r]) is not { } figure)
                {
                    return false;
                }

                figures[at, r] = figure;
            }
        }

        return true;
    }

    // The indicator, then the denominator where the measure has one, each in the 口径 the measure reads.
    private static IReadOnlyList<IndicatorRead> ReadsOf(TargetMeasure measure, StatisticalScope? scope)
    {
        var pboc = scope == StatisticalScope.Pboc && measure.NamesPerScope;
        return measure.Denominator is { } denominator
            ? [new IndicatorRead(measure.Indicator, pboc), new IndicatorRead(denominator, pboc)]
            : [new IndicatorRead(measure.Indicator, pboc)];
    }

    private static decimal? Share(decimal numerator, decimal denominator) => denominator == 0 ? null : numerator / denominator * 100;
}
