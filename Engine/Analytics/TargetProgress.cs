using Compliance.Engine.Indicators;
using NodaTime;

namespace Compliance.Engine.Analytics;

/// <summary>An institution as a target's population sees it.</summary>
public sealed record TargetMember(string Code, string RegionCode, string Category, bool LocalLegalPerson, YearMonth ReportingFrom)
{
    /// <summary>
    /// The institutions above it, its parent first, then its parent's parent, up to the top of its tree: a ledger of
    /// any of them holds this institution's loans (analytics.md, "Each loan counted once").
    /// </summary>
    public IReadOnlyList<string> Ancestors { get; init; } = [];

    /// <summary>The codes above <paramref name="code"/>, its parent first, from every institution's parent; a cycle ends the chain.</summary>
    public static IReadOnlyList<string> AncestorsOf(string code, IReadOnlyDictionary<string, string> parents)
    {
        ArgumentNullException.ThrowIfNull(parents);
        var ancestors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { code };
        for (var at = code; parents.TryGetValue(at, out var parent) && seen.Add(parent); at = parent)
        {
            ancestors.Add(parent);
        }

        return ancestors;
    }
}

/// <summary>
/// How many institutions a figure sums, of how many it should (analytics.md, "Population and coverage"):
/// <see cref="Consolidated"/> counts those left out because an ancestor's consolidated ledger, summed in the same
/// figure, holds their loans; <see cref="Expected"/> − <see cref="Included"/> − <see cref="Consolidated"/> lack a snapshot.
/// </summary>
public sealed record TargetCoverage(int Included, int Expected, int Consolidated = 0)
{
    /// <summary>Whether every institution of the population is in the figure, summed or within an ancestor's ledger.</summary>
    public bool Complete => Included + Consolidated == Expected;
}

/// <summary>A measure of a population in one month: null where no institution has the snapshots it needs, or a base is 0.</summary>
public sealed record MeasuredFigure(decimal? Value, TargetCoverage Coverage);

/// <summary>One month of a target's year: its figure, the threshold it is compared with, and whether it meets it.</summary>
public sealed record ProgressMonth(YearMonth Period, decimal? Value, decimal? Threshold, bool? Met, TargetCoverage Coverage, TargetCoverage? VersusCoverage);

/// <summary>
/// The year's figure projected from the latest month with data m: value(m) × 12 / m, the threshold likewise;
/// <see cref="Met"/> null in a contribution.
/// </summary>
public sealed record ProgressProjection(YearMonth Period, decimal Value, decimal Threshold, bool? Met);

/// <summary>Where a target stands.</summary>
public enum ProgressStatus
{
    /// <summary>December's coverage is complete and its figure meets the threshold (已达成).</summary>
    Met,

    /// <summary>Before December's coverage is complete, the projection misses the threshold (进度滞后).</summary>
    AtRisk,

    /// <summary>Before December's coverage is complete, the projection meets the threshold (按进度).</summary>
    OnTrack,

    /// <summary>No month has data (无数据).</summary>
    NoData,

    /// <summary>December's coverage is complete and its figure misses the threshold (未达成).</summary>
    Missed,
}

/// <summary>Whether a progress answers for the target's whole jurisdiction or for a part of it.</summary>
public enum ProgressExtent
{
    /// <summary>Computed over the target's jurisdiction, and judged.</summary>
    Full,

    /// <summary>
    /// Computed over a jurisdiction inside the target's: a part of the region, which neither meets nor misses the
    /// region's target, so nothing is judged.
    /// </summary>
    Contribution,
}

/// <summary>
/// An indicator as a measure reads it: in the PBoC 口径 where the target's scope is the PBoC's and its measure names a
/// 口径-dependent indicator (then every indicator of that measure is read from the PBoC-口径 snapshot, and a snapshot
/// without PBoC figures has none), else as stored.
/// </summary>
public sealed record IndicatorRead(Indicator Indicator, bool Pboc);

