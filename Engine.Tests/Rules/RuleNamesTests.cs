using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>
/// rules.md, "Names: each authority's own words": every rule's name under each 口径, and the messages of a set's rules
/// in the words of the set's scope (普惠型小微企业贷款 for a <c>cbirc</c> set, 普惠小微贷款 for a <c>pboc</c> one).
/// </summary>
public sealed class RuleNamesTests
{
    /// <summary>The rules whose messages speak of inclusive lending, and so in the words of their set's scope.</summary>
    private static readonly string[] InclusiveRules =
    [
        "INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS", "NPL_TOLERANCE", "CREDIT_SHARE", "FIRST_LOAN_SHARE", "INCREMENT_VS_LAST_YEAR", "NEW_LOAN_RATE", "CREDIT_PLAN",
    ];

    [TestCase("INCLUSIVE_GROWTH", "两增·普惠型小微企业贷款增速", "普惠小微贷款增速", "Inclusive loan growth vs total loan growth")]
    [TestCase("INCLUSIVE_BORROWERS", "两增·有贷款余额户数", "普惠小微贷款户数", "Inclusive borrowers")]
    [TestCase("NPL_TOLERANCE", "普惠型小微企业贷款不良容忍度", "普惠小微贷款不良容忍度", "Inclusive NPL tolerance")]
    [TestCase("CREDIT_SHARE", "普惠型小微企业信用贷款占比", "普惠小微信用贷款占比", "Credit-loan share")]
    [TestCase("FIRST_LOAN_SHARE", "首贷户占比", "普惠小微首贷户占比", "First-loan borrower share")]
    [TestCase("INCREMENT_VS_LAST_YEAR", "普惠型小微企业贷款增量不低于上年同期", "普惠小微贷款增量不低于上年同期", "Increment vs same period last year")]
    [TestCase("INDIVIDUAL_BUSINESS", "个体工商户经营性贷款持续增长", "个体工商户经营性贷款持续增长", "Individual-business loans growing")]
    [TestCase("NEW_LOAN_RATE", "新发放普惠型小微企业贷款利率", "新发放普惠小微贷款利率", "New-loan rate")]
    [TestCase("OPERATING_LOANS", "小微企业主和个体工商户经营性贷款", "小微企业主和个体工商户经营性贷款", "Operating loans of micro-business owners and individual businesses")]
    [TestCase("CREDIT_PLAN", "普惠型小微企业贷款信贷计划完成情况", "普惠小微贷款信贷计划完成情况", "Credit plan completion")]
    [TestCase("FIRST_LOAN_ENTERPRISES", "新增小微企业法人首贷户", "新增小微企业法人首贷户", "New first-loan small and micro enterprises")]
    [TestCase("BASELINE_MISSING", "基期数据缺失", "基期数据缺失", "Baseline data missing")]
    [TestCase("DEADLINE_MISSED", "逾期未报送", "逾期未报送", "Deadline missed")]
    public void Catalogue_NamesEveryRuleInEachScope_AsTheTableOfNames(string id, string cbirc, string pboc, string en)
    {
        var rule = RuleCatalog.Find(id)!;

        using (new AssertionScope())
        {
            rule.Names.Cbirc.Should().Be(new LocalizedText(cbirc, en));
            rule.Names.Pboc.Should().Be(new LocalizedText(pboc, en));
            rule.Name.Should().Be(rule.Names.Cbirc, "name is the CBIRC name, kept for older clients");
            RuleCatalog.NameOf(id, StatisticalScope.Pboc).Should().Be(new LocalizedText(pboc, en));
            RuleCatalog.NameOf(id, StatisticalScope.Cbirc).Should().Be(new LocalizedText(cbirc, en));
        }
    }

    [Test]
    public void Catalogue_NamesEveryRuleItHolds()
    {
        RuleCatalog.All.Should().HaveCount(13).And.OnlyContain(r => r.Names.Cbirc.Zh.Length > 0 && r.Names.Pboc.Zh.Length > 0 && r.Names.Cbirc.En.Length > 0);
    }

    [Test]
    public void NameOf_AnUnknownRule_IsItsId()
    {
        RuleCatalog.NameOf("MAGIC", StatisticalScope.Pboc).Should().Be(new LocalizedText("MAGIC", "MAGIC"));
    }

    [Test]
    public void History_IsCountedInTheCbircScopeByDefault_AndCarriesTheScopeItIsCountedIn()
    {
        var history = new HistoryBuilder().At("2024-06", Both(Snapshot(1_000m)));

        using (new AssertionScope())
        {
            history.Scope.Should().Be(StatisticalScope.Cbirc);
            history.In(StatisticalScope.Cbirc)!.Scope.Should().Be(StatisticalScope.Cbirc);
            history.In(StatisticalScope.Pboc)!.Scope.Should().Be(StatisticalScope.Pboc);
        }
    }

    [Test]
    public void Messages_OfACbircSet_SpeakOfInclusiveLoansToSmallAndMicroEnterprises()
    {
        var findings = FindingsOf(StatisticalScope.Cbirc);

        using (new AssertionScope())
        {
            findings.Keys.Should().BeEquivalentTo(InclusiveRules, "every rule of the history fails, so every message is checked");
            foreach (var (rule, message) in findings)
            {
                message.Zh.Should().Contain("普惠型小微企业", rule).And.NotContain("普惠小微", rule);
                message.En.Should().Contain("small and micro enterprise", rule);
            }
        }
    }

