using Compliance.Engine.Ledger;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>The column table of ledger.md: canonical names, Chinese aliases, requiredness and header matching.</summary>
public sealed class LedgerColumnTests
{
    [TestCase(LedgerColumn.LoanId, "loan_id", "借据号", true)]
    [TestCase(LedgerColumn.BorrowerId, "borrower_id", "客户号", true)]
    [TestCase(LedgerColumn.CreditCode, "credit_code", "统一社会信用代码", false)]
    [TestCase(LedgerColumn.BorrowerType, "borrower_type", "客户类型", true)]
    [TestCase(LedgerColumn.CreditLine, "credit_line", "单户授信总额", true)]
    [TestCase(LedgerColumn.Product, "product", "业务品种", true)]
    [TestCase(LedgerColumn.Purpose, "purpose", "贷款用途", true)]
    [TestCase(LedgerColumn.Guarantee, "guarantee", "担保方式", true)]
    [TestCase(LedgerColumn.Classification, "classification", "五级分类", true)]
    [TestCase(LedgerColumn.Amount, "amount", "发放金额", true)]
    [TestCase(LedgerColumn.Balance, "balance", "贷款余额", true)]
    [TestCase(LedgerColumn.DisbursedOn, "disbursed_on", "发放日期", true)]
    [TestCase(LedgerColumn.MaturesOn, "matures_on", "到期日期", true)]
    [TestCase(LedgerColumn.AnnualRate, "annual_rate", "执行年利率", true)]
    [TestCase(LedgerColumn.FirstLoan, "first_loan", "首贷户标识", true)]
    [TestCase(LedgerColumn.Industry, "industry", "行业", false)]
    [TestCase(LedgerColumn.Region, "region", "地区代码", false)]
    public void Column_OfTheSpecTable_HasItsNameAliasAndRequiredness(LedgerColumn column, string name, string alias, bool required)
    {
        var matchedByName = LedgerColumns.TryMatch(name, out var byName);
        var matchedByAlias = LedgerColumns.TryMatch(alias, out var byAlias);

        using (new AssertionScope())
        {
            LedgerColumns.NameOf(column).Should().Be(name);
            LedgerColumns.AliasOf(column).Should().Be(alias);
            LedgerColumns.IsRequired(column).Should().Be(required);
            matchedByName.Should().BeTrue();
            byName.Should().Be(column);
            matchedByAlias.Should().BeTrue();
            byAlias.Should().Be(column);
        }
    }

    [Test]
    public void All_Columns_AreTheSeventeenOfTheSpecInCanonicalOrder()
    {
        var names = LedgerColumns.All.Select(LedgerColumns.NameOf);

        names.Should().Equal(LedgerCsv.Header.Split(','));
    }

    [TestCase(" Loan_ID ")]
    [TestCase("LOAN_ID")]
    [TestCase("\uFEFFloan_id")]
    [TestCase("\t借据号 ")]
    public void TryMatch_HeaderInOtherCaseOrPadded_MatchesItsColumn(string header)
    {
        var matched = LedgerColumns.TryMatch(header, out var column);

        using (new AssertionScope())
        {
            matched.Should().BeTrue();
            column.Should().Be(LedgerColumn.LoanId);
        }
    }

    [TestCase("loan id")]
    [TestCase("loanid")]
    [TestCase("借据")]
    [TestCase("")]
    public void TryMatch_OtherHeader_DoesNotMatch(string header)
    {
        var matched = LedgerColumns.TryMatch(header, out _);

        matched.Should().BeFalse();
    }
}
