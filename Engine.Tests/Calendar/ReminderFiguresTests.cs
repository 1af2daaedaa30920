using System.Text.Json;
using Compliance.Engine.Calendar;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using Compliance.Engine.Tests.Rules;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>A ledger reminder names the headroom item with the least room, under the sets that apply to the institution.</summary>
public sealed class ReminderFiguresTests
{
    private static readonly IndicatorSnapshot Start = new()
    {
        TotalBalance = 2_000_000m, InclusiveBalance = 1_000_000m, InclusiveCreditBalance = 500_000m, InclusiveBorrowers = 10,
    };

    private static readonly RuleSet National = Set("national", "", StatisticalScope.Cbirc, 0m);

    private static readonly RuleSet Shandong = Set("shandong", "37", StatisticalScope.Pboc, 1m);

    [Test]
    public void Closest_ShandongBank_GetsItsPbocSetsCreditShare_WhenThatHasTheLeastRoom()
    {
        // CBIRC 口径 +2 pp against the national 0; PBoC 口径 +0.4 pp against Shandong's +1 pp: −0.6 pp.
        var history = new HistoryBuilder().With("2021-12", Start with { Pboc = Start })
            .At("2022-05", Start with { InclusiveCreditBalance = 520_000m, Pboc = Start with { InclusiveCreditBalance = 504_000m } });

        var text = ReminderFigures.Closest([Shandong, National], HistoryBuilder.LegalPerson("371302"), history);

        text!.Zh.Should().Be("普惠小微信用贷款占比 0.40pp，阈值 1.00pp，余量 -0.60pp（规则集 shandong）");
        text.En.Should().Be("Credit-loan share 0.40 pp against a threshold of 1.00 pp, margin -0.60 pp (rule set shandong)");
    }

    [Test]
    public void Closest_OutsideShandong_UsesTheNationalParameters()
    {
        var history = new HistoryBuilder().With("2021-12", Start with { Pboc = Start })
            .At("2022-05", Start with { InclusiveCreditBalance = 520_000m, Pboc = Start with { InclusiveCreditBalance = 504_000m } });

        var text = ReminderFigures.Closest([Shandong, National], HistoryBuilder.LegalPerson("410101"), history);

        // Inclusive growth 0 % against total growth 0 % is the least room of the national pp items.
        text!.En.Should().Be("Inclusive loan growth vs total loan growth 0.00 pp against a threshold of 0.00 pp, margin 0.00 pp (rule set national)");
    }

    [Test]
    public void Closest_NoPpFigure_FallsBackToYuan_ThenCount_AndWithoutAnyNothing()
    {
        var borrowersOnly = new RuleSet("counts", 1, new RuleSetSpec("", new YearRange(2020, null), [new RuleSpec("INCLUSIVE_BORROWERS", null)]));
        var history = new HistoryBuilder().With("2021-12", Start).At("2022-05", Start with { InclusiveBorrowers = 8 });

        var count = ReminderFigures.Closest([borrowersOnly], HistoryBuilder.LegalPerson("410101"), history);
        var none = ReminderFigures.Closest([borrowersOnly], HistoryBuilder.LegalPerson("410101"), new HistoryBuilder().At("2022-05", Start));

        count!.Zh.Should().Be("两增·有贷款余额户数 8 户，阈值 10 户，余量 -2 户（规则集 counts）");
        none.Should().BeNull();
    }

    private static RuleSet Set(string id, string jurisdiction, StatisticalScope scope, decimal minIncreasePp) =>
        new(id, 1, new RuleSetSpec(jurisdiction, new YearRange(2020, null),
        [
            new RuleSpec("INCLUSIVE_GROWTH", null),
            new RuleSpec("CREDIT_SHARE", new Dictionary<string, JsonElement> { ["minIncreasePp"] = JsonSerializer.SerializeToElement(minIncreasePp) }),
        ]) { Scope = scope });
}
