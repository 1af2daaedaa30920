namespace Compliance.Engine.Ledger;

/// <summary>The columns of a loan ledger (ledger.md), in their canonical order.</summary>
public enum LedgerColumn
{
    LoanId,
    BorrowerId,
    CreditCode,
    BorrowerType,
    CreditLine,
    Product,
    Purpose,
    Guarantee,
    Classification,
    Amount,
    Balance,
    DisbursedOn,
    MaturesOn,
    AnnualRate,
    FirstLoan,
    Industry,
    Region,
}

/// <summary>Names, Chinese aliases and requiredness of the ledger columns.</summary>
public static class LedgerColumns
{
    /// <summary>Every column, in canonical order.</summary>
    public static IReadOnlyList<LedgerColumn> All { get; } = Enum.GetValues<LedgerColumn>();

    private static readonly string[] Names =
    [
        "loan_id", "borrower_id", "credit_code", "borrower_type", "credit_line", "product", "purpose", "guarantee",
        "classification", "amount", "balance", "disbursed_on", "matures_on", "annual_rate", "first_loan", "industry", "region",
    ];

    private static readonly string[] Aliases =
    [
        "借据号", "客户号", "统一社会信用代码", "客户类型", "单户授信总额", "业务品种", "贷款用途", "担保方式",
        "五级分类", "发放金额", "贷款余额", "发放日期", "到期日期", "执行年利率", "首贷户标识", "行业", "地区代码",
    ];

    private static readonly Dictionary<string, LedgerColumn> ByHeader = BuildLookup();

    /// <summary>The canonical English name, as errors report it.</summary>
    public static string NameOf(LedgerColumn column) => Names[(int)column];

    /// <summary>The Chinese alias accepted in place of the English name.</summary>
    public static string AliasOf(LedgerColumn column) => Aliases[(int)column];

    /// <summary>Whether a ledger must carry the column.</summary>
    public static bool IsRequired(LedgerColumn column) =>
        column is not (LedgerColumn.CreditCode or LedgerColumn.Industry or LedgerColumn.Region);

    /// <summary>Matches a header (case-insensitively, ignoring surrounding spaces) to its column, English or Chinese.</summary>
    public static bool TryMatch(string header, out LedgerColumn column) =>
        ByHeader.TryGetValue(header.Trim().TrimStart('\uFEFF'), out column);

    private static Dictionary<string, LedgerColumn> BuildLookup()
    {
        var lookup = new Dictionary<string, LedgerColumn>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in Enum.GetValues<LedgerColumn>())
        {
            lookup[Names[(int)column]] = column;
            lookup[Aliases[(int)column]] = column;
        }

        return lookup;
    }
}
