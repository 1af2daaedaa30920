using System.Collections;
using System.Data.Common;
using Compliance.Data.Submissions;
using Microsoft.Data.SqlClient;

namespace Compliance.Data.SqlServer;

/// <summary>
/// Writes the batches of a ledger's rows with <see cref="SqlBulkCopy"/> inside the submission's transaction,
/// streaming: the bulk copy pulls rows from a reader over the batches as the validating thread fills them.
/// </summary>
internal sealed class BulkLoanWriter : LoanWriter
{
    /// <summary>Rows per round trip: large enough to amortise it, small enough to stream.</summary>
    public const int BulkBatchSize = 10_000;

    private readonly SqlConnection _connection;
    private readonly SqlTransaction _transaction;
    private readonly long _submissionId;

    public BulkLoanWriter(SqlConnection connection, SqlTransaction transaction, long submissionId, Action first)
    {
        _connection = connection;
        _transaction = transaction;
        _submissionId = submissionId;
        Start(first);
    }

    protected override void WriteBatches(IEnumerable<ArraySegment<Loan>> batches)
    {
        using var bulk = new SqlBulkCopy(_connection, SqlBulkCopyOptions.TableLock | SqlBulkCopyOptions.CheckConstraints, _transaction)
        {
            DestinationTableName = SqlServerDialect.Schema + ".loans",
            BatchSize = BulkBatchSize,
            EnableStreaming = true,
            BulkCopyTimeout = 0,
        };
        foreach (var column in Columns)
        {
            bulk.ColumnMappings.Add(column, column);
        }

        using var reader = new LoanReader(batches, _submissionId);
        bulk.WriteToServer(reader);
    }

    /// <summary>A forward-only reader over the batches, one loan per row, in the columns of <c>loans</c>.</summary>
    internal sealed class LoanReader(IEnumerable<ArraySegment<Loan>> batches, long submissionId) : DbDataReader
    {
        private readonly IEnumerator<ArraySegment<Loan>> _batches = batches.GetEnumerator();
        private ArraySegment<Loan> _batch = ArraySegment<Loan>.Empty;
        private int _index = -1;

        public override int FieldCount => Columns.Count;

        public override bool HasRows => true;

        public override bool IsClosed => false;

        public override int RecordsAffected => -1;

        public override int Depth => 0;

        public override object this[int ordinal] => GetValue(ordinal);

        public override object this[string name] => GetValue(GetOrdinal(name));

        public override bool Read()
        {
            while (++_index >= _batch.Count)
            {
                if (!_batches.MoveNext())
                {
                    return false;
                }

                _batch = _batches.Current;
                _index = -1;
            }

            return true;
        }

        public override object GetValue(int ordinal)
        {
            ref readonly var loan = ref _batch.AsSpan()[_index];
            return ordinal switch
            {
                0 => submissionId,
                1 => loan.Line,
                2 => loan.LoanId.ToString(),
                3 => loan.BorrowerId.ToString(),
                4 => Text(loan.CreditCode),
                5 => loan.BorrowerType,
                6 => loan.CreditLine,
                7 => loan.Product,
                8 => loan.Purpose,
                9 => loan.Guarantee,
                10 => loan.Classification,
                11 => loan.Amount,
                12 => loan.Balance,
                13 => loan.DisbursedOn,
                14 => loan.MaturesOn,
                15 => loan.AnnualRate,
                16 => loan.FirstLoan,
                17 => (object?)loan.Industry ?? DBNull.Value,
                18 => Text(loan.Region),
                _ => throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, "loans has 19 columns."),
            };
        }

        // A text the ledger left out (empty) is NULL.
        private static object Text(ReadOnlyMemory<char> value) => value.IsEmpty ? DBNull.Value : value.ToString();

        public override int GetValues(object[] values)
        {
            ArgumentNullException.ThrowIfNull(values);
            var count = Math.Min(values.Length, FieldCount);
            for (var i = 0; i < count; i++)
            {
                values[i] = GetValue(i);
            }

            return count;
        }

        public override bool IsDBNull(int ordinal) => GetValue(ordinal) is DBNull;

        public override string GetName(int ordinal) => Columns[ordinal];

        public override int GetOrdinal(string name)
        {
            for (var i = 0; i < Columns.Count; i++)
            {
                if (string.Equals(Columns[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            throw new ArgumentException($"loans has no column {name}.", nameof(name));
        }

        public override Type GetFieldType(int ordinal) => ordinal switch
        {
            0 or 1 or 6 or 11 or 12 or 15 => typeof(long),
            5 or 7 or 8 or 9 or 10 or 13 or 14 => typeof(int),
            16 => typeof(bool),
            _ => typeof(string),
        };

        public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;

        public override bool GetBoolean(int ordinal) => (bool)GetValue(ordinal);

        public override byte GetByte(int ordinal) => Convert.ToByte(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) =>
            throw new NotSupportedException("loans has no binary column.");

        public override char GetChar(int ordinal) => GetString(ordinal)[0];

        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
        {
            var text = GetString(ordinal);
            if (buffer is null)
            {
                return text.Length;
            }

            var count = (int)Math.Min(length, text.Length - dataOffset);
            text.CopyTo((int)dataOffset, buffer, bufferOffset, count);
            return count;
        }

        public override DateTime GetDateTime(int ordinal) => throw new InvalidCastException("loans stores dates as yyyyMMdd integers.");

        public override decimal GetDecimal(int ordinal) => Convert.ToDecimal(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

        public override double GetDouble(int ordinal) => throw new InvalidCastException("loans has no floating-point column.");

        public override float GetFloat(int ordinal) => throw new InvalidCastException("loans has no floating-point column.");

        public override Guid GetGuid(int ordinal) => throw new InvalidCastException("loans has no uniqueidentifier column.");

        public override short GetInt16(int ordinal) => Convert.ToInt16(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

        public override int GetInt32(int ordinal) => Convert.ToInt32(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

        public override long GetInt64(int ordinal) => Convert.ToInt64(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

        public override string GetString(int ordinal) => (string)GetValue(ordinal);

        public override bool NextResult() => false;

        public override IEnumerator GetEnumerator() => new DbEnumerator(this);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _batches.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