    [Test]
    public void Messages_OfAPbocSet_SpeakOfInclusiveSmallAndMicroLoans()
    {
        var findings = FindingsOf(StatisticalScope.Pboc);

        using (new AssertionScope())
        {
            findings.Keys.Should().BeEquivalentTo(InclusiveRules, "every rule of the history fails, so every message is checked");
            foreach (var (rule, message) in findings)
            {
                message.Zh.Should().Contain("普惠小微", rule).And.NotContain("普惠型", rule).And.NotContain("小微企业", rule);
                message.En.Should().Contain("inclusive small and micro", rule).And.NotContain("enterprise", rule);
            }
        }
    }

    [TestCase(StatisticalScope.Cbirc, "普惠型小微企业贷款", "inclusive loans to small and micro enterprises")]
    [TestCase(StatisticalScope.Pboc, "普惠小微贷款", "inclusive small and micro loans")]
    public void NplTolerance_Exceeded_IsNotMet_AndTheExemptionNoLongerCoversThePeriod(StatisticalScope scope, string zh, string en)
    {
        var message = FindingsOf(scope)["NPL_TOLERANCE"];

        using (new AssertionScope())
        {
            message.Zh.Should().Be(
                $"2024-12 {zh}不良率 10.0000%，高于各项贷款不良率 2.5000% 达 7.5000 个百分点，超出不良容忍度（3 个百分点），未达标；该报告期不再适用不良容忍度内的尽职免责。");
            message.En.Should().Be(
                $"In 2024-12, the NPL ratio of {en}, 10.0000%, exceeds the total NPL ratio of 2.5000% by 7.5000 pp, beyond the NPL tolerance of 3 pp: not met, and the exemption from blame (due diligence) that the tolerance allows no longer covers the period.");
            message.Zh.Should().NotContain("违规");
            message.En.Should().NotContain("violation");
        }
    }

    [TestCase(StatisticalScope.Cbirc, "两增·普惠型小微企业贷款增速、普惠型小微企业信用贷款占比")]
    [TestCase(StatisticalScope.Pboc, "普惠小微贷款增速、普惠小微信用贷款占比")]
    public void BaselineMissing_NamesTheBlockedRules_InTheSetsScope(StatisticalScope scope, string names)
    {
        var set = new RuleSet("s", 1, new RuleSetSpec("", new YearRange(2000, null),
            [new RuleSpec("INCLUSIVE_GROWTH", null), new RuleSpec("CREDIT_SHARE", null), new RuleSpec("BASELINE_MISSING", null)]) { Scope = scope });
        var history = new HistoryBuilder().At("2024-06", Both(Snapshot(1_000m)));

        var message = set.Evaluate(history, HistoryBuilder.LegalPerson()).Single(r => r.Rule == "BASELINE_MISSING").Finding!.Message;

        using (new AssertionScope())
        {
            message.Zh.Should().Be($"2024-06 缺少基期数据 2023-12，以下规则无法评估：{names}。请补报这些期次的贷款台账。");
            message.En.Should().Be("2024-06 lacks the baseline ledgers of 2023-12, so these rules could not be evaluated: Inclusive loan growth vs total loan growth, Credit-loan share. File the ledgers of those periods.");
        }
    }

    /// <summary>
    /// The messages of a set of that scope running every inclusive rule on one history in which each of them fails:
    /// December 2024 against a healthier 2023 (and 2022 for last year's increment), under both 口径 alike.
    /// </summary>
    private static Dictionary<string, LocalizedText> FindingsOf(StatisticalScope scope)
    {
        var lastYearMonth = Snapshot(1_000m) with { NewFirstLoanBorrowers = 10, NewInclusiveAmount = 100m, NewInclusiveRateWeight = 400m };
        var thisYearMonth = Snapshot(1_000m) with { NewFirstLoanBorrowers = 0, NewInclusiveAmount = 100m, NewInclusiveRateWeight = 500m };
        var now = thisYearMonth with
        {
            TotalBalance = 4_000m,
            TotalNplBalance = 100m,
            InclusiveNplBalance = 100m,
            InclusiveCreditBalance = 100m,
            InclusiveBorrowers = 50,
        };
        var history = new HistoryBuilder()
            .With("2022-12", Both(Snapshot(500m)))
            .WithMonths(2023, 12, Both(lastYearMonth))
            .WithMonths(2024, 11, Both(thisYearMonth))
            .WithPlan(2024, 1_000m)
            .At("2024-12", Both(now));
        var set = new RuleSet("s", 1, new RuleSetSpec("", new YearRange(2000, null), [.. InclusiveRules.Select(r => new RuleSpec(r, null))]) { Scope = scope });

        return set.Evaluate(history, HistoryBuilder.LegalPerson()).Where(r => r.Finding is not null).ToDictionary(r => r.Rule, r => r.Finding!.Message);
    }

    /// <summary>An inclusive book of <paramref name="inclusive"/> yuan, half of it credit loans, to 100 borrowers, in a total book of 2,000.</summary>
    private static IndicatorSnapshot Snapshot(decimal inclusive) => new()
    {
        TotalBalance = 2_000m,
        InclusiveBalance = inclusive,
        InclusiveCreditBalance = inclusive / 2,
        InclusiveBorrowers = 100,
    };

    /// <summary>The snapshot with the same figures under the PBoC 口径.</summary>
    private static IndicatorSnapshot Both(IndicatorSnapshot snapshot) => snapshot with { Pboc = snapshot };
}
