using System.Text.Json;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>The catalogue of rules.md: building rules from their specs, rejecting misfits, and filling defaults.</summary>
public sealed class RuleCatalogTests
{
    [Test]
    public void All_Catalogue_ListsTheRulesOfRulesMdInOrder()
    {
        var ids = RuleCatalog.All.Select(r => r.Id);

        ids.Should().Equal(
            "INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS", "NPL_TOLERANCE", "CREDIT_SHARE", "FIRST_LOAN_SHARE",
            "INCREMENT_VS_LAST_YEAR", "INDIVIDUAL_BUSINESS", "NEW_LOAN_RATE", "CREDIT_PLAN", "FIRST_LOAN_ENTERPRISES", "OPERATING_LOANS", "BASELINE_MISSING",
            "DEADLINE_MISSED");
    }

    [TestCase("INCLUSIVE_GROWTH", typeof(InclusiveGrowthRule))]
    [TestCase("INCLUSIVE_BORROWERS", typeof(InclusiveBorrowersRule))]
    [TestCase("NPL_TOLERANCE", typeof(NplToleranceRule))]
    [TestCase("CREDIT_SHARE", typeof(CreditShareRule))]
    [TestCase("FIRST_LOAN_SHARE", typeof(FirstLoanShareRule))]
    [TestCase("INCREMENT_VS_LAST_YEAR", typeof(IncrementVsLastYearRule))]
    [TestCase("INDIVIDUAL_BUSINESS", typeof(IndividualBusinessRule))]
    [TestCase("NEW_LOAN_RATE", typeof(NewLoanRateRule))]
    [TestCase("OPERATING_LOANS", typeof(OperatingLoansRule))]
    [TestCase("FIRST_LOAN_ENTERPRISES", typeof(FirstLoanEnterprisesRule))]
    public void Create_RuleWithoutParameters_BuildsThatRule(string id, Type type)
    {
        var rule = RuleCatalog.Create(new RuleSpec(id, null));

        using (new AssertionScope())
        {
            rule.Should().BeOfType(type);
            rule.Id.Should().Be(id);
        }
    }

    [TestCase("MAGIC")]
    [TestCase("npl_tolerance")]
    [TestCase("")]
    public void Create_UnknownRule_ThrowsRuleSpecException(string id)
    {
        var create = () => RuleCatalog.Create(new RuleSpec(id, null));

        var refusal = create.Should().Throw<RuleSpecException>().Which.Text;
        refusal.Should().Be(new LocalizedText($"未知的规则“{id}”。", $"Unknown rule '{id}'."));
    }

    [TestCase("BASELINE_MISSING")]
    [TestCase("DEADLINE_MISSED")]
    public void Create_RuleThatIsNotBuiltOnItsOwn_ThrowsRuleSpecException(string id)
    {
        var create = () => RuleCatalog.Create(new RuleSpec(id, null));

        create.Should().Throw<RuleSpecException>().Which.Text.ShouldBeInBothLanguages();
    }

    [TestCase("NPL_TOLERANCE", "tolerance")]
    [TestCase("NPL_TOLERANCE", "minIncreasePp")]
    [TestCase("INCLUSIVE_BORROWERS", "basis")]
    [TestCase("INDIVIDUAL_BUSINESS", "tolerancePp")]
    [TestCase("OPERATING_LOANS", "basis")]
    public void Create_UnknownParameter_ThrowsRuleSpecException(string id, string parameter)
    {
        var spec = new RuleSpec(id, Parameters((parameter, JsonSerializer.SerializeToElement(1))));

        var create = () => RuleCatalog.Create(spec);

        var refusal = create.Should().Throw<RuleSpecException>().WithMessage($"*{parameter}*").Which.Text;
        refusal.Zh.Should().Contain(parameter);
        refusal.ShouldBeInBothLanguages();
    }

    [TestCase("INCLUSIVE_GROWTH", "basis", "\"monthly\"")]
    [TestCase("INCLUSIVE_GROWTH", "basis", "1")]
    [TestCase("NPL_TOLERANCE", "tolerancePp", "\"three\"")]
    [TestCase("NPL_TOLERANCE", "tolerancePp", "true")]
    [TestCase("CREDIT_SHARE", "minIncreasePp", "null")]
    [TestCase("CREDIT_SHARE", "assessmentMonth", "13")]
    [TestCase("CREDIT_SHARE", "assessmentMonth", "0")]
    [TestCase("CREDIT_SHARE", "assessmentMonth", "6.5")]
    [TestCase("OPERATING_LOANS", "assessmentMonth", "13")]
    [TestCase("INDIVIDUAL_BUSINESS", "strict", "\"x\"")]
    [TestCase("INDIVIDUAL_BUSINESS", "strict", "\"true\"")]
    [TestCase("INDIVIDUAL_BUSINESS", "strict", "\"2022\"")]
    [TestCase("INDIVIDUAL_BUSINESS", "strict", "2022.5")]
    [TestCase("NEW_LOAN_RATE", "strict", "1999")]
    [TestCase("NEW_LOAN_RATE", "strict", "2101")]
    [TestCase("NEW_LOAN_RATE", "strict", "null")]
    [TestCase("NEW_LOAN_RATE", "strict", "1")]
    [TestCase("FIRST_LOAN_ENTERPRISES", "assessmentMonth", "0")]
    public void Create_ParameterOfTheWrongKind_ThrowsRuleSpecException(string id, string parameter, string json)
    {
        var spec = new RuleSpec(id, Parameters((parameter, Json(json))));

        var create = () => RuleCatalog.Create(spec);

        var refusal = create.Should().Throw<RuleSpecException>().Which.Text;
        refusal.Zh.Should().Contain($"{id} 的参数 {parameter}");
        refusal.En.Should().StartWith($"Parameter {parameter} of {id} must be");
        refusal.ShouldBeInBothLanguages();
    }

