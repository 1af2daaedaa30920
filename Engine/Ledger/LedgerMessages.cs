using System.Globalization;
using System.Text;

namespace Compliance.Engine.Ledger;

/// <summary>
/// The text of one kind of ledger error or warning, in Chinese and in English side by side: composite formats over the
/// same arguments ({0}, {1}, …). An issue keeps the name of its message and its arguments, so it is written in the
/// language of whoever reads it, whenever they read it.
/// </summary>
public sealed class LedgerMessage
{
    private readonly CompositeFormat _zh;
    private readonly CompositeFormat _en;

    public LedgerMessage(string name, string zh, string en)
    {
        Name = name;
        _zh = CompositeFormat.Parse(zh);
        _en = CompositeFormat.Parse(en);
    }

    /// <summary>The stable name an issue is stored with.</summary>
    public string Name { get; }

    /// <summary>The message with its arguments, in <paramref name="language"/>.</summary>
    public string Format(Language language, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return string.Format(CultureInfo.InvariantCulture, language == Language.Zh ? _zh : _en, [.. arguments]);
    }
}

/// <summary>Every message of ledger.md's errors and warnings.</summary>
public static class LedgerMessages
{
    // The body as a whole (E009, E008).
    public static readonly LedgerMessage NotInCharset = new(nameof(NotInCharset),
        "正文不是有效的 {0} 编码；请声明其实际字符集（utf-8 或 gb18030）。",
        "The body is not valid {0}; declare the charset it is written in (utf-8 or gb18030).");

    public static readonly LedgerMessage ReadsAsGb18030 = new(nameof(ReadsAsGb18030),
        "正文不是有效的 UTF-8 编码，但可按 GB18030（GBK）无误读取：请以 Content-Type: text/csv; charset=gb18030 重新报送（并使用新的 Idempotency-Key）。",
        "The body is not valid UTF-8, but it reads as GB18030 (GBK) without error: send it again with Content-Type: text/csv; charset=gb18030 (and a new Idempotency-Key).");

    public static readonly LedgerMessage RecordTooLong = new(nameof(RecordTooLong),
        "有一条记录超过 {0} 个字符；正文不是台账 CSV。", "A record is longer than {0} characters; the body is not a ledger CSV.");

    public static readonly LedgerMessage MalformedCsv = new(nameof(MalformedCsv),
        "正文不是格式正确的 CSV（引号未闭合或位置不当）。", "The body is not well-formed CSV (an unclosed or misplaced quote).");

    public static readonly LedgerMessage Empty = new(nameof(Empty), "台账没有任何数据行。", "The ledger has no rows.");

    public static readonly LedgerMessage MalformedJson = new(nameof(MalformedJson), "正文不是格式正确的 JSON。", "The body is not well-formed JSON.");

    public static readonly LedgerMessage TokenTooLong = new(nameof(TokenTooLong),
        "正文中有超过 {0} 字节的单个记号；正文不是台账。", "The body has a token longer than {0} bytes; it is not a ledger.");

    public static readonly LedgerMessage NotLoansObject = new(nameof(NotLoansObject),
        "正文不是 JSON 对象 {{\"loans\": [ … ]}}。", "The body is not a JSON object {{\"loans\": [ … ]}}.");

    public static readonly LedgerMessage OnlyLoansKey = new(nameof(OnlyLoansKey),
        "正文须为 {{\"loans\": [ … ]}}，且只有 \"loans\" 一个键。", "The body must be {{\"loans\": [ … ]}}, with the one key \"loans\".");

    public static readonly LedgerMessage LoansNotArray = new(nameof(LoansNotArray), "\"loans\" 不是数组。", "\"loans\" is not an array.");

    public static readonly LedgerMessage ContentAfterLoans = new(nameof(ContentAfterLoans),
        "{{\"loans\": [ … ]}} 之后还有内容。", "The body has content after {{\"loans\": [ … ]}}.");

    // One JSON loan or NDJSON line (E009, E012, W002).
    public static readonly LedgerMessage LineTooLong = new(nameof(LineTooLong),
        "第 {0} 行超过 {1} 字节；不是贷款对象。", "Line {0} is longer than {1} bytes; it is not a loan object.");

    public static readonly LedgerMessage LineNotUtf8 = new(nameof(LineNotUtf8), "第 {0} 行不是有效的 UTF-8 编码。", "Line {0} is not valid UTF-8.");

    public static readonly LedgerMessage LineNotObject = new(nameof(LineNotObject), "第 {0} 行不是 JSON 对象。", "Line {0} is not a JSON object.");

    public static readonly LedgerMessage LineMalformed = new(nameof(LineMalformed), "第 {0} 行不是格式正确的 JSON 对象。", "Line {0} is not a well-formed JSON object.");

