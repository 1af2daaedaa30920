using System.Text.Json;
using Compliance.Engine.Indicators;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>
/// Who each rule judges (rules.md): a rule's <c>appliesTo</c> and <c>years</c> leave institutions and periods out as
/// <c>notApplicable</c> with its <c>reason</c>, whose needs then count towards no <c>BASELINE_MISSING</c>.
/// </summary>
public sealed class RulePopulationTests
{
    private static readonly IndicatorSnapshot Flat = new() { TotalBalance = 10_000m, InclusiveBalance = 1_000m, InclusiveBorrowers = 100 };

    private static readonly InstitutionProfile County = new("371302", InstitutionCategory.LargeState, false, InstitutionLevel.County);

    private static readonly InstitutionProfile RuralBank = HistoryBuilder.LegalPerson();

    private static readonly RuleSet National = new("national", 1, new RuleSetSpec("", new YearRange(2019, null),
    [
        new RuleSpec("INCLUSIVE_GROWTH", null) { AppliesTo = Json("""{"legalPerson": true}""") },
        new RuleSpec("INCLUSIVE_BORROWERS", null) { AppliesTo = Json("""{"legalPerson": true}""") },
        new RuleSpec("CREDIT_PLAN", null) { AppliesTo = Json("""{"legalPerson": false}"""), Years = new YearRange(2022, null) },
        new RuleSpec("FIRST_LOAN_ENTERPRISES", null)
        {
            AppliesTo = Json("""{"legalPerson": true, "categories": ["large_state", "joint_stock"]}"""), Years = new YearRange(2022, null),
        },
        new RuleSpec("BASELINE_MISSING", null),
    ]));

    [Test]
    public void Evaluate_Branch_IsOutsideTheTwoIncreasesAndJudgedByItsPlan()
    {
        var history = new HistoryBuilder().With("2022-12", Flat).WithPlan(2023, 0m).At("2023-06", Flat);

        var results = National.Evaluate(history, County);

        results.Select(r => (r.Rule, r.Outcome, r.Reason)).Should().Equal(
            ("INCLUSIVE_GROWTH", RuleOutcome.NotApplicable, NotApplicableReason.Population),
            ("INCLUSIVE_BORROWERS", RuleOutcome.NotApplicable, NotApplicableReason.Population),
            ("CREDIT_PLAN", RuleOutcome.Pass, null),
            ("FIRST_LOAN_ENTERPRISES", RuleOutcome.NotApplicable, NotApplicableReason.Population),
            ("BASELINE_MISSING", RuleOutcome.Pass, null));
    }

    [Test]
    public void Evaluate_BranchWithoutAPlan_NamesTheYearInBaselineMissing()
    {
        var history = new HistoryBuilder().With("2022-12", Flat).At("2023-06", Flat);

        var summary = National.Evaluate(history, County)[^1];

        using (new AssertionScope())
        {
            summary.Outcome.Should().Be(RuleOutcome.Warning);
            summary.Finding!.Figures["missingPlans"].Should().BeAssignableTo<IEnumerable<string>>().Which.Should().Equal("2023");
            summary.Finding.Figures["missingPeriods"].Should().BeAssignableTo<IEnumerable<string>>().Which.Should().BeEmpty();
            summary.Finding.Figures["blockedRules"].Should().BeAssignableTo<IEnumerable<string>>().Which.Should().Equal("CREDIT_PLAN");
            summary.Finding.Message.Zh.Should().Contain("缺少 2023 年度信贷计划");
        }
    }

    [Test]
    public void Evaluate_LegalPersonLackingEveryBaseline_CountsNoNeedOfTheRulesOutsideItsPopulation()
    {
        var history = new HistoryBuilder().At("2023-06", Flat);

        var results = National.Evaluate(history, RuralBank);

        using (new AssertionScope())
        {
            results.Single(r => r.Rule == "CREDIT_PLAN").Reason.Should().Be(NotApplicableReason.Population);
            results.Single(r => r.Rule == "FIRST_LOAN_ENTERPRISES").Reason.Should().Be(NotApplicableReason.Population);
            results[^1].Finding!.Figures["blockedRules"].Should().BeAssignableTo<IEnumerable<string>>()
                .Which.Should().Equal("INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS");
            results[^1].Finding!.Figures["missingPlans"].Should().BeAssignableTo<IEnumerable<string>>().Which.Should().BeEmpty();
        }
    }