    [TestCase("50.00", RuleOutcome.Pass)]
    [TestCase("50.01", RuleOutcome.Breach)]
    public void Create_NplToleranceWithoutParameters_AppliesThreePoints(decimal inclusiveNpl, RuleOutcome expected)
    {
        var rule = RuleCatalog.Create(new RuleSpec("NPL_TOLERANCE", null));
        var history = new HistoryBuilder().At("2024-06", new IndicatorSnapshot
        {
            InclusiveBalance = 1_000m, InclusiveNplBalance = inclusiveNpl, TotalBalance = 10_000m, TotalNplBalance = 200m,
        });

        var result = rule.Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Create_NplToleranceWithoutParameters_WritesThreePointsAsTolerance()
    {
        var rule = RuleCatalog.Create(new RuleSpec("NPL_TOLERANCE", null));
        var history = new HistoryBuilder().At("2024-06", new IndicatorSnapshot
        {
            InclusiveBalance = 1_000m, InclusiveNplBalance = 50.01m, TotalBalance = 10_000m, TotalNplBalance = 200m,
        });

        var result = rule.Evaluate(history);

        result.Finding!.Figures["tolerancePp"].Should().Be(3m);
    }

    [TestCase("2024-11", "210.00", RuleOutcome.Pass)]
    [TestCase("2024-11", "209.99", RuleOutcome.Warning)]
    [TestCase("2024-12", "209.99", RuleOutcome.Breach)]
    public void Create_CreditShareWithoutParameters_AppliesOnePointAndAssessmentMonthTwelve(string period, decimal credit, RuleOutcome expected)
    {
        var rule = RuleCatalog.Create(new RuleSpec("CREDIT_SHARE", new Dictionary<string, JsonElement>()));
        var history = new HistoryBuilder()
            .With("2023-12", new IndicatorSnapshot { InclusiveBalance = 1_000m, InclusiveCreditBalance = 200m })
            .At(period, new IndicatorSnapshot { InclusiveBalance = 1_000m, InclusiveCreditBalance = credit });

        var result = rule.Evaluate(history);

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Create_InclusiveGrowthWithoutParameters_IsYtd()
    {
        var rule = RuleCatalog.Create(new RuleSpec("INCLUSIVE_GROWTH", null));
        var history = new HistoryBuilder()
            .With("2023-12", new IndicatorSnapshot { InclusiveBalance = 1_000m, TotalBalance = 10_000m })
            .At("2024-06", new IndicatorSnapshot { InclusiveBalance = 1_000m, TotalBalance = 11_000m });

        var result = rule.Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Warning);
            result.Finding!.Figures["basis"].Should().Be("ytd");
            result.Finding.Baselines.Keys.Should().Equal("startOfYear");
        }
    }

    [Test]
    public void Create_GivenParameters_OverrideTheDefaults()
    {
        var spec = new RuleSpec("CREDIT_SHARE", Parameters(("minIncreasePp", JsonSerializer.SerializeToElement(0.5m)), ("assessmentMonth", JsonSerializer.SerializeToElement(6))));
        var history = new HistoryBuilder()
            .With("2023-12", new IndicatorSnapshot { InclusiveBalance = 1_000m, InclusiveCreditBalance = 200m })
            .At("2024-06", new IndicatorSnapshot { InclusiveBalance = 1_000m, InclusiveCreditBalance = 204.99m });

        var result = RuleCatalog.Create(spec).Evaluate(history);

        using (new AssertionScope())
        {
            result.Outcome.Should().Be(RuleOutcome.Breach);
            result.Finding!.Figures["minIncreasePp"].Should().Be(0.5m);
            result.Finding.Figures["increasePp"].Should().Be(0.499m);
        }
    }