    public static readonly LedgerMessage LineNested = new(nameof(LineNested),
        "第 {0} 行有取值为对象或数组的键；取值只能是字符串、数字、true、false 或 null。",
        "Line {0} has an object or array as a value; values are strings, numbers, true, false or null.");

    public static readonly LedgerMessage LineLoneSurrogate = new(nameof(LineLoneSurrogate),
        "第 {0} 行有含孤立代理项转义（如 \\ud800）的字符串，不是文本。",
        "Line {0} has a string with a lone surrogate escape (such as \\ud800), which is not text.");

    public static readonly LedgerMessage LoanNotObject = new(nameof(LoanNotObject), "loans[{0}] 不是对象。", "loans[{0}] is not an object.");

    public static readonly LedgerMessage LoanNested = new(nameof(LoanNested),
        "loans[{0}] 有取值为对象或数组的键；取值只能是字符串、数字、true、false 或 null。",
        "loans[{0}] has an object or array as a value; values are strings, numbers, true, false or null.");

    public static readonly LedgerMessage LoanKeyNotText = new(nameof(LoanKeyNotText),
        "loans[{0}] 有不是文本的键（无效的 UTF-8 或孤立代理项转义）。",
        "loans[{0}] has a key that is not text (invalid UTF-8 or a lone surrogate escape).");

    public static readonly LedgerMessage LoanValueNotText = new(nameof(LoanValueNotText),
        "loans[{0}] 有不是文本的字符串（无效的 UTF-8 或孤立代理项转义）。",
        "loans[{0}] has a string that is not text (invalid UTF-8 or a lone surrogate escape).");

    public static readonly LedgerMessage ObjectNamesTwice = new(nameof(ObjectNamesTwice),
        "该对象重复给出 {0}（别名视同其列）。", "The object names {0} more than once (an alias counts as its column).");

    public static readonly LedgerMessage UnknownKey = new(nameof(UnknownKey), "未知的键“{0}”，已忽略。", "Unknown key '{0}' is ignored.");

    // The CSV header and records (E001, E011, E012, W002).
    public static readonly LedgerMessage FieldCount = new(nameof(FieldCount),
        "该记录有 {0} 个字段，而表头有 {1} 个。", "The record has {0} fields; the header has {1}.");

    public static readonly LedgerMessage UnknownColumn = new(nameof(UnknownColumn), "未知的列“{0}”，已忽略。", "Unknown column '{0}' is ignored.");

    public static readonly LedgerMessage HeaderNamesTwice = new(nameof(HeaderNamesTwice),
        "表头重复给出 {0}（别名视同其列）。", "The header names {0} more than once (an alias counts as its column).");

    public static readonly LedgerMessage MissingColumn = new(nameof(MissingColumn),
        "表头缺少必需的列 {0}（{1}）。", "The required column {0} ({1}) is missing from the header.");

    // Values (E002 – E007, E010, W001).
    public static readonly LedgerMessage DisbursedAfterPeriod = new(nameof(DisbursedAfterPeriod),
        "disbursed_on {0} 晚于报告期最后一天 {1}。", "disbursed_on {0} is after the period's last day {1}.");

    public static readonly LedgerMessage MaturesBeforeDisbursed = new(nameof(MaturesBeforeDisbursed),
        "matures_on {0} 早于 disbursed_on {1}。", "matures_on {0} is before disbursed_on {1}.");

    public static readonly LedgerMessage DuplicateLoan = new(nameof(DuplicateLoan), "loan_id“{0}”出现不止一次。", "loan_id '{0}' appears more than once.");

    public static readonly LedgerMessage BalanceAboveAmount = new(nameof(BalanceAboveAmount),
        "balance {0} 大于 amount {1}。", "balance {0} is greater than amount {1}.");

    public static readonly LedgerMessage BorrowerTypeDiffers = new(nameof(BorrowerTypeDiffers),
        "borrower_id“{0}”在此行的 borrower_type 为 {1}，而在之前的行为 {2}。",
        "borrower_id '{0}' has borrower_type {1} here and {2} on an earlier row.");

    public static readonly LedgerMessage CreditLineDiffers = new(nameof(CreditLineDiffers),
        "borrower_id“{0}”在此行的 credit_line 为 {1}，而在之前的行为 {2}。",
        "borrower_id '{0}' has credit_line {1} here and {2} on an earlier row.");

    public static readonly LedgerMessage RequiredEmpty = new(nameof(RequiredEmpty), "{0} 为必填项，但为空。", "{0} is required and is empty.");

    public static readonly LedgerMessage IdTooLong = new(nameof(IdTooLong),
        "{0} 长 {1} 个字符，最多允许 {2} 个。", "{0} is {1} characters long; at most {2} are allowed.");

