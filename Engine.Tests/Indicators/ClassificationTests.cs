using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;

namespace Compliance.Engine.Tests.Indicators;

/// <summary>ledger.md, "Classification": 普惠型小微, 不良, 信用贷款, and the operating-loan groups of rules.md.</summary>
public sealed class ClassificationTests
{
    [Test]
    public void InclusiveCreditLineCap_Value_IsTenMillionYuanInclusive()
    {
        var cap = Classification.InclusiveCreditLineCap;

        cap.Should().Be(10_000_000m);
    }

    [TestCase(BorrowerType.Small, Purpose.Business, "10000000", true)]
    [TestCase(BorrowerType.Small, Purpose.Business, "10000000.01", false)]
    [TestCase(BorrowerType.Small, Purpose.Business, "9999999.99", true)]
    [TestCase(BorrowerType.Small, Purpose.Business, "0", true)]
    [TestCase(BorrowerType.Micro, Purpose.Business, "10000000", true)]
    [TestCase(BorrowerType.Micro, Purpose.Business, "10000000.01", false)]
    [TestCase(BorrowerType.IndividualBusiness, Purpose.Business, "10000000", true)]
    [TestCase(BorrowerType.IndividualBusiness, Purpose.Business, "10000000.01", false)]
    [TestCase(BorrowerType.MicroOwner, Purpose.Business, "10000000", true)]
    [TestCase(BorrowerType.MicroOwner, Purpose.Business, "10000000.01", false)]
    public void IsInclusive_CreditLineAroundTheCap_IncludesTheCapItself(BorrowerType type, Purpose purpose, decimal creditLine, bool expected)
    {
        var inclusive = Classification.IsInclusive(type, purpose, Product.Loan, creditLine);

        inclusive.Should().Be(expected);
    }

    [TestCase(BorrowerType.Small, Purpose.Consumer, true)]
    [TestCase(BorrowerType.Micro, Purpose.Consumer, true)]
    [TestCase(BorrowerType.IndividualBusiness, Purpose.Consumer, false)]
    [TestCase(BorrowerType.MicroOwner, Purpose.Consumer, false)]
    public void IsInclusive_ConsumerPurpose_ExcludesOnlyIndividualsAndOwners(BorrowerType type, Purpose purpose, bool expected)
    {
        var inclusive = Classification.IsInclusive(type, purpose, Product.Loan, 1_000_000m);

        inclusive.Should().Be(expected);
    }

    [TestCase(BorrowerType.Medium, Purpose.Business)]
    [TestCase(BorrowerType.Medium, Purpose.Consumer)]
    [TestCase(BorrowerType.Large, Purpose.Business)]
    [TestCase(BorrowerType.Personal, Purpose.Business)]
    [TestCase(BorrowerType.Personal, Purpose.Consumer)]
    [TestCase(BorrowerType.Other, Purpose.Business)]
    public void IsInclusive_OtherBorrowerTypes_NeverCountEvenUnderTheCap(BorrowerType type, Purpose purpose)
    {
        var inclusive = Classification.IsInclusive(type, purpose, Product.Loan, 100_000m);

        inclusive.Should().BeFalse();
    }

    [TestCase(Product.Loan, true)]
    [TestCase(Product.TradeFinance, true)]
    [TestCase(Product.Discount, false)]
    [TestCase(Product.Rediscount, false)]
    public void IsInclusive_Product_ExcludesDiscountAndRediscount(Product product, bool expected)
    {
        var inclusive = Classification.IsInclusive(BorrowerType.Micro, Purpose.Business, product, 1_000_000m);

        inclusive.Should().Be(expected);
    }

    [TestCase(BorrowerType.Small)]
    [TestCase(BorrowerType.Micro)]
    [TestCase(BorrowerType.IndividualBusiness)]
    [TestCase(BorrowerType.MicroOwner)]
    public void IsInclusive_DiscountOfAQualifyingBorrower_NeverCounts(BorrowerType type)
    {
        var discount = Classification.IsInclusive(type, Purpose.Business, Product.Discount, 1_000m);
        var rediscount = Classification.IsInclusive(type, Purpose.Business, Product.Rediscount, 1_000m);

        (discount || rediscount).Should().BeFalse();
    }

    [TestCase(LoanClass.Normal, false)]
    [TestCase(LoanClass.SpecialMention, false)]
    [TestCase(LoanClass.Substandard, true)]
    [TestCase(LoanClass.Doubtful, true)]
    [TestCase(LoanClass.Loss, true)]
    public void IsNonPerforming_Classification_IsSubstandardOrWorse(LoanClass classification, bool expected)
    {
        var nonPerforming = Classification.IsNonPerforming(classification);

        nonPerforming.Should().Be(expected);
    }

    [TestCase(Guarantee.Credit, true)]
    [TestCase(Guarantee.Guarantee, false)]
    [TestCase(Guarantee.Mortgage, false)]
    [TestCase(Guarantee.Pledge, false)]
    public void IsCreditLoan_Guarantee_IsCreditOnly(Guarantee guarantee, bool expected)
    {
        var credit = Classification.IsCreditLoan(guarantee);

        credit.Should().Be(expected);
    }

    [TestCase(BorrowerType.IndividualBusiness, Purpose.Business, true)]
    [TestCase(BorrowerType.IndividualBusiness, Purpose.Consumer, false)]
    [TestCase(BorrowerType.MicroOwner, Purpose.Business, false)]
    [TestCase(BorrowerType.Small, Purpose.Business, false)]
    public void IsIndividualBusinessOperating_TypeAndPurpose_IsIndividualBusinessForBusiness(BorrowerType type, Purpose purpose, bool expected)
    {
        var operating = Classification.IsIndividualBusinessOperating(type, purpose);

        operating.Should().Be(expected);
    }

    [TestCase(BorrowerType.IndividualBusiness, Purpose.Business, true)]
    [TestCase(BorrowerType.MicroOwner, Purpose.Business, true)]
    [TestCase(BorrowerType.IndividualBusiness, Purpose.Consumer, false)]
    [TestCase(BorrowerType.MicroOwner, Purpose.Consumer, false)]
    [TestCase(BorrowerType.Small, Purpose.Business, false)]
    [TestCase(BorrowerType.Micro, Purpose.Business, false)]
    [TestCase(BorrowerType.Personal, Purpose.Business, false)]
    public void IsOperating_TypeAndPurpose_IsIndividualOrOwnerForBusiness(BorrowerType type, Purpose purpose, bool expected)
    {
        var operating = Classification.IsOperating(type, purpose);

        operating.Should().Be(expected);
    }
}
