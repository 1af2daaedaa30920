using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using Compliance.Engine.Tests.Ledger;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Engine.Tests.Indicators;

/// <summary>Every indicator of rules.md's "Indicator snapshot" table, summed by <see cref="SnapshotBuilder"/>.</summary>
public sealed class SnapshotBuilderTests
{
    private static readonly YearMonth Period = new(2024, 6);

    private static readonly LocalDate Old = new(2023, 11, 2);

    [Test]
    public void Build_NoRows_IsAllZero()
    {
        var builder = new SnapshotBuilder(Period);

        var snapshot = builder.Build();

        snapshot.Should().Be(Snapshots.InBothScopes(new IndicatorSnapshot { NewFirstLoanEnterprises = 0 }));
    }

    [Test]
    public void Build_TotalBalance_SumsEveryRowIncludingDiscountsAndLargeBorrowers()
    {
        var snapshot = Build(
            Loan(balance: 100.01m),
            Loan(product: Product.Discount, balance: 200m),
            Loan(type: BorrowerType.Large, creditLine: 900_000_000m, balance: 300m),
            Loan(balance: 0m));

        snapshot.TotalBalance.Should().Be(600.01m);
    }

    [Test]
    public void Build_TotalNplBalance_SumsSubstandardDoubtfulAndLossOnly()
    {
        var snapshot = Build(
            Loan(classification: LoanClass.Normal, balance: 1m),
            Loan(classification: LoanClass.SpecialMention, balance: 10m),
            Loan(classification: LoanClass.Substandard, balance: 100m),
            Loan(classification: LoanClass.Doubtful, balance: 1_000m),
            Loan(type: BorrowerType.Large, creditLine: 900_000_000m, classification: LoanClass.Loss, balance: 10_000m));

        snapshot.TotalNplBalance.Should().Be(11_100m);
    }

    [Test]
    public void Build_InclusiveBalance_SumsInclusiveRowsOnlyWithTheCapInclusive()
    {
        var snapshot = Build(
            Loan(borrower: "A", creditLine: 10_000_000m, balance: 1m),
            Loan(borrower: "B", creditLine: 10_000_000.01m, balance: 10m),
            Loan(borrower: "C", type: BorrowerType.IndividualBusiness, purpose: Purpose.Business, balance: 100m),
            Loan(borrower: "D", type: BorrowerType.IndividualBusiness, purpose: Purpose.Consumer, balance: 1_000m),
            Loan(borrower: "E", product: Product.Rediscount, balance: 10_000m),
            Loan(borrower: "F", product: Product.TradeFinance, balance: 100_000m),
            Loan(borrower: "G", type: BorrowerType.Medium, balance: 1_000_000m));

        using (new AssertionScope())
        {
            snapshot.InclusiveBalance.Should().Be(100_101m);
            snapshot.TotalBalance.Should().Be(1_111_111m);
        }
    }

    [Test]
    public void Build_InclusiveNplBalance_SumsNonPerformingInclusiveRowsOnly()
    {
        var snapshot = Build(
            Loan(classification: LoanClass.Substandard, balance: 5m),
            Loan(classification: LoanClass.SpecialMention, balance: 50m),
            Loan(borrower: "Big", type: BorrowerType.Large, classification: LoanClass.Loss, balance: 500m),
            Loan(borrower: "Bill", product: Product.Discount, classification: LoanClass.Doubtful, balance: 5_000m));

        using (new AssertionScope())
        {
            snapshot.InclusiveNplBalance.Should().Be(5m);
            snapshot.TotalNplBalance.Should().Be(5_505m);
        }
    }

    [Test]
    public void Build_InclusiveCreditBalance_SumsInclusiveCreditLoansOnly()
    {
        var snapshot = Build(
            Loan(guarantee: Guarantee.Credit, balance: 7m),
            Loan(guarantee: Guarantee.Guarantee, balance: 70m),
            Loan(guarantee: Guarantee.Pledge, balance: 700m),
            Loan(borrower: "Big", type: BorrowerType.Large, guarantee: Guarantee.Credit, balance: 7_000m));

        snapshot.InclusiveCreditBalance.Should().Be(7m);
    }

    [Test]
    public void Build_InclusiveBorrowers_CountsDistinctBorrowersWithABalance()
    {
        var snapshot = Build(
            Loan(borrower: "A", balance: 1m),
            Loan(borrower: "A", balance: 2m),
            Loan(borrower: "B", balance: 0m),
            Loan(borrower: "C", balance: 0m),
            Loan(borrower: "C", balance: 0.01m),
            Loan(borrower: "D", type: BorrowerType.Large, balance: 5m),
            Loan(borrower: "E", product: Product.Discount, balance: 5m));

        snapshot.InclusiveBorrowers.Should().Be(2);
    }