/// <summary>
/// A target's progress over a year, computed over <paramref name="Jurisdiction"/>; in a contribution every
/// <c>met</c> and the <see cref="Status"/> are null.
/// </summary>
public sealed record TargetProgressResult(
    IReadOnlyList<ProgressMonth> Months, ProgressProjection? Projection, ProgressStatus? Status, string Jurisdiction, ProgressExtent Extent);

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
    /// The progress of <paramref name="target"/> over <paramref name="year"/> in its whole jurisdiction, from the
    /// institutions and the figures of their latest snapshots (<paramref name="figureOf"/>: <c>null</c> where an
    /// institution has no snapshot of the period).
    /// </summary>
    public static TargetProgressResult Of(
        TargetSpec target, int year, IReadOnlyList<TargetMember> members, Func<string, YearMonth, IndicatorRead, decimal?> figureOf)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Over(target, year, target.Jurisdiction, ProgressExtent.Full, members, figureOf);
    }

    /// <summary>
    /// The contribution of <paramref name="jurisdiction"/>, inside the target's, to <paramref name="target"/> over
    /// <paramref name="year"/> (analytics.md, "Regional targets"): each figure computed over that jurisdiction alone,
    /// the threshold the target's value or its <c>versus</c> measure over that jurisdiction, and nothing judged.
    /// </summary>
    public static TargetProgressResult ContributionOf(
        TargetSpec target, int year, string jurisdiction, IReadOnlyList<TargetMember> members, Func<string, YearMonth, IndicatorRead, decimal?> figureOf)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(jurisdiction);
        if (!jurisdiction.StartsWith(target.Jurisdiction, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{jurisdiction}' is not inside the target's jurisdiction '{target.Jurisdiction}'.", nameof(jurisdiction));
        }

        return Over(target, year, jurisdiction, ProgressExtent.Contribution, members, figureOf);
    }

    private static TargetProgressResult Over(
        TargetSpec target, int year, string jurisdiction, ProgressExtent extent, IReadOnlyList<TargetMember> members,
        Func<string, YearMonth, IndicatorRead, decimal?> figureOf)
    {
        var judged = extent == ProgressExtent.Full;
        var months = new List<ProgressMonth>();
        for (var month = 1; month <= 12; month++)
        {
            var period = new YearMonth(year, month);
            var figure = Measure(target.Measure, target.Scope, jurisdiction, target.Population, period, members, figureOf);
            MeasuredFigure? versus = target.Versus is { } v
                ? Measure(v.Measure, target.Scope, jurisdiction, v.Population, period, members, figureOf)
                : null;
            var threshold = versus is null ? target.Value : versus.Value;
            bool? met = judged && figure.Value is { } value && threshold is { } t ? target.Meets(value, t) : null;
            months.Add(new ProgressMonth(period, figure.Value, threshold, met, figure.Coverage, versus?.Coverage));
        }

        var latest = months.LastOrDefault(m => m.Value is not null && m.Threshold is not null);
        if (latest is null)
        {
            return new TargetProgressResult(months, null, judged ? ProgressStatus.NoData : null, jurisdiction, extent);
        }

        var m = latest.Period.Month;
        var projectedValue = latest.Value!.Value * 12 / m;
        var projectedThreshold = target.Versus is null ? latest.Threshold!.Value : latest.Threshold!.Value * 12 / m;
        bool? projectedMet = judged ? target.Meets(projectedValue, projectedThreshold) : null;
        var projection = new ProgressProjection(new YearMonth(year, 12), projectedValue, projectedThreshold, projectedMet);
        if (!judged)
        {
            return new TargetProgressResult(months, projection, null, jurisdiction, extent);
        }

        // Met or missed once December counts every institution of the population (its versus population too): before
        // that, December's figure is as partial as any other month's, and the projection says where the year heads.
        var december = months[^1];
        var status = december.Met is { } final && december.Coverage.Complete && december.VersusCoverage?.Complete != false
            ? final ? ProgressStatus.Met : ProgressStatus.Missed
            : projectedMet == true ? ProgressStatus.OnTrack : ProgressStatus.AtRisk;
        return new TargetProgressResult(months, projection, status, jurisdiction, extent);
    }

    /// <summary>
    /// A measure of the population of <paramref name="jurisdiction"/> in <paramref name="period"/>: every member whose
    /// region is in it, reporting by the period and of the <paramref name="population"/>. Each loan is counted once
    /// (analytics.md, "Each loan counted once"): from the top of each tree down, a member is summed where it has every
    /// figure needed and no ancestor of it in the same population is summed, whose consolidated ledger holds its loans;
    /// one left out for that reason is counted consolidated.
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

        // sums[at, r]: the sum of read r at needed period at, over the members summed.
        var sums = new decimal[needed.Count, reads.Count];
        var figures = new decimal[needed.Count, reads.Count];
        var summed = new HashSet<string>(StringComparer.Ordinal);
        var consolidated = 0;
        // An ancestor has fewer ancestors than any institution below it, so it is decided first.
        foreach (var member in expected.OrderBy(i => i.Ancestors.Count))
        {
            if (member.Ancestors.Any(summed.Contains))
            {
                // Its loans are in an ancestor's ledger already summed, whether or not it filed a ledger of its own.
                consolidated++;
                continue;
            }

            if (!TryFigures(member.Code, needed, reads, figureOf, figures))
            {
                continue;
            }

            summed.Add(member.Code);
            for (var at = 0; at < needed.Count; at++)
            {
                for (var r = 0; r < reads.Count; r++)
                {
                    sums[at, r] += figures[at, r];
                }
            }
        }

        var coverage = new TargetCoverage(summed.Count, expected.Count, consolidated);
        if (summed.Count == 0)
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
