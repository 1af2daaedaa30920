using System.Globalization;
using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Calendar;

/// <summary>
/// For a ledger reminder, the institution's figure closest to a rule's threshold in its latest snapshot: the headroom
/// item with the smallest margin (<see cref="Headroom.Tightest"/>), under the parameters and 口径 of every rule set that
/// applies to it, from the same evaluation as its exceptions and its headroom.
/// </summary>
public static class ReminderFigures
{
    /// <summary>The tightest figure of the history's period as a sentence, or <c>null</c> where no rule formed one.</summary>
    public static LocalizedText? Closest(IEnumerable<RuleSet> sets, InstitutionProfile institution, SnapshotHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var evaluation = RuleEvaluation.Of(sets, institution, history);
        return Headroom.Tightest(Headroom.Of(evaluation)) is { } item
            ? Sentence(item, evaluation.Sets.First(s => s.RuleSet.Id == item.RuleSet).RuleSet.Spec.Scope)
            : null;
    }

    /// <summary>
    /// What a reminder says of one headroom item: the rule (named in the words of its set's 口径, <paramref name="scope"/>)
    /// and part, figure, threshold, margin and rule set.
    /// </summary>
    public static LocalizedText Sentence(HeadroomItem item, StatisticalScope scope)
    {
        ArgumentNullException.ThrowIfNull(item);
        var name = RuleCatalog.NameOf(item.Rule, scope);
        var (partZh, partEn) = item.Part switch
        {
            "balance" => ("余额", " (balance)"),
            "borrowers" => ("户数", " (borrowers)"),
            "growth" => ("增速", " (growth)"),
            "increment" => ("增量", " (increment)"),
            _ => ("", ""),
        };
        var (zhUnit, enUnit) = item.Unit switch
        {
            HeadroomUnit.Pp => ("pp", " pp"),
            HeadroomUnit.Yuan => (" 元", " yuan"),
            _ => (" 户", " borrowers"),
        };
        var (figure, threshold, margin) = (Number(item.Figure, item.Unit, false), Number(item.Threshold, item.Unit, false), Number(item.Margin, item.Unit, true));
        return new LocalizedText(
            $"{name.Zh}{partZh} {figure}{zhUnit}，阈值 {threshold}{zhUnit}，余量 {margin}{zhUnit}（规则集 {item.RuleSet}）",
            $"{name.En}{partEn} {figure}{enUnit} against a threshold of {threshold}{enUnit}, margin {margin}{enUnit} (rule set {item.RuleSet})");
    }

    private static string Number(decimal? value, HeadroomUnit? unit, bool signed)
    {
        var v = value ?? 0m;
        var format = unit switch
        {
            HeadroomUnit.Pp => "0.00",
            HeadroomUnit.Yuan => "#,0.00",
            _ => "0",
        };
        var text = decimal.Round(v, unit == HeadroomUnit.Count ? 0 : 2, MidpointRounding.AwayFromZero).ToString(format, CultureInfo.InvariantCulture);
        return signed && v > 0 ? "+" + text : text;
    }
}
