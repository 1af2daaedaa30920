using Compliance.Data.Submissions;
using Compliance.Engine.Ledger;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// The batches a ledger's rows wait in for the writing thread are kept for the next ledger: a server that ingests one
/// large ledger after another does not leave each one's batches (tens of megabytes where the backlog is long) behind
/// for the next full collection.
/// </summary>
public sealed class LoanWriterBatchTests
{
    private const int Rows = 100_000;

    [Test]
    public void ALedgerAfterAnother_WritesIntoTheBatchesTheFirstLeft()
    {
        var first = AllocatedWhileWriting(Rows);
        var second = AllocatedWhileWriting(Rows);

        first.Should().BeGreaterThan(10_000_000, "the first ledger's rows wait in batches while the body is stored");
        second.Should().BeLessThan(first / 20, "the second ledger's rows go into the batches the first one left");
    }

    /// <summary>What the validating thread allocates handing over <paramref name="rows"/> rows while the body is stored.</summary>
    private static long AllocatedWhileWriting(int rows)
    {
        var row = LedgerRow.FromFen(1, "L0000001", "B0000001", null, BorrowerType.Micro, 100_000_00, Product.Loan, Purpose.Business,
            Guarantee.Credit, LoanClass.Normal, 50_000_00, 40_000_00, new NodaTime.LocalDate(2022, 1, 10), new NodaTime.LocalDate(2024, 1, 9), 4_350_000, false, 'C', "371302");
        using var bodyStored = new ManualResetEventSlim();
        using var writer = new BodyFirstWriter(bodyStored);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < rows; i++)
        {
            writer.Write(row);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        bodyStored.Set();
        writer.Complete();
        writer.Written.Should().Be(rows);
        return allocated;
    }

    /// <summary>A writer whose first work (the body) lasts until it is let go, with PostgreSQL's long backlog.</summary>
    private sealed class BodyFirstWriter : LoanWriter
    {
        public BodyFirstWriter(ManualResetEventSlim bodyStored)
            : base(backlog: 512) => Start(() => bodyStored.Wait(TimeSpan.FromMinutes(1)));

        public int Written { get; private set; }

        protected override void WriteBatches(IEnumerable<ArraySegment<Loan>> batches)
        {
            foreach (var batch in batches)
            {
                Written += batch.Count;
            }
        }
    }
}
