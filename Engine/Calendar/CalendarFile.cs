using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Engine.Calendar;

/// <summary>
/// Reads the calendar as data: <c>cn-calendar.json</c> (<c>{"years": {"2022": {notice, holidays, workdays}}}</c>)
/// and one year of it (<c>{notice?, holidays: [{name, dates}], workdays: [dates]}</c>), with ISO dates.
/// </summary>
public static class CalendarFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Every year of a calendar file.</summary>
    public static IReadOnlyDictionary<int, CalendarYear> ReadYears(Stream file)
    {
        var parsed = JsonSerializer.Deserialize<FileDto>(file, Json) ?? throw new CalendarFormatException(new("日历文件为空。", "The calendar file is empty."));
        return parsed.Years.ToDictionary(y => int.Parse(y.Key, System.Globalization.CultureInfo.InvariantCulture), y => ToYear(y.Value));
    }

    /// <summary>
    /// One year, as the API takes and gives it; throws <see cref="CalendarFormatException"/> on a malformed date, and
    /// <see cref="JsonException"/> where the text is not JSON of that shape.
    /// </summary>
    public static CalendarYear ReadYear(string json) =>
        ToYear(JsonSerializer.Deserialize<YearDto>(json, Json) ?? throw new CalendarFormatException(new("该年度日历为空。", "The calendar year is empty.")));

    /// <summary>One year as JSON, in the shape of one year of <c>cn-calendar.json</c>.</summary>
    public static string WriteYear(CalendarYear year)
    {
        ArgumentNullException.ThrowIfNull(year);
        return JsonSerializer.Serialize(new YearDto(
            year.Notice,
            [.. year.Holidays.Select(h => new HolidayDto(h.Name, [.. h.Dates.Select(Periods.FormatDate)]))],
            [.. year.Workdays.Select(Periods.FormatDate)]), Json);
    }

    private static CalendarYear ToYear(YearDto year) => new(
        year.Notice,
        [.. (year.Holidays ?? []).Select(h => new Holiday(h.Name ?? "", [.. (h.Dates ?? []).Select(Date)]))],
        [.. (year.Workdays ?? []).Select(Date)]);

    private static LocalDate Date(string text) =>
        LocalDatePattern.Iso.Parse(text).TryGetValue(default, out var date) ? date : throw new CalendarFormatException(new($"“{text}”不是日期（yyyy-MM-dd）。", $"'{text}' is not a date (yyyy-MM-dd)."));

    private sealed record FileDto(Dictionary<string, YearDto> Years);

    private sealed record YearDto(
        [property: JsonPropertyName("notice")] string? Notice,
        [property: JsonPropertyName("holidays")] IReadOnlyList<HolidayDto>? Holidays,
        [property: JsonPropertyName("workdays")] IReadOnlyList<string>? Workdays);

    private sealed record HolidayDto(string? Name, IReadOnlyList<string>? Dates);
}
