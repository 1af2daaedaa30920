using System.Text.Json;
using System.Text.Json.Serialization;
using Compliance.Engine.Indicators;
using Compliance.Engine.Institutions;

namespace Compliance.Engine.Rules;

/// <summary>A rule set as data: what is stored, seeded and sent to <c>PUT /rule-sets/{id}</c>.</summary>
public sealed record RuleSetSpec(string Jurisdiction, YearRange Years, IReadOnlyList<RuleSpec> Rules)
{
    /// <summary>The 口径 its rules read: the inclusive indicators of the CBIRC or of the PBoC.</summary>
    public StatisticalScope Scope { get; init; } = StatisticalScope.Cbirc;

    /// <summary>Its name, in Chinese and English.</summary>
    public LocalizedText? Name { get; init; }

    /// <summary>The authority that issued it (CBIRC, a PBoC branch, …).</summary>
    public string? Authority { get; init; }

    /// <summary>The notice it implements.</summary>
    public string? Source { get; init; }

    /// <summary>Whether it was retired: it applies to no period (a later version brings it back).</summary>
    public bool Retired { get; init; }
}

/// <summary>The years a rule set or obligation is in force; <see cref="To"/> <c>null</c> for no end.</summary>
public sealed record YearRange(int From, int? To)
{
    public bool Contains(int year) => year >= From && (To is null || year <= To);
}

/// <summary>
/// One rule of a set, with its parameters as given (defaults fill the rest), and where given whom it judges
/// (<see cref="AppliesTo"/>, a <see cref="Population"/> as JSON) and the years of periods it judges within its set's.
/// </summary>
public sealed record RuleSpec(string Rule, IReadOnlyDictionary<string, JsonElement>? Parameters)
{
    /// <summary>The institutions it judges (rules.md, "Who each rule judges"); none, every institution the set applies to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? AppliesTo { get; init; }

    /// <summary>The years of periods it judges; none, every year of its set.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public YearRange? Years { get; init; }
}

/// <summary>A rule set ready to run: a version of a <see cref="RuleSetSpec"/> with its rules built.</summary>
public sealed class RuleSet
{
    private readonly IReadOnlyList<Judging> _judging;

    public RuleSet(string id, int version, RuleSetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Id = id;
        Version = version;
        Spec = spec;
        _judging = [.. spec.Rules.Where(r => r.Rule != BaselineMissingRule.RuleId).Select(r => new Judging(RuleCatalog.Create(r), RuleCatalog.PopulationOf(r), r.Years))];
        Rules = [.. _judging.Select(j => j.Rule)];
        ReportsMissingBaselines = spec.Rules.Any(r => r.Rule == BaselineMissingRule.RuleId);
    }

    public string Id { get; }

    public int Version { get; }

    public RuleSetSpec Spec { get; }

    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>Whether the set includes <c>BASELINE_MISSING</c>.</summary>
    public bool ReportsMissingBaselines { get; }

    /// <summary>
    /// Runs every rule of the set on the history as the set's 口径 counts it; pure, so the same history always gives
    /// the same results. A rule whose years or population leave the period or the institution out is
    /// <c>notApplicable</c> (<c>years</c>, <c>population</c>). Where the period's own snapshot predates the PBoC 口径,
    /// a <c>pboc</c> set's other rules all lack it.
    /// </summary>
    public IReadOnlyList<RuleResult> Evaluate(SnapshotHistory history, InstitutionProfile institution)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(institution);
        var counted = history.In(Spec.Scope);
        var results = new List<RuleResult>(_judging.Count + 1);
        foreach (var (rule, population, years) in _judging)
        {
            results.Add(
                years is not null && !years.Contains(history.Period.Year) ? RuleResult.NotApplicable(rule.Id, NotApplicableReason.Years)
                : population is not null && !population.Includes(institution) ? RuleResult.NotApplicable(rule.Id, NotApplicableReason.Population)
                : counted is null ? RuleResult.Missing(rule.Id, [history.Period])
                : rule.Evaluate(counted));
        }

        if (ReportsMissingBaselines)
        {
            results.Add(BaselineMissingRule.Summarize(history, results, Spec.Scope));
        }

        return results;
    }

    /// <summary>
    /// The sets that apply to an institution in a year (rules.md, "Every authority's rules apply"): every set not
    /// retired whose jurisdiction prefixes its region code and that is in force that year, by jurisdiction length
    /// (the national first), then id.
    /// </summary>
    public static IReadOnlyList<RuleSet> Applying(IEnumerable<RuleSet> sets, string regionCode, int year) =>
        InEvaluationOrder(sets.Where(s => !s.Spec.Retired && regionCode.StartsWith(s.Spec.Jurisdiction, StringComparison.Ordinal) && s.Spec.Years.Contains(year)));

    /// <summary>Sets in the order they are evaluated and listed: by jurisdiction length (the national first), then id.</summary>
    public static IReadOnlyList<RuleSet> InEvaluationOrder(IEnumerable<RuleSet> sets) =>
        [.. sets.OrderBy(s => s.Spec.Jurisdiction.Length).ThenBy(s => s.Id, StringComparer.Ordinal)];
}

/// <summary>A rule of a set built, with the population and years it judges (<c>null</c>: all).</summary>
internal sealed record Judging(Rule Rule, Population? Population, YearRange? Years);
