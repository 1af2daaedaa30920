using System.Text.Json;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>Rule sets as data (rules.md, "Rule sets"): evaluation with BASELINE_MISSING, and selection by jurisdiction and year.</summary>
public sealed class RuleSetTests
{
    private static readonly string[] NationalRules =
        ["INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS", "NPL_TOLERANCE", "CREDIT_SHARE", "INDIVIDUAL_BUSINESS", "NEW_LOAN_RATE", "BASELINE_MISSING"];

    private static readonly IndicatorSnapshot Healthy = new()
    {
        TotalBalance = 10_000m,
        TotalNplBalance = 200m,
        InclusiveBalance = 1_000m,
        InclusiveNplBalance = 20m,
        InclusiveCreditBalance = 300m,
        InclusiveBorrowers = 100,
        NewInclusiveAmount = 100m,
        NewInclusiveRateWeight = 400m,
        IndividualBusinessBalance = 100m,
        IndividualBusinessBorrowers = 10,
    };

    [Test]
    public void Constructor_SetWithBaselineMissing_BuildsTheOtherRulesAndReportsMissingBaselines()
    {
        var set = new RuleSet("national", 1, Spec("", 2022, null, NationalRules));

        using (new AssertionScope())
        {
            set.Rules.Select(r => r.Id).Should().Equal(NationalRules.SkipLast(1));
            set.ReportsMissingBaselines.Should().BeTrue();
            set.Id.Should().Be("national");
            set.Version.Should().Be(1);
        }
    }

    [Test]
    public void Constructor_UnknownRule_ThrowsRuleSpecException()
    {
        var build = () => new RuleSet("bad", 1, Spec("", 2022, null, "NPL_TOLERANCE", "MAGIC"));

        build.Should().Throw<RuleSpecException>().WithMessage("*MAGIC*");
    }

    [Test]
    public void Evaluate_NationalSetWithOnlyTheCurrentSnapshot_SummarisesEveryMissingBaseline()
    {
        var set = new RuleSet("national", 1, Spec("", 2022, null, NationalRules));
        var history = new HistoryBuilder().At("2024-03", Healthy);

        var results = set.Evaluate(history, HistoryBuilder.LegalPerson());

        var summary = results[^1];
        using (new AssertionScope())
        {
            results.Select(r => r.Rule).Should().Equal(NationalRules);
            results.Single(r => r.Rule == "NPL_TOLERANCE").Outcome.Should().Be(RuleOutcome.Pass);
            results.Where(r => r.Rule != "NPL_TOLERANCE" && r.Rule != "BASELINE_MISSING").Select(r => r.Outcome)
                .Should().AllBeEquivalentTo(RuleOutcome.BaselineMissing);
            summary.Rule.Should().Be("BASELINE_MISSING");
            summary.Outcome.Should().Be(RuleOutcome.Warning);
            summary.Finding!.Figures["blockedRules"].Should().BeAssignableTo<IEnumerable<string>>().Which.Should()
                .Equal("INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS", "CREDIT_SHARE", "INDIVIDUAL_BUSINESS", "NEW_LOAN_RATE");
            summary.Finding.Figures["missingPeriods"].Should().BeAssignableTo<IEnumerable<string>>().Which.Should()
                .Equal("2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06", "2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02");
        }
    }

    [Test]
    public void Evaluate_NationalSetWithEveryBaseline_ReportsNoMissingBaseline()
    {
        var set = new RuleSet("national", 1, Spec("", 2022, null, NationalRules));
        var history = new HistoryBuilder().WithMonths(2023, 12, Healthy).WithMonths(2024, 2, Healthy)
            .At("2024-03", Healthy with { InclusiveCreditBalance = 310m });

        var results = set.Evaluate(history, HistoryBuilder.LegalPerson());

        using (new AssertionScope())
        {
            results.Select(r => r.Outcome).Should().AllBeEquivalentTo(RuleOutcome.Pass);
            results.Should().HaveCount(NationalRules.Length);
        }
    }

    [Test]
    public void Evaluate_SetWithoutBaselineMissing_WritesNoSummary()
    {
        var set = new RuleSet("lean", 1, Spec("", 2022, null, "INCLUSIVE_GROWTH", "NPL_TOLERANCE"));
        var history = new HistoryBuilder().At("2024-03", Healthy);

        var results = set.Evaluate(history, HistoryBuilder.LegalPerson());

        using (new AssertionScope())
        {
            set.ReportsMissingBaselines.Should().BeFalse();
            results.Select(r => (r.Rule, r.Outcome)).Should().Equal(("INCLUSIVE_GROWTH", RuleOutcome.BaselineMissing), ("NPL_TOLERANCE", RuleOutcome.Pass));
        }
    }

    [Test]
    public void Evaluate_ShandongSet_UsesYoyGrowthAndItsExtraRules()
    {
        var spec = new RuleSetSpec("37", new YearRange(2022, null),
        [
            new RuleSpec("INCLUSIVE_GROWTH", new Dictionary<string, JsonElement> { ["basis"] = JsonSerializer.SerializeToElement("yoy") }),
            new RuleSpec("FIRST_LOAN_SHARE", null),
            new RuleSpec("INCREMENT_VS_LAST_YEAR", null),
            new RuleSpec("BASELINE_MISSING", null),
        ]);
        var set = new RuleSet("shandong", 1, spec);
        var history = new HistoryBuilder().With("2023-12", Healthy).At("2024-03", Healthy);

        var results = set.Evaluate(history, HistoryBuilder.LegalPerson());

        using (new AssertionScope())
        {
            results.Select(r => (r.Rule, r.Outcome)).Should().Equal(
                ("INCLUSIVE_GROWTH", RuleOutcome.BaselineMissing),
                ("FIRST_LOAN_SHARE", RuleOutcome.NotApplicable),
                ("INCREMENT_VS_LAST_YEAR", RuleOutcome.BaselineMissing),
                ("BASELINE_MISSING", RuleOutcome.Warning));
            results[^1].Finding!.Figures["missingPeriods"].Should().BeAssignableTo<IEnumerable<string>>().Which.Should().Equal("2022-12", "2023-03");
        }
    }

