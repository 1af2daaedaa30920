using Compliance.Data.Submissions;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Compliance.Data.Sqlite;

/// <summary>
/// Writes the batches of a ledger's rows by binding them, by index, to one prepared insert inside the submission's
/// transaction (through SQLitePCLRaw, under Microsoft.Data.Sqlite: no boxing, no lookup of parameters by name per row).
/// </summary>
internal sealed class SqliteLoanWriter : LoanWriter
{
    private const string InsertLoanSql = """
        INSERT INTO loans (submission_id, line, loan_id, borrower_id, credit_code, borrower_type, credit_line, product, purpose,
            guarantee, classification, amount, balance, disbursed_on, matures_on, annual_rate, first_loan, industry, region)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
        """;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insert;
    private readonly long _submissionId;

    /// <param name="connection">The connection whose transaction the rows go into; unused by the caller until <see cref="LoanWriter.Complete"/>.</param>
    /// <param name="submissionId">The submission the rows belong to.</param>
    /// <param name="first">Work for the writing thread before the first row (storing the body), so it overlaps validation.</param>
    public SqliteLoanWriter(SqliteConnection connection, long submissionId, Action first)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, InsertLoanSql, out _insert));
        _submissionId = submissionId;
        Start(first);
    }

    protected override void WriteBatches(IEnumerable<ArraySegment<Loan>> batches)
    {
        foreach (var batch in batches)
        {
            foreach (ref readonly var loan in batch.AsSpan())
            {
                Insert(in loan);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _insert.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Insert(in Loan loan)
    {
        var s = _insert;
        raw.sqlite3_bind_int64(s, 1, _submissionId);
        raw.sqlite3_bind_int64(s, 2, loan.Line);
        raw.sqlite3_bind_text16(s, 3, loan.LoanId.Span);
        raw.sqlite3_bind_text16(s, 4, loan.BorrowerId.Span);
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
        BindText(s, 18, loan.Industry);
        BindText(s, 19, loan.Region);
        var result = raw.sqlite3_step(s);
        raw.sqlite3_reset(s);
        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }
    }

    private static void BindText(sqlite3_stmt statement, int index, ReadOnlyMemory<char> value)
    {
        if (value.IsEmpty)
        {
            raw.sqlite3_bind_null(statement, index);
        }
        else
        {
            raw.sqlite3_bind_text16(statement, index, value.Span); // UTF-16 as .NET holds it: no UTF-8 copy per value
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
            raw.sqlite3_bind_text16(statement, index, value);
        }
    }

    private void Check(int result)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), result);
        }
    }
}