    [TestCase("\"2.5\"")]
    [TestCase("2.5")]
    public void Create_NumberAsJsonNumberOrString_IsAccepted(string json)
    {
        var spec = new RuleSpec("NPL_TOLERANCE", Parameters(("tolerancePp", Json(json))));
        var history = new HistoryBuilder().At("2024-06", new IndicatorSnapshot
        {
            InclusiveBalance = 1_000m, InclusiveNplBalance = 45.01m, TotalBalance = 10_000m, TotalNplBalance = 200m,
        });

        var result = RuleCatalog.Create(spec).Evaluate(history);

        result.Finding!.Figures["tolerancePp"].Should().Be(2.5m);
    }

    [Test]
    public void Create_InclusiveGrowthWithBasisYoy_ReadsTheSamePeriodLastYear()
    {
        var spec = new RuleSpec("INCLUSIVE_GROWTH", Parameters(("basis", JsonSerializer.SerializeToElement("yoy"))));

        var result = RuleCatalog.Create(spec).Evaluate(new HistoryBuilder().At("2024-06", new IndicatorSnapshot()));

        result.MissingPeriods.Should().Equal(HistoryBuilder.Period("2023-06"));
    }

    [TestCase("INDIVIDUAL_BUSINESS")]
    [TestCase("NEW_LOAN_RATE")]
    public void Catalogue_StrictRules_DeclareStrictNotStrictByDefault(string id)
    {
        var strict = RuleCatalog.Find(id)!.Parameters.Single(p => p.Name == "strict");

        using (new AssertionScope())
        {
            strict.Default.Should().Be(false);
            RuleCatalog.Find(id)!.Figure("strict")!.Unit.Should().Be(FigureUnit.Boolean);
        }
    }

    [TestCase(null, "2024-06", RuleOutcome.Pass)]
    [TestCase("false", "2024-06", RuleOutcome.Pass)]
    [TestCase("true", "2024-06", RuleOutcome.Warning)]
    [TestCase("true", "2001-06", RuleOutcome.Warning)]
    [TestCase("2022", "2021-06", RuleOutcome.Pass)]
    [TestCase("2022", "2022-06", RuleOutcome.Warning)]
    [TestCase("2000", "2000-06", RuleOutcome.Warning)]
    [TestCase("2100", "2099-06", RuleOutcome.Pass)]
    public void Create_IndividualBusinessWithStrict_JudgesAFlatBookAsItSays(string? json, string period, RuleOutcome expected)
    {
        var spec = new RuleSpec("INDIVIDUAL_BUSINESS", json is null ? null : Parameters(("strict", Json(json))));
        var start = Periods.Format(Periods.December(HistoryBuilder.Period(period).Year - 1));
        var flat = new IndicatorSnapshot { IndividualBusinessBalance = 500m, IndividualBusinessBorrowers = 10 };

        var result = RuleCatalog.Create(spec).Evaluate(new HistoryBuilder().With(start, flat).At(period, flat));

        result.Outcome.Should().Be(expected);
    }

    [Test]
    public void Validate_NationalSet_IsAccepted()
    {
        var spec = Set("INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS", "NPL_TOLERANCE", "CREDIT_SHARE", "INDIVIDUAL_BUSINESS", "NEW_LOAN_RATE", "BASELINE_MISSING");

        var validate = () => RuleCatalog.Validate(spec);

        validate.Should().NotThrow();
    }

    [Test]
    public void Validate_RuleTwice_ThrowsRuleSpecException()
    {
        var spec = Set("NPL_TOLERANCE", "CREDIT_SHARE", "NPL_TOLERANCE");

        var validate = () => RuleCatalog.Validate(spec);

        validate.Should().Throw<RuleSpecException>().WithMessage("*NPL_TOLERANCE*").Which.Text.Zh.Should().Be("规则 NPL_TOLERANCE 在规则集中出现了两次。");
    }

    [TestCase("MAGIC")]
    [TestCase("DEADLINE_MISSED")]
    public void Validate_RuleNotForASet_ThrowsRuleSpecException(string id)
    {
        var spec = Set("NPL_TOLERANCE", id);

        var validate = () => RuleCatalog.Validate(spec);

        validate.Should().Throw<RuleSpecException>();
    }

    [Test]
    public void Find_KnownAndUnknownIds_GivesTheDefinitionOrNull()
    {
        var (known, unknown) = (RuleCatalog.Find("NPL_TOLERANCE"), RuleCatalog.Find("MAGIC"));

        using (new AssertionScope())
        {
            known!.Parameters.Should().ContainSingle().Which.Default.Should().Be(3m);
            known.Name.Zh.Should().Be("普惠型小微企业贷款不良容忍度");
            unknown.Should().BeNull();
        }
    }

    private static Dictionary<string, JsonElement> Parameters(params (string Name, JsonElement Value)[] parameters) =>
        parameters.ToDictionary(p => p.Name, p => p.Value);

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static RuleSetSpec Set(params string[] rules) => new("", new YearRange(2022, null), rules.Select(r => new RuleSpec(r, null)).ToList());
}
