using System.Text.Json;

namespace Compliance.Engine.Rules;

/// <summary>A rule set as data: what is stored, seeded and sent to <c>PUT /rule-sets/{id}</c>.</summary>
public sealed record RuleSetSpec(string Jurisdiction, YearRange Years, IReadOnlyList<RuleSpec> Rules);

/// <summary>The years a rule set or obligation is in force; <see cref="To"/> <c>null</c> for no end.</summary>
public sealed record YearRange(int From, int? To)
{
    public bool Contains(int year) => year >= From && (To is null || year <= To);
}

/// <summary>One rule of a set, with its parameters as given (defaults fill the rest).</summary>
public sealed record RuleSpec(string Rule, IReadOnlyDictionary<string, JsonElement>? Parameters);

/// <summary>A rule set ready to run: a version of a <see cref="RuleSetSpec"/> with its rules built.</summary>
public sealed class RuleSet
{
    public RuleSet(string id, int version, RuleSetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Id = id;
        Version = version;
        Spec = spec;
        Rules = spec.Rules.Where(r => r.Rule != BaselineMissingRule.RuleId).Select(RuleCatalog.Create).ToList();
        ReportsMissingBaselines = spec.Rules.Any(r => r.Rule == BaselineMissingRule.RuleId);
    }

    public string Id { get; }

    public int Version { get; }

    public RuleSetSpec Spec { get; }

    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>Whether the set includes <c>BASELINE_MISSING</c>.</summary>
    public bool ReportsMissingBaselines { get; }

    /// <summary>Runs every rule of the set on the history; pure, so the same history always gives the same results.</summary>
    public IReadOnlyList<RuleResult> Evaluate(SnapshotHistory history)
    {
        var results = Rules.Select(rule => rule.Evaluate(history)).ToList();
        if (ReportsMissingBaselines)
        {
            results.Add(BaselineMissingRule.Summarize(history, results));
        }

        return results;
    }

    /// <summary>The set for an institution: the longest jurisdiction prefix of its region code in force that year.</summary>
    public static RuleSet? Select(IEnumerable<RuleSet> sets, string regionCode, int year) =>
        sets.Where(s => regionCode.StartsWith(s.Spec.Jurisdiction, StringComparison.Ordinal) && s.Spec.Years.Contains(year))
            .OrderByDescending(s => s.Spec.Jurisdiction.Length)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .FirstOrDefault();
}