    [Test]
    public void Build_BorrowerWithOnlyZeroBalances_IsNotABorrower()
    {
        var snapshot = Build(Loan(borrower: "A", disbursedOn: new LocalDate(2024, 6, 3), balance: 0m, firstLoan: true));

        using (new AssertionScope())
        {
            snapshot.InclusiveBorrowers.Should().Be(0);
            snapshot.NewFirstLoanBorrowers.Should().Be(1, "a loan disbursed and repaid in the period is still a first loan");
        }
    }

    [Test]
    public void Build_NewFirstLoanBorrowers_CountsNewInclusiveFirstLoansByDistinctBorrower()
    {
        var snapshot = Build(
            Loan(borrower: "A", disbursedOn: new LocalDate(2024, 6, 1), firstLoan: true),
            Loan(borrower: "A", disbursedOn: new LocalDate(2024, 6, 20), firstLoan: true),
            Loan(borrower: "B", disbursedOn: new LocalDate(2024, 6, 30), firstLoan: true, balance: 0m),
            Loan(borrower: "C", disbursedOn: new LocalDate(2024, 5, 31), firstLoan: true),
            Loan(borrower: "D", disbursedOn: new LocalDate(2024, 6, 15), firstLoan: false),
            Loan(borrower: "E", type: BorrowerType.Medium, disbursedOn: new LocalDate(2024, 6, 15), firstLoan: true),
            Loan(borrower: "F", product: Product.Discount, disbursedOn: new LocalDate(2024, 6, 15), firstLoan: true),
            Loan(borrower: "G", creditLine: 10_000_000.01m, disbursedOn: new LocalDate(2024, 6, 15), firstLoan: true));

        snapshot.NewFirstLoanBorrowers.Should().Be(2);
    }

    [Test]
    public void Build_NewInclusiveAmount_SumsAmountsOfInclusiveRowsDisbursedInTheMonth()
    {
        var snapshot = Build(
            Loan(disbursedOn: new LocalDate(2024, 6, 1), amount: 1_000m, balance: 900m),
            Loan(disbursedOn: new LocalDate(2024, 6, 30), amount: 2_000m, balance: 0m),
            Loan(disbursedOn: new LocalDate(2024, 5, 31), amount: 40_000m),
            Loan(disbursedOn: new LocalDate(2023, 6, 15), amount: 80_000m),
            Loan(type: BorrowerType.Large, disbursedOn: new LocalDate(2024, 6, 15), amount: 160_000m));

        snapshot.NewInclusiveAmount.Should().Be(3_000m);
    }

    [Test]
    public void Build_NewInclusiveRateWeight_IsTheExactSumOfAmountTimesRate()
    {
        var snapshot = Build(
            Loan(disbursedOn: new LocalDate(2024, 6, 3), amount: 1_234_567.89m, rate: 4.35m),
            Loan(disbursedOn: new LocalDate(2024, 6, 28), amount: 100_000.01m, rate: 3.851m),
            Loan(disbursedOn: new LocalDate(2024, 5, 28), amount: 5_000_000m, rate: 9m),
            Loan(product: Product.Discount, disbursedOn: new LocalDate(2024, 6, 28), amount: 5_000_000m, rate: 1.5m));

        using (new AssertionScope())
        {
            snapshot.NewInclusiveRateWeight.Should().Be(5_755_470.36001m);
            snapshot.NewInclusiveAmount.Should().Be(1_334_567.90m);
        }
    }

    [Test]
    public void Build_IndividualBusinessBalance_SumsIndividualBusinessOperatingLoansWithoutCap()
    {
        var snapshot = Build(
            Loan(borrower: "A", type: BorrowerType.IndividualBusiness, creditLine: 50_000_000m, balance: 1m),
            Loan(borrower: "B", type: BorrowerType.IndividualBusiness, balance: 10m),
            Loan(borrower: "C", type: BorrowerType.IndividualBusiness, purpose: Purpose.Consumer, balance: 100m),
            Loan(borrower: "D", type: BorrowerType.MicroOwner, balance: 1_000m),
            Loan(borrower: "E", type: BorrowerType.IndividualBusiness, product: Product.Discount, balance: 10_000m));

        snapshot.IndividualBusinessBalance.Should().Be(10_011m);
    }

    [Test]
    public void Build_IndividualBusinessBorrowers_CountsDistinctBorrowersWithABalance()
    {
        var snapshot = Build(
            Loan(borrower: "A", type: BorrowerType.IndividualBusiness, creditLine: 50_000_000m, balance: 1m),
            Loan(borrower: "A", type: BorrowerType.IndividualBusiness, creditLine: 50_000_000m, balance: 2m),
            Loan(borrower: "B", type: BorrowerType.IndividualBusiness, balance: 0m),
            Loan(borrower: "C", type: BorrowerType.IndividualBusiness, purpose: Purpose.Consumer, balance: 3m),
            Loan(borrower: "D", type: BorrowerType.MicroOwner, balance: 4m),
            Loan(borrower: "E", type: BorrowerType.IndividualBusiness, balance: 5m));

        using (new AssertionScope())
        {
            snapshot.IndividualBusinessBorrowers.Should().Be(2);
            snapshot.InclusiveBorrowers.Should().Be(2, "A's 50,000,000 credit line is over the inclusive cap");
        }
    }

