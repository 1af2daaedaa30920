using Compliance.Engine.Ledger;

namespace Compliance.Engine.Indicators;

/// <summary>What the engine derives of a loan (ledger.md, "Classification").</summary>
/// <remarks>
/// Two 口径 of inclusive lending, on the borrower's effective credit line (the larger of its credit line and the sum
/// of its balances): the CBIRC 普惠型小微企业贷款, 单户授信总额 1000万元及以下 (10,000,000 included), and the PBoC
/// 普惠小微贷款, 单户授信小于1000万元 (10,000,000 excluded). 票据贴现 and 转贴现 count towards total loans but never
/// as inclusive (Jiyuan guidance).
/// </remarks>
public static class Classification
{
    /// <summary>单户授信总额 cap of 普惠型小微, in yuan, inclusive.</summary>
    public const decimal InclusiveCreditLineCap = 10_000_000m;

    /// <summary>The cap in fen (分).</summary>
    public const long InclusiveCreditLineCapFen = 1_000_000_000;

    /// <summary>
    /// Whether a loan qualifies as inclusive but for its borrower's credit line: a small or micro enterprise, or an
    /// individual business or micro-enterprise owner borrowing for business, and not a discount.
    /// </summary>
    public static bool Qualifies(BorrowerType borrowerType, Purpose purpose, Product product) =>
        product is not (Product.Discount or Product.Rediscount) && borrowerType switch
        {
            BorrowerType.Small or BorrowerType.Micro => true,
            BorrowerType.IndividualBusiness or BorrowerType.MicroOwner => purpose == Purpose.Business,
            _ => false,
        };

    /// <summary>The CBIRC 口径's test of an effective credit line, in fen: at most 1000万, included.</summary>
    public static bool PassesCbirc(long effectiveLineFen) => effectiveLineFen <= InclusiveCreditLineCapFen;

    /// <summary>The PBoC 口径's test of an effective credit line, in fen: below 1000万.</summary>
    public static bool PassesPboc(long effectiveLineFen) => effectiveLineFen < InclusiveCreditLineCapFen;

    /// <summary>A borrower's effective credit line (ledger.md): what it has drawn is at least what it was granted.</summary>
    public static long EffectiveLineFen(long creditLineFen, long balanceSumFen) => Math.Max(creditLineFen, balanceSumFen);

    /// <summary>普惠型小微 (CBIRC 口径) of one loan whose borrower's effective line is its credit line.</summary>
    public static bool IsInclusive(BorrowerType borrowerType, Purpose purpose, Product product, decimal creditLine) =>
        IsInclusive(borrowerType, purpose, product, (long)decimal.Ceiling(creditLine * 100m));

    /// <summary>普惠型小微, with the credit line in fen.</summary>
    public static bool IsInclusive(BorrowerType borrowerType, Purpose purpose, Product product, long creditLineFen) =>
        PassesCbirc(creditLineFen) && Qualifies(borrowerType, purpose, product);

    /// <summary>
    /// Whether the 2023 risk-classification measures (Art. 7) look at a borrower: non-retail ones (enterprises);
    /// individuals and others are retail.
    /// </summary>
    public static bool IsNonRetail(BorrowerType borrowerType) =>
        borrowerType is BorrowerType.Small or BorrowerType.Micro or BorrowerType.Medium or BorrowerType.Large;

    /// <summary>
    /// Whether a row may count towards 新增小微企业法人首贷户: a small or micro enterprise (a legal person, not a natural
    /// person such as an individual business or an owner) on a loan that is not a 票据贴现 or 转贴现. No credit-line test.
    /// </summary>
    public static bool IsFirstLoanEnterpriseRow(BorrowerType borrowerType, Product product) =>
        borrowerType is BorrowerType.Small or BorrowerType.Micro && product is not (Product.Discount or Product.Rediscount);

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
