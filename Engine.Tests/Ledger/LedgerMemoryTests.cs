using System.Globalization;
using System.Text;
using Compliance.Engine.Ledger;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>
/// Reading a ledger keeps its per-id state (loan ids, borrowers and what they add up to) outside the managed heap, for
/// as long as the read lasts, and hands each row to the sink without a string per value: a row adds nothing to the
/// managed heap, so a large ledger neither grows the collector's generations nor leaves its tables for a later
/// collection to find.
/// </summary>
public sealed class LedgerMemoryTests
{
    private const int Rows = 100_000;

    [Test]
    public void ReadingALedger_AddsAlmostNothingToTheManagedHeapPerRow()
    {
        var small = Body(Rows / 10);
        var large = Body(Rows);
        Read(small); // compiled and its statics made before anything is counted
        Read(small);

        // The least of three reads: until the hot paths are recompiled optimised (which keeps some temporaries off the
        // heap), a read allocates what the first compilation did.
        var reads = Enumerable.Range(0, 3).Select(_ => Read(large)).ToList();

        reads.Should().AllSatisfy(r => (r.Result.IsValid, r.Result.Rows).Should().Be((true, (long)Rows)));
        var perRow = (double)reads.Min(r => r.Bytes) / Rows;
        perRow.Should().BeLessThan(16, "a row's ids and texts are copied into buffers the read reuses, and its per-id state lives outside the managed heap");
    }

    [Test]
    public void ReadingALedger_HandsTheSinkEachRowsOwnTexts()
    {
        var sink = new RecordingSink();
        var csv = Text(3_000);

        var result = LedgerReader.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), LedgerEncodings.ForCharset(null)!, LedgerCsv.Period, sink);

        result.IsValid.Should().BeTrue();
        sink.Rows.Should().HaveCount(3_000);
        sink.Rows[2_999].LoanId.Should().Be("L000002999");
        sink.Rows[2_999].BorrowerId.Should().Be("B00001499");
        sink.Rows[2_998].CreditCode.Should().Be("91371300MA3C1XY40W");
        sink.Rows[2_999].CreditCode.Should().BeNull();
        sink.Rows[2_999].Region.Should().Be("371311");
        result.Snapshot!.InclusiveBorrowers.Should().Be(1_500);
    }

    private static (LedgerReadResult Result, long Bytes) Read(byte[] body)
    {
        using var stream = new MemoryStream(body);
        var sink = new CountingSink();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = LedgerReader.ReadCsv(stream, LedgerEncodings.ForCharset(null)!, LedgerCsv.Period, sink);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        sink.Count.Should().Be(result.Rows);
        return (result, bytes);
    }

    // Two loans a borrower, a tenth of them lent in the period, every other one with a credit code, two regions.
    private static string Text(int rows)
    {
        var text = new StringBuilder(rows * 130).Append(LedgerCsv.Header).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            var disbursed = i % 10 == 0 ? "2022-06-10" : "2022-01-15";
            text.Append(CultureInfo.InvariantCulture, $"L{i:D9},B{i / 2:D8},{(i % 2 == 0 ? "91371300MA3C1XY40W" : "")},micro,3000000,loan,business,credit,normal,100000,80000.00,")
                .Append(CultureInfo.InvariantCulture, $"{disbursed},2023-01-14,4.35,N,F,{(i % 4 < 2 ? "371302" : "371311")}\n");
        }

        return text.ToString();
    }

    private static byte[] Body(int rows) => Encoding.UTF8.GetBytes(Text(rows));

    private sealed class CountingSink : ILedgerSink
    {
        public long Count { get; private set; }

        public void Write(LedgerRow row) => Count++;
    }
}
