using Compliance.Engine.Calendar;
using Compliance.Engine.Rules;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Api.Exceptions;

/// <summary>
/// The words of the exceptions export in one language (api.md, "Exceptions"; rules.md, "Names"): its headers, the
/// supervisor's words for severities and statuses (a waiver with its date), and which half of a <c>{zh, en}</c> text it
/// writes. Chinese (<c>lang=zh</c>) is the default.
/// </summary>
internal sealed class ExportLanguage
{
    /// <summary>The instants of the export as text in China Standard Time.</summary>
    private static readonly LocalDateTimePattern Time = LocalDateTimePattern.CreateWithInvariantCulture("yyyy-MM-dd HH:mm:ss");

    private readonly bool _english;
    private readonly IReadOnlyDictionary<string, string> _severities;
    private readonly IReadOnlyDictionary<string, string> _statuses;

    private ExportLanguage(bool english, string sheetName, string[] headers, IReadOnlyDictionary<string, string> severities, IReadOnlyDictionary<string, string> statuses)
    {
        _english = english;
        SheetName = sheetName;
        Headers = headers;
        _severities = severities;
        _statuses = statuses;
    }

    public static ExportLanguage Zh { get; } = new(
        false,
        "异常",
        ["机构代码", "机构名称", "地区代码", "报告期", "规则", "规则名称", "级别", "状态", "指标与阈值", "说明", "规则集", "创建时间（北京时间）", "更新时间（北京时间）"],
        new Dictionary<string, string> { ["warning"] = "预警", ["breach"] = "未达标", [RuleCatalog.DeadlineMissedRuleId] = "逾期" },
        new Dictionary<string, string> { ["open"] = "待处理", ["explained"] = "已说明", ["resolved"] = "已办结", ["waived"] = "暂缓", ["cleared"] = "已消除" });

    public static ExportLanguage En { get; } = new(
        true,
        "Exceptions",
        ["Institution code", "Institution name", "Region code", "Period", "Rule", "Rule name", "Severity", "Status", "Figures and thresholds", "Message", "Rule set",
            "Created (Beijing time)", "Updated (Beijing time)"],
        new Dictionary<string, string> { ["warning"] = "Warning", ["breach"] = "Breach", [RuleCatalog.DeadlineMissedRuleId] = "Overdue" },
        new Dictionary<string, string> { ["open"] = "Open", ["explained"] = "Explained", ["resolved"] = "Resolved", ["waived"] = "Waived", ["cleared"] = "Cleared" });

    /// <summary>The headers, in the order of the cells.</summary>
    public string[] Headers { get; }

    /// <summary>The XLSX sheet's name.</summary>
    public string SheetName { get; }

    /// <summary>The language of a <c>lang</c> parameter: <c>en</c> English, none (or <c>zh</c>) Chinese.</summary>
    public static ExportLanguage Of(string? lang) => lang == "en" ? En : Zh;

    /// <summary>The half of a text in this language.</summary>
    public string Of(LocalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _english ? text.En : text.Zh;
    }

    /// <summary>A severity's word (预警 / 未达标; a missed deadline's breach is 逾期), or the value as stored where it has none.</summary>
    public string Severity(string rule, string severity) =>
        rule == RuleCatalog.DeadlineMissedRuleId && severity == "breach" ? _severities[RuleCatalog.DeadlineMissedRuleId] : _severities.GetValueOrDefault(severity, severity);

    /// <summary>A status's word, a waiver with <paramref name="until"/> adding （至yyyy-MM-dd） / (until yyyy-MM-dd).</summary>
    public string Status(string status, LocalDate? until)
    {
        var word = _statuses.GetValueOrDefault(status, status);
        if (status != "waived" || until is not { } date)
        {
            return word;
        }

        var day = LocalDatePattern.Iso.Format(date);
        return _english ? $"{word} (until {day})" : $"{word}（至{day}）";
    }

    /// <summary>An instant as <c>yyyy-MM-dd HH:mm:ss</c> in China Standard Time.</summary>
    public static string ChinaTime(Instant instant) => Time.Format(instant.InZone(ReportingZone.Shanghai).LocalDateTime);
}
