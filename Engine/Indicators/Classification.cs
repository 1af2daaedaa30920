using Compliance.Engine.Ledger;

namespace Compliance.Engine.Indicators;

/// <summary>What the engine derives of a loan (ledger.md, "Classification").</summary>
/// <remarks>
/// 普惠型小微 follows the CBIRC 口径: 单户授信总额 1000万元及以下 (inclusive of 10,000,000), which differs from the
/// PBoC statistic (below 1000万). 票据贴现 and 转贴现 count towards total loans but never as inclusive (Jiyuan guidance).
/// </remarks>
public static class Classification
{
    /// <summary>单户授信总额 cap of 普惠型小微, in yuan, inclusive.</summary>
    public const decimal InclusiveCreditLineCap = 10_000_000m;

    /// <summary>The cap in fen (分).</summary>
    public const long InclusiveCreditLineCapFen = 1_000_000_000;

    /// <summary>普惠型小微: a qualifying borrower type and purpose, credit line at most the cap, not a discount.</summary>
    public static bool IsInclusive(BorrowerType borrowerType, Purpose purpose, Product product, decimal creditLine) =>
        IsInclusive(borrowerType, purpose, product, (long)decimal.Ceiling(creditLine * 100m));

    /// <summary>普惠型小微, with the credit line in fen.</summary>
    public static bool IsInclusive(BorrowerType borrowerType, Purpose purpose, Product product, long creditLineFen)
    {
        if (product is Product.Discount or Product.Rediscount || creditLineFen > InclusiveCreditLineCapFen)
        {
            return false;
        }

        return borrowerType switch
        {
            BorrowerType.Small or BorrowerType.Micro => true,
            BorrowerType.IndividualBusiness or BorrowerType.MicroOwner => purpose == Purpose.Business,
            _ => false,
        };
    }

    /// <summary>不良: substandard, doubtful or loss.</summary>
    public static bool IsNonPerforming(LoanClass classification) =>
        classification is LoanClass.Substandard or LoanClass.Doubtful or LoanClass.Loss;

    /// <summary>信用贷款: no guarantee, mortgage or pledge.</summary>
    public static bool IsCreditLoan(Guarantee guarantee) => guarantee == Guarantee.Credit;

    /// <summary>个体工商户经营性贷款 (no credit-line cap).</summary>
    public static bool IsIndividualBusinessOperating(BorrowerType borrowerType, Purpose purpose) =>
        borrowerType == BorrowerType.IndividualBusiness && purpose == Purpose.Business;

    /// <summary>小微企业主和个体工商户经营性贷款.</summary>
    public static bool IsOperating(BorrowerType borrowerType, Purpose purpose) =>
        borrowerType is BorrowerType.IndividualBusiness or BorrowerType.MicroOwner && purpose == Purpose.Business;
}
