using Compliance.Data.Submissions;
using Compliance.Engine.Ledger;

namespace Compliance.Api.Tests.Hardening;

/// <summary>A writing thread that fails (disk full, a lost connection) stops the validating thread instead of leaving it waiting.</summary>
public sealed class LoanWriterFailureTests
{
    [Test]
    public async Task WriterThatFails_StopsTheValidatingThreadWithItsFailure()
    {
        using var writer = new FailingWriter();
        var row = new LedgerRow();

        var validate = Task.Run(() =>
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                writer.Write(row);
            }

            writer.Complete();
        });
        var finished = await Task.WhenAny(validate, Task.Delay(TimeSpan.FromSeconds(30)));

        finished.Should().BeSameAs(validate, "the validating thread must not wait forever on a writer that died");
        var failure = await validate.Invoking(v => v).Should().ThrowAsync<InvalidOperationException>();
        failure.WithMessage("the disk is full");
    }

    private sealed class FailingWriter : LoanWriter
    {
        public FailingWriter() => Start(() => { });

        protected override void WriteBatches(IEnumerable<ArraySegment<Loan>> batches)
        {
            using var enumerator = batches.GetEnumerator();
            enumerator.MoveNext();
            throw new InvalidOperationException("the disk is full");
        }
    }
}
