using Compliance.Engine.Ledger;

namespace Compliance.Engine.Tests.Ledger;

public sealed class IdTableTests
{
    [Test]
    public void Find_NumbersDistinctIdsInOrder_AndKnowsThemAgain()
    {
        var table = new IdTable();

        var first = table.Find("L0001", out var firstAdded);
        var second = table.Find("借据-2", out var secondAdded);
        var again = table.Find("L0001", out var againAdded);

        (first, firstAdded, second, secondAdded, again, againAdded).Should().Be((0, true, 1, true, 0, false));
        table.Count.Should().Be(2);
    }

    [Test]
    public void Find_WhenEveryIdSharesOneHash_StillTellsThemApartExactly()
    {
        var table = new IdTable(hash: _ => 42UL);
        var ids = Enumerable.Range(0, 500).Select(i => $"B{i}").ToList();

        var numbers = ids.Select(id => table.Find(id, out _)).ToList();
        var repeated = ids.Select(id => (table.Find(id, out var added), added)).ToList();

        numbers.Should().Equal(Enumerable.Range(0, 500));
        repeated.Should().Equal(numbers.Select(n => (n, false)));
        table.Count.Should().Be(500);
    }

    [Test]
    public void Find_LongIds_AreKeptWhole()
    {
        var table = new IdTable(hash: _ => 7UL);
        var a = new string('a', 2000);
        var b = new string('a', 1999) + "b";

        table.Find(a, out var aAdded);
        table.Find(b, out var bAdded);
        table.Find(a, out var aAgain);

        (aAdded, bAdded, aAgain).Should().Be((true, true, false));
    }

    [Test]
    public void DuplicateLoanId_AmongMany_IsOneE003AtItsLine()
    {
        var loans = Enumerable.Range(1, 300).Select(i => LedgerCsv.Loan($"L{i}", ("borrower_id", $"C{i}"))).Append(LedgerCsv.Loan("L7", ("borrower_id", "C7")));
        var csv = LedgerCsv.Ledger([.. loans]);

        var result = LedgerReader.ReadCsv(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), LedgerEncodings.ForCharset(null)!, LedgerCsv.Period, new RecordingSink());

        result.Errors.Should().ContainSingle();
        (result.Errors[0].Line, result.Errors[0].Code, result.Errors[0].Column).Should().Be((302L, LedgerCodes.DuplicateLoan, "loan_id"));
        result.Rows.Should().Be(301);
    }
}
