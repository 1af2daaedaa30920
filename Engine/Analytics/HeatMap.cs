using Compliance.Engine.Rules;

namespace Compliance.Engine.Analytics;

/// <summary>A column of the heat map: one rule of one set.</summary>
public sealed record HeatMapColumn(string RuleSet, string Rule);

/// <summary>An outcome an evaluation stored for one rule of one set.</summary>
public sealed record StoredOutcome(string RuleSet, string Rule, string Outcome);

/// <summary>The exception of a cell's key, in any status.</summary>
public sealed record CellFinding(long Id, string Severity, string Status);

/// <summary>
/// An institution of the population as the heat map needs it: whether it filed for the period, whether the
/// evaluation of its latest accepted version is done, and the outcomes that evaluation stored.
/// </summary>
public sealed record HeatMapSubject(string Code, string RegionCode, bool Filed, bool Evaluated, IReadOnlyList<StoredOutcome> Outcomes);

/// <summary>A cell: the outcome of a rule for an institution (<c>null</c> where the set does not apply to it) and its exception.</summary>
public sealed record HeatMapCell(string RuleSet, string Rule, string? Outcome, CellFinding? Exception);

/// <summary>A row of the heat map.</summary>
public sealed record HeatMapRow(string Code, bool Filed, IReadOnlyList<HeatMapCell> Cells);

/// <summary>
/// The heat map of a population for a period (analytics.md, "Summary and heat map"): its columns, the rules of every
/// set that applies to one of the institutions, and a row of cells per institution, the worst first.
/// </summary>
public static class HeatMap
{
    /// <summary>The outcome of every cell of an institution that has not filed for the period.</summary>
    public const string NotFiled = "notFiled";

    /// <summary>The outcome of every cell while the evaluation is not done.</summary>
    public const string Pending = "pending";

    private const string Breach = "breach";
    private const string Warning = "warning";

    /// <summary>
    /// The columns: the sets that apply to at least one of the region codes in the year, in evaluation order
    /// (<see cref="RuleSet.Applying"/>), each set's rules in its order with <c>BASELINE_MISSING</c> last, as an evaluation lists them.
    /// </summary>
    public static IReadOnlyList<HeatMapColumn> Columns(IReadOnlyList<RuleSet> sets, IEnumerable<string> regionCodes, int year)
    {
        ArgumentNullException.ThrowIfNull(regionCodes);
        var applying = regionCodes.Distinct(StringComparer.Ordinal)
            .SelectMany(region => RuleSet.Applying(sets, region, year))
            .DistinctBy(s => s.Id, StringComparer.Ordinal);
        return [.. RuleSet.InEvaluationOrder(applying).SelectMany(ColumnsOf)];
    }

    /// <summary>
    /// The rows, ordered by the number of <c>breach</c> outcomes, then of <c>warning</c> outcomes, descending, then by
    /// code (ordinal). A cell's outcome is the stored one, <see cref="Pending"/> while the evaluation is not done,
    /// <see cref="NotFiled"/> where the institution has not filed, <c>null</c> where the set does not apply to it.
    /// </summary>
    public static IReadOnlyList<HeatMapRow> Rows(
        IReadOnlyList<HeatMapColumn> columns, IReadOnlyList<RuleSet> sets, int year, IEnumerable<HeatMapSubject> subjects,
        IReadOnlyDictionary<string, IReadOnlyDictionary<(string RuleSet, string Rule), CellFinding>> exceptions)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(exceptions);
        // The sets applying to a region, asked once per region: a population has thousands of institutions in a few dozen.
        var applyingTo = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var rows = subjects.Select(subject =>
        {
            if (!applyingTo.TryGetValue(subject.RegionCode, out var applying))
            {
                applyingTo[subject.RegionCode] = applying = RuleSet.Applying(sets, subject.RegionCode, year).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            }

            var stored = new Dictionary<(string, string), string>(subject.Outcomes.Count);
            foreach (var o in subject.Outcomes)
            {
                stored.TryAdd((o.RuleSet, o.Rule), o.Outcome);
            }

            var found = exceptions.GetValueOrDefault(subject.Code);
            var cells = columns.Select(column => new HeatMapCell(
                column.RuleSet,
                column.Rule,
                Outcome(subject, applying.Contains(column.RuleSet), stored, column),
                found?.GetValueOrDefault((column.RuleSet, column.Rule)))).ToList();
            return new HeatMapRow(subject.Code, subject.Filed, cells);
        });
        return [.. rows
            .OrderByDescending(r => r.Cells.Count(c => c.Outcome == Breach))
            .ThenByDescending(r => r.Cells.Count(c => c.Outcome == Warning))
            .ThenBy(r => r.Code, StringComparer.Ordinal)];
    }

    private static string? Outcome(HeatMapSubject subject, bool applies, Dictionary<(string, string), string> stored, HeatMapColumn column) =>
        !applies ? null
        : !subject.Filed ? NotFiled
        : !subject.Evaluated ? Pending
        : stored.GetValueOrDefault((column.RuleSet, column.Rule));

    private static IEnumerable<HeatMapColumn> ColumnsOf(RuleSet set) =>
        set.Spec.Rules.Where(r => r.Rule != BaselineMissingRule.RuleId)
            .Concat(set.Spec.Rules.Where(r => r.Rule == BaselineMissingRule.RuleId).Take(1))
            .Select(r => new HeatMapColumn(set.Id, r.Rule))
            .DistinctBy(c => c.Rule, StringComparer.Ordinal);
}
