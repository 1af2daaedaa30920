using System.Globalization;
using System.Text.Json;
using Compliance.Engine.Indicators;
using Compliance.Engine.Institutions;

namespace Compliance.Engine.Rules;

/// <summary>A parameter of a rule, with its type (<c>decimal</c>, <c>integer</c> or <c>string</c>) and default.</summary>
public sealed record ParameterDefinition(string Name, string Type, object Default, LocalizedText Label, IReadOnlyList<string>? Allowed = null);

/// <summary>
/// A rule's name in the words of each 口径 (rules.md, "Names: each authority's own words"): a <c>cbirc</c> set speaks of
/// 普惠型小微企业贷款, a <c>pboc</c> set of 普惠小微贷款.
/// </summary>
public sealed record ScopedNames(LocalizedText Cbirc, LocalizedText Pboc)
{
    /// <summary>The name in the words of <paramref name="scope"/>.</summary>
    public LocalizedText In(StatisticalScope scope) => scope == StatisticalScope.Pboc ? Pboc : Cbirc;
}

/// <summary>A rule of the catalogue: its id, names under each 口径, parameters, severity, and the figures its exceptions may carry.</summary>
public sealed record RuleDefinition(
    string Id, ScopedNames Names, IReadOnlyList<ParameterDefinition> Parameters, string Severity, IReadOnlyList<FigureDefinition> Figures)
{
    /// <summary>The name in the CBIRC's words (<c>names.cbirc</c>), kept for older clients and for what names a rule without a set.</summary>
    public LocalizedText Name => Names.Cbirc;

    /// <summary>The declared figure of that key, or <c>null</c> where the rule declares none.</summary>
    public FigureDefinition? Figure(string key) => Figures.FirstOrDefault(f => f.Key == key);
}

/// <summary>
/// A rule set or parameter that does not fit the catalogue: <see cref="Text"/> says what, in Chinese and in English (the
/// message is the English).
/// </summary>
public sealed class RuleSpecException : Exception
{
    public RuleSpecException(LocalizedText text)
        : base((text ?? throw new ArgumentNullException(nameof(text))).En) => Text = text;

    /// <summary>What does not fit, in both languages.</summary>
    public LocalizedText Text { get; }
}

/// <summary>The rules of rules.md, and how each is built from its parameters.</summary>
public static class RuleCatalog
{
    private static readonly ParameterDefinition AssessmentMonth = new("assessmentMonth", "integer", 12, new("考核月份（此前各月为预警）", "Assessment month (earlier months warn)"));

    private static readonly ParameterDefinition Basis = new("basis", "string", "ytd", new("增速基期（较年初或同比）", "Growth basis: ytd since the start of the year, yoy year on year"), ["ytd", "yoy"]);

    private static readonly ParameterDefinition TolerancePp = new("tolerancePp", "decimal", 3m, new("不良容忍度（百分点）", "Tolerance (percentage points)"));

    private static readonly ParameterDefinition MinIncreasePp = new("minIncreasePp", "decimal", 1m, new("较年初最低提高（百分点）", "Minimum increase on the start of the year (percentage points)"));

    // false, true, or a year from which the rule is strict; not strict unless a set says so, as the rules were before.
    private static readonly ParameterDefinition Strict = new("strict", "boolean|year", false, new("从严判断（是、否或自某年度起）", "Judged strictly: true, false or from a year"));

    /// <summary>Written by the deadline engine, never by a rule set.</summary>
    public const string DeadlineMissedRuleId = "DEADLINE_MISSED";

    /// <summary>
    /// The figures of a <c>DEADLINE_MISSED</c> exception, which the deadline sweep writes: the obligation, its due date,
    /// and once filed the instant it was filed.
    /// </summary>
    public static IReadOnlyList<FigureDefinition> DeadlineMissedFigures { get; } =
    [
        new("obligation", FigureUnit.Text, new("报送事项", "Obligation")),
        new("dueDate", FigureUnit.Date, new("报送截止日", "Due date")),
        new("filedAt", FigureUnit.Date, new("实际报送时间", "Filed at")),
    ];

