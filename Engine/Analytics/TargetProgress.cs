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

/// <summary>A target's progress over a year.</summary>
public sealed record TargetProgressResult(IReadOnlyList<ProgressMonth> Months, ProgressProjection? Projection, ProgressStatus Status);

/// <summary>
/// The arithmetic of a target's progress (analytics.md, "Regional targets"): every figure a ratio of sums over the
/// population, unrounded; an institution lacking a snapshot a figure needs is left out and counted in its coverage.
/// </summary>
public static class TargetProgress
{
    /// <summary>The progress of <paramref name="target"/> over <paramref name="year"/>, from the institutions and their latest snapshots.</summary>
    public static TargetProgressResult Of(
        TargetSpec target, int year, IReadOnlyList<TargetMember> members, Func<string, YearMonth, IndicatorSnapshot?> snapshotOf)
    {
        ArgumentNullException.ThrowIfNull(target);
        var months = new List<ProgressMonth>();
        for (var month = 1; month <= 12; month++)
        {
            var period = new YearMonth(year, month);
            var figure = Measure(target.Measure, target.Scope, target.Jurisdiction, target.Population, period, members, snapshotOf);
            MeasuredFigure? versus = target.Versus is { } v
                ? Measure(v.Measure, target.Scope, target.Jurisdiction, v.Population, period, members, snapshotOf)
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
    /// in it, reporting by the period and of the <paramref name="population"/>, summed over those with every snapshot needed.
    /// </summary>
    public static MeasuredFigure Measure(
        TargetMeasure measure, StatisticalScope? scope, string jurisdiction, TargetPopulation population, YearMonth period,
        IReadOnlyList<TargetMember> members, Func<string, YearMonth, IndicatorSnapshot?> snapshotOf)
    {
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(snapshotOf);
        var expected = members
            .Where(i => i.RegionCode.StartsWith(jurisdiction, StringComparison.Ordinal) && i.ReportingFrom <= period && population.Includes(i.Category, i.LocalLegalPerson))
            .ToList();
        IReadOnlyList<YearMonth> needed = measure.Kind == TargetMeasureKind.Cumulative
            ? [.. Enumerable.Range(1, period.Month).Select(month => new YearMonth(period.Year, month))]
            : [new YearMonth(period.Year - 1, 12), period];
        var pboc = scope == StatisticalScope.Pboc && measure.NamesPerScope;
        var included = new List<IReadOnlyList<IndicatorSnapshot>>();
        foreach (var member in expected)
        {
            var snapshots = needed.Select(p => snapshotOf(member.Code, p) is { } s ? pboc ? s.Pboc : s : null).ToList();
            if (snapshots.All(s => s is not null))
            {
                included.Add(snapshots!);
            }
        }

        var coverage = new TargetCoverage(included.Count, expected.Count);
        if (included.Count == 0)
        {
            return new MeasuredFigure(null, coverage);
        }

        decimal Sum(Indicator indicator, int at) => included.Sum(s => Convert.ToDecimal(indicator.ValueOf(s[at]), System.Globalization.CultureInfo.InvariantCulture));

        decimal? value = measure.Kind switch
        {
            TargetMeasureKind.Cumulative => Enumerable.Range(0, needed.Count).Sum(at => Sum(measure.Indicator, at)),
            TargetMeasureKind.Increase or TargetMeasureKind.Change => Sum(measure.Indicator, 1) - Sum(measure.Indicator, 0),
            TargetMeasureKind.GrowthPct => Sum(measure.Indicator, 0) is var b && b != 0 ? (Sum(measure.Indicator, 1) - b) / b * 100 : null,
            _ => Share(Sum(measure.Indicator, 1), Sum(measure.Denominator!, 1)) is { } now && Share(Sum(measure.Indicator, 0), Sum(measure.Denominator!, 0)) is { } start
                ? now - start
                : null,
        };
        return new MeasuredFigure(value, coverage);
    }

    private static decimal? Share(decimal numerator, decimal denominator) => denominator == 0 ? null : numerator / denominator * 100;
}
