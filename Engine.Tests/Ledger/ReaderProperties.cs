using System.Globalization;
using System.Text;
using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using CsCheck;
using NodaTime;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>
/// Property tests of the readers: random and mutated ledgers never make them throw, and whatever they accept
/// reads back, rewritten as CSV (in another column order, quoted, with CRLF) or as NDJSON, to the same snapshot.
/// </summary>
public sealed class ReaderProperties
{
    private static readonly YearMonth Period = new(2022, 6);
    private static readonly string[] Types = ["small", "micro", "individual_business", "micro_owner", "medium", "large", "personal", "other"];
    private static readonly string[] Products = ["loan", "discount", "rediscount", "trade_finance"];
    private static readonly string[] Guarantees = ["credit", "guarantee", "mortgage", "pledge"];
    private static readonly string[] Classes = ["normal", "special_mention", "substandard", "doubtful", "loss"];

    /// <summary>A borrower: its type and credit line, the same on every row.</summary>
    private static readonly Gen<(string Type, string CreditLine)> GenBorrower =
        Gen.Select(Pick(Types), Gen.OneOf(Gen.Const("10000000"), Gen.Const("10000000.01"), Gen.Int[0, 20_000_000].Select(i => Money(i * 100L))));

    /// <summary>One loan of one of five borrowers, as its CSV field values.</summary>
    private static readonly Gen<Func<(string Type, string CreditLine)[], int, string[]>> GenLoan =
        from borrower in Gen.Int[0, 4]
        from product in Pick(Products)
        from purpose in Pick("business", "consumer", "经营", "消费")
        from guarantee in Pick(Guarantees)
        from classification in Pick(Classes)
        from amount in Gen.Long[1, 9_999_999_999]
        from balance in Gen.Long[0, 9_999_999_999]
        from disbursed in Gen.Int[0, 900]
        from term in Gen.Int[0, 2000]
        from rate in Gen.Int[0, 360_000]
        from first in Pick("Y", "N", "是", "否", "true", "0")
        select (Func<(string Type, string CreditLine)[], int, string[]>)((borrowers, index) =>
        [
            $"L{index}", $"B{borrower}", "", borrowers[borrower].Type, borrowers[borrower].CreditLine, product, purpose, guarantee,
            classification, Money(amount), Money(balance), Date(disbursed), Date(disbursed - term), Rate(rate), first, "C", "371302",
        ]);

    private static readonly Gen<string[][]> GenLedger =
        from borrowers in GenBorrower.Array[5]
        from loans in GenLoan.Array[1, 40]
        select loans.Select((loan, i) => loan(borrowers, i)).ToArray();

    [Test]
    public void ValidLedger_RewrittenInAnotherFormOrFormat_ReadsToTheSameSnapshot()
    {
        GenLedger.Sample(rows =>
        {
            var first = Read(Csv(rows, reverse: false, quoteAll: false, newline: "\n"));
            if (!first.Result.IsValid)
            {
                return false;
            }

            var again = Read(Csv(first.Rows, reverse: true, quoteAll: true, newline: "\r\n"));
            var ndjson = JsonLedgerReader.ReadNdjson(new MemoryStream(Encoding.UTF8.GetBytes(Ndjson(first.Rows))), Period, new RecordingSink());
            return again.Result.IsValid && Equal(first.Result.Snapshot!, again.Result.Snapshot!) && ndjson.IsValid && Equal(first.Result.Snapshot!, ndjson.Snapshot!);
        }, iter: 300);
    }

