using System.Text.Json;
using NodaTime;

namespace Compliance.Engine.Rules;

/// <summary>
/// The <c>strict</c> parameter of <c>INDIVIDUAL_BUSINESS</c> and <c>NEW_LOAN_RATE</c> (rules.md): <c>false</c> (never
/// strict, the default), <c>true</c> (always), or a year from 2000 to 2100 (strict for the periods of that year on).
/// </summary>
public readonly record struct Strictness
{
    /// <summary>The earliest year the parameter may name.</summary>
    public const int FirstYear = 2000;

    /// <summary>The latest year the parameter may name.</summary>
    public const int LastYear = 2100;

    private Strictness(bool always, int? fromYear) => (IsAlways, FromYear) = (always, fromYear);

    /// <summary><c>false</c>: no period is judged strictly.</summary>
    public static Strictness NotStrict { get; } = new(false, null);

    /// <summary><c>true</c>: every period is judged strictly.</summary>
    public static Strictness AlwaysStrict { get; } = new(true, null);

    /// <summary>Whether it is <c>true</c>.</summary>
    public bool IsAlways { get; }

    /// <summary>The year from which it is strict, where it names one.</summary>
    public int? FromYear { get; }

    /// <summary>Strict for the periods of <paramref name="year"/> on.</summary>
    public static Strictness From(int year) => new(false, year);

    /// <summary>Whether <paramref name="period"/> is judged strictly.</summary>
    public bool AppliesTo(YearMonth period) => IsAlways || (FromYear is { } from && period.Year >= from);

    /// <summary>The parameter's value, or <c>null</c> where it is neither a boolean nor a whole year from 2000 to 2100.</summary>
    public static Strictness? Parse(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => AlwaysStrict,
        JsonValueKind.False => NotStrict,
        JsonValueKind.Number when value.TryGetInt32(out var year) && year is >= FirstYear and <= LastYear => From(year),
        _ => null,
    };
}
