using System.Text.Json;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>
/// Each rule declares the figures its exceptions may carry (<see cref="RuleDefinition.Figures"/>): every key a
/// finding writes is declared by its rule, each declared figure is written, and a key means one unit wherever it is
/// declared. Every rule is made to find something: a history that fails all of them, and one that lacks every baseline.
/// </summary>
public sealed class FigureDeclarationTests
{
    private static readonly string[] Units = ["percent", "pp", "yuan", "count", "date", "period", "text", "list", "boolean"];

    /// <summary>Every rule a set may run, with each value of a parameter that changes what it computes.</summary>
    private static IEnumerable<RuleSpec> EveryRule()
    {
        foreach (var rule in RuleCatalog.All.Where(r => r.Id is not (BaselineMissingRule.RuleId or RuleCatalog.DeadlineMissedRuleId)))
        {
            yield return new RuleSpec(rule.Id, null);
        }

        yield return new RuleSpec(InclusiveGrowthRule.RuleId, new Dictionary<string, JsonElement> { ["basis"] = JsonSerializer.SerializeToElement("yoy") });
        yield return new RuleSpec(IndividualBusinessRule.RuleId, new Dictionary<string, JsonElement> { ["strict"] = JsonSerializer.SerializeToElement(true) });
        yield return new RuleSpec(NewLoanRateRule.RuleId, new Dictionary<string, JsonElement> { ["strict"] = JsonSerializer.SerializeToElement(2022) });
    }

    [Test]
    public void Findings_OfEveryRule_CarryExactlyTheFiguresItsRuleDeclares()
    {
        var findings = Findings(Failing()).Concat(Findings(new HistoryBuilder().At("2024-12", Now))).ToList();

        using (new AssertionScope())
        {
            foreach (var rule in RuleCatalog.All.Where(r => r.Id != RuleCatalog.DeadlineMissedRuleId))
            {
                var written = findings.Where(f => f.Rule == rule.Id).ToList();
                written.Should().NotBeEmpty("every rule is made to find something, {0} included", rule.Id);
                foreach (var finding in written)
                {
                    finding.Figures.Keys.Should().BeEquivalentTo(rule.Figures.Select(f => f.Key), "{0} writes the figures it declares", rule.Id);
                }
            }
        }
    }

    [Test]
    public void Declaration_OfEveryRule_NamesEachFigureOnceInBothLanguagesWithAUnitOfTheApi()
    {
        using (new AssertionScope())
        {
            foreach (var rule in RuleCatalog.All)
            {
                rule.Figures.Should().NotBeEmpty().And.OnlyHaveUniqueItems(f => f.Key);
                foreach (var figure in rule.Figures)
                {
                    figure.Unit.Name().Should().BeOneOf(Units);
                    figure.Name.Zh.Should().NotBeNullOrWhiteSpace();
                    figure.Name.En.Should().NotBeNullOrWhiteSpace();
                }
            }
        }
    }

    [Test]
    public void Declaration_AKeyOfSeveralRules_HasOneUnit()
    {
        var units = RuleCatalog.All.SelectMany(r => r.Figures).GroupBy(f => f.Key).Where(g => g.Select(f => f.Unit).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(f => f.Unit).Distinct())}");

        units.Should().BeEmpty();
    }

    [Test]
    public void DeadlineMissed_DeclaresTheSweepsFigures()
    {
        var figures = RuleCatalog.Find(RuleCatalog.DeadlineMissedRuleId)!.Figures;

        figures.Select(f => (f.Key, f.Unit)).Should().Equal(("obligation", FigureUnit.Text), ("dueDate", FigureUnit.Date), ("filedAt", FigureUnit.Date));
    }

    [TestCase("NPL_TOLERANCE", "gapPp", FigureUnit.Pp)]
    [TestCase("NPL_TOLERANCE", "tolerancePp", FigureUnit.Pp)]
    [TestCase("INCLUSIVE_BORROWERS", "shortfall", FigureUnit.Count)]
    [TestCase("INCREMENT_VS_LAST_YEAR", "increment", FigureUnit.Yuan)]
    [TestCase("NEW_LOAN_RATE", "rateYtd", FigureUnit.Percent)]
    public void UnitOf_ADeclaredFigure_IsItsDeclaredUnit(string rule, string figure, FigureUnit unit) =>
        RuleCatalog.UnitOf(rule, figure).Should().Be(unit);

    [TestCase("NPL_TOLERANCE", "shortfall")]
    [TestCase("MAGIC", "gapPp")]
    public void UnitOf_AFigureItsRuleDoesNotDeclare_IsNull(string rule, string figure) =>
        RuleCatalog.UnitOf(rule, figure).Should().BeNull();

    private static List<Finding> Findings(SnapshotHistory history)
    {
        var rules = EveryRule().Append(new RuleSpec(BaselineMissingRule.RuleId, null)).ToList();
        var set = new RuleSet("all", 1, new RuleSetSpec("", new YearRange(2000, null), rules));
        return [.. set.Evaluate(history, HistoryBuilder.LegalPerson()).Select(r => r.Finding).OfType<Finding>()];
    }

    /// <summary>December 2024 against 2022-12, every month of 2023 and every month of 2024: worse on every rule's count.</summary>
    private static SnapshotHistory Failing()
    {
        var builder = new HistoryBuilder().With("2022-12", new IndicatorSnapshot { TotalBalance = 1_000m, InclusiveBalance = 500m, OperatingBalance = 100m })
            .WithMonths(2023, 12, Then).WithMonths(2024, 11, Now).WithPlan(2024, 1_000_000m);
        return builder.At("2024-12", Now);
    }

    private static IndicatorSnapshot Then => new()
    {
        TotalBalance = 2_000m, InclusiveBalance = 1_000m, InclusiveCreditBalance = 500m, InclusiveBorrowers = 100, NewFirstLoanBorrowers = 10,
        NewInclusiveAmount = 100m, NewInclusiveRateWeight = 400m, IndividualBusinessBalance = 100m, IndividualBusinessBorrowers = 10, OperatingBalance = 500m,
        NewFirstLoanEnterprises = 3,
    };

    private static IndicatorSnapshot Now => new()
    {
        TotalBalance = 2_200m, InclusiveBalance = 900m, InclusiveNplBalance = 100m, InclusiveCreditBalance = 100m, InclusiveBorrowers = 50,
        NewInclusiveAmount = 100m, NewInclusiveRateWeight = 600m, IndividualBusinessBalance = 50m, IndividualBusinessBorrowers = 5, OperatingBalance = 400m,
        NewFirstLoanEnterprises = 1,
    };
}
