using Compliance.Engine.Indicators;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Engine.Tests.Indicators;

/// <summary>W003 (数据质量): total balance moved more than 50 % against the latest accepted ledger of the month before.</summary>
public sealed class BalanceMovementTests
{
    private static readonly YearMonth May = new(2024, 5);

    [TestCase("1500.00")]
    [TestCase("500.00")]
    [TestCase("1000")]
    [TestCase("1499.99")]
    public void Check_MovementOfAtMostHalf_IsNoWarning(decimal total)
    {
        var issue = BalanceMovement.Check(Total(total), Total(1_000m), May);

        issue.Should().BeNull();
    }

    [TestCase("1500.01")]
    [TestCase("499.99")]
    [TestCase("0")]
    [TestCase("10000")]
    public void Check_MovementOfMoreThanHalf_IsW003ForTheWholeBody(decimal total)
    {
        var issue = BalanceMovement.Check(Total(total), Total(1_000m), May);

        using (new AssertionScope())
        {
            issue!.Code.Should().Be("W003");
            issue.Line.Should().BeNull();
            issue.Message.Should().Contain("2024-05");
        }
    }

    [Test]
    public void Check_NoLedgerTheMonthBefore_IsNoWarning()
    {
        var issue = BalanceMovement.Check(Total(1_000_000m), null, May);

        issue.Should().BeNull();
    }

    [Test]
    public void Check_PreviousTotalZero_IsNoWarning()
    {
        var issue = BalanceMovement.Check(Total(1_000_000m), Total(0m), May);

        issue.Should().BeNull();
    }

    private static IndicatorSnapshot Total(decimal total) => new() { TotalBalance = total };
}
