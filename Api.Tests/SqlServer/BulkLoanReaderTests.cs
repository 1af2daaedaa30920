using Compliance.Data.SqlServer;
using Compliance.Data.Submissions;

namespace Compliance.Api.Tests.SqlServer;

/// <summary>The reader SqlBulkCopy pulls loans from: every row of every batch, in order, in the columns of <c>loans</c>.</summary>
public sealed class BulkLoanReaderTests
{
    [Test]
    public void Reader_OverBatches_YieldsEveryLoanInOrderWithItsColumns()
    {
        LoanWriter.Loan[] first =
        [
            Loan(2, "L1", creditCode: "91371300MA3C1XY40W", industry: "F", region: "371302"),
            Loan(3, "L2"),
        ];
        LoanWriter.Loan[] second = [Loan(4, "L3", firstLoan: true)];
        using var reader = new BulkLoanWriter.LoanReader([first, Array.Empty<LoanWriter.Loan>(), second], submissionId: 42);
        var rows = new List<object[]>();

        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        rows.Should().HaveCount(3);
        Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).Should().Equal(LoanWriter.Columns);
        rows[0].Should().Equal(42L, 2L, "L1", "B", "91371300MA3C1XY40W", 2, 300_000_000L, 1, 2, 3, 0, 100_000_000L, 80_000_000L, 20220115, 20230114, 4_350_000L, false, "F", "371302");
        rows[1][4].Should().Be(DBNull.Value);
        rows[1][17].Should().Be(DBNull.Value);
        rows[2][1].Should().Be(4L);
        rows[2][16].Should().Be(true);
        reader.GetOrdinal("BALANCE").Should().Be(12);
        reader.GetFieldType(16).Should().Be<bool>();
    }

    private static LoanWriter.Loan Loan(long line, string id, string? creditCode = null, string? industry = null, string? region = null, bool firstLoan = false) => new()
    {
        Line = line, LoanId = id.AsMemory(), BorrowerId = "B".AsMemory(), CreditCode = creditCode.AsMemory(), BorrowerType = 2, CreditLine = 300_000_000, Product = 1, Purpose = 2,
        Guarantee = 3, Classification = 0, Amount = 100_000_000, Balance = 80_000_000, DisbursedOn = 20220115, MaturesOn = 20230114,
        AnnualRate = 4_350_000, FirstLoan = firstLoan, Industry = industry, Region = region.AsMemory(),
    };
}