    /// <summary>Every rule, in the order of rules.md, named as its table "Names" names it under each 口径.</summary>
    public static IReadOnlyList<RuleDefinition> All { get; } =
    [
        new(InclusiveGrowthRule.RuleId, Named("两增·普惠型小微企业贷款增速", "普惠小微贷款增速", "Inclusive loan growth vs total loan growth"),
            [Basis, AssessmentMonth], "warning/breach", InclusiveGrowthRule.Figures),
        new(InclusiveBorrowersRule.RuleId, Named("两增·有贷款余额户数", "普惠小微贷款户数", "Inclusive borrowers"), [AssessmentMonth], "warning/breach",
            InclusiveBorrowersRule.Figures),
        new(NplToleranceRule.RuleId, Named("普惠型小微企业贷款不良容忍度", "普惠小微贷款不良容忍度", "Inclusive NPL tolerance"), [TolerancePp], "breach",
            NplToleranceRule.Figures),
        new(CreditShareRule.RuleId, Named("普惠型小微企业信用贷款占比", "普惠小微信用贷款占比", "Credit-loan share"), [MinIncreasePp, AssessmentMonth],
            "warning/breach", CreditShareRule.Figures),
        new(FirstLoanShareRule.RuleId, Named("首贷户占比", "普惠小微首贷户占比", "First-loan borrower share"), [MinIncreasePp, AssessmentMonth], "breach",
            FirstLoanShareRule.Figures),
        new(IncrementVsLastYearRule.RuleId, Named("普惠型小微企业贷款增量不低于上年同期", "普惠小微贷款增量不低于上年同期", "Increment vs same period last year"), [AssessmentMonth],
            "warning/breach", IncrementVsLastYearRule.Figures),
        new(IndividualBusinessRule.RuleId, Named("个体工商户经营性贷款持续增长", "个体工商户经营性贷款持续增长", "Individual-business loans growing"), [Strict, AssessmentMonth],
            "warning/breach", IndividualBusinessRule.Figures),
        new(NewLoanRateRule.RuleId, Named("新发放普惠型小微企业贷款利率", "新发放普惠小微贷款利率", "New-loan rate"), [Strict, AssessmentMonth], "warning/breach",
            NewLoanRateRule.Figures),
        new(CreditPlanRule.RuleId, Named("普惠型小微企业贷款信贷计划完成情况", "普惠小微贷款信贷计划完成情况", "Credit plan completion"), [AssessmentMonth], "warning/breach",
            CreditPlanRule.Figures),
        new(FirstLoanEnterprisesRule.RuleId, Named("新增小微企业法人首贷户", "新增小微企业法人首贷户", "New first-loan small and micro enterprises"), [AssessmentMonth],
            "warning/breach", FirstLoanEnterprisesRule.Figures),
        new(OperatingLoansRule.RuleId, Named("小微企业主和个体工商户经营性贷款", "小微企业主和个体工商户经营性贷款", "Operating loans of micro-business owners and individual businesses"),
            [AssessmentMonth], "warning/breach", OperatingLoansRule.Figures),
        new(BaselineMissingRule.RuleId, Named("基期数据缺失", "基期数据缺失", "Baseline data missing"), [], "warning", BaselineMissingRule.Figures),
        new(DeadlineMissedRuleId, Named("逾期未报送", "逾期未报送", "Deadline missed"), [], "breach", DeadlineMissedFigures),
    ];

    /// <summary>The catalogue entry of a rule id, or <c>null</c>.</summary>
    public static RuleDefinition? Find(string id) => All.FirstOrDefault(r => r.Id == id);

    /// <summary>
    /// A rule's name in the words of <paramref name="scope"/> (rules.md, "Names"); its id, in both languages, where the
    /// catalogue does not hold it.
    /// </summary>
    public static LocalizedText NameOf(string rule, StatisticalScope scope) => Find(rule)?.Names.In(scope) ?? new LocalizedText(rule, rule);

    /// <summary>The declared unit of a figure of a rule's exceptions, or <c>null</c> where the rule or the figure is not declared.</summary>
    public static FigureUnit? UnitOf(string rule, string figure) => Find(rule)?.Figure(figure)?.Unit;

    /// <summary>Checks a rule set against the catalogue, throwing <see cref="RuleSpecException"/> at the first misfit.</summary>
    public static void Validate(RuleSetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var seen = new HashSet<string>();
        foreach (var rule in spec.Rules)
        {
            if (!seen.Add(rule.Rule))
            {
                throw new RuleSpecException(new($"规则 {rule.Rule} 在规则集中出现了两次。", $"Rule {rule.Rule} appears twice in the set."));
            }

            if (rule.Rule != BaselineMissingRule.RuleId)
            {
                Create(rule);
            }
            else if (rule.AppliesTo is not null || rule.Years is not null)
            {
                throw new RuleSpecException(new(
                    $"{BaselineMissingRule.RuleId} 不设 appliesTo 和 years：它报告规则集中其他规则所缺的基期数据。",
                    $"{BaselineMissingRule.RuleId} takes no appliesTo or years: it reports the baselines the set's other rules lack."));
            }

            PopulationOf(rule);
            if (rule.Years is { } years && (years.From is < Strictness.FirstYear or > Strictness.LastYear || years.To is { } to && (to < years.From || to > Strictness.LastYear)))
            {
                throw new RuleSpecException(new(
                    $"{rule.Rule} 的 years 应为 {{from, to?}}：from 为 {Strictness.FirstYear} 至 {Strictness.LastYear} 的年份，to 如填写则不早于 from、不晚于 {Strictness.LastYear}。",
                    $"years of {rule.Rule} is {{from, to?}} with from a year from {Strictness.FirstYear} to {Strictness.LastYear} and to, when given, not before it nor after {Strictness.LastYear}."));
            }
        }
    }

    /// <summary>The population a rule of a set judges, <c>null</c> for every institution; throws <see cref="RuleSpecException"/> for a malformed one.</summary>
    public static Population? PopulationOf(RuleSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.AppliesTo is not { } json || json.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var (population, error) = Population.Read(json, new LocalizedText($"{spec.Rule} 的 appliesTo", $"appliesTo of {spec.Rule}"));
        return population ?? throw new RuleSpecException(error!);
    }

