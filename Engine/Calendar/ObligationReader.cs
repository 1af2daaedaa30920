using System.Text.Json;
using System.Text.RegularExpressions;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Calendar;

/// <summary>
/// Reads an obligation as data (deadlines.md, "An obligation is data") from its JSON, as <c>PUT
/// /api/v1/obligations/{code}</c> receives it: <c>{name: {zh, en}, regionPrefix, populations, years: {from, to},
/// due, reminderOffsets?, filedBy?}</c>, refusing field by field whatever deadlines.md does not allow. An obligation
/// read back from <c>GET /api/v1/obligations</c> may be sent again as it is.
/// </summary>
public static partial class ObligationReader
{
    /// <summary>The first and last nominal due year an obligation may name.</summary>
    public const int FirstYear = 2000, LastYear = 2100;

    /// <summary>The longest name, in either language.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The most reminder offsets an obligation may have.</summary>
    public const int MaxReminderOffsets = 20;

    /// <summary>What a code is, in words.</summary>
    public static LocalizedText CodeRule { get; } = new("1–32 个字符，只含 A–Z、0–9 和 _", "1–32 of A–Z 0–9 _");

    private static readonly string[] Fields = ["code", "name", "regionPrefix", "populations", "years", "due", "reminderOffsets", "filedBy"];

    /// <summary>Whether <paramref name="code"/> is the code of an obligation: 1–32 of A–Z 0–9 _.</summary>
    public static bool IsCode(string? code) => code is not null && CodeForm().IsMatch(code);

    /// <summary>
    /// The obligation <paramref name="code"/> that <paramref name="body"/> describes, or <c>null</c> with each wrong
    /// field in <paramref name="errors"/>, each message in both languages.
    /// </summary>
    public static Obligation? Read(string code, JsonElement body, out IReadOnlyDictionary<string, LocalizedText[]> errors)
    {
        var wrong = new Dictionary<string, LocalizedText[]>();
        errors = wrong;
        if (!IsCode(code))
        {
            wrong["code"] = [new($"code 应为 {CodeRule.Zh}。", $"code is {CodeRule.En}.")];
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            wrong["body"] = [new(
                "请求正文应为 JSON 对象：{name: {zh, en}, regionPrefix, populations, years: {from, to}, due, reminderOffsets, filedBy}。",
                "The body is a JSON object: {name: {zh, en}, regionPrefix, populations, years: {from, to}, due, reminderOffsets, filedBy}.")];
            return null;
        }

        foreach (var property in body.EnumerateObject().Where(p => !Fields.Contains(p.Name)))
        {
            wrong[property.Name] = [new(
                $"“{property.Name}”不是报送事项的字段；其字段为 {string.Join("、", Fields)}。",
                $"'{property.Name}' is not a field of an obligation; its fields are {string.Join(", ", Fields)}.")];
        }

        if (body.TryGetProperty("code", out var named) && (named.ValueKind != JsonValueKind.String || named.GetString() != code))
        {
            wrong["code"] = [new(
                $"正文中如填写 code，应与路径中的一致：{code}。报送事项的代码不能更改。",
                $"code, where the body gives it, is the path's: {code}. An obligation's code cannot change.")];
        }

        var name = ReadName(body, wrong);
        var regionPrefix = ReadRegionPrefix(body, wrong);
        var populations = ReadPopulations(body, wrong);
        var years = ReadYears(body, wrong);
        var due = ReadDue(code, body, wrong);
        var offsets = ReadReminderOffsets(body, wrong);
        ReadFiledBy(code, body, wrong);
        if (wrong.Count > 0)
        {
            return null;
        }

        return new Obligation(code, name!, regionPrefix!, populations, years!, due!) { ReminderOffsets = offsets! };
    }

