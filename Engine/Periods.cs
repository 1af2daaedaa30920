using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Engine;

/// <summary>Reporting periods are calendar months, written <c>yyyy-MM</c>, as NodaTime <see cref="YearMonth"/> values.</summary>
public static class Periods
{
    /// <summary>The <c>yyyy-MM</c> pattern used on the wire and in the store.</summary>
    public static YearMonthPattern Pattern { get; } = YearMonthPattern.CreateWithInvariantCulture("uuuu'-'MM");

    /// <summary>Parses <c>yyyy-MM</c> strictly (four-digit year, two-digit month).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out YearMonth? period)
    {
        period = null;
        if (text is null || text.Length != 7)
        {
            return false;
        }

        var result = Pattern.Parse(text);
        if (!result.Success)
        {
            return false;
        }

        period = result.Value;
        return true;
    }

    /// <summary>Parses <c>yyyy-MM</c>, throwing <see cref="FormatException"/> when it is not one.</summary>
    public static YearMonth Parse(string text) =>
        TryParse(text, out var period) ? period.Value : throw new FormatException($"'{text}' is not a period (yyyy-MM).");

    /// <summary>Formats a period as <c>yyyy-MM</c>.</summary>
    public static string Format(YearMonth period) => Pattern.Format(period);

    /// <summary>The period's as-of date, its last day.</summary>
    public static LocalDate LastDay(YearMonth period) => period.OnDayOfMonth(period.Calendar.GetDaysInMonth(period.Year, period.Month));

    /// <summary>The same month <paramref name="years"/> years later (negative for earlier).</summary>
    public static YearMonth PlusYears(YearMonth period, int years) => new(period.Year + years, period.Month);

    /// <summary>December of the given year.</summary>
    public static YearMonth December(int year) => new(year, 12);

    /// <summary>The months from January to <paramref name="through"/>'s month of its year.</summary>
    public static IEnumerable<YearMonth> YearToDate(YearMonth through)
    {
        for (var month = 1; month <= through.Month; month++)
        {
            yield return new YearMonth(through.Year, month);
        }
    }

    /// <summary>Formats a date as ISO <c>yyyy-MM-dd</c>.</summary>
    public static string FormatDate(LocalDate date) => LocalDatePattern.Iso.Format(date);

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
