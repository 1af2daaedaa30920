namespace Compliance.Engine.Ledger;

/// <summary>客户类型. The numeric values are stored; never renumber them.</summary>
public enum BorrowerType
{
    Small = 1,
    Micro = 2,
    IndividualBusiness = 3,
    MicroOwner = 4,
    Medium = 5,
    Large = 6,
    Personal = 7,
    Other = 8,
}

/// <summary>业务品种. The numeric values are stored; never renumber them.</summary>
public enum Product
{
    Loan = 1,
    Discount = 2,
    Rediscount = 3,
    TradeFinance = 4,
}

/// <summary>贷款用途. The numeric values are stored; never renumber them.</summary>
public enum Purpose
{
    Business = 1,
    Consumer = 2,
}

/// <summary>担保方式. The numeric values are stored; never renumber them.</summary>
public enum Guarantee
{
    Credit = 1,
    Guarantee = 2,
    Mortgage = 3,
    Pledge = 4,
}

/// <summary>五级分类. The numeric values are stored; never renumber them.</summary>
public enum LoanClass
{
    Normal = 1,
    SpecialMention = 2,
    Substandard = 3,
    Doubtful = 4,
    Loss = 5,
}

/// <summary>The English and Chinese spellings of each enum value a ledger may carry.</summary>
public static class LedgerEnums
{
    private static readonly EnumTable<BorrowerType> BorrowerTypes = new(
        (BorrowerType.Small, "small", "小型企业"), (BorrowerType.Micro, "micro", "微型企业"),
        (BorrowerType.IndividualBusiness, "individual_business", "个体工商户"), (BorrowerType.MicroOwner, "micro_owner", "小微企业主"),
        (BorrowerType.Medium, "medium", "中型企业"), (BorrowerType.Large, "large", "大型企业"),
        (BorrowerType.Personal, "personal", "其他个人"), (BorrowerType.Other, "other", "其他"));

    private static readonly EnumTable<Product> Products = new(
        (Product.Loan, "loan", "贷款"), (Product.Discount, "discount", "票据贴现"),
        (Product.Rediscount, "rediscount", "转贴现"), (Product.TradeFinance, "trade_finance", "贸易融资"));

    private static readonly EnumTable<Purpose> Purposes = new(
        (Purpose.Business, "business", "经营"), (Purpose.Consumer, "consumer", "消费"));

    private static readonly EnumTable<Guarantee> Guarantees = new(
        (Guarantee.Credit, "credit", "信用"), (Guarantee.Guarantee, "guarantee", "保证"),
        (Guarantee.Mortgage, "mortgage", "抵押"), (Guarantee.Pledge, "pledge", "质押"));

    private static readonly EnumTable<LoanClass> Classes = new(
        (LoanClass.Normal, "normal", "正常"), (LoanClass.SpecialMention, "special_mention", "关注"),
        (LoanClass.Substandard, "substandard", "次级"), (LoanClass.Doubtful, "doubtful", "可疑"), (LoanClass.Loss, "loss", "损失"));

    private static readonly EnumTable<bool> Flags = new(
        (true, "Y", "是"), (true, "true", "1"), (false, "N", "否"), (false, "false", "0"));

    public static bool TryParse(ReadOnlySpan<char> text, out BorrowerType value) => BorrowerTypes.TryParse(text, out value);

    public static bool TryParse(ReadOnlySpan<char> text, out Product value) => Products.TryParse(text, out value);

    public static bool TryParse(ReadOnlySpan<char> text, out Purpose value) => Purposes.TryParse(text, out value);

    public static bool TryParse(ReadOnlySpan<char> text, out Guarantee value) => Guarantees.TryParse(text, out value);

    public static bool TryParse(ReadOnlySpan<char> text, out LoanClass value) => Classes.TryParse(text, out value);

    /// <summary>Parses a Y/N flag: <c>Y</c>/<c>N</c>, <c>是</c>/<c>否</c>, <c>true</c>/<c>false</c>, <c>1</c>/<c>0</c>.</summary>
    public static bool TryParseFlag(ReadOnlySpan<char> text, out bool value) => Flags.TryParse(text, out value);

    /// <summary>The English spelling of a borrower type, as the ledger writes it.</summary>
    public static string NameOf(BorrowerType value) => BorrowerTypes.NameOf(value);

    private sealed class EnumTable<T>
        where T : struct
    {
        private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly Dictionary<T, string> _names = [];

        public EnumTable(params (T Value, string English, string Chinese)[] entries)
        {
            var lookup = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
            foreach (var (value, english, chinese) in entries)
            {
                lookup[english] = value;
                lookup[chinese] = value;
                _names.TryAdd(value, english);
            }

            _lookup = lookup.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public bool TryParse(ReadOnlySpan<char> text, out T value) => _lookup.TryGetValue(text.Trim(), out value);

        public string NameOf(T value) => _names[value];
    }
}
