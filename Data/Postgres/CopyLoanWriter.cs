using Compliance.Data.Submissions;
using Npgsql;
using NpgsqlTypes;

namespace Compliance.Data.Postgres;

/// <summary>
/// Writes the batches of a ledger's rows with PostgreSQL's binary <c>COPY</c> (<see cref="NpgsqlBinaryImporter"/>) on
/// the submission's connection, so inside its transaction, streaming: each row goes out as the validating thread hands
/// its batch over, typed as the columns are (no text to parse on the server).
/// </summary>
internal sealed class CopyLoanWriter : LoanWriter
{
    private static readonly string CopySql =
        $"COPY {PostgresDialect.Schema}.loans ({string.Join(", ", Columns)}) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Batches that may wait while the body is stored (some 56 MB): compressing a 128 MB body and storing it keeps the
    /// connection busy for about a second, during which validation goes on instead of waiting for the first rows to go.
    /// </summary>
    private const int BodyBacklog = 512;

    private readonly NpgsqlConnection _connection;
    private readonly long _submissionId;

    /// <param name="connection">The connection whose transaction the rows go into; unused by the caller until <see cref="LoanWriter.Complete"/>.</param>
    /// <param name="submissionId">The submission the rows belong to.</param>
    /// <param name="first">Work for the writing thread before the first row (storing the body), so it overlaps validation.</param>
    public CopyLoanWriter(NpgsqlConnection connection, long submissionId, Action first)
        : base(BodyBacklog)
    {
        _connection = connection;
        _submissionId = submissionId;
        Start(first);
    }

    protected override void WriteBatches(IEnumerable<ArraySegment<Loan>> batches)
    {
        using var copy = _connection.BeginBinaryImport(CopySql);
        foreach (var batch in batches)
        {
            foreach (ref readonly var loan in batch.AsSpan())
            {
                copy.StartRow();
                copy.Write(_submissionId, NpgsqlDbType.Bigint);
                copy.Write(checked((int)loan.Line), NpgsqlDbType.Integer);
                copy.Write(loan.LoanId, NpgsqlDbType.Varchar);
                copy.Write(loan.BorrowerId, NpgsqlDbType.Varchar);
                WriteText(copy, loan.CreditCode);
                copy.Write(loan.BorrowerType, NpgsqlDbType.Integer);
                copy.Write(loan.CreditLine, NpgsqlDbType.Bigint);
                copy.Write(loan.Product, NpgsqlDbType.Integer);
                copy.Write(loan.Purpose, NpgsqlDbType.Integer);
                copy.Write(loan.Guarantee, NpgsqlDbType.Integer);
                copy.Write(loan.Classification, NpgsqlDbType.Integer);
                copy.Write(loan.Amount, NpgsqlDbType.Bigint);
                copy.Write(loan.Balance, NpgsqlDbType.Bigint);
                copy.Write(loan.DisbursedOn, NpgsqlDbType.Integer);
                copy.Write(loan.MaturesOn, NpgsqlDbType.Integer);
                copy.Write(loan.AnnualRate, NpgsqlDbType.Bigint);
                copy.Write(loan.FirstLoan, NpgsqlDbType.Boolean);
                WriteText(copy, loan.Industry);
                WriteText(copy, loan.Region);
            }
        }

        copy.Complete();
    }

    // An empty text is one the ledger left out: NULL.
    private static void WriteText(NpgsqlBinaryImporter copy, ReadOnlyMemory<char> value)
    {
        if (value.IsEmpty)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Varchar);
        }
    }

    private static void WriteText(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Varchar);
        }
    }
}
