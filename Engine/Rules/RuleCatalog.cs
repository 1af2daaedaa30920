using System.Globalization;
using System.Text.Json;
using Compliance.Engine.Institutions;

namespace Compliance.Engine.Rules;

/// <summary>A parameter of a rule, with its type (<c>decimal</c>, <c>integer</c> or <c>string</c>) and default.</summary>
public sealed record ParameterDefinition(string Name, string Type, object Default, IReadOnlyList<string>? Allowed = null);

/// <summary>A rule of the catalogue: its id, names, parameters, severity, and the figures its exceptions may carry.</summary>
public sealed record RuleDefinition(
    string Id, LocalizedText Name, IReadOnlyList<ParameterDefinition> Parameters, string Severity, IReadOnlyList<FigureDefinition> Figures)
{
    /// <summary>The declared figure of that key, or <c>null</c> where the rule declares none.</summary>
    public FigureDefinition? Figure(string key) => Figures.FirstOrDefault(f => f.Key == key);
}

/// <summary>A rule set or parameter that does not fit the catalogue.</summary>
public sealed class RuleSpecException(string message) : Exception(message);

/// <summary>The rules of rules.md, and how each is built from its parameters.</summary>
public static class RuleCatalog
{
    private static readonly ParameterDefinition AssessmentMonth = new("assessmentMonth", "integer", 12);

    // false, true, or a year from which the rule is strict; not strict unless a set says so, as the rules were before.
    private static readonly ParameterDefinition Strict = new("strict", "boolean|year", false);

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

    /// <summary>Every rule, in the order of rules.md.</summary>
    public static IReadOnlyList<RuleDefinition> All { get; } =
    [
        new(InclusiveGrowthRule.RuleId, new("两增·增速", "Inclusive growth not below total growth"),
            [new("basis", "string", "ytd", ["ytd", "yoy"]), AssessmentMonth], "warning/breach", InclusiveGrowthRule.Figures),
        new(InclusiveBorrowersRule.RuleId, new("两增·户数", "Inclusive borrowers not below the start of the year"), [AssessmentMonth], "warning/breach",
            InclusiveBorrowersRule.Figures),
        new(NplToleranceRule.RuleId, new("不良容忍度", "NPL tolerance"), [new("tolerancePp", "decimal", 3m)], "breach", NplToleranceRule.Figures),
        new(CreditShareRule.RuleId, new("信用贷款占比", "Credit-loan share"), [new("minIncreasePp", "decimal", 1m), AssessmentMonth], "warning/breach",
            CreditShareRule.Figures),
        new(FirstLoanShareRule.RuleId, new("首贷户占比", "First-time borrower share"), [new("minIncreasePp", "decimal", 1m), AssessmentMonth], "breach",
            FirstLoanShareRule.Figures),
        new(IncrementVsLastYearRule.RuleId, new("增量不低于去年同期", "Increment not below last year's"), [AssessmentMonth], "warning/breach",
            IncrementVsLastYearRule.Figures),
        new(IndividualBusinessRule.RuleId, new("个体工商户贷款增长", "Individual-business lending growth"), [Strict, AssessmentMonth], "warning/breach",
            IndividualBusinessRule.Figures),
        new(NewLoanRateRule.RuleId, new("新发放利率稳中有降", "New-loan rate steady or falling"), [Strict, AssessmentMonth], "warning/breach", NewLoanRateRule.Figures),
        new(CreditPlanRule.RuleId, new("信贷计划完成情况", "Credit plan completion"), [AssessmentMonth], "warning/breach", CreditPlanRule.Figures),
        new(FirstLoanEnterprisesRule.RuleId, new("新增小微企业法人首贷户", "New first-loan small and micro enterprises"), [AssessmentMonth], "warning/breach",
            FirstLoanEnterprisesRule.Figures),
        new(OperatingLoansRule.RuleId, new("惠商户", "Operating loans of micro-business owners and individual businesses"), [AssessmentMonth], "warning/breach",
            OperatingLoansRule.Figures),
        new(BaselineMissingRule.RuleId, new("基期数据缺失", "Baseline data missing"), [], "warning", BaselineMissingRule.Figures),
        new(DeadlineMissedRuleId, new("逾期未报送", "Deadline missed"), [], "breach", DeadlineMissedFigures),
    ];

    /// <summary>The catalogue entry of a rule id, or <c>null</c>.</summary>
    public static RuleDefinition? Find(string id) => All.FirstOrDefault(r => r.Id == id);

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
                throw new RuleSpecException($"Rule {rule.Rule} appears twice in the set.");
            }

            if (rule.Rule != BaselineMissingRule.RuleId)
            {
                Create(rule);
            }
            else if (rule.AppliesTo is not null || rule.Years is not null)
            {
                throw new RuleSpecException($"{BaselineMissingRule.RuleId} takes no appliesTo or years: it reports the baselines the set's other rules lack.");
            }

            PopulationOf(rule);
            if (rule.Years is { } years && (years.From is < Strictness.FirstYear or > Strictness.LastYear || years.To is { } to && (to < years.From || to > Strictness.LastYear)))
            {
                throw new RuleSpecException(
                    $"years of {rule.Rule} is {{from, to?}} with from a year from {Strictness.FirstYear} to {Strictness.LastYear} and to, when given, not before it nor after {Strictness.LastYear}.");
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

        var (population, error) = Population.Read(json, $"appliesTo of {spec.Rule}");
        return population ?? throw new RuleSpecException(error!);
    }

    /// <summary>Builds a rule from its spec, with defaults for the parameters not given.</summary>
    public static Rule Create(RuleSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var definition = Find(spec.Rule) ?? throw new RuleSpecException($"Unknown rule '{spec.Rule}'.");
        if (definition.Id is BaselineMissingRule.RuleId or DeadlineMissedRuleId)
        {
            throw new RuleSpecException($"{definition.Id} is not built as a rule of its own.");
        }

        var given = spec.Parameters ?? new Dictionary<string, JsonElement>();
        foreach (var name in given.Keys.Where(name => definition.Parameters.All(p => p.Name != name)))
        {
            throw new RuleSpecException($"Rule {spec.Rule} has no parameter '{name}'.");
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
            _ => throw new RuleSpecException($"Unknown rule '{spec.Rule}'."),
        };
    }

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

            throw new RuleSpecException($"Parameter {name} of {definition.Id} must be a number.");
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

            throw new RuleSpecException($"Parameter {name} of {definition.Id} must be a month, 1 to 12.");
        }

        public Strictness Strict()
        {
            const string name = "strict";
            if (!given.TryGetValue(name, out var value))
            {
                return (bool)Default(name) ? Strictness.AlwaysStrict : Strictness.NotStrict;
            }

            return Strictness.Parse(value)
                ?? throw new RuleSpecException($"Parameter {name} of {definition.Id} must be true, false or a year from {Strictness.FirstYear} to {Strictness.LastYear} (strict for the periods of that year on).");
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
                throw new RuleSpecException($"Parameter {name} of {definition.Id} must be one of {string.Join(", ", parameter.Allowed ?? [])}.");
            }

            return text;
        }

        private object Default(string name) => definition.Parameters.First(p => p.Name == name).Default;
    }
}