    [Test]
    public void Evaluate_SameHistoryTwice_GivesTheSameResults()
    {
        var set = new RuleSet("national", 1, Spec("", 2022, null, NationalRules));
        var history = new HistoryBuilder().With("2023-12", Healthy with { InclusiveBorrowers = 200 }).At("2024-03", Healthy);

        var first = set.Evaluate(history, HistoryBuilder.LegalPerson());
        var second = set.Evaluate(history, HistoryBuilder.LegalPerson());

        second.Should().BeEquivalentTo(first, o => o.WithStrictOrdering());
    }

    [TestCase("371302", 2024, new[] { "national", "shandong" })]
    [TestCase("370102", 2024, new[] { "national", "shandong" })]
    [TestCase("371302", 2021, new[] { "national", "shandong", "linyi" })]
    [TestCase("371399", 2022, new[] { "national", "shandong", "linyi" })]
    [TestCase("419001", 2024, new[] { "national", "jiyuan" })]
    [TestCase("141102", 2024, new[] { "national", "luliang" })]
    [TestCase("110105", 2024, new[] { "national" })]
    [TestCase("371302", 2019, new[] { "national" })]
    public void Applying_RegionAndYear_IsEverySetInForceWhoseJurisdictionPrefixesIt_NationalFirst(string region, int year, string[] expected)
    {
        var applying = RuleSet.Applying(BuiltIns(), region, year);

        applying.Select(s => s.Id).Should().Equal(expected);
    }

    [Test]
    public void Applying_NoSetInForce_IsNone()
    {
        var applying = RuleSet.Applying(BuiltIns(), "110105", 2017);

        applying.Should().BeEmpty();
    }

    [Test]
    public void Applying_RetiredSet_IsNone()
    {
        var sets = BuiltIns().Select(s => s.Id == "jiyuan" ? new RuleSet(s.Id, s.Version + 1, s.Spec with { Retired = true }) : s);

        var applying = RuleSet.Applying(sets, "419001", 2024);

        applying.Select(s => s.Id).Should().Equal("national");
    }

    [Test]
    public void Evaluate_PbocSet_ReadsThePbocFigures_AndLacksAPeriodWhoseSnapshotPredatesThem()
    {
        var cbirc = new RuleSet("national", 1, Spec("", 2018, null, "NPL_TOLERANCE"));
        var pboc = new RuleSet("shandong", 1, Spec("37", 2018, null, "NPL_TOLERANCE", "BASELINE_MISSING") with { Scope = Compliance.Engine.Indicators.StatisticalScope.Pboc });
        var withPboc = new HistoryBuilder().At("2024-03", Healthy with { InclusiveNplBalance = 0m, Pboc = Healthy with { InclusiveNplBalance = Healthy.InclusiveBalance } });
        var withoutPboc = new HistoryBuilder().At("2024-03", Healthy);

        var byCbirc = cbirc.Evaluate(withPboc, HistoryBuilder.LegalPerson()).Single();
        var byPboc = pboc.Evaluate(withPboc, HistoryBuilder.LegalPerson());
        var lacking = pboc.Evaluate(withoutPboc, HistoryBuilder.LegalPerson());

        byCbirc.Outcome.Should().Be(RuleOutcome.Pass);
        byPboc[0].Outcome.Should().Be(RuleOutcome.Breach, "every inclusive loan is non-performing under the PBoC 口径");
        lacking.Select(r => (r.Rule, r.Outcome)).Should().Equal(("NPL_TOLERANCE", RuleOutcome.BaselineMissing), ("BASELINE_MISSING", RuleOutcome.Warning));
    }

    [TestCase(2022, true)]
    [TestCase(2023, true)]
    [TestCase(2024, true)]
    [TestCase(2021, false)]
    [TestCase(2025, false)]
    public void YearRange_Contains_IncludesBothEnds(int year, bool expected)
    {
        var range = new YearRange(2022, 2024);

        var contains = range.Contains(year);

        contains.Should().Be(expected);
    }

    [Test]
    public void YearRange_WithoutEnd_ContainsEveryLaterYear()
    {
        var range = new YearRange(2022, null);

        var contains = (range.Contains(2021), range.Contains(2022), range.Contains(2999));

        contains.Should().Be((false, true, true));
    }

    /// <summary>The built-in sets of rules.md, plus a Linyi (3713) set in force for 2020–2022 only.</summary>
    private static List<RuleSet> BuiltIns() =>
    [
        new("national", 1, Spec("", 2018, null, NationalRules)),
        new("shandong", 1, Spec("37", 2020, null, NationalRules)),
        new("linyi", 1, Spec("3713", 2020, 2022, NationalRules)),
        new("jiyuan", 1, Spec("419001", 2020, null, NationalRules)),
        new("luliang", 1, Spec("1411", 2020, null, NationalRules)),
    ];

    private static RuleSetSpec Spec(string jurisdiction, int from, int? to, params string[] rules) =>
        new(jurisdiction, new YearRange(from, to), rules.Select(r => new RuleSpec(r, null)).ToList());
}
