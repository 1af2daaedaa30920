using Compliance.Engine.Ledger;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>The enum tables of ledger.md: English or Chinese, trimmed, case-insensitive.</summary>
public sealed class LedgerEnumsTests
{
    [TestCase("small", BorrowerType.Small)]
    [TestCase("小型企业", BorrowerType.Small)]
    [TestCase("micro", BorrowerType.Micro)]
    [TestCase("微型企业", BorrowerType.Micro)]
    [TestCase("individual_business", BorrowerType.IndividualBusiness)]
    [TestCase("个体工商户", BorrowerType.IndividualBusiness)]
    [TestCase("micro_owner", BorrowerType.MicroOwner)]
    [TestCase("小微企业主", BorrowerType.MicroOwner)]
    [TestCase("medium", BorrowerType.Medium)]
    [TestCase("中型企业", BorrowerType.Medium)]
    [TestCase("large", BorrowerType.Large)]
    [TestCase("大型企业", BorrowerType.Large)]
    [TestCase("personal", BorrowerType.Personal)]
    [TestCase("其他个人", BorrowerType.Personal)]
    [TestCase("other", BorrowerType.Other)]
    [TestCase("其他", BorrowerType.Other)]
    [TestCase("  Micro_Owner ", BorrowerType.MicroOwner)]
    public void TryParse_BorrowerTypeSpelling_GivesItsValue(string text, BorrowerType expected)
    {
        var parsed = LedgerEnums.TryParse(text, out BorrowerType value);

        using (new AssertionScope())
        {
            parsed.Should().BeTrue();
            value.Should().Be(expected);
        }
    }

    [TestCase("loan", Product.Loan)]
    [TestCase("贷款", Product.Loan)]
    [TestCase("discount", Product.Discount)]
    [TestCase("票据贴现", Product.Discount)]
    [TestCase("rediscount", Product.Rediscount)]
    [TestCase("转贴现", Product.Rediscount)]
    [TestCase("trade_finance", Product.TradeFinance)]
    [TestCase("贸易融资", Product.TradeFinance)]
    public void TryParse_ProductSpelling_GivesItsValue(string text, Product expected)
    {
        var parsed = LedgerEnums.TryParse(text, out Product value);

        using (new AssertionScope())
        {
            parsed.Should().BeTrue();
            value.Should().Be(expected);
        }
    }

    [TestCase("business", Purpose.Business)]
    [TestCase("经营", Purpose.Business)]
    [TestCase("consumer", Purpose.Consumer)]
    [TestCase("消费", Purpose.Consumer)]
    public void TryParse_PurposeSpelling_GivesItsValue(string text, Purpose expected)
    {
        var parsed = LedgerEnums.TryParse(text, out Purpose value);

        using (new AssertionScope())
        {
            parsed.Should().BeTrue();
            value.Should().Be(expected);
        }
    }

    [TestCase("credit", Guarantee.Credit)]
    [TestCase("信用", Guarantee.Credit)]
    [TestCase("guarantee", Guarantee.Guarantee)]
    [TestCase("保证", Guarantee.Guarantee)]
    [TestCase("mortgage", Guarantee.Mortgage)]
    [TestCase("抵押", Guarantee.Mortgage)]
    [TestCase("pledge", Guarantee.Pledge)]
    [TestCase("质押", Guarantee.Pledge)]
    public void TryParse_GuaranteeSpelling_GivesItsValue(string text, Guarantee expected)
    {
        var parsed = LedgerEnums.TryParse(text, out Guarantee value);

        using (new AssertionScope())
        {
            parsed.Should().BeTrue();
            value.Should().Be(expected);
        }
    }

    [TestCase("normal", LoanClass.Normal)]
    [TestCase("正常", LoanClass.Normal)]
    [TestCase("special_mention", LoanClass.SpecialMention)]
    [TestCase("关注", LoanClass.SpecialMention)]
    [TestCase("substandard", LoanClass.Substandard)]
    [TestCase("次级", LoanClass.Substandard)]
    [TestCase("doubtful", LoanClass.Doubtful)]
    [TestCase("可疑", LoanClass.Doubtful)]
    [TestCase("loss", LoanClass.Loss)]
    [TestCase("损失", LoanClass.Loss)]
    public void TryParse_ClassificationSpelling_GivesItsValue(string text, LoanClass expected)
    {
        var parsed = LedgerEnums.TryParse(text, out LoanClass value);

        using (new AssertionScope())
        {
            parsed.Should().BeTrue();
            value.Should().Be(expected);
        }
    }

    [TestCase("Y", true)]
    [TestCase("y", true)]
    [TestCase("是", true)]
    [TestCase("true", true)]
    [TestCase("True", true)]
    [TestCase("1", true)]
    [TestCase("N", false)]
    [TestCase("否", false)]
    [TestCase("false", false)]
    [TestCase("0", false)]
    [TestCase(" n ", false)]
    public void TryParseFlag_FlagSpelling_GivesItsValue(string text, bool expected)
    {
        var parsed = LedgerEnums.TryParseFlag(text, out var value);

        using (new AssertionScope())
        {
            parsed.Should().BeTrue();
            value.Should().Be(expected);
        }
    }

    [TestCase("yes")]
    [TestCase("no")]
    [TestCase("2")]
    [TestCase("")]
    public void TryParseFlag_OtherText_Fails(string text)
    {
        var parsed = LedgerEnums.TryParseFlag(text, out _);

        parsed.Should().BeFalse();
    }

    [TestCase(BorrowerType.IndividualBusiness, "individual_business")]
    [TestCase(BorrowerType.MicroOwner, "micro_owner")]
    [TestCase(BorrowerType.Other, "other")]
    public void NameOf_BorrowerType_IsItsEnglishSpelling(BorrowerType type, string expected)
    {
        var name = LedgerEnums.NameOf(type);

        name.Should().Be(expected);
    }
}
