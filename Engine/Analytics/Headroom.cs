using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Engine.Analytics;

/// <summary>
/// One rule's room in one period under one rule set (analytics.md, "Headroom and projection"): the figure the rule
/// compared, its threshold and the margin, positive for room; all <c>null</c> where the rule formed no figure.
/// </summary>
public sealed record HeadroomItem(
    string RuleSet, string Rule, string? Part, RuleOutcome Outcome, decimal? Figure, decimal? Threshold, decimal? Margin, HeadroomUnit? Unit)
{
    /// <summary>The figure and margin the year's trend reaches in December, or <c>null</c> before two months have the figure.</summary>
    public HeadroomProjection? Projection { get; init; }
}

/// <summary>The least-squares line of a figure (and of a moving threshold) at the end of the year, with its margin.</summary>
public sealed record HeadroomProjection(YearMonth Period, decimal Figure, decimal Margin);

/// <summary>
/// The headroom of an institution: every rule of every set that applies, from the same evaluation the exceptions come
/// from (each rule's <see cref="RuleResult.Headroom"/>), so the room and the outcome are one computation.
/// </summary>
public static class Headroom
{
    /// <summary>The items of one evaluation, in evaluation order: a rule of several conditions gives one item per part.</summary>
    public static IReadOnlyList<HeadroomItem> Of(RuleEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var items = new List<HeadroomItem>();
        foreach (var set in evaluation.Sets)
        {
            foreach (var result in set.Results)
            {
                // A rule whose baselines are missing formed no figure worth showing, even one it could compute.
                var figures = result.Outcome == RuleOutcome.BaselineMissing ? [] : result.Headroom;
                if (figures.Count == 0)
                {
                    items.Add(new HeadroomItem(set.RuleSet.Id, result.Rule, null, result.Outcome, null, null, null, null));
                    continue;
                }

                items.AddRange(figures.Select(f => new HeadroomItem(set.RuleSet.Id, result.Rule, f.Part, result.Outcome, f.Figure, f.Threshold, f.Margin, f.Unit)));
            }
        }

        return items;
    }

    /// <summary>
    /// The headroom of <paramref name="period"/>, each item projected to December from the months of its year up to the
    /// period that have its figure. Empty where the period has no snapshot. The snapshots are the institution's, at
    /// least its year to the period and the two years before; <paramref name="creditPlans"/> its credit plans in force,
    /// by year, as every evaluation reads them.
    /// </summary>
    public static IReadOnlyList<HeadroomItem> Of(
        IEnumerable<RuleSet> sets, string institution, InstitutionProfile profile, YearMonth period, IReadOnlyList<StoredSnapshot> snapshots,
        IReadOnlyDictionary<int, decimal> creditPlans)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var materialized = sets.ToList();
        var months = new List<(int Month, RuleEvaluation Evaluation)>();
        foreach (var snapshot in snapshots.Where(s => s.Period.Year == period.Year && s.Period <= period).OrderBy(s => s.Period))
        {
            var history = new SnapshotHistory(institution, snapshot, snapshots) { CreditPlans = creditPlans };
            months.Add((snapshot.Period.Month, RuleEvaluation.Of(materialized, profile, history)));
        }

        if (months.Count == 0 || months[^1].Month != period.Month)
        {
            return [];
        }

        var current = months[^1].Evaluation;
        var trends = months.Select(m => (m.Month, Figures: Figures(m.Evaluation))).ToList();
        var end = new YearMonth(period.Year, 12);
        return Of(current).Select(item =>
        {
            var key = (item.RuleSet, item.Rule, item.Part);
            var points = trends.Where(t => t.Figures.ContainsKey(key)).Select(t => (t.Month, Figure: t.Figures[key])).ToList();
            if (item.Figure is null || points.Count < 2)
            {
                return item;
            }

            var figure = AtMonth(points.Select(p => (p.Month, p.Figure.Figure)).ToList(), 12);
            var thresholds = points.Select(p => p.Figure.Threshold).Distinct().ToList();
            var threshold = thresholds.Count == 1 ? thresholds[0] : AtMonth(points.Select(p => (p.Month, p.Figure.Threshold)).ToList(), 12);
            return item with { Projection = new HeadroomProjection(end, figure, points[^1].Figure.MarginOf(figure, threshold)) };
        }).ToList();
    }

    /// <summary>
    /// The least-squares line through (month, value) points, at <paramref name="month"/>: mean + slope × (month − mean
    /// month), computed exactly. One point gives its value.
    /// </summary>
    public static decimal AtMonth(IReadOnlyList<(int Month, decimal Value)> points, int month)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            throw new ArgumentException("A line needs a point.", nameof(points));
        }

        var n = Fraction.From(points.Count);
        var meanX = Fraction.From(points.Sum(p => (long)p.Month)) / n;
        var meanY = points.Aggregate(Fraction.Zero, (sum, p) => sum + Fraction.From(p.Value)) / n;
        var sxx = Fraction.Zero;
        var sxy = Fraction.Zero;
        foreach (var (x, y) in points)
        {
            var dx = Fraction.From(x) - meanX;
            sxx += dx * dx;
            sxy += dx * (Fraction.From(y) - meanY);
        }

        var slope = sxx.IsZero ? Fraction.Zero : sxy / sxx;
        return (meanY + slope * (Fraction.From(month) - meanX)).ToDecimal();
    }

    /// <summary>
    /// The item with the least room among <c>pp</c> items, else among <c>yuan</c> items, else <c>count</c> items; ties
    /// go to the earlier set, then the earlier rule. <c>null</c> where no rule formed a figure.
    /// </summary>
    public static HeadroomItem? Tightest(IReadOnlyList<HeadroomItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var unit in new[] { HeadroomUnit.Pp, HeadroomUnit.Yuan, HeadroomUnit.Count })
        {
            // MinBy keeps the first of equal margins, and the items are in evaluation order.
            if (items.Where(i => i.Unit == unit && i.Margin is not null).MinBy(i => i.Margin) is { } tightest)
            {
                return tightest;
            }
        }

        return null;
    }

    private static Dictionary<(string RuleSet, string Rule, string? Part), HeadroomFigure> Figures(RuleEvaluation evaluation)
    {
        var figures = new Dictionary<(string, string, string?), HeadroomFigure>();
        foreach (var set in evaluation.Sets)
        {
            foreach (var result in set.Results.Where(r => r.Outcome != RuleOutcome.BaselineMissing))
            {
                foreach (var figure in result.Headroom)
                {
                    figures[(set.RuleSet.Id, result.Rule, figure.Part)] = figure;
                }
            }
        }

        return figures;
    }
}