    private static LocalizedText? ReadName(JsonElement body, Dictionary<string, LocalizedText[]> wrong)
    {
        var error = new LocalizedText(
            $"name 应为 {{zh, en}}，各 1–{MaxNameLength} 个字符，不得含有控制字符、行分隔符或双向格式字符。",
            $"name is {{zh, en}}, each 1–{MaxNameLength} characters with no control, line-separator or bidirectional formatting character.");
        if (!body.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.Object
            || name.EnumerateObject().Any(p => p.Name is not ("zh" or "en"))
            || Text(name, "zh") is not { } zh || Text(name, "en") is not { } en)
        {
            wrong["name"] = [error];
            return null;
        }

        return new LocalizedText(zh, en);

        static string? Text(JsonElement name, string language) =>
            name.TryGetProperty(language, out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Trim() is { Length: > 0 and <= MaxNameLength } trimmed
            && trimmed.AsSpan().IndexOfAny(ControlCharacters.All) < 0
                ? trimmed
                : null;
    }

    private static string? ReadRegionPrefix(JsonElement body, Dictionary<string, LocalizedText[]> wrong)
    {
        if (!body.TryGetProperty("regionPrefix", out var prefix) || prefix.ValueKind != JsonValueKind.String || !RegionPrefixForm().IsMatch(prefix.GetString()!))
        {
            wrong["regionPrefix"] = [new(
                "regionPrefix 应为 \"\"（所有地区）或行政区划代码的前 2、4 或 6 位（37 为山东省，3713 为临沂市）。",
                "regionPrefix is \"\" (every region) or the first 2, 4 or 6 digits of a region code (37 = Shandong, 3713 = Linyi).")];
            return null;
        }

        return prefix.GetString();
    }

    // null, every institution of the region; else a non-empty list of alternatives, each a population of Population.Read.
    private static List<Population>? ReadPopulations(JsonElement body, Dictionary<string, LocalizedText[]> wrong)
    {
        if (!body.TryGetProperty("populations", out var json) || json.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() == 0)
        {
            wrong["populations"] = [new(
                "populations 应为 null（该地区的全部机构）或非空列表，每项为 {categories?, levels?, legalPerson?}：机构符合其中任一项即须报送。",
                "populations is null (every institution of the region) or a non-empty list of {categories?, levels?, legalPerson?}: "
                + "an institution is bound when it matches any of them.")];
            return null;
        }

        var populations = new List<Population>();
        var index = 0;
        foreach (var alternative in json.EnumerateArray())
        {
            var field = $"populations[{index++}]";
            var (population, error) = Population.Read(alternative, field);
            if (population is null)
            {
                wrong[field] = [error!];
            }
            else
            {
                populations.Add(population);
            }
        }

        return populations;
    }

    private static YearRange? ReadYears(JsonElement body, Dictionary<string, LocalizedText[]> wrong)
    {
        var error = new LocalizedText(
            $"years 应为 {{from, to}}：from 为 {FirstYear} 至 {LastYear} 的名义截止年份，to 为 null（不设终止年份）或 from 至 {LastYear} 的年份。",
            $"years is {{from, to}}: from a nominal due year from {FirstYear} to {LastYear}, to null (no end) or a year from from to {LastYear}.");
        if (!body.TryGetProperty("years", out var years) || years.ValueKind != JsonValueKind.Object
            || years.EnumerateObject().Any(p => p.Name is not ("from" or "to"))
            || !years.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.Number || !from.TryGetInt32(out var first)
            || first is < FirstYear or > LastYear)
        {
            wrong["years"] = [error];
            return null;
        }

        if (!years.TryGetProperty("to", out var to) || to.ValueKind == JsonValueKind.Null)
        {
            return new YearRange(first, null);
        }

        if (to.ValueKind != JsonValueKind.Number || !to.TryGetInt32(out var last) || last > LastYear)
        {
            wrong["years"] = [error];
            return null;
        }

        if (last < first)
        {
            wrong["years"] = [new(Periods.Invariant($"years.to（{last}）早于 years.from（{first}）。"), Periods.Invariant($"years.to ({last}) is before years.from ({first})."))];
            return null;
        }

        return new YearRange(first, last);
    }

    private static DueDateRule? ReadDue(string code, JsonElement body, Dictionary<string, LocalizedText[]> wrong)
    {
        DueDateRule due;
        try
        {
            due = DueDateRule.Parse(body.TryGetProperty("due", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "");
        }
        catch (FormatException)
        {
            wrong["due"] = [new(
                "due 应为 endOfMonth(M)、dayOfMonth(M, D)、nthWorkingDay(M, N) 或 afterPeriod(D)：M 为 1–12，D 为 1–31（afterPeriod 为 1–28），N 为 1–23。",
                "due is endOfMonth(M), dayOfMonth(M, D), nthWorkingDay(M, N) or afterPeriod(D): M 1–12, D 1–31 (1–28 for afterPeriod), N 1–23.")];
            return null;
        }

        // A ledger falls due for each monthly period, and a deliverable is filed once a year: the one rule fits each.
        if (code == Obligation.LedgerMonthly && !due.IsMonthly)
        {
            wrong["due"] = [new(
                $"{Obligation.LedgerMonthly} 在每个月度报告期结束后到期：其 due 应为 afterPeriod(D)。",
                $"{Obligation.LedgerMonthly} falls due after each monthly period: its due is afterPeriod(D).")];
            return null;
        }

        if (code != Obligation.LedgerMonthly && due.IsMonthly)
        {
            wrong["due"] = [new(
                "以报送材料完成的报送事项每年到期一次（报送材料按年度报送）：其 due 应为 endOfMonth、dayOfMonth 或 nthWorkingDay。",
                "An obligation filed by a deliverable falls due once a year (a deliverable is filed for a year): its due is endOfMonth, dayOfMonth or nthWorkingDay.")];
            return null;
        }

        return due;
    }

    // The default schedule where none is given; else distinct whole days within a year of the due date, kept ascending.
    private static List<int>? ReadReminderOffsets(JsonElement body, Dictionary<string, LocalizedText[]> wrong)
    {
        if (!body.TryGetProperty("reminderOffsets", out var json) || json.ValueKind == JsonValueKind.Null)
        {
            return [.. ReminderSchedule.DefaultOffsets];
        }

        var offsets = new List<int>();
        if (json.ValueKind == JsonValueKind.Array && json.GetArrayLength() is > 0 and <= MaxReminderOffsets)
        {
            foreach (var item in json.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var offset)
                    || Math.Abs(offset) > ReminderSchedule.MaxOffsetDays || offsets.Contains(offset))
                {
                    offsets = null;
                    break;
                }

                offsets.Add(offset);
            }
        }
        else
        {
            offsets = null;
        }

        if (offsets is null)
        {
            wrong["reminderOffsets"] = [new(
                Periods.Invariant(
                    $"reminderOffsets 应为 1–{MaxReminderOffsets} 个互不相同的整数天数（相对截止日），每个在 -{ReminderSchedule.MaxOffsetDays} 至 {ReminderSchedule.MaxOffsetDays} 之间（-14 为截止日前 14 天）；最后一次提醒之后，每 {ReminderSchedule.RepeatDays} 天提醒一次，直至报送。"),
                Periods.Invariant(
                    $"reminderOffsets is a list of 1–{MaxReminderOffsets} distinct whole days from the due date, each from -{ReminderSchedule.MaxOffsetDays} to {ReminderSchedule.MaxOffsetDays} (-14 is 14 days before); after the last, a reminder every {ReminderSchedule.RepeatDays} days until filed."))];
            return null;
        }

        offsets.Sort();
        return offsets;
    }

