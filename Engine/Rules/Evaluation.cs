using Compliance.Engine.Institutions;

namespace Compliance.Engine.Rules;

/// <summary>What one rule set makes of an institution-period: each of its rules' results.</summary>
public sealed record SetEvaluation(RuleSet RuleSet, IReadOnlyList<RuleResult> Results);

/// <summary>
/// What the rule sets in force make of one institution-period: every set that applies, each reading its own 口径,
/// by jurisdiction length, then id; none where no set is in force for the region and year.
/// </summary>
public sealed record RuleEvaluation(IReadOnlyList<SetEvaluation> Sets)
{
    /// <summary>The findings, each with the set that found it: the exceptions this evaluation holds.</summary>
    public IEnumerable<(RuleSet RuleSet, Finding Finding)> Findings =>
        Sets.SelectMany(set => set.Results.Select(r => r.Finding).OfType<Finding>().Select(finding => (set.RuleSet, finding)));

    /// <summary>
    /// Pairs every result with what is stored for its (set, rule), then lists what is stored that no result names (a
    /// rule no longer in its set, or a set that no longer applies): what an evaluation compares with the exceptions of
    /// the period, in the job and in a preview alike.
    /// </summary>
    public IEnumerable<(RuleSet? RuleSet, RuleResult? Result, T? Stored)> Against<T>(IEnumerable<T> stored, Func<T, (string RuleSet, string Rule)> key)
        where T : class
    {
        var left = stored.ToDictionary(key);
        foreach (var set in Sets)
        {
            foreach (var result in set.Results)
            {
                left.Remove((set.RuleSet.Id, result.Rule), out var current);
                yield return (set.RuleSet, result, current);
            }
        }

        foreach (var stale in left.Values)
        {
            yield return (null, null, stale);
        }
    }

    /// <summary>
    /// Evaluates a history with every set that applies to the institution's region in the period's year, each rule
    /// judging the institution where it is of the rule's population: the one path of the evaluation job and the dry
    /// run, which differ only in whether they write what it finds.
    /// </summary>
    public static RuleEvaluation Of(IEnumerable<RuleSet> sets, InstitutionProfile institution, SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(institution);
        ArgumentNullException.ThrowIfNull(history);
        return new RuleEvaluation(
            [.. RuleSet.Applying(sets, institution.RegionCode, history.Period.Year).Select(set => new SetEvaluation(set, set.Evaluate(history, institution)))]);
    }
}
