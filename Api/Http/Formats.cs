using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Compliance.Engine;
using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Api.Http;

/// <summary>Writes and reads periods as <c>yyyy-MM</c>.</summary>
internal sealed class YearMonthConverter : JsonConverter<YearMonth>
{
    public override YearMonth Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Periods.TryParse(reader.GetString(), out var period) ? period.Value : throw new JsonException("A period is written yyyy-MM.");

    public override void Write(Utf8JsonWriter writer, YearMonth value, JsonSerializerOptions options) => writer.WriteStringValue(Periods.Format(value));
}

/// <summary>How numbers and ids are written in answers (api.md, "Conventions").</summary>
internal static class Formats
{
    /// <summary>The longest Content-Type kept with a ledger or deliverable (and answered with its original).</summary>
    public const int MaxContentTypeLength = 200;

    /// <summary>Ids are opaque strings.</summary>
    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads an id from a route; anything that is not one of ours is simply not found.</summary>
    public static bool TryId(string text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    /// <summary>A percentage written with 4 decimals (the comparison used the unrounded value).</summary>
    public static decimal Percent(decimal value) => decimal.Round(value, 4, MidpointRounding.AwayFromZero) + 0.0000m;

    public static decimal? Percent(decimal? value) => value is { } v ? Percent(v) : null;

    /// <summary>
    /// Stored figures as answered: those their rule declares in percent or percentage points (<see cref="RuleCatalog"/>)
    /// with 4 decimals, everything else as stored, a figure the rule does not declare included.
    /// </summary>
    public static JsonObject Figures(string rule, string stored)
    {
        var figures = JsonNode.Parse(stored)?.AsObject() ?? [];
        foreach (var name in figures.Select(f => f.Key).ToList())
        {
            if (RuleCatalog.UnitOf(rule, name)?.IsPercentage() == true && figures[name] is JsonValue value && value.TryGetValue<decimal>(out var number))
            {
                figures[name] = JsonValue.Create(Percent(number));
            }
        }

        return figures;
    }

    /// <summary>The unit of each figure as its rule declares it, by key, in the figures' order; a figure the rule does not declare has none.</summary>
    public static IReadOnlyDictionary<string, string> Units(string rule, JsonObject figures)
    {
        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, _) in figures)
        {
            if (RuleCatalog.UnitOf(rule, name) is { } unit)
            {
                units[name] = unit.Name();
            }
        }

        return units;
    }
}