    private static void ReadFiledBy(string code, JsonElement body, Dictionary<string, LocalizedText[]> wrong)
    {
        if (!body.TryGetProperty("filedBy", out var json) || json.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var filedBy = json.ValueKind == JsonValueKind.String ? json.GetString() : null;
        if (filedBy is not (Obligation.FiledBySubmission or Obligation.FiledByDeliverable))
        {
            wrong["filedBy"] = [new("filedBy 应为 submission（仅限 LEDGER_MONTHLY）或 deliverable。", "filedBy is submission (LEDGER_MONTHLY only) or deliverable.")];
        }
        else if (filedBy != Obligation.FiledByOf(code))
        {
            wrong["filedBy"] = [code == Obligation.LedgerMonthly
                ? new(
                    "LEDGER_MONTHLY 以该报告期被接收的台账报送完成：其 filedBy 为 submission，不能更改。",
                    "LEDGER_MONTHLY is filed by an accepted submission for its period: its filedBy is submission and cannot change.")
                : new(
                    "filedBy 为 submission 的仅有 LEDGER_MONTHLY；其他报送事项均以报送材料（deliverable）完成。",
                    "filedBy is submission for LEDGER_MONTHLY only; every other obligation is filed by a deliverable.")];
        }
    }

    [GeneratedRegex(@"^[A-Z0-9_]{1,32}\z")]
    private static partial Regex CodeForm();

    [GeneratedRegex(@"^([0-9]{2}){0,3}\z")]
    private static partial Regex RegionPrefixForm();
}
