using Compliance.Engine.Tests.Ledger;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Engine.Tests.Indicators;

/// <summary>
/// ledger.md, "Classification": a borrower is classified by its effective credit line, the larger of its credit line
/// and the sum of its balances (W004 where the sum is larger); and the 10 % rule of the 2023 risk-classification
/// measures (W006).
/// </summary>
public sealed class EffectiveCreditLineTests
{
    [TestCase("10000000", "6000000", "4000000", 10_000_000, 0, Description = "exactly the cap: CBIRC includes it, the PBoC does not")]
    [TestCase("0", "6000000", "4000000", 10_000_000, 0, Description = "no credit line, balances exactly the cap")]
    [TestCase("9999999.99", "6000000", "3999999.99", 9_999_999.99, 9_999_999.99, Description = "a fen under the cap: both")]
    [TestCase("10000000.01", "6000000", "4000000", 0, 0, Description = "a fen over the cap")]
    [TestCase("0", "6000000", "4500000", 0, 0, Description = "no credit line, balances past the cap")]
    [TestCase("0", "6000000", "3000000", 9_000_000, 9_000_000, Description = "no credit line, balances within the cap")]
    [TestCase("1000000", "6000000", "4000000.01", 0, 0, Description = "an understated line, balances a fen past the cap")]
    public void InclusiveBalance_IsDecidedByTheEffectiveCreditLine_InEachScope(string creditLine, string first, string second, decimal cbirc, decimal pboc)
    {
        var result = LedgerCsv.Read(LedgerCsv.Ledger(
            LedgerCsv.Loan("L1", ("credit_line", creditLine), ("amount", first), ("balance", first)),
            LedgerCsv.Loan("L2", ("credit_line", creditLine), ("amount", second), ("balance", second))));

        using var scope = new AssertionScope();
        result.IsValid.Should().BeTrue();
        result.Snapshot!.InclusiveBalance.Should().Be(cbirc);
        result.Snapshot.InclusiveBorrowers.Should().Be(cbirc > 0 ? 1 : 0);
        result.Snapshot.Pboc!.InclusiveBalance.Should().Be(pboc);
        result.Snapshot.Pboc.InclusiveBorrowers.Should().Be(pboc > 0 ? 1 : 0);
        result.Snapshot.TotalBalance.Should().Be(decimal.Parse(first, System.Globalization.CultureInfo.InvariantCulture) + decimal.Parse(second, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Test]
    public void BalancesAboveTheCreditLine_OverEveryProduct_ExcludeTheBorrower_AndWarnOnceOnItsFirstRow()
    {
        var result = LedgerCsv.Read(LedgerCsv.Ledger(
            LedgerCsv.Loan("L1", ("borrower_id", "OTHER"), ("credit_line", "5000000"), ("balance", "100")),
            LedgerCsv.Loan("L2", ("credit_line", "5000000"), ("amount", "4000000"), ("balance", "4000000")),
            LedgerCsv.Loan("L3", ("credit_line", "5000000"), ("product", "discount"), ("amount", "7000000"), ("balance", "7000000")),
            LedgerCsv.Loan("L4", ("credit_line", "5000000"), ("amount", "100"), ("balance", "100"))));

        using var scope = new AssertionScope();
        result.Snapshot!.InclusiveBalance.Should().Be(100m, "only OTHER: C1's 11,000,100 drawn (its discount included) is past the cap");
        LedgerCsv.Describe(result.Warnings).Should().Equal("W004 3 credit_line");
        result.WarningCount.Should().Be(1);
    }

    [Test]
    public void BalancesEqualToTheCreditLine_AreNoWarning()
    {
        var result = LedgerCsv.Read(LedgerCsv.Ledger(
            LedgerCsv.Loan("L1", ("credit_line", "800000"), ("amount", "800000"), ("balance", "800000"))));

        result.Warnings.Should().BeEmpty();
    }

    [Test]
    public void BorrowerWarnings_AreListedByLineAmongTheOthers()
    {
        var result = LedgerCsv.Read(LedgerCsv.Ledger(
            LedgerCsv.Loan("L1", ("borrower_id", "A"), ("credit_line", "0"), ("amount", "100"), ("balance", "100")),
            LedgerCsv.Loan("L2", ("borrower_id", "B"), ("credit_line", "1000000"), ("amount", "100"), ("balance", "200"))));

        LedgerCsv.Describe(result.Warnings).Should().Equal("W004 2 credit_line", "W001 3 balance");
    }

    [Test]
    public void LedgerWithErrors_GetsNoBorrowerWarnings()
    {
        var result = LedgerCsv.Read(LedgerCsv.Ledger(
            LedgerCsv.Loan("L1", ("credit_line", "0")),
            LedgerCsv.Loan("L2", ("amount", "-1"))));

        using var scope = new AssertionScope();
        result.IsValid.Should().BeFalse();
        result.Warnings.Should().NotContain(w => w.Code == "W004");
    }

    [TestCase("small", "80", "20", "2023-07", "W006 2 classification", Description = "20 % non-performing, a performing row")]
    [TestCase("large", "80", "20", "2024-01", "W006 2 classification", Description = "any enterprise")]
    [TestCase("micro", "90", "10", "2023-07", null, Description = "exactly 10 % is not more than 10 %")]
    [TestCase("micro", "89.99", "10", "2023-07", "W006 2 classification", Description = "a fen past 10 %")]
    [TestCase("small", "80", "20", "2023-06", null, Description = "before the measures apply")]
    [TestCase("personal", "80", "20", "2023-07", null, Description = "retail")]
    [TestCase("other", "80", "20", "2023-07", null, Description = "retail")]
    [TestCase("small", "0", "20", "2023-07", null, Description = "its performing row has no balance")]
    public void TenPercentRule_NonRetailBorrowerMostlyPerforming_WarnsOnItsFirstPerformingRow(string type, string performing, string nonPerforming, string period, string? expected)
    {
        var result = LedgerCsv.Read(
            LedgerCsv.Ledger(
                LedgerCsv.Loan("L1", ("borrower_type", type), ("purpose", "business"), ("amount", "100"), ("balance", performing), ("disbursed_on", "2022-01-15")),
                LedgerCsv.Loan("L2", ("borrower_type", type), ("purpose", "business"), ("classification", "substandard"), ("amount", "100"), ("balance", nonPerforming), ("disbursed_on", "2022-01-15"))),
            period: NodaTime.Text.YearMonthPattern.Iso.Parse(period).Value);

        LedgerCsv.Describe(result.Warnings.Where(w => w.Code == "W006")).Should().Equal(expected is null ? [] : [expected]);
    }

    [Test]
    public void TenPercentRule_IsCountedAsSent_TheFiguresAreNotReclassified()
    {
        var result = LedgerCsv.Read(
            LedgerCsv.Ledger(
                LedgerCsv.Loan("L1", ("amount", "100"), ("balance", "80")),
                LedgerCsv.Loan("L2", ("classification", "doubtful"), ("amount", "100"), ("balance", "20"))),
            period: new YearMonth(2023, 9));

        using var scope = new AssertionScope();
        result.Snapshot!.TotalNplBalance.Should().Be(20m);
        result.Snapshot.InclusiveNplBalance.Should().Be(20m);
        result.WarningCount.Should().Be(1);
    }
}
