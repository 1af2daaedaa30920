using System.Text.RegularExpressions;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Analytics;

/// <summary>What a measure of a regional target computes (analytics.md, "Regional targets").</summary>
public enum TargetMeasureKind
{
    /// <summary><c>growthPct(indicator)</c>: (Σ at the period − Σ at the start of the year) / Σ at the start of the year × 100.</summary>
    GrowthPct,

    /// <summary><c>increase(indicator)</c>: Σ at the period − Σ at the start of the year, yuan.</summary>
    Increase,

    /// <summary><c>cumulative(flow)</c>: Σ of a flow indicator over January to the period.</summary>
    Cumulative,

    /// <summary><c>shareChangePp(numerator, denominator)</c>: the share now minus the share at the start of the year, in percentage points.</summary>
    ShareChangePp,

    /// <summary><c>change(indicator)</c>: Σ now − Σ at the start of the year (counts).</summary>
    Change,
}

/// <summary>A measure of a regional target, parsed once from its text: <c>growthPct(totalBalance)</c>.</summary>
public sealed partial record TargetMeasure(TargetMeasureKind Kind, Indicator Indicator, Indicator? Denominator = null)
{
    /// <summary>The flow indicators, the only ones <c>cumulative</c> takes.</summary>
    public static IReadOnlyList<string> Flows { get; } = ["newInclusiveAmount", "newFirstLoanBorrowers"];

    /// <summary>Whether the measure names an indicator that depends on the 口径, so that its target needs a scope.</summary>
    public bool NamesPerScope => Indicator.PbocColumn is not null || Denominator?.PbocColumn is not null;

    /// <summary>
    /// The unit of its figures: percent for <c>growthPct</c>, percentage points for <c>shareChangePp</c>, and for the
    /// others that of its indicator (a count of borrowers, else yuan).
    /// </summary>
    public FigureUnit Unit => Kind switch
    {
        TargetMeasureKind.GrowthPct => FigureUnit.Percent,
        TargetMeasureKind.ShareChangePp => FigureUnit.Pp,
        _ => Indicator.Kind == IndicatorKind.Count ? FigureUnit.Count : FigureUnit.Yuan,
    };

    /// <summary>The decimals its figures are rounded to on output: 4 for percentages and percentage points, else 2 (yuan, and projected counts).</summary>
    public int Decimals => Unit.IsPercentage() ? 4 : 2;

    /// <summary>The measure, or <c>null</c> with what is wrong in <paramref name="error"/>, in both languages.</summary>
    public static TargetMeasure? Parse(string? text, out LocalizedText? error) => Parse(text, "measure", out error);

    /// <summary>The measure, or <c>null</c> with what is wrong in <paramref name="error"/>, naming the measure <paramref name="field"/> (<c>versus.measure</c>).</summary>
    public static TargetMeasure? Parse(string? text, string field, out LocalizedText? error)
    {
        error = null;
        var match = text is null ? null : Form().Match(text);
        if (match is null || !match.Success)
        {
            error = new(
                $"{field} 应为以下之一：growthPct(指标)、increase(指标)、cumulative(流量指标)、shareChangePp(分子指标, 分母指标)、change(指标)。",
                $"{field} is one of growthPct(indicator), increase(indicator), cumulative(flow), shareChangePp(numerator, denominator), change(indicator).");
            return null;
        }

        var name = match.Groups["name"].Value;
        var names = match.Groups["arguments"].Value.Split(',', StringSplitOptions.TrimEntries);
        var (kind, arity) = name switch
        {
            "growthPct" => (TargetMeasureKind.GrowthPct, 1),
            "increase" => (TargetMeasureKind.Increase, 1),
            "cumulative" => (TargetMeasureKind.Cumulative, 1),
            "shareChangePp" => (TargetMeasureKind.ShareChangePp, 2),
            "change" => (TargetMeasureKind.Change, 1),
            _ => ((TargetMeasureKind?)null, 0),
        };
        if (kind is null)
        {
            error = new(
                $"{field}：“{name}”不是可用的度量，应为 growthPct、increase、cumulative、shareChangePp、change 之一。",
                $"{field}: '{name}' is not a measure; one of growthPct, increase, cumulative, shareChangePp, change.");
            return null;
        }

        if (names.Length != arity)
        {
            error = new(
                $"{field}：{name} 须有{(arity == 1 ? "一个" : "两个")}指标。",
                $"{field}: {name} takes {(arity == 1 ? "one indicator" : "two indicators")}.");
            return null;
        }

        var indicators = new List<Indicator>();
        foreach (var argument in names)
        {
            if (Indicator.All.FirstOrDefault(i => i.JsonName == argument) is not { } indicator)
            {
                error = new(
                    $"{field}：“{argument}”不是指标，应为以下之一：{string.Join("、", Indicator.All.Select(i => i.JsonName))}。",
                    $"{field}: '{argument}' is not an indicator; one of {string.Join(", ", Indicator.All.Select(i => i.JsonName))}.");
                return null;
            }

            indicators.Add(indicator);
        }

        if (kind == TargetMeasureKind.Cumulative && !Flows.Contains(indicators[0].JsonName))
        {
            error = new(
                $"{field}：cumulative 只接受流量指标（{string.Join("、", Flows)}），不接受“{indicators[0].JsonName}”。",
                $"{field}: cumulative takes a flow indicator ({string.Join(", ", Flows)}), not '{indicators[0].JsonName}'.");
            return null;
        }

        return new TargetMeasure(kind.Value, indicators[0], arity == 2 ? indicators[1] : null);
    }

    /// <summary>The measure's text, as it parses: <c>shareChangePp(inclusiveCreditBalance, inclusiveBalance)</c>.</summary>
    public override string ToString()
    {
        var name = Kind switch
        {
            TargetMeasureKind.GrowthPct => "growthPct",
            TargetMeasureKind.Increase => "increase",
            TargetMeasureKind.Cumulative => "cumulative",
            TargetMeasureKind.ShareChangePp => "shareChangePp",
            _ => "change",
        };
        return Denominator is null ? $"{name}({Indicator.JsonName})" : $"{name}({Indicator.JsonName}, {Denominator.JsonName})";
    }

    [GeneratedRegex(@"\A(?<name>[A-Za-z]+)\((?<arguments>[^()]*)\)\z")]
    private static partial Regex Form();
}
