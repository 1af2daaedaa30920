namespace Compliance.Engine.Rules;

/// <summary>
/// The unit of a figure an exception carries (api.md, "Rules"): what its value means, and so how it is written and
/// shown. Percentages and percentage points are written with 4 decimals; every other unit as stored.
/// </summary>
public enum FigureUnit
{
    /// <summary>A ratio, share, growth rate or interest rate in percent: <c>5.12</c> is 5.12 %.</summary>
    Percent,

    /// <summary>A difference of two percentages, in percentage points (百分点).</summary>
    Pp,

    /// <summary>Money in yuan, exact.</summary>
    Yuan,

    /// <summary>A number of borrowers.</summary>
    Count,

    /// <summary>A date (<c>yyyy-MM-dd</c>) or an instant (ISO 8601).</summary>
    Date,

    /// <summary>A reporting period, <c>yyyy-MM</c>.</summary>
    Period,

    /// <summary>A code or word, such as an obligation's code.</summary>
    Text,

    /// <summary>A list of texts, such as periods or rule ids.</summary>
    List,

    /// <summary>True or false.</summary>
    Boolean,
}

/// <summary>
/// A figure a rule's exceptions may carry: its key in <c>figures</c>, its unit and its name as a supervisor reads it.
/// Each rule declares its own, once (<see cref="RuleDefinition.Figures"/>); the API's units, the exports' rounding and
/// the console's labels all read that declaration.
/// </summary>
public sealed record FigureDefinition(string Key, FigureUnit Unit, LocalizedText Name)
{
    /// <summary>
    /// Whether the rule compared it (a value or a threshold); <c>false</c> for a figure that only describes how it
    /// compared (<c>basis</c>, <c>strict</c>). A change of a compared figure is recorded as an <c>updated</c> event.
    /// </summary>
    public bool Compared { get; init; } = true;
}

/// <summary>The names of <see cref="FigureUnit"/> as the API writes them.</summary>
public static class FigureUnits
{
    /// <summary>The API's name of a unit: <c>percent</c>, <c>pp</c>, <c>yuan</c>, <c>count</c>, <c>date</c>, <c>period</c>, <c>text</c>, <c>list</c> or <c>boolean</c>.</summary>
    public static string Name(this FigureUnit unit) => unit switch
    {
        FigureUnit.Percent => "percent",
        FigureUnit.Pp => "pp",
        FigureUnit.Yuan => "yuan",
        FigureUnit.Count => "count",
        FigureUnit.Date => "date",
        FigureUnit.Period => "period",
        FigureUnit.Text => "text",
        FigureUnit.List => "list",
        FigureUnit.Boolean => "boolean",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };

    /// <summary>Whether a unit is a percentage or percentage points, written with 4 decimals (api.md, "Conventions").</summary>
    public static bool IsPercentage(this FigureUnit unit) => unit is FigureUnit.Percent or FigureUnit.Pp;
}
