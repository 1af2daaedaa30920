using NodaTime;

namespace Compliance.Engine.Rules;

/// <summary>How a rule came out for one institution and period.</summary>
public enum RuleOutcome
{
    Pass,
    Warning,
    Breach,
    NotApplicable,
    BaselineMissing,
}

/// <summary>预警 (on track to fail) or 未达标 (not met at assessment; never called a violation).</summary>
public enum Severity
{
    Warning,
    Breach,
}

/// <summary>The JSON names of outcomes and severities.</summary>
public static class RuleNames
{
    /// <summary><c>pass</c>, <c>warning</c>, <c>breach</c>, <c>notApplicable</c> or <c>baselineMissing</c>.</summary>
    public static string Name(this RuleOutcome outcome) => outcome switch
    {
        RuleOutcome.Pass => "pass",
        RuleOutcome.Warning => "warning",
        RuleOutcome.Breach => "breach",
        RuleOutcome.NotApplicable => "notApplicable",
        _ => "baselineMissing",
    };

    /// <summary><c>warning</c> or <c>breach</c>.</summary>
    public static string Name(this Severity severity) => severity == Severity.Breach ? "breach" : "warning";
}

/// <summary>A snapshot that decided a finding, named by its period and the submission it came from.</summary>
public sealed record BaselineRef(YearMonth Period, long SubmissionId);

/// <summary>A text in Chinese and in English.</summary>
public sealed record LocalizedText(string Zh, string En)
{
    /// <summary>The text in <paramref name="language"/>.</summary>
    public string In(Language language) => language == Language.Zh ? Zh : En;
}

/// <summary>
/// What a failing rule writes as an exception: its severity, the figures that decided it (unrounded; values are
/// <see cref="decimal"/>, <see cref="long"/>, <see cref="bool"/>, <see cref="string"/> or a list of strings, or <c>null</c> for a figure
/// the rule did not compute, such as a growth rate it skipped), the baselines used, and a message.
/// </summary>
public sealed record Finding(
    string Rule,
    Severity Severity,
    IReadOnlyDictionary<string, object> Figures,
    IReadOnlyDictionary<string, object> Baselines,
    LocalizedText Message);

/// <summary>A rule's outcome, its finding where it failed, and the periods it lacked where a baseline was missing.</summary>
public sealed record RuleResult(string Rule, RuleOutcome Outcome, Finding? Finding, IReadOnlyList<YearMonth> MissingPeriods, string? Reason = null)
{
    /// <summary>
    /// The figures the rule compared, each against its threshold (one per condition of the rule): what it computed
    /// whether it passed or failed; empty where it could not form them (a baseline missing, no denominator).
    /// </summary>
    public IReadOnlyList<HeadroomFigure> Headroom { get; init; } = [];

    /// <summary>The years whose credit plan the rule needed and lacked (<c>CREDIT_PLAN</c>), beside the periods it lacked.</summary>
    public IReadOnlyList<int> MissingPlans { get; init; } = [];

    public static RuleResult Pass(string rule) => new(rule, RuleOutcome.Pass, null, []);

    public static RuleResult NotApplicable(string rule, string reason) => new(rule, RuleOutcome.NotApplicable, null, [], reason);

    public static RuleResult Missing(string rule, IReadOnlyList<YearMonth> periods) => new(rule, RuleOutcome.BaselineMissing, null, periods);

    public static RuleResult Failed(Finding finding) =>
        new(finding.Rule, finding.Severity == Severity.Breach ? RuleOutcome.Breach : RuleOutcome.Warning, finding, []);
}

/// <summary>The unit of a headroom figure: percentage points, yuan, or a count of borrowers.</summary>
public enum HeadroomUnit
{
    Pp,
    Yuan,
    Count,
}

/// <summary>
/// A figure a rule compared with its threshold (unrounded), in its unit; <see cref="Part"/> names the condition of a
/// rule of several (<c>null</c> for one of a single condition). The margin is positive where there is room. Where
/// <see cref="AtMost"/>, the figure must not exceed the threshold (margin = threshold − figure), else not fall below it.
/// </summary>
public sealed record HeadroomFigure(string? Part, decimal Figure, decimal Threshold, HeadroomUnit Unit, bool AtMost = false)
{
    /// <summary>The room left: positive where the condition holds with room, negative a shortfall.</summary>
    public decimal Margin => MarginOf(Figure, Threshold);

    /// <summary>The margin of another figure against another threshold, oriented as this one.</summary>
    public decimal MarginOf(decimal figure, decimal threshold) => AtMost ? threshold - figure : figure - threshold;
}
