using System.Globalization;
using System.Text;

namespace Compliance.Bench;

/// <summary>
/// Writes a synthetic ledger with a realistic mix: mostly small and micro enterprises and individual businesses,
/// credit lines clustered around the 10,000,000 cap (some just over it), discounts, consumer loans, 2–4 % NPLs,
/// about a tenth of the loans new in the period, one to three loans per borrower. Deterministic for a seed.
/// </summary>
internal sealed class LedgerGenerator(int rows, int seed, int year, int month)
{
    public const string Header = "loan_id,borrower_id,credit_code,borrower_type,credit_line,product,purpose,guarantee,classification,amount,balance,disbursed_on,matures_on,annual_rate,first_loan,industry,region";

    private static readonly string[] Types = ["small", "micro", "individual_business", "micro_owner", "medium", "large", "personal", "other"];
    private static readonly int[] TypeWeights = [22, 30, 20, 10, 8, 3, 6, 1];
    private static readonly string[] Guarantees = ["credit", "guarantee", "mortgage", "pledge"];
    private static readonly int[] GuaranteeWeights = [30, 35, 28, 7];
    private static readonly string[] Industries = ["A", "C", "E", "F", "G", "H", "I", "K", "L", "M", "R"];
    private static readonly string[] Regions = ["371302", "371311", "371312", "370102", "419001", "141102"];

    public void Write(Stream output, Encoding encoding)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(output, encoding, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine(Header);
        var periodStart = new DateOnly(year, month, 1);
        var periodEnd = periodStart.AddMonths(1).AddDays(-1);
        var written = 0;
        var borrower = 0;
        var line = new StringBuilder(256);
        while (written < rows)
        {
            borrower++;
            var type = Pick(random, Types, TypeWeights);
            var creditLine = CreditLine(random, type);
            var loans = Math.Min(rows - written, 1 + random.Next(3));
            var firstLoanBorrower = random.Next(100) < 6;
            var region = Regions[random.Next(Regions.Length)];
            var industry = Industries[random.Next(Industries.Length)];
            for (var i = 0; i < loans; i++)
            {
                written++;
                var product = type is "large" or "medium" && random.Next(100) < 15 ? (random.Next(2) == 0 ? "discount" : "rediscount")
                    : random.Next(100) < 5 ? "trade_finance" : "loan";
                var purpose = type is "individual_business" or "micro_owner" or "personal" && random.Next(100) < 25 ? "consumer" : "business";
                var isNew = random.Next(100) < 10;
                var disbursed = isNew ? periodStart.AddDays(random.Next(periodEnd.Day)) : periodStart.AddDays(-random.Next(30, 1500));
                var matures = disbursed.AddDays(random.Next(90, 1800));
                var amount = Math.Max(1_000m, decimal.Round(creditLine * (decimal)(0.05 + random.NextDouble() * 0.6) / loans, 2));
                var balance = isNew && random.Next(100) < 5 ? 0m : decimal.Round(amount * (decimal)(0.2 + random.NextDouble() * 0.8), 2);
                var npl = random.Next(1000);
                var classification = npl < 15 ? "substandard" : npl < 25 ? "doubtful" : npl < 32 ? "loss" : npl < 80 ? "special_mention" : "normal";
                var rate = decimal.Round(3.0m + (decimal)random.NextDouble() * 5.5m, 2);
                line.Clear()
                    .Append('L').Append(written.ToString("D9", CultureInfo.InvariantCulture)).Append(',')
                    .Append('B').Append(borrower.ToString("D8", CultureInfo.InvariantCulture)).Append(",,")
                    .Append(type).Append(',').Append(creditLine.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(product).Append(',').Append(purpose).Append(',').Append(Pick(random, Guarantees, GuaranteeWeights)).Append(',')
                    .Append(classification).Append(',').Append(amount.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(balance.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(disbursed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                    .Append(matures.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                    .Append(rate.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(isNew && firstLoanBorrower && i == 0 ? 'Y' : 'N').Append(',')
                    .Append(industry).Append(',').Append(region);
                writer.WriteLine(line);
            }
        }
    }

    private static decimal CreditLine(Random random, string type) => type switch
    {
        "large" => 50_000_000m + random.Next(0, 500) * 1_000_000m,
        "medium" => 8_000_000m + random.Next(0, 40) * 500_000m,
        // Around the 10,000,000 cap: a few just above it, one exactly at it now and then.
        _ => random.Next(100) switch
        {
            < 3 => 10_000_000m,
            < 8 => 10_000_000m + random.Next(1, 300) * 10_000m,
            < 30 => 5_000_000m + random.Next(0, 500) * 10_000m,
            _ => 50_000m + random.Next(0, 300) * 10_000m,
        },
    };

    private static string Pick(Random random, string[] values, int[] weights)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < values.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return values[i];
            }
        }

        return values[^1];
    }
}
