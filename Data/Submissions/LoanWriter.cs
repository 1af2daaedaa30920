using System.Collections.Concurrent;
using Compliance.Engine.Ledger;
using NodaTime;

namespace Compliance.Data.Submissions;

/// <summary>A sink for a ledger's valid rows that stores them as they come; see <see cref="Dialect.OpenLoanWriter"/>.</summary>
internal interface ILoanWriter : ILedgerSink, IDisposable
{
    /// <summary>Waits until every row handed over is written; throws what the writing thread met.</summary>
    void Complete();
}

/// <summary>
/// Writes the rows of a ledger while they are validated: the validating thread copies each row into a batch, and a
/// second thread, which first runs the work it was given (storing the body), writes the batches. The databases
/// differ only in how that thread writes (<see cref="WriteBatches"/>).
/// </summary>
internal abstract class LoanWriter : ILoanWriter
{
    private const int BatchSize = 4096;

    private static readonly string[] IndustryLetters = [.. Enumerable.Range('A', 26).Select(c => ((char)c).ToString())];

    private readonly BlockingCollection<Loan[]> _full = new(boundedCapacity: 4);
    private readonly ConcurrentBag<Loan[]> _free = [];
    private readonly CancellationTokenSource _failed = new();
    private Task? _writer;
    private Loan[] _batch = new Loan[BatchSize];
    private int _count;

    /// <summary>The column names of <c>loans</c>, in the order a row's values are written.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "submission_id", "line", "loan_id", "borrower_id", "credit_code", "borrower_type", "credit_line", "product", "purpose",
        "guarantee", "classification", "amount", "balance", "disbursed_on", "matures_on", "annual_rate", "first_loan", "industry", "region",
    ];

    public void Write(LedgerRow row)
    {
        ref var loan = ref _batch[_count++];
        loan.Line = row.Line;
        loan.LoanId = row.LoanId;
        loan.BorrowerId = row.BorrowerId;
        loan.CreditCode = row.CreditCode;
        loan.BorrowerType = (int)row.BorrowerType;
        loan.CreditLine = row.CreditLineFen;
        loan.Product = (int)row.Product;
        loan.Purpose = (int)row.Purpose;
        loan.Guarantee = (int)row.Guarantee;
        loan.Classification = (int)row.Classification;
        loan.Amount = row.AmountFen;
        loan.Balance = row.BalanceFen;
        loan.DisbursedOn = DateNumber(row.DisbursedOn);
        loan.MaturesOn = DateNumber(row.MaturesOn);
        loan.AnnualRate = row.AnnualRateMicros;
        loan.FirstLoan = row.FirstLoan;
        loan.Industry = row.Industry is { } industry ? IndustryLetters[industry - 'A'] : null;
        loan.Region = row.Region;
        if (_count == BatchSize)
        {
            Hand();
        }
    }

    /// <summary>A date as <c>loans</c> stores it: the integer yyyyMMdd.</summary>
    internal static int DateNumber(LocalDate date) => (date.Year * 10_000) + (date.Month * 100) + date.Day;

    /// <summary>The date of a stored yyyyMMdd integer.</summary>
    internal static LocalDate DateOf(int number) => new(number / 10_000, number / 100 % 100, number % 100);

    public void Complete()
    {
        if (_count > 0)
        {
            Hand();
        }

        _full.CompleteAdding();
        _writer?.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        if (!_full.IsAddingCompleted)
        {
            _full.CompleteAdding();
            try
            {
                _writer?.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException or InvalidOperationException or OperationCanceledException or TimeoutException)
            {
                // Disposed after a failure: the transaction rolls back and the failure was reported already.
            }
        }

        Dispose(disposing: true);
        _full.Dispose();
        _failed.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the writing thread: <paramref name="first"/>, then every batch.</summary>
    protected void Start(Action first) =>
        _writer = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    first();
                    WriteBatches(Batches());
                }
                catch
                {
                    _failed.Cancel(); // the validating thread stops handing over, and meets this failure
                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <summary>Writes the batches, in order, as they come (on the writing thread).</summary>
    protected abstract void WriteBatches(IEnumerable<ArraySegment<Loan>> batches);

    protected virtual void Dispose(bool disposing)
    {
    }

    private IEnumerable<ArraySegment<Loan>> Batches()
    {
        foreach (var batch in _full.GetConsumingEnumerable())
        {
            yield return batch;
            if (batch.Length == BatchSize)
            {
                _free.Add(batch);
            }
        }
    }

    private void Hand()
    {
        var full = _batch;
        var count = _count;
        _batch = _free.TryTake(out var free) ? free : new Loan[BatchSize];
        _count = 0;
        if (count < BatchSize)
        {
            Array.Resize(ref full, count);
        }

        try
        {
            _full.Add(full, _failed.Token);
        }
        catch (OperationCanceledException)
        {
            _writer!.GetAwaiter().GetResult(); // throws what the writing thread met
            throw;
        }
    }

    /// <summary>A row as stored: money in fen, rates in millionths, dates as yyyyMMdd.</summary>
    internal struct Loan
    {
        public long Line;
        public string LoanId;
        public string BorrowerId;
        public string? CreditCode;
        public int BorrowerType;
        public long CreditLine;
        public int Product;
        public int Purpose;
        public int Guarantee;
        public int Classification;
        public long Amount;
        public long Balance;
        public int DisbursedOn;
        public int MaturesOn;
        public long AnnualRate;
        public bool FirstLoan;
        public string? Industry;
        public string? Region;
    }
}

/// <summary>Money as integer fen (分), the exact form both databases store.</summary>
public static class Fen
{
    /// <summary>Yuan with at most two decimals to fen; throws where the value is not whole fen.</summary>
    public static long From(decimal yuan)
    {
        var fen = yuan * 100m;
        return decimal.Truncate(fen) == fen ? (long)fen : throw new ArgumentException($"{yuan} is not a whole number of fen.", nameof(yuan));
    }

    public static decimal ToYuan(long fen) => fen / 100m;
}