    public static readonly LedgerMessage IdHasControl = new(nameof(IdHasControl),
        "{0} 第 {2} 个字符为 {1}；标识符不得含有控制字符、行分隔符或双向文本格式字符。",
        "{0} has the character {1} at position {2}; an identifier may not contain control characters, line separators or bidirectional formatting characters.");

    public static readonly LedgerMessage NotAllowedValue = new(nameof(NotAllowedValue),
        "{0}“{1}”不是允许的取值之一。", "{0} '{1}' is not one of the allowed values.");

    public static readonly LedgerMessage NotANumber = new(nameof(NotANumber), "{0}“{1}”不是数字。", "{0} '{1}' is not a number.");

    public static readonly LedgerMessage MoreThanTwoDecimals = new(nameof(MoreThanTwoDecimals),
        "{0} {1} 的小数超过 2 位。", "{0} {1} has more than 2 decimals.");

    public static readonly LedgerMessage Negative = new(nameof(Negative), "{0} {1} 不得为负数。", "{0} {1} may not be negative.");

    public static readonly LedgerMessage NotPositive = new(nameof(NotPositive), "{0} {1} 必须大于 0。", "{0} {1} must be greater than 0.");

    public static readonly LedgerMessage AmountTooLarge = new(nameof(AmountTooLarge),
        "{0} {1} 超过可接受的最大金额（{2} 元）。", "{0} {1} is beyond the largest amount accepted ({2} yuan).");

    public static readonly LedgerMessage RateNotANumber = new(nameof(RateNotANumber), "annual_rate“{0}”不是数字。", "annual_rate '{0}' is not a number.");

    public static readonly LedgerMessage RateMoreThanSixDecimals = new(nameof(RateMoreThanSixDecimals),
        "annual_rate {0} 的小数超过 6 位。", "annual_rate {0} has more than 6 decimals.");

    public static readonly LedgerMessage RateOutOfRange = new(nameof(RateOutOfRange),
        "annual_rate {0} 不在 0 – 36（百分比）之内。", "annual_rate {0} is outside 0 – 36 (percent).");

    public static readonly LedgerMessage NotADate = new(nameof(NotADate), "{0}“{1}”不是日期（yyyy-MM-dd）。", "{0} '{1}' is not a date (yyyy-MM-dd).");

    public static readonly LedgerMessage BadCreditCode = new(nameof(BadCreditCode),
        "credit_code“{0}”不是有效的统一社会信用代码（18 位，符合 GB 32100-2015 校验码）。",
        "credit_code '{0}' is not a valid 统一社会信用代码 (18 characters, GB 32100-2015 check character).");

    public static readonly LedgerMessage BadIndustry = new(nameof(BadIndustry),
        "industry“{0}”不是 GB/T 4754 门类字母 A–T。", "industry '{0}' is not a GB/T 4754 section letter A–T.");

    public static readonly LedgerMessage BadRegion = new(nameof(BadRegion),
        "region“{0}”不是 6 位 GB/T 2260 行政区划代码。", "region '{0}' is not a 6-digit GB/T 2260 code.");

    // Warnings about the whole ledger or a borrower (W003, W004, W006).
    public static readonly LedgerMessage BalanceMoved = new(nameof(BalanceMoved),
        "各项贷款余额 {0} 较 {3} 的 {2} 变动 {1} %；请核对台账（数据质量）。",
        "Total balance {0} moved {1} % against {2} in {3}; check the ledger (数据质量).");

    public static readonly LedgerMessage BalancesAboveCreditLine = new(nameof(BalancesAboveCreditLine),
        "该借款人各行余额合计 {0}，超过其 credit_line {1}；按该合计数分类。",
        "The borrower's balances add up to {0}, more than its credit_line {1}; it is classified by that sum.");

    public static readonly LedgerMessage TenPercentRule = new(nameof(TenPercentRule),
        "该借款人超过 10 % 的余额（{1} 中的 {0}）为不良，但此行仍为正常类；其全部债权应归为不良（《商业银行金融资产风险分类办法》第七条）。",
        "More than 10 % of the borrower's balance ({0} of {1}) is non-performing, yet this row is performing; all its claims should be non-performing (2023 risk-classification measures, Art. 7).");

    private static readonly Dictionary<string, LedgerMessage> ByName = typeof(LedgerMessages)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(LedgerMessage))
        .Select(f => (LedgerMessage)f.GetValue(null)!)
        .ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>The message of that name, or <c>null</c>.</summary>
    public static LedgerMessage? Find(string? name) => name is not null && ByName.TryGetValue(name, out var message) ? message : null;
}
