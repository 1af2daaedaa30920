namespace Compliance.Engine.Rules;

/// <summary>
/// What the rule sets in force make of one institution-period: the set that applied (none where no set is in force
/// for the region and year) and each rule's result.
/// </summary>
public sealed record RuleEvaluation(RuleSet? RuleSet, IReadOnlyList<RuleResult> Results)
{
    /// <summary>The findings: the exceptions this evaluation holds.</summary>
    public IEnumerable<Finding> Findings => Results.Select(r => r.Finding).OfType<Finding>();

    /// <summary>
    /// Evaluates a history with the set that applies to the institution's region in the period's year: the one path
    /// of the evaluation job and the dry run, which differ only in whether they write what it finds.
    /// </summary>
    public static RuleEvaluation Of(IEnumerable<RuleSet> sets, string regionCode, SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var ruleSet = RuleSet.Select(sets, regionCode, history.Period.Year);
        return new RuleEvaluation(ruleSet, ruleSet?.Evaluate(history) ?? []);
    }
}
