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
    public const string CodeRule = "1–32 of A–Z 0–9 _";

    private static readonly string[] Fields = ["code", "name", "regionPrefix", "populations", "years", "due", "reminderOffsets", "filedBy"];

    /// <summary>Whether <paramref name="code"/> is the code of an obligation: 1–32 of A–Z 0–9 _.</summary>
    public static bool IsCode(string? code) => code is not null && CodeForm().IsMatch(code);

    /// <summary>The obligation <paramref name="code"/> that <paramref name="body"/> describes, or <c>null</c> with each wrong field in <paramref name="errors"/>.</summary>
    public static Obligation? Read(string code, JsonElement body, out IReadOnlyDictionary<string, string[]> errors)
    {
        var wrong = new Dictionary<string, string[]>();
        errors = wrong;
        if (!IsCode(code))
        {
            wrong["code"] = [$"code is {CodeRule}."];
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            wrong["body"] = ["The body is a JSON object: {name: {zh, en}, regionPrefix, populations, years: {from, to}, due, reminderOffsets, filedBy}."];
            return null;
        }

        foreach (var property in body.EnumerateObject().Where(p => !Fields.Contains(p.Name)))
        {
            wrong[property.Name] = [$"'{property.Name}' is not a field of an obligation; its fields are {string.Join(", ", Fields)}."];
        }

        if (body.TryGetProperty("code", out var named) && (named.ValueKind != JsonValueKind.String || named.GetString() != code))
        {
            wrong["code"] = [$"code, where the body gives it, is the path's: {code}. An obligation's code cannot change."];
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

    private static LocalizedText? ReadName(JsonElement body, Dictionary<string, string[]> wrong)
    {
        var error = $"name is {{zh, en}}, each 1–{MaxNameLength} characters with no control, line-separator or bidirectional formatting character.";
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

    private static string? ReadRegionPrefix(JsonElement body, Dictionary<string, string[]> wrong)
    {
        if (!body.TryGetProperty("regionPrefix", out var prefix) || prefix.ValueKind != JsonValueKind.String || !RegionPrefixForm().IsMatch(prefix.GetString()!))
        {
            wrong["regionPrefix"] = ["regionPrefix is \"\" (every region) or the first 2, 4 or 6 digits of a region code (37 = Shandong, 3713 = Linyi)."];
            return null;
        }

        return prefix.GetString();
    }

    // null, every institution of the region; else a non-empty list of alternatives, each a population of Population.Read.
    private static List<Population>? ReadPopulations(JsonElement body, Dictionary<string, string[]> wrong)
    {
        if (!body.TryGetProperty("populations", out var json) || json.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() == 0)
        {
            wrong["populations"] = ["populations is null (every institution of the region) or a non-empty list of {categories?, levels?, legalPerson?}: "
                + "an institution is bound when it matches any of them."];
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

    private static YearRange? ReadYears(JsonElement body, Dictionary<string, string[]> wrong)
    {
        var error = $"years is {{from, to}}: from a nominal due year from {FirstYear} to {LastYear}, to null (no end) or a year from from to {LastYear}.";
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
            wrong["years"] = [Periods.Invariant($"years.to ({last}) is before years.from ({first}).")];
            return null;
        }

        return new YearRange(first, last);
    }

    private static DueDateRule? ReadDue(string code, JsonElement body, Dictionary<string, string[]> wrong)
    {
        DueDateRule due;
        try
        {
            due = DueDateRule.Parse(body.TryGetProperty("due", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "");
        }
        catch (FormatException)
        {
            wrong["due"] = ["due is endOfMonth(M), dayOfMonth(M, D), nthWorkingDay(M, N) or afterPeriod(D): M 1–12, D 1–31 (1–28 for afterPeriod), N 1–23."];
            return null;
        }

        // A ledger falls due for each monthly period, and a deliverable is filed once a year: the one rule fits each.
        if (code == Obligation.LedgerMonthly && !due.IsMonthly)
        {
            wrong["due"] = [$"{Obligation.LedgerMonthly} falls due after each monthly period: its due is afterPeriod(D)."];
            return null;
        }

        if (code != Obligation.LedgerMonthly && due.IsMonthly)
        {
            wrong["due"] = ["An obligation filed by a deliverable falls due once a year (a deliverable is filed for a year): its due is endOfMonth, dayOfMonth or nthWorkingDay."];
            return null;
        }

        return due;
    }

    // The default schedule where none is given; else distinct whole days within a year of the due date, kept ascending.
    private static List<int>? ReadReminderOffsets(JsonElement body, Dictionary<string, string[]> wrong)
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
            wrong["reminderOffsets"] = [Periods.Invariant(
                $"reminderOffsets is a list of 1–{MaxReminderOffsets} distinct whole days from the due date, each from -{ReminderSchedule.MaxOffsetDays} to {ReminderSchedule.MaxOffsetDays} (-14 is 14 days before); after the last, a reminder every {ReminderSchedule.RepeatDays} days until filed.")];
            return null;
        }

        offsets.Sort();
        return offsets;
    }

    private static void ReadFiledBy(string code, JsonElement body, Dictionary<string, string[]> wrong)
    {
        if (!body.TryGetProperty("filedBy", out var json) || json.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var filedBy = json.ValueKind == JsonValueKind.String ? json.GetString() : null;
        if (filedBy is not (Obligation.FiledBySubmission or Obligation.FiledByDeliverable))
        {
            wrong["filedBy"] = ["filedBy is submission (LEDGER_MONTHLY only) or deliverable."];
        }
        else if (filedBy != Obligation.FiledByOf(code))
        {
            wrong["filedBy"] = [code == Obligation.LedgerMonthly
                ? "LEDGER_MONTHLY is filed by an accepted submission for its period: its filedBy is submission and cannot change."
                : "filedBy is submission for LEDGER_MONTHLY only; every other obligation is filed by a deliverable."];
        }
    }

    [GeneratedRegex(@"^[A-Z0-9_]{1,32}\z")]
    private static partial Regex CodeForm();

    [GeneratedRegex(@"^([0-9]{2}){0,3}\z")]
    private static partial Regex RegionPrefixForm();
}
