using Compliance.Engine.Ledger;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>The value checks of ledger.md's "Validation", each through <see cref="LedgerReader.ReadCsv"/> as a client sends it.</summary>
public sealed class LedgerValidatorTests
{
    [TestCase("loan_id", "")]
    [TestCase("loan_id", "   ")]
    [TestCase("borrower_id", "")]
    [TestCase("borrower_type", "")]
    [TestCase("credit_line", "")]
    [TestCase("product", "")]
    [TestCase("purpose", "")]
    [TestCase("guarantee", "")]
    [TestCase("classification", "")]
    [TestCase("amount", "")]
    [TestCase("balance", " ")]
    [TestCase("disbursed_on", "")]
    [TestCase("matures_on", "")]
    [TestCase("annual_rate", "")]
    [TestCase("first_loan", "")]
    public void ReadCsv_RequiredValueEmpty_IsE002(string column, string value)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L0"), LedgerCsv.Loan("L1", (column, value)));

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal($"E002 3 {column}");
    }

    [TestCase("borrower_type", "tiny")]
    [TestCase("borrower_type", "小型")]
    [TestCase("product", "loans")]
    [TestCase("purpose", "personal")]
    [TestCase("guarantee", "none")]
    [TestCase("classification", "bad")]
    [TestCase("first_loan", "X")]
    [TestCase("first_loan", "yes")]
    [TestCase("first_loan", "2")]
    [TestCase("credit_line", "abc")]
    [TestCase("credit_line", "3,000,000")]
    [TestCase("credit_line", "3000000.001")]
    [TestCase("amount", "1e6")]
    [TestCase("amount", "1000000.123")]
    [TestCase("amount", "0.001")]
    [TestCase("balance", "800000.005")]
    [TestCase("disbursed_on", "2022-02-30")]
    [TestCase("disbursed_on", "2021-02-29")]
    [TestCase("disbursed_on", "2022/01/15")]
    [TestCase("disbursed_on", "2022-1-15")]
    [TestCase("disbursed_on", "15.01.2022")]
    [TestCase("matures_on", "2023-13-01")]
    [TestCase("matures_on", "2023-04-31")]
    [TestCase("annual_rate", "4,35")]
    [TestCase("annual_rate", "4.35%")]
    [TestCase("industry", "U")]
    [TestCase("industry", "CF")]
    [TestCase("region", "37130")]
    [TestCase("region", "37130A")]
    public void ReadCsv_ValueNotOfItsType_IsE002(string column, string value)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", (column, value)));

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal($"E002 2 {column}");
            result.Snapshot.Should().BeNull();
        }
    }

    [TestCase("loan_id")]
    [TestCase("borrower_id")]
    public void ReadCsv_IdOf65Characters_IsE002(string column)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", (column, new string('9', 65))));

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal($"E002 2 {column}");
    }

    [TestCase("loan_id")]
    [TestCase("borrower_id")]
    public void ReadCsv_IdOf64Characters_IsAccepted(string column)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", (column, new string('9', 64))));

        var result = LedgerCsv.Read(text);

        result.IsValid.Should().BeTrue();
    }

    [TestCase("borrower_type", " MICRO ")]
    [TestCase("borrower_type", "微型企业")]
    [TestCase("borrower_type", "Individual_Business")]
    [TestCase("product", "Trade_Finance")]
    [TestCase("product", "贸易融资")]
    [TestCase("purpose", "经营")]
    [TestCase("guarantee", "保证")]
    [TestCase("guarantee", "抵押")]
    [TestCase("guarantee", "质押")]
    [TestCase("classification", "SPECIAL_MENTION")]
    [TestCase("classification", "关注")]
    [TestCase("classification", "损失")]
    [TestCase("first_loan", "y")]
    [TestCase("first_loan", "是")]
    [TestCase("first_loan", "否")]
    [TestCase("first_loan", "true")]
    [TestCase("first_loan", "FALSE")]
    [TestCase("first_loan", "1")]
    [TestCase("first_loan", "0")]
    [TestCase("amount", "1000000.5")]
    [TestCase("amount", " 1000000.50 ")]
    [TestCase("balance", "0")]
    [TestCase("balance", "0.01")]
    [TestCase("disbursed_on", "2020-02-29")]
    [TestCase("disbursed_on", " 2022-01-15 ")]
    [TestCase("industry", "c")]
    [TestCase("industry", "A")]
    [TestCase("industry", "T")]
    [TestCase("industry", "")]
    [TestCase("region", "")]
    [TestCase("credit_line", "0")]
    public void ReadCsv_ValueInAnAcceptedSpelling_IsAccepted(string column, string value)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", (column, value)));

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            result.Errors.Should().BeEmpty();
            result.Snapshot.Should().NotBeNull();
        }
    }

    [TestCase("是", true)]
    [TestCase("Y", true)]
    [TestCase("1", true)]
    [TestCase("否", false)]
    [TestCase("n", false)]
    [TestCase("0", false)]
    public void ReadCsv_FirstLoanFlag_ParsesToItsValue(string flag, bool expected)
    {
        var sink = new RecordingSink();

        LedgerCsv.Read(LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("first_loan", flag))), sink);

        sink.Rows.Should().ContainSingle().Which.FirstLoan.Should().Be(expected);
    }

    [Test]
    public void ReadCsv_LowerCaseIndustry_IsStoredUpperCase()
    {
        var sink = new RecordingSink();

        LedgerCsv.Read(LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("industry", "h"))), sink);

        sink.Rows.Should().ContainSingle().Which.Industry.Should().Be('H');
    }

    [Test]
    public void ReadCsv_LoanIdTwice_IsE003OnTheSecond()
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1"), LedgerCsv.Loan("L2"), LedgerCsv.Loan("L1"));

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E003 4 loan_id");
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadCsv_LoanIdsDifferingInCase_AreDistinct()
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1"), LedgerCsv.Loan("l1"));

        var result = LedgerCsv.Read(text);

        result.IsValid.Should().BeTrue();
    }

    [TestCase("amount", "0")]
    [TestCase("amount", "0.00")]
    [TestCase("amount", "-1")]
    [TestCase("balance", "-0.01")]
    [TestCase("credit_line", "-1")]
    public void ReadCsv_NegativeOrZeroAmount_IsE004(string column, string value)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", (column, value)));

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal($"E004 2 {column}");
    }

    [TestCase("2022-07-01", "2023-01-01", "E005 2 disbursed_on")]
    [TestCase("2023-01-15", "2024-01-01", "E005 2 disbursed_on")]
    [TestCase("2022-01-15", "2022-01-14", "E005 2 matures_on")]
    public void ReadCsv_DatesOutOfOrder_IsE005(string disbursedOn, string maturesOn, string expected)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("disbursed_on", disbursedOn), ("matures_on", maturesOn)));

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal(expected);
    }

    [TestCase("2022-06-30", "2022-12-31")]
    [TestCase("2022-06-30", "2022-06-30")]
    [TestCase("2022-01-15", "2022-01-15")]
    [TestCase("2020-01-15", "2021-01-14")]
    public void ReadCsv_DatesOnTheirBoundaries_AreAccepted(string disbursedOn, string maturesOn)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("disbursed_on", disbursedOn), ("matures_on", maturesOn)));

        var result = LedgerCsv.Read(text);

        result.Errors.Should().BeEmpty();
    }

    [TestCase("borrower_type", "small", "E006 3 borrower_type")]
    [TestCase("borrower_type", "个体工商户", "E006 3 borrower_type")]
    [TestCase("credit_line", "3000000.01", "E006 3 credit_line")]
    [TestCase("credit_line", "2999999.99", "E006 3 credit_line")]
    public void ReadCsv_BorrowerInconsistentAcrossRows_IsE006(string column, string value, string expected)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1"), LedgerCsv.Loan("L2", (column, value)));

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal(expected);
            result.Snapshot.Should().BeNull();
        }
    }

    [TestCase("borrower_type", " MICRO ")]
    [TestCase("borrower_type", "微型企业")]
    [TestCase("credit_line", "3000000.00")]
    public void ReadCsv_BorrowerRepeatedInAnotherSpelling_IsConsistent(string column, string value)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1"), LedgerCsv.Loan("L2", (column, value)));

        var result = LedgerCsv.Read(text);

        result.IsValid.Should().BeTrue();
    }

    [Test]
    public void ReadCsv_OtherBorrowerWithOtherTypeAndLine_IsConsistent()
    {
        var text = LedgerCsv.Ledger(
            LedgerCsv.Loan("L1"),
            LedgerCsv.Loan("L2", ("borrower_id", "C2"), ("borrower_type", "large"), ("credit_line", "900000000")));

        var result = LedgerCsv.Read(text);

        result.IsValid.Should().BeTrue();
    }

    [Test]
    public void ReadCsv_BorrowerInconsistentOnARowWithAnotherError_ReportsBothErrors()
    {
        // ledger.md: the response says every error, so a client need not resubmit to discover the second one.
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1"), LedgerCsv.Loan("L2", ("borrower_type", "small"), ("region", "X")));

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().BeEquivalentTo("E006 3 borrower_type", "E002 3 region");
    }

    [TestCase("91100000100003962T")]
    [TestCase("91371300MA3C1XY40W")]
    [TestCase(" 91100000100003962T ")]
    [TestCase("")]
    public void ReadCsv_CreditCodeValidOrAbsent_IsAccepted(string code)
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("credit_code", code))), sink);

        using (new AssertionScope())
        {
            result.Errors.Should().BeEmpty();
            sink.Rows.Should().ContainSingle().Which.CreditCode.Should().Be(code.Length == 0 ? null : code.Trim());
        }
    }

    [TestCase("91100000100003962U")]
    [TestCase("91371300MA3C1XY40X")]
    [TestCase("91371300ma3c1xy40w")]
    [TestCase("9110000010000396")]
    [TestCase("91100000100003962T0")]
    [TestCase("91I00000100003962T")]
    public void ReadCsv_CreditCodeInvalid_IsE007(string code)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("credit_code", code)));

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E007 2 credit_code");
    }

    [TestCase("0")]
    [TestCase("0.00")]
    [TestCase("36")]
    [TestCase("36.00")]
    [TestCase("35.99")]
    public void ReadCsv_RateWithinZeroToThirtySix_IsAccepted(string rate)
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("annual_rate", rate))), sink);

        using (new AssertionScope())
        {
            result.Errors.Should().BeEmpty();
            sink.Rows.Should().ContainSingle().Which.AnnualRate.Should().Be(decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [TestCase("36.01")]
    [TestCase("36.0001")]
    [TestCase("-0.01")]
    [TestCase("435")]
    public void ReadCsv_RateOutsideZeroToThirtySix_IsE010(string rate)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("annual_rate", rate)));

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E010 2 annual_rate");
    }

    [Test]
    public void ReadCsv_BalanceAboveAmount_IsW001AndStillAccepted()
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("amount", "1000000"), ("balance", "1000000.01")));

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            LedgerCsv.Describe(result.Warnings).Should().Equal("W001 2 balance");
            result.WarningCount.Should().Be(1);
            result.Snapshot!.TotalBalance.Should().Be(1_000_000.01m);
        }
    }

    [Test]
    public void ReadCsv_BalanceEqualToAmount_IsNoWarning()
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("amount", "1000000"), ("balance", "1000000.00")));

        var result = LedgerCsv.Read(text);

        result.Warnings.Should().BeEmpty();
    }

    [Test]
    public void ReadCsv_SeveralErrorsInOneRecord_ReportsEach()
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1", ("amount", "x"), ("annual_rate", "40"), ("credit_code", "123")));

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().BeEquivalentTo("E002 2 amount", "E010 2 annual_rate", "E007 2 credit_code");
            result.ErrorCount.Should().Be(3);
        }
    }

    [Test]
    public void ReadCsv_ErrorOnThirdRecord_SinkReceivesNoRowAfterIt()
    {
        var text = LedgerCsv.Ledger(
            LedgerCsv.Loan("L1"),
            LedgerCsv.Loan("L2"),
            LedgerCsv.Loan("L3", ("balance", "-5")),
            LedgerCsv.Loan("L4"),
            LedgerCsv.Loan("L5", ("annual_rate", "99")),
            LedgerCsv.Loan("L6"));
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(text, sink);

        using (new AssertionScope())
        {
            sink.Rows.Select(r => r.LoanId).Should().Equal("L1", "L2");
            LedgerCsv.Describe(result.Errors).Should().Equal("E004 4 balance", "E010 6 annual_rate");
            result.Rows.Should().Be(6);
            result.IsValid.Should().BeFalse();
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadCsv_ValidLedger_SinkReceivesEveryRowInOrder()
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1"), LedgerCsv.Loan("L2", ("balance", "0")), LedgerCsv.Loan("L3"));
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(text, sink);

        using (new AssertionScope())
        {
            sink.Rows.Select(r => (r.LoanId, r.Line, r.Balance)).Should().Equal(("L1", 2L, 800_000m), ("L2", 3L, 0m), ("L3", 4L, 800_000m));
            result.Snapshot!.TotalBalance.Should().Be(1_600_000m);
        }
    }
}
