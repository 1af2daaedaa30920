using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>The snapshot under evaluation and the others its rules may read (rules.md, "Baselines").</summary>
public sealed class SnapshotHistoryTests
{
    [Test]
    public void Find_CurrentPeriod_IsTheSnapshotUnderEvaluationEvenWhenAnOlderVersionIsAmongTheOthers()
    {
        var current = new StoredSnapshot(HistoryBuilder.Period("2024-06"), 2, new IndicatorSnapshot { TotalBalance = 2m });
        var superseded = new StoredSnapshot(HistoryBuilder.Period("2024-06"), 1, new IndicatorSnapshot { TotalBalance = 1m });

        var history = new SnapshotHistory("B0001", current, [superseded]);

        using (new AssertionScope())
        {
            history.Find(HistoryBuilder.Period("2024-06")).Should().BeSameAs(current);
            history.Period.Should().Be(HistoryBuilder.Period("2024-06"));
            history.Institution.Should().Be("B0001");
        }
    }

    [Test]
    public void Find_PeriodWithoutSnapshot_IsNull()
    {
        var history = new HistoryBuilder().With("2023-12", new IndicatorSnapshot()).At("2024-06", new IndicatorSnapshot());

        var (found, missing) = (history.Find(HistoryBuilder.Period("2023-12")), history.Find(HistoryBuilder.Period("2023-11")));

        using (new AssertionScope())
        {
            found!.SubmissionId.Should().Be(202312);
            missing.Should().BeNull();
        }
    }

    [TestCase("2024-01", "2022-12")]
    [TestCase("2024-12", "2022-12")]
    public void EarliestNeeded_AnyMonth_IsDecemberTwoYearsBefore(string period, string expected)
    {
        var earliest = SnapshotHistory.EarliestNeeded(HistoryBuilder.Period(period));

        earliest.Should().Be(HistoryBuilder.Period(expected));
    }
}
