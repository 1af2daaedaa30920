using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using CsCheck;
using NodaTime;

namespace Compliance.Engine.Tests.Indicators;

/// <summary>
/// The two 口径 on random ledgers: each agrees with a plain model of ledger.md's classification, they differ only on
/// borrowers whose effective credit line is exactly 10,000,000.00, and what the PBoC counts the CBIRC counts too.
/// </summary>
public sealed class ScopeProperties
{
    private static readonly YearMonth Period = new(2024, 6);

    // Credit lines and balances around the cap, so sums land on it, just under and just over.
    private static readonly long[] Lines = [0, 300_000_000, 999_999_999, 1_000_000_000, 1_000_000_001, 5_000_000_000];
    private static readonly long[] Balances = [0, 1, 100_000_000, 250_000_000, 500_000_000, 999_999_999, 1_000_000_000];

    private static readonly Gen<LedgerRow[]> GenLedger =
        from lines in Gen.Int[0, Lines.Length - 1].Array[6]
        from types in Gen.Int[1, 8].Array[6]
        from rows in Gen.Select(Gen.Int[0, 5], Gen.Int[0, Balances.Length - 1], Gen.Int[1, 4], Gen.Bool, Gen.Int[1, 5], Gen.Bool).Array[1, 30]
        select rows.Select((r, i) => new LedgerRow
        {
            Line = i + 2,
            LoanId = $"L{i}",
            BorrowerId = $"B{r.Item1}",
            BorrowerType = (BorrowerType)types[r.Item1],
            CreditLineFen = Lines[lines[r.Item1]],
            Product = (Product)r.Item3,
            Purpose = r.Item4 ? Purpose.Business : Purpose.Consumer,
            Guarantee = Guarantee.Credit,
            Classification = (LoanClass)r.Item5,
            AmountFen = Math.Max(1, Balances[r.Item2]),
            BalanceFen = Balances[r.Item2],
            DisbursedOn = r.Item6 ? new LocalDate(2024, 6, 3) : new LocalDate(2023, 1, 3),
            MaturesOn = new LocalDate(2026, 1, 1),
            AnnualRateMicros = 4_000_000,
            FirstLoan = r.Item6,
        }).ToArray();

    [Test]
    public void BothScopes_AgreeWithThePlainModel_DifferOnlyAtTheCap_AndPbocIsWithinCbirc()
    {
        GenLedger.Sample(rows =>
        {
            var builder = new SnapshotBuilder(Period);
            foreach (var row in rows)
            {
                builder.Add(row);
            }

            var cbirc = builder.Build();
            var pboc = cbirc.Pboc!;
            var atCap = Model(rows, line => line == Classification.InclusiveCreditLineCapFen);
            return (Fen(cbirc.InclusiveBalance), cbirc.InclusiveBorrowers) == Model(rows, line => line <= Classification.InclusiveCreditLineCapFen)
                && (Fen(pboc.InclusiveBalance), pboc.InclusiveBorrowers) == Model(rows, line => line < Classification.InclusiveCreditLineCapFen)
                && Fen(cbirc.InclusiveBalance) - Fen(pboc.InclusiveBalance) == atCap.Balance
                && cbirc.InclusiveBorrowers - pboc.InclusiveBorrowers == atCap.Borrowers
                && pboc.InclusiveNplBalance <= cbirc.InclusiveNplBalance
                && pboc.NewInclusiveAmount <= cbirc.NewInclusiveAmount
                && pboc.NewFirstLoanBorrowers <= cbirc.NewFirstLoanBorrowers
                && pboc.TotalBalance == cbirc.TotalBalance;
        });
    }

    private static long Fen(decimal yuan) => (long)(yuan * 100m);

    /// <summary>ledger.md's classification, plainly: each borrower's effective line, then its qualifying rows.</summary>
    private static (long Balance, long Borrowers) Model(LedgerRow[] rows, Func<long, bool> passes)
    {
        var inclusive = rows.GroupBy(r => r.BorrowerId)
            .Where(g => passes(Math.Max(g.First().CreditLineFen, g.Sum(r => r.BalanceFen))))
            .SelectMany(g => g)
            .Where(r => r.Product is not (Product.Discount or Product.Rediscount)
                && (r.BorrowerType is BorrowerType.Small or BorrowerType.Micro
                    || (r.BorrowerType is BorrowerType.IndividualBusiness or BorrowerType.MicroOwner && r.Purpose == Purpose.Business)))
            .ToList();
        return (inclusive.Sum(r => r.BalanceFen), inclusive.Where(r => r.BalanceFen > 0).Select(r => r.BorrowerId).Distinct().LongCount());
    }
}
