using System.Collections.Concurrent;
using Compliance.Engine.Ledger;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Compliance.Data.Submissions;

/// <summary>
/// Writes the rows of a ledger while they are validated: the validating thread copies each row into a batch, and
/// a second thread binds the batches, by index, to one prepared insert inside the submission's transaction
/// (through SQLitePCLRaw, under Microsoft.Data.Sqlite: no boxing, no lookup of parameters by name per row).
/// </summary>
internal sealed class LoanWriter : ILedgerSink, IDisposable
{
    private const int BatchSize = 4096;

    private const string Sql = """
        INSERT INTO loans (submission_id, line, loan_id, borrower_id, credit_code, borrower_type, credit_line, product, purpose,
            guarantee, classification, amount, balance, disbursed_on, matures_on, annual_rate, first_loan, industry, region)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
        """;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insert;
    private readonly long _submissionId;
    private readonly BlockingCollection<Loan[]> _full = new(boundedCapacity: 4);
    private readonly ConcurrentBag<Loan[]> _free = [];
    private readonly Task _writer;
    private Loan[] _batch;
    private int _count;

    /// <param name="connection">The connection whose transaction the rows go into; unused by the caller until <see cref="Complete"/>.</param>
    /// <param name="submissionId">The submission the rows belong to.</param>
    /// <param name="first">Work for the writing thread before the first row (storing the body), so it overlaps validation.</param>
    public LoanWriter(SqliteConnection connection, long submissionId, Action first)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, Sql, out _insert));
        _submissionId = submissionId;
        _batch = new Loan[BatchSize];
        _writer = Task.Factory.StartNew(() => { first(); WriteBatches(); }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

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
        loan.DisbursedOn = (row.DisbursedOn.Year * 10_000) + (row.DisbursedOn.Month * 100) + row.DisbursedOn.Day;
        loan.MaturesOn = (row.MaturesOn.Year * 10_000) + (row.MaturesOn.Month * 100) + row.MaturesOn.Day;
        loan.AnnualRate = row.AnnualRateMicros;
        loan.FirstLoan = row.FirstLoan;
        loan.Industry = row.Industry;
        loan.Region = row.Region;
        if (_count == BatchSize)
        {
            Hand();
        }
    }

    /// <summary>Waits until every row handed over is written; throws what the writing thread met.</summary>
    public void Complete()
    {
        if (_count > 0)
        {
            Hand();
        }

        _full.CompleteAdding();
        _writer.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        if (!_full.IsAddingCompleted)
        {
            _full.CompleteAdding();
            try
            {
                _writer.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is SqliteException or IOException)
            {
                // Disposed after a failure: the transaction rolls back and the failure was reported already.
            }
        }

        _insert.Dispose();
        _full.Dispose();
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

        _full.Add(full);
    }

    private void WriteBatches()
    {
        foreach (var batch in _full.GetConsumingEnumerable())
        {
            foreach (ref readonly var loan in batch.AsSpan())
            {
                Insert(in loan);
            }

            if (batch.Length == BatchSize)
            {
                _free.Add(batch);
            }
        }
    }

    private void Insert(in Loan loan)
    {
        var s = _insert;
        raw.sqlite3_bind_int64(s, 1, _submissionId);
        raw.sqlite3_bind_int64(s, 2, loan.Line);
        raw.sqlite3_bind_text16(s, 3, loan.LoanId);
        raw.sqlite3_bind_text16(s, 4, loan.BorrowerId);
        BindText(s, 5, loan.CreditCode);
        raw.sqlite3_bind_int(s, 6, loan.BorrowerType);
        raw.sqlite3_bind_int64(s, 7, loan.CreditLine);
        raw.sqlite3_bind_int(s, 8, loan.Product);
        raw.sqlite3_bind_int(s, 9, loan.Purpose);
        raw.sqlite3_bind_int(s, 10, loan.Guarantee);
        raw.sqlite3_bind_int(s, 11, loan.Classification);
        raw.sqlite3_bind_int64(s, 12, loan.Amount);
        raw.sqlite3_bind_int64(s, 13, loan.Balance);
        raw.sqlite3_bind_int(s, 14, loan.DisbursedOn);
        raw.sqlite3_bind_int(s, 15, loan.MaturesOn);
        raw.sqlite3_bind_int64(s, 16, loan.AnnualRate);
        raw.sqlite3_bind_int(s, 17, loan.FirstLoan ? 1 : 0);
        BindText(s, 18, loan.Industry is { } industry ? IndustryLetters[industry - 'A'] : null);
        BindText(s, 19, loan.Region);
        var result = raw.sqlite3_step(s);
        raw.sqlite3_reset(s);
        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }
    }

    private static void BindText(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(statement, index);
        }
        else
        {
            raw.sqlite3_bind_text16(statement, index, value); // UTF-16 as .NET holds it: no UTF-8 copy per value
        }
    }

    private void Check(int result)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), result);
        }
    }

    private static readonly string[] IndustryLetters = [.. Enumerable.Range('A', 26).Select(c => ((char)c).ToString())];

    private struct Loan
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
        public char? Industry;
        public string? Region;
    }
}

/// <summary>Money as integer fen (分), the exact form SQLite stores.</summary>
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