    [Test]
    public void Evaluate_BeforeTheRulesYears_IsNotApplicableForYearsBeforeItsPopulation()
    {
        var history = new HistoryBuilder().With("2020-12", Flat).At("2021-06", Flat);

        var results = National.Evaluate(history, County);

        using (new AssertionScope())
        {
            results.Single(r => r.Rule == "CREDIT_PLAN").Should().BeEquivalentTo(new { Outcome = RuleOutcome.NotApplicable, Reason = NotApplicableReason.Years });
            results.Single(r => r.Rule == "FIRST_LOAN_ENTERPRISES").Reason.Should().Be(NotApplicableReason.Years);
            results[^1].Outcome.Should().Be(RuleOutcome.Pass);
        }
    }

    [TestCase("""{"legalPerson": true, "categories": ["large_state", "joint_stock"]}""", "large_state", true, "head_office", true)]
    [TestCase("""{"legalPerson": true, "categories": ["large_state", "joint_stock"]}""", "large_state", false, "municipal", false)]
    [TestCase("""{"legalPerson": true, "categories": ["large_state", "joint_stock"]}""", "rural", true, "head_office", false)]
    [TestCase("""{"levels": ["provincial"]}""", "rural", true, "provincial", true)]
    [TestCase("""{"levels": ["provincial"]}""", "large_state", false, "municipal", false)]
    [TestCase("""{}""", "other", false, "county", true)]
    public void Includes_AnInstitution_WhereEveryGivenMemberMatches(string population, string category, bool legalPerson, string level, bool expected)
    {
        var (read, _) = Population.Read(Json(population), "appliesTo");

        read!.Includes(new InstitutionProfile("371302", category, legalPerson, level)).Should().Be(expected);
    }

    [TestCase("""{"legalPerson": "yes"}""", "legalPerson must be true or false")]
    [TestCase("""{"categories": []}""", "categories must list at least one of")]
    [TestCase("""{"categories": ["bank"]}""", "categories must list at least one of")]
    [TestCase("""{"levels": ["county", "county"]}""", "levels must list at least one of")]
    [TestCase("""{"localLegalPerson": true}""", "has no member 'localLegalPerson'")]
    [TestCase("""["legalPerson"]""", "must be an object")]
    public void Validate_AMalformedAppliesTo_IsRefusedSayingWhat(string appliesTo, string expected)
    {
        var spec = new RuleSetSpec("", new YearRange(2022, null), [new RuleSpec("INCLUSIVE_GROWTH", null) { AppliesTo = Json(appliesTo) }]);

        var validate = () => RuleCatalog.Validate(spec);

        var refusal = validate.Should().Throw<RuleSpecException>().WithMessage($"*appliesTo of INCLUSIVE_GROWTH*{expected}*").Which.Text;
        refusal.Zh.Should().StartWith("INCLUSIVE_GROWTH 的 appliesTo");
        refusal.ShouldBeInBothLanguages();
    }

    [Test]
    public void Validate_AppliesToOnBaselineMissing_IsRefused()
    {
        var spec = new RuleSetSpec("", new YearRange(2022, null), [new RuleSpec("BASELINE_MISSING", null) { AppliesTo = Json("""{"legalPerson": true}""") }]);

        var validate = () => RuleCatalog.Validate(spec);

        validate.Should().Throw<RuleSpecException>().WithMessage("BASELINE_MISSING takes no appliesTo or years*").Which.Text.ShouldBeInBothLanguages();
    }

    [TestCase(2023, 2022)]
    [TestCase(1999, null)]
    [TestCase(2022, 2101)]
    public void Validate_RuleYearsOutOfOrderOrRange_IsRefused(int from, int? to)
    {
        var spec = new RuleSetSpec("", new YearRange(2019, null), [new RuleSpec("CREDIT_PLAN", null) { Years = new YearRange(from, to) }]);

        var validate = () => RuleCatalog.Validate(spec);

        validate.Should().Throw<RuleSpecException>().WithMessage("years of CREDIT_PLAN is {from, to?}*").Which.Text.ShouldBeInBothLanguages();
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
