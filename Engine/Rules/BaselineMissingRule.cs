using System.Globalization;
using Compliance.Engine.Indicators;

namespace Compliance.Engine.Rules;

/// <summary>
/// 基期数据缺失: one warning per institution and period naming every missing snapshot, every year whose credit plan a rule
/// needed and lacked, and the rules they blocked.
/// </summary>
public static class BaselineMissingRule
{
    public const string RuleId = "BASELINE_MISSING";

    private static readonly FigureDefinition MissingPeriods = new("missingPeriods", FigureUnit.List, new("缺少基期数据的报告期", "Periods whose ledgers are missing"));

    private static readonly FigureDefinition MissingPlans = new("missingPlans", FigureUnit.List, new("缺少信贷计划的年度", "Years without a credit plan"));

    private static readonly FigureDefinition BlockedRules = new("blockedRules", FigureUnit.List, new("无法评估的规则", "Rules that could not be evaluated"));

    /// <summary>The figures its exceptions carry.</summary>
    public static IReadOnlyList<FigureDefinition> Figures { get; } = [MissingPeriods, MissingPlans, BlockedRules];

    /// <summary>
    /// Summarises the missing baselines and credit plans reported by the other rules' results, naming the rules they
    /// blocked in the words of the history's 口径.
    /// </summary>
    public static RuleResult Summarize(SnapshotHistory history, IReadOnlyList<RuleResult> results)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Summarize(history, results, history.Scope);
    }

    /// <summary>
    /// Summarises the missing baselines and credit plans reported by the other rules' results of a set of
    /// <paramref name="scope"/>, naming the rules they blocked in that 口径's words (rules.md, "Names").
    /// </summary>
    public static RuleResult Summarize(SnapshotHistory history, IReadOnlyList<RuleResult> results, StatisticalScope scope)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(results);
        var blocked = results.Where(r => r.Outcome == RuleOutcome.BaselineMissing).ToList();
        if (blocked.Count == 0)
        {
            return RuleResult.Pass(RuleId);
        }

        var missing = blocked.SelectMany(r => r.MissingPeriods).Distinct().Order().Select(Periods.Format).ToList();
        var plans = blocked.SelectMany(r => r.MissingPlans).Distinct().Order().Select(y => y.ToString(CultureInfo.InvariantCulture)).ToList();
        var rules = blocked.Select(r => r.Rule).ToList();
        var names = rules.Select(r => RuleCatalog.NameOf(r, scope)).ToList();
        var (lacksZh, lacksEn) = (missing.Count, plans.Count) switch
        {
            (> 0, 0) => ($"缺少基期数据 {string.Join("、", missing)}", $"lacks the baseline ledgers of {string.Join(", ", missing)}"),
            (0, _) => ($"缺少 {string.Join("、", plans)} 年度信贷计划", $"lacks the credit plan of {string.Join(", ", plans)}"),
            _ => ($"缺少基期数据 {string.Join("、", missing)} 和 {string.Join("、", plans)} 年度信贷计划",
                $"lacks the baseline ledgers of {string.Join(", ", missing)} and the credit plan of {string.Join(", ", plans)}"),
        };
        var (doZh, doEn) = (missing.Count, plans.Count) switch
        {
            (> 0, 0) => ("请补报这些期次的贷款台账。", "File the ledgers of those periods."),
            (0, _) => ("请监管部门录入该年度信贷计划。", "The supervisor records the year's credit plan."),
            _ => ("请补报这些期次的贷款台账，并由监管部门录入该年度信贷计划。", "File the ledgers of those periods; the supervisor records the year's credit plan."),
        };
        return RuleResult.Failed(new Finding(
            RuleId,
            Severity.Warning,
            new Dictionary<string, object>
            {
                [MissingPeriods.Key] = missing,
                [MissingPlans.Key] = plans,
                [BlockedRules.Key] = rules,
            },
            new Dictionary<string, object>(),
            new LocalizedText(
                $"{Periods.Format(history.Period)} {lacksZh}，以下规则无法评估：{string.Join("、", names.Select(n => n.Zh))}。{doZh}",
                $"{Periods.Format(history.Period)} {lacksEn}, so these rules could not be evaluated: {string.Join(", ", names.Select(n => n.En))}. {doEn}")));
    }
}