    [Test]
    public void Build_OperatingBalance_SumsIndividualBusinessAndMicroOwnerBusinessLoans()
    {
        var snapshot = Build(
            Loan(borrower: "A", type: BorrowerType.IndividualBusiness, creditLine: 50_000_000m, balance: 1m),
            Loan(borrower: "B", type: BorrowerType.MicroOwner, creditLine: 50_000_000m, balance: 10m),
            Loan(borrower: "C", type: BorrowerType.MicroOwner, purpose: Purpose.Consumer, balance: 100m),
            Loan(borrower: "D", type: BorrowerType.IndividualBusiness, purpose: Purpose.Consumer, balance: 1_000m),
            Loan(borrower: "E", type: BorrowerType.Micro, balance: 10_000m),
            Loan(borrower: "F", type: BorrowerType.Personal, balance: 100_000m));

        snapshot.OperatingBalance.Should().Be(11m);
    }

    [Test]
    public void Build_MixedLedger_FillsEveryIndicator()
    {
        var snapshot = Build(
            Loan(borrower: "S1", type: BorrowerType.Small, guarantee: Guarantee.Credit, classification: LoanClass.Substandard,
                amount: 500m, balance: 400m, disbursedOn: new LocalDate(2024, 6, 10), rate: 4m, firstLoan: true),
            Loan(borrower: "I1", type: BorrowerType.IndividualBusiness, guarantee: Guarantee.Mortgage,
                amount: 300m, balance: 300m, rate: 5m),
            Loan(borrower: "O1", type: BorrowerType.MicroOwner, creditLine: 20_000_000m, classification: LoanClass.Doubtful,
                amount: 200m, balance: 200m, disbursedOn: new LocalDate(2024, 6, 11), firstLoan: true),
            Loan(borrower: "L1", type: BorrowerType.Large, product: Product.Discount, amount: 1_000m, balance: 1_000m));

        snapshot.Should().Be(Snapshots.InBothScopes(new IndicatorSnapshot
        {
            TotalBalance = 1_900m,
            TotalNplBalance = 600m,
            InclusiveBalance = 700m,
            InclusiveNplBalance = 400m,
            InclusiveCreditBalance = 400m,
            InclusiveBorrowers = 2,
            NewFirstLoanBorrowers = 1,
            NewInclusiveAmount = 500m,
            NewInclusiveRateWeight = 2_000m,
            IndividualBusinessBalance = 300m,
            IndividualBusinessBorrowers = 1,
            NewFirstLoanEnterprises = 1,
            OperatingBalance = 500m,
        }));
    }

    [TestCase(BorrowerType.Small, Product.Loan, true, true, "1000000", 1)]
    [TestCase(BorrowerType.Micro, Product.TradeFinance, true, true, "1000000", 1)]
    [TestCase(BorrowerType.Small, Product.Loan, true, true, "50000000", 1)]
    [TestCase(BorrowerType.IndividualBusiness, Product.Loan, true, true, "1000000", 0)]
    [TestCase(BorrowerType.MicroOwner, Product.Loan, true, true, "1000000", 0)]
    [TestCase(BorrowerType.Medium, Product.Loan, true, true, "1000000", 0)]
    [TestCase(BorrowerType.Personal, Product.Loan, true, true, "1000000", 0)]
    [TestCase(BorrowerType.Small, Product.Discount, true, true, "1000000", 0)]
    [TestCase(BorrowerType.Micro, Product.Rediscount, true, true, "1000000", 0)]
    [TestCase(BorrowerType.Small, Product.Loan, false, true, "1000000", 0)]
    [TestCase(BorrowerType.Small, Product.Loan, true, false, "1000000", 0)]
    public void Build_NewFirstLoanEnterprises_CountsSmallAndMicroEnterprisesNewFirstLoansOtherThanDiscounts(
        BorrowerType type, Product product, bool newInPeriod, bool firstLoan, decimal creditLine, long expected)
    {
        var snapshot = Build(Loan(type: type, product: product, creditLine: creditLine, firstLoan: firstLoan,
            disbursedOn: newInPeriod ? new LocalDate(2024, 6, 3) : Old));

        snapshot.NewFirstLoanEnterprises.Should().Be(expected);
    }