    [Test]
    public void MutatedLedger_NeverThrows_AndWhatItAcceptsRoundTrips()
    {
        Gen.Select(GenLedger, Gen.Int[0, 9_999], Gen.Int[0, 3], Gen.Char.Array[1, 4]).Sample(sample =>
        {
            var (rows, position, kind, noise) = sample;
            var text = Csv(rows, reverse: false, quoteAll: false, newline: "\n");
            var at = position % (text.Length + 1);
            var mutated = kind switch
            {
                0 => text.Insert(at, new string(noise)),
                1 => text.Remove(at, Math.Min(noise.Length, text.Length - at)),
                2 => text[..at],
                _ => text.Insert(at, "\"" + new string(noise)),
            };

            var read = Read(mutated);
            if (!read.Result.IsValid)
            {
                return read.Result.ErrorCount > 0 && read.Result.Snapshot is null && read.Result.Errors.All(e => e.Code.StartsWith('E'));
            }

            var again = Read(Csv(read.Rows, reverse: true, quoteAll: true, newline: "\r\n"));
            return again.Result.IsValid && Equal(read.Result.Snapshot!, again.Result.Snapshot!);
        }, iter: 500);
    }

    [Test]
    public void RandomBytes_NeverThrow()
    {
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            var csv = LedgerReader.ReadCsv(new MemoryStream(bytes), LedgerEncodings.ForCharset(null)!, Period, new RecordingSink());
            var json = JsonLedgerReader.ReadJson(new MemoryStream(bytes), Period, new RecordingSink());
            var ndjson = JsonLedgerReader.ReadNdjson(new MemoryStream(bytes), Period, new RecordingSink());
            return (csv.IsValid ? csv.Snapshot is not null : csv.ErrorCount > 0)
                && (json.IsValid ? json.Snapshot is not null : json.ErrorCount > 0)
                && (ndjson.IsValid ? ndjson.Snapshot is not null : ndjson.ErrorCount > 0);
        }, iter: 1_000);
    }

    private static (LedgerReadResult Result, string[][] Rows) Read(string csv)
    {
        var sink = new RecordingSink();
        var result = LedgerReader.ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv)), LedgerEncodings.ForCharset(null)!, Period, sink);
        return (result, [.. sink.Rows.Select(Fields)]);
    }

    private static string[] Fields(LedgerRow r) =>
    [
        r.LoanId, r.BorrowerId, r.CreditCode ?? "", LedgerEnums.NameOf(r.BorrowerType), Money(r.CreditLineFen), Snake(r.Product.ToString()),
        Snake(r.Purpose.ToString()), Snake(r.Guarantee.ToString()), Snake(r.Classification.ToString()), Money(r.AmountFen), Money(r.BalanceFen),
        Periods.FormatDate(r.DisbursedOn), Periods.FormatDate(r.MaturesOn), Rate(r.AnnualRateMicros / 100), r.FirstLoan ? "Y" : "N",
        r.Industry?.ToString() ?? "", r.Region ?? "",
    ];

    private static string Csv(string[][] rows, bool reverse, bool quoteAll, string newline)
    {
        var order = Enumerable.Range(0, LedgerCsv.Header.Split(',').Length).ToArray();
        if (reverse)
        {
            Array.Reverse(order);
        }

        var header = LedgerCsv.Header.Split(',');
        var text = new StringBuilder(string.Join(',', order.Select(i => header[i]))).Append(newline);
        foreach (var row in rows)
        {
            text.Append(string.Join(',', order.Select(i => quoteAll ? "\"" + row[i].Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : row[i]))).Append(newline);
        }

        return text.ToString();
    }

    private static string Ndjson(string[][] rows)
    {
        var header = LedgerCsv.Header.Split(',');
        return string.Concat(rows.Select(row => "{" + string.Join(',', header.Select((h, i) => $"\"{h}\":{System.Text.Json.JsonSerializer.Serialize(row[i])}")) + "}\n"));
    }

    private static bool Equal(IndicatorSnapshot a, IndicatorSnapshot b) => a == b;

    private static Gen<T> Pick<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static string Money(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Rate(long tenThousandths) => (tenThousandths / 10_000m).ToString("0.####", CultureInfo.InvariantCulture);

    private static string Date(int daysBeforeEnd) => Periods.FormatDate(Periods.LastDay(Period).PlusDays(-daysBeforeEnd));

    private static string Snake(string name) => string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
