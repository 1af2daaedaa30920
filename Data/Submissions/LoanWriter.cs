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
/// Writes the rows of a ledger while they are validated: the validating thread copies each row into a batch (its texts
/// into the batch's own characters, so no string is made per value), and a second thread, which first runs the work it
/// was given (storing the body), writes the batches. Batches are used again once written, and kept for the next ledger:
/// a ledger of any length takes the same few. The databases differ only in how that thread writes
/// (<see cref="WriteBatches"/>).
/// </summary>
internal abstract class LoanWriter : ILoanWriter
{
    /// <summary>Rows a batch: small enough that its arrays stay off the large-object heap, which only a full collection empties.</summary>
    private const int BatchSize = 512;

    /// <summary>The characters of a batch's texts: some 32 a row (ids of ten, a region of six), a batch handed on early where a row's do not fit.</summary>
    private const int BatchChars = BatchSize * 32;

    private static readonly string[] IndustryLetters = [.. Enumerable.Range('A', 26).Select(c => ((char)c).ToString())];

    /// <summary>Batches that may wait for the writing thread unless a writer asks for more: enough to even out the two threads' pace.</summary>
    protected const int Backlog = 16;

    /// <summary>The most batches kept between ledgers: as many as the longest backlog any writer asks for, and the few in hand.</summary>
    private const int MaxSpares = 512 + Backlog;

    /// <summary>
    /// Emptied batches kept between ledgers, so that a ledger does not allocate its own: a writer with a long backlog
    /// would otherwise leave its batches (tens of megabytes) to the next full collection each time.
    /// </summary>
    private static readonly ConcurrentBag<Batch> Spares = [];

    private static int _spareCount;

    private readonly BlockingCollection<Batch> _full;
    private readonly ConcurrentBag<Batch> _free = [];
    private readonly CancellationTokenSource _failed = new();
    private Task? _writer;
    private Batch _batch = TakeSpare();

    /// <param name="backlog">
    /// How many batches may wait for the writing thread before validation waits for it: a writer whose first work takes
    /// long asks for more, so that validation goes on meanwhile (each batch some 110 KB).
    /// </param>
    protected LoanWriter(int backlog = Backlog) => _full = new BlockingCollection<Batch>(boundedCapacity: backlog);

    /// <summary>The column names of <c>loans</c>, in the order a row's values are written.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "submission_id", "line", "loan_id", "borrower_id", "credit_code", "borrower_type", "credit_line", "product", "purpose",
        "guarantee", "classification", "amount", "balance", "disbursed_on", "matures_on", "annual_rate", "first_loan", "industry", "region",
    ];

    public void Write(LedgerRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!_batch.Fits(row.LoanIdChars().Length + row.BorrowerIdChars().Length + row.CreditCodeChars().Length + row.RegionChars().Length))
        {
            Hand();
        }

        ref var loan = ref _batch.Next();
        loan.Line = row.Line;
        loan.LoanId = _batch.Keep(row.LoanIdChars());
        loan.BorrowerId = _batch.Keep(row.BorrowerIdChars());
        loan.CreditCode = _batch.Keep(row.CreditCodeChars());
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
        loan.Region = _batch.Keep(row.RegionChars());
        if (_batch.Count == BatchSize)
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
        if (_batch.Count > 0)
        {
            Hand();
        }

        _full.CompleteAdding();
        _writer?.GetAwaiter().GetResult();
        KeepSpares();
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

    // Each batch as it comes; written once the writer asks for the next, it is emptied and used again.
    private IEnumerable<ArraySegment<Loan>> Batches()
    {
        foreach (var batch in _full.GetConsumingEnumerable())
        {
            yield return new ArraySegment<Loan>(batch.Loans, 0, batch.Count);
            batch.Clear();
            _free.Add(batch);
        }
    }

    /// <summary>A batch kept from an earlier ledger, or a new one.</summary>
    private static Batch TakeSpare()
    {
        if (Spares.TryTake(out var spare))
        {
            Interlocked.Decrement(ref _spareCount);
            return spare;
        }

        return new Batch();
    }

    /// <summary>Once every row is written: the emptied batches, kept for the next ledger up to <see cref="MaxSpares"/>.</summary>
    private void KeepSpares()
    {
        _batch.Clear();
        _free.Add(_batch);
        while (_free.TryTake(out var batch))
        {
            if (Interlocked.Increment(ref _spareCount) > MaxSpares)
            {
                Interlocked.Decrement(ref _spareCount);
                return;
            }

            Spares.Add(batch);
        }
    }

    private void Hand()
    {
        var full = _batch;
        _batch = _free.TryTake(out var free) ? free : TakeSpare();
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

    /// <summary>
    /// A row as stored: money in fen, rates in millionths, dates as yyyyMMdd; texts in the characters of the batch that
    /// holds it, an empty one standing for NULL (a credit code or a region the ledger left out).
    /// </summary>
    internal struct Loan
    {
        public long Line;
        public ReadOnlyMemory<char> LoanId;
        public ReadOnlyMemory<char> BorrowerId;
        public ReadOnlyMemory<char> CreditCode;
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
        public ReadOnlyMemory<char> Region;
    }

    /// <summary>The rows of one batch and the characters of their texts.</summary>
    private sealed class Batch
    {
        private readonly char[] _chars = new char[BatchChars];
        private int _used;

        public Loan[] Loans { get; } = new Loan[BatchSize];

        public int Count { get; private set; }

        /// <summary>Whether a row whose texts take <paramref name="chars"/> characters fits (in an empty batch every row does).</summary>
        public bool Fits(int chars) => Count < BatchSize && _used + chars <= _chars.Length;

        public ref Loan Next() => ref Loans[Count++];

        /// <summary>A copy of <paramref name="text"/> among the batch's characters; empty for an empty text.</summary>
        public ReadOnlyMemory<char> Keep(ReadOnlySpan<char> text)
        {
            if (text.IsEmpty)
            {
                return ReadOnlyMemory<char>.Empty;
            }

            var start = _used;
            text.CopyTo(_chars.AsSpan(start));
            _used += text.Length;
            return new ReadOnlyMemory<char>(_chars, start, text.Length);
        }

        public void Clear()
        {
            Count = 0;
            _used = 0;
        }
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
