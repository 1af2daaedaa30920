using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NodaTime;

namespace Compliance.Engine.Analytics;

/// <summary>A calendar quarter, written <c>2022Q1</c>: its months end with <see cref="End"/>, and it starts where the previous one ends.</summary>
public readonly record struct Quarter : IComparable<Quarter>
{
    public Quarter(int year, int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, 4);
        Year = year;
        Number = number;
    }

    public int Year { get; }

    /// <summary>1 to 4.</summary>
    public int Number { get; }

    /// <summary>The quarter's last month: March, June, September or December.</summary>
    public YearMonth End => new(Year, Number * 3);

    /// <summary>The last month of the quarter before: December of the year before for a first quarter.</summary>
    public YearMonth PreviousEnd => End.PlusMonths(-3);

    /// <summary>The four quarters of a year, in order.</summary>
    public static IReadOnlyList<Quarter> Of(int year) => [new(year, 1), new(year, 2), new(year, 3), new(year, 4)];

    /// <summary>Reads <c>yyyyQn</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Quarter? quarter)
    {
        quarter = null;
        if (text is not { Length: 6 } || text[4] != 'Q' || text[5] is < '1' or > '4'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            return false;
        }

        quarter = new Quarter(year, text[5] - '0');
        return true;
    }

    public static Quarter Parse(string text) =>
        TryParse(text, out var quarter) ? quarter.Value : throw new FormatException($"'{text}' is not a quarter (yyyyQn).");

    public int CompareTo(Quarter other) => (Year, Number).CompareTo((other.Year, other.Number));

    public static bool operator <(Quarter left, Quarter right) => left.CompareTo(right) < 0;

    public static bool operator >(Quarter left, Quarter right) => left.CompareTo(right) > 0;

    public static bool operator <=(Quarter left, Quarter right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Quarter left, Quarter right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}Q{Number}");
}