    [Test]
    public void Build_NewFirstLoanEnterprises_CountsEachBorrowerOnce()
    {
        var june = new LocalDate(2024, 6, 3);

        var snapshot = Build(
            Loan(borrower: "A", disbursedOn: june, firstLoan: true),
            Loan(borrower: "A", product: Product.Discount, disbursedOn: june, firstLoan: true),
            Loan(borrower: "A", disbursedOn: june.PlusDays(1), firstLoan: true),
            Loan(borrower: "B", type: BorrowerType.Micro, creditLine: 90_000_000m, disbursedOn: june, firstLoan: true),
            Loan(borrower: "C", disbursedOn: june, firstLoan: false));

        snapshot.NewFirstLoanEnterprises.Should().Be(2);
    }

    [Test]
    public void NewFirstLoanEnterprises_IsOneFigureUnderBothScopes_NotRepeatedInPboc()
    {
        var indicator = Indicator.All.Single(i => i.JsonName == "newFirstLoanEnterprises");

        var snapshot = Build(Loan(borrower: "At the cap", creditLine: 10_000_000m, disbursedOn: new LocalDate(2024, 6, 3), firstLoan: true));

        using (new AssertionScope())
        {
            indicator.PbocColumn.Should().BeNull();
            Indicator.PerScope.Should().NotContain(indicator);
            indicator.IsNullable.Should().BeTrue("a snapshot stored before it has it NULL until recomputed");
            snapshot.NewFirstLoanEnterprises.Should().Be(1);
            snapshot.Pboc!.NewFirstLoanEnterprises.Should().Be(1, "the PBoC 口径 reads the same figure");
            snapshot.Pboc.InclusiveBorrowers.Should().Be(0, "the borrower at the cap is not inclusive for the PBoC");
        }
    }

    [Test]
    public void Build_RowsRebuiltFromTheirExactValues_GivesTheSnapshotOfTheLedgerRead()
    {
        // A borrower whose balances pass its credit line (its effective line decides), one at the cap, one under it.
        var ledger = LedgerCsv.Ledger(
            LedgerCsv.Loan("L1", ("borrower_id", "A"), ("credit_line", "6000000"), ("balance", "6000000")),
            LedgerCsv.Loan("L2", ("borrower_id", "A"), ("credit_line", "6000000"), ("balance", "4000000.01"), ("classification", "doubtful")),
            LedgerCsv.Loan("L3", ("borrower_id", "B"), ("credit_line", "10000000"), ("balance", "10000000"), ("disbursed_on", "2022-06-03")),
            LedgerCsv.Loan("L4", ("borrower_id", "C"), ("borrower_type", "individual_business"), ("guarantee", "pledge"), ("industry", ""), ("region", "")));
        var sink = new RecordingSink();
        var read = LedgerCsv.Read(ledger, sink);
        var builder = new SnapshotBuilder(LedgerCsv.Period);

        foreach (var row in sink.Rows)
        {
            builder.Add(LedgerRow.FromFen(
                row.Line, row.LoanId, row.BorrowerId, row.CreditCode, row.BorrowerType, row.CreditLineFen, row.Product, row.Purpose,
                row.Guarantee, row.Classification, row.AmountFen, row.BalanceFen, row.DisbursedOn, row.MaturesOn, row.AnnualRateMicros,
                row.FirstLoan, row.Industry, row.Region));
        }

        read.IsValid.Should().BeTrue();
        builder.Build().Should().Be(read.Snapshot);
        read.Snapshot!.Pboc!.InclusiveBalance.Should().NotBe(read.Snapshot.InclusiveBalance, "the 口径 differ at the cap");
    }

    private static IndicatorSnapshot Build(params LedgerRow[] rows)
    {
        var builder = new SnapshotBuilder(Period);
        foreach (var row in rows)
        {
            builder.Add(row);
        }

        return builder.Build();
    }

    /// <summary>A valid row of an inclusive small-enterprise loan disbursed before the period, unless told otherwise.</summary>
    private static LedgerRow Loan(
        string borrower = "C1",
        BorrowerType type = BorrowerType.Small,
        decimal creditLine = 1_000_000m,
        Product product = Product.Loan,
        Purpose purpose = Purpose.Business,
        Guarantee guarantee = Guarantee.Mortgage,
        LoanClass classification = LoanClass.Normal,
        decimal amount = 100m,
        decimal balance = 100m,
        LocalDate? disbursedOn = null,
        decimal rate = 4m,
        bool firstLoan = false) => new()
        {
            BorrowerId = borrower,
            BorrowerType = type,
            CreditLine = creditLine,
            Product = product,
            Purpose = purpose,
            Guarantee = guarantee,
            Classification = classification,
            Amount = amount,
            Balance = balance,
            DisbursedOn = disbursedOn ?? Old,
            MaturesOn = (disbursedOn ?? Old).PlusYears(1),
            AnnualRate = rate,
            FirstLoan = firstLoan,
        };
}
