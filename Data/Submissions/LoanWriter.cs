using System.Globalization;
using Compliance.Engine;
using Compliance.Engine.Ledger;
using Microsoft.Data.Sqlite;

namespace Compliance.Data.Submissions;

/// <summary>
/// Writes the rows of a ledger as they are validated, through one prepared, reused insert inside the
/// submission's transaction (SQLite's cost is per statement preparation and per commit, not per row).
/// </summary>
internal sealed class LoanWriter : ILedgerSink, IDisposable
{
    private const string Sql = """
        INSERT INTO loans (submission_id, line, loan_id, borrower_id, credit_code, borrower_type, credit_line, product, purpose,
            guarantee, classification, amount, balance, disbursed_on, matures_on, annual_rate, first_loan, industry, region)
        VALUES ($s, $line, $loan, $borrower, $code, $type, $creditLine, $product, $purpose,
            $guarantee, $class, $amount, $balance, $disbursed, $matures, $rate, $first, $industry, $region)
        """;

    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _p;

    public LoanWriter(SqliteConnection connection, SqliteTransaction transaction, long submissionId)
    {
        _insert = connection.CreateCommand();
        _insert.Transaction = transaction;
        _insert.CommandText = Sql;
        string[] names = ["$s", "$line", "$loan", "$borrower", "$code", "$type", "$creditLine", "$product", "$purpose",
            "$guarantee", "$class", "$amount", "$balance", "$disbursed", "$matures", "$rate", "$first", "$industry", "$region"];
        _p = names.Select(name => _insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        _p[0].Value = submissionId;
        _insert.Prepare();
    }

    public long Rows { get; private set; }

    public void Write(LedgerRow row)
    {
        _p[1].Value = row.Line;
        _p[2].Value = row.LoanId;
        _p[3].Value = row.BorrowerId;
        _p[4].Value = (object?)row.CreditCode ?? DBNull.Value;
        _p[5].Value = (int)row.BorrowerType;
        _p[6].Value = Fen.From(row.CreditLine);
        _p[7].Value = (int)row.Product;
        _p[8].Value = (int)row.Purpose;
        _p[9].Value = (int)row.Guarantee;
        _p[10].Value = (int)row.Classification;
        _p[11].Value = Fen.From(row.Amount);
        _p[12].Value = Fen.From(row.Balance);
        _p[13].Value = Periods.FormatDate(row.DisbursedOn);
        _p[14].Value = Periods.FormatDate(row.MaturesOn);
        _p[15].Value = row.AnnualRate.ToString(CultureInfo.InvariantCulture);
        _p[16].Value = row.FirstLoan ? 1 : 0;
        _p[17].Value = row.Industry is { } industry ? industry.ToString() : DBNull.Value;
        _p[18].Value = (object?)row.Region ?? DBNull.Value;
        _insert.ExecuteNonQuery();
        Rows++;
    }

    public void Dispose() => _insert.Dispose();
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
