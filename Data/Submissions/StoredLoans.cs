using System.Data.Common;
using System.Runtime.CompilerServices;
using Compliance.Engine.Ledger;
using Dapper;

namespace Compliance.Data.Submissions;

/// <summary>The loans of accepted ledgers read back as rows, in the columns and units <see cref="LoanWriter"/> wrote them.</summary>
internal static class StoredLoans
{
    // By submission, each in ledger order: SQL Server reads its clustered key in order; SQLite, with no index on
    // loans, scans the table once for the whole range.
    private static string RangeSql { get; } = $"""
        SELECT {string.Join(", ", LoanWriter.Columns)} FROM loans
        WHERE submission_id >= @first AND submission_id <= @last
        ORDER BY submission_id, line
        """;

    /// <summary>The rows of the submissions whose ids are in [<paramref name="first"/>, <paramref name="last"/>], each with its submission's id: by submission, in ledger order.</summary>
    public static async IAsyncEnumerable<(long SubmissionId, LedgerRow Row)> ReadAsync(
        DbConnection connection, long first, long last, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(connection.Sql(RangeSql), new { first, last }, cancellationToken: ct));
        while (await reader.ReadAsync(ct))
        {
            yield return (reader.GetInt64(0), Row(reader));
        }
    }

    // The ordinals of LoanWriter.Columns; SQL Server's int columns are read as int, its bigint ones as long.
    private static LedgerRow Row(DbDataReader r) => LedgerRow.FromFen(
        line: r.GetInt32(1),
        loanId: r.GetString(2),
        borrowerId: r.GetString(3),
        creditCode: r.IsDBNull(4) ? null : r.GetString(4),
        borrowerType: (BorrowerType)r.GetInt32(5),
        creditLineFen: r.GetInt64(6),
        product: (Product)r.GetInt32(7),
        purpose: (Purpose)r.GetInt32(8),
        guarantee: (Guarantee)r.GetInt32(9),
        classification: (LoanClass)r.GetInt32(10),
        amountFen: r.GetInt64(11),
        balanceFen: r.GetInt64(12),
        disbursedOn: LoanWriter.DateOf(r.GetInt32(13)),
        maturesOn: LoanWriter.DateOf(r.GetInt32(14)),
        annualRateMicros: r.GetInt64(15),
        firstLoan: r.GetBoolean(16),
        industry: r.IsDBNull(17) ? null : r.GetString(17)[0],
        region: r.IsDBNull(18) ? null : r.GetString(18));
}