    /// <summary>Builds a rule from its spec, with defaults for the parameters not given.</summary>
    public static Rule Create(RuleSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var definition = Find(spec.Rule) ?? throw UnknownRule(spec.Rule);
        if (definition.Id is BaselineMissingRule.RuleId or DeadlineMissedRuleId)
        {
            throw new RuleSpecException(new($"{definition.Id} 由系统生成，不能作为单独的规则配置。", $"{definition.Id} is not built as a rule of its own."));
        }

        var given = spec.Parameters ?? new Dictionary<string, JsonElement>();
        foreach (var name in given.Keys.Where(name => definition.Parameters.All(p => p.Name != name)))
        {
            throw new RuleSpecException(new($"规则 {spec.Rule} 没有参数“{name}”。", $"Rule {spec.Rule} has no parameter '{name}'."));
        }

        var p = new Parameters(definition, given);
        return definition.Id switch
        {
            InclusiveGrowthRule.RuleId => new InclusiveGrowthRule(p.Text("basis") == "yoy" ? GrowthBasis.Yoy : GrowthBasis.Ytd, p.Month()),
            InclusiveBorrowersRule.RuleId => new InclusiveBorrowersRule(p.Month()),
            NplToleranceRule.RuleId => new NplToleranceRule(p.Number("tolerancePp")),
            CreditShareRule.RuleId => new CreditShareRule(p.Number("minIncreasePp"), p.Month()),
            FirstLoanShareRule.RuleId => new FirstLoanShareRule(p.Number("minIncreasePp"), p.Month()),
            IncrementVsLastYearRule.RuleId => new IncrementVsLastYearRule(p.Month()),
            IndividualBusinessRule.RuleId => new IndividualBusinessRule(p.Month(), p.Strict()),
            NewLoanRateRule.RuleId => new NewLoanRateRule(p.Month(), p.Strict()),
            CreditPlanRule.RuleId => new CreditPlanRule(p.Month()),
            FirstLoanEnterprisesRule.RuleId => new FirstLoanEnterprisesRule(p.Month()),
            OperatingLoansRule.RuleId => new OperatingLoansRule(p.Month()),
            _ => throw UnknownRule(spec.Rule),
        };
    }

    private static RuleSpecException UnknownRule(string rule) => new(new($"未知的规则“{rule}”。", $"Unknown rule '{rule}'."));

    /// <summary>A rule's names: the CBIRC's and the PBoC's Chinese, and the one English name of both.</summary>
    private static ScopedNames Named(string cbirc, string pboc, string en) => new(new(cbirc, en), new(pboc, en));

    private sealed class Parameters(RuleDefinition definition, IReadOnlyDictionary<string, JsonElement> given)
    {
        public decimal Number(string name)
        {
            if (!given.TryGetValue(name, out var value))
            {
                return (decimal)Default(name);
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number))
            {
                return number;
            }

            if (value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out number))
            {
                return number;
            }

            throw new RuleSpecException(new($"{definition.Id} 的参数 {name} 应为数值。", $"Parameter {name} of {definition.Id} must be a number."));
        }

        public int Month()
        {
            const string name = "assessmentMonth";
            if (!given.TryGetValue(name, out var value))
            {
                return (int)Default(name);
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var month) && month is >= 1 and <= 12)
            {
                return month;
            }

            throw new RuleSpecException(new($"{definition.Id} 的参数 {name} 应为月份（1 至 12）。", $"Parameter {name} of {definition.Id} must be a month, 1 to 12."));
        }

        public Strictness Strict()
        {
            const string name = "strict";
            if (!given.TryGetValue(name, out var value))
            {
                return (bool)Default(name) ? Strictness.AlwaysStrict : Strictness.NotStrict;
            }

            return Strictness.Parse(value)
                ?? throw new RuleSpecException(new(
                    $"{definition.Id} 的参数 {name} 应为 true、false 或 {Strictness.FirstYear} 至 {Strictness.LastYear} 的年份（自该年度各报告期起从严判断）。",
                    $"Parameter {name} of {definition.Id} must be true, false or a year from {Strictness.FirstYear} to {Strictness.LastYear} (strict for the periods of that year on)."));
        }

        public string Text(string name)
        {
            var parameter = definition.Parameters.First(p => p.Name == name);
            if (!given.TryGetValue(name, out var value))
            {
                return (string)parameter.Default;
            }

            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (text is null || parameter.Allowed?.Contains(text) == false)
            {
                throw new RuleSpecException(new(
                    $"{definition.Id} 的参数 {name} 应为以下之一：{string.Join("、", parameter.Allowed ?? [])}。",
                    $"Parameter {name} of {definition.Id} must be one of {string.Join(", ", parameter.Allowed ?? [])}."));
            }

            return text;
        }

        private object Default(string name) => definition.Parameters.First(p => p.Name == name).Default;
    }
}
