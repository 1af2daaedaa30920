namespace Compliance.Engine.Rules;

/// <summary>基期数据缺失: one warning per institution and period naming every missing snapshot and the rules it blocked.</summary>
public static class BaselineMissingRule
{
    public const string RuleId = "BASELINE_MISSING";

    private static readonly FigureDefinition MissingPeriods = new("missingPeriods", FigureUnit.List, new("缺少基期数据的报告期", "Periods whose ledgers are missing"));

    private static readonly FigureDefinition BlockedRules = new("blockedRules", FigureUnit.List, new("无法评估的规则", "Rules that could not be evaluated"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [MissingPeriods, BlockedRules];

    /// <summary>Summarises the missing baselines reported by the other rules' results.</summary>
    public static RuleResult Summarize(SnapshotHistory history, IReadOnlyList<RuleResult> results)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(results);
        var blocked = results.Where(r => r.Outcome == RuleOutcome.BaselineMissing).ToList();
        if (blocked.Count == 0)
        {
            return RuleResult.Pass(RuleId);
        }

        var missing = blocked.SelectMany(r => r.MissingPeriods).Distinct().Order().Select(Periods.Format).ToList();
        var rules = blocked.Select(r => r.Rule).ToList();
        return RuleResult.Failed(new Finding(
            RuleId,
            Severity.Warning,
            new Dictionary<string, object>
            {
                [MissingPeriods.Key] = missing,
                [BlockedRules.Key] = rules,
            },
            new Dictionary<string, object>(),
            new LocalizedText(
                $"{Periods.Format(history.Period)} 缺少基期数据 {string.Join("、", missing)}，以下规则无法评估：{string.Join("、", rules)}。请补报这些期次的贷款台账。",
                $"{Periods.Format(history.Period)} lacks the baseline ledgers of {string.Join(", ", missing)}, so these rules could not be evaluated: {string.Join(", ", rules)}. File the ledgers of those periods.")));
    }
}
