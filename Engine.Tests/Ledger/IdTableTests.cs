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
    public void Find_PastTheSizeItWasMadeFor_GrowsAndKeepsEveryNumber()
    {
        using var table = new IdTable(expected: 10);
        var ids = Enumerable.Range(0, 20_000).Select(i => $"借据{i}").ToList();

        var numbers = ids.Select(id => table.Find(id, out _)).ToList();
        var again = ids.Select(id => (table.Find(id, out var added), added)).ToList();

        numbers.Should().Equal(Enumerable.Range(0, 20_000));
        again.Should().Equal(numbers.Select(n => (n, false)));
    }

    [Test]
    public void Add_WithoutNumbers_TellsNewIdsFromThoseSeen_ThroughSharedHashesAndGrowth()
    {
        using var table = new IdTable(hash: bytes => (ulong)bytes.Length, numbered: false);
        var ids = Enumerable.Range(0, 9_000).Select(i => $"L{i}").ToList();

        var first = ids.Select(id => table.Add(id)).ToList();
        var second = ids.Select(id => table.Add(id)).ToList();

        first.Should().AllSatisfy(added => added.Should().BeTrue());
        second.Should().AllSatisfy(added => added.Should().BeFalse());
        table.Count.Should().Be(9_000);
        table.Invoking(t => t.Find("L1", out _)).Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void Disposed_HasNoElementLeft()
    {
        var buffer = new NativeBuffer<long>(100_000);
        buffer[99_999] = 7;

        buffer.Dispose();

        buffer.Length.Should().Be(0);
        buffer.Invoking(b => b[0]).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void Resized_KeepsWhatItHeld_AndWhatItAddsIsZero()
    {
        using var small = new NativeBuffer<int>(10);
        using var large = new NativeBuffer<int>(100_000);
        small[9] = 9;
        large[99_999] = 99;

        small.Resize(200_000);
        large.Resize(300_000);

        (small[9], small[199_999], large[99_999], large[299_999]).Should().Be((9, 0, 99, 0));
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
