using System.Globalization;
using System.Text.Json.Nodes;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Exceptions;

/// <summary>
/// The stored form of a finding's figures and baselines, which is also what "changed" compares: numbers unrounded,
/// lists as arrays, a figure not computed as <c>null</c>, a baseline as <c>{period, submissionId}</c>.
/// </summary>
public static class FindingJson
{
    /// <summary>The JSON of a finding's figures.</summary>
    public static JsonObject Figures(IReadOnlyDictionary<string, object> figures) => ToJson(figures);

    /// <summary>The JSON of a finding's baselines: each <c>{period, submissionId}</c>, or a list of them.</summary>
    public static JsonObject Baselines(IReadOnlyDictionary<string, object> baselines) => ToJson(baselines);

    private static JsonObject ToJson(IReadOnlyDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var json = new JsonObject();
        foreach (var (name, value) in values)
        {
            json[name] = ToNode(value);
        }

        return json;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        decimal number => JsonValue.Create(number),
        long count => JsonValue.Create(count),
        int count => JsonValue.Create(count),
        bool flag => JsonValue.Create(flag),
        string text => JsonValue.Create(text),
        BaselineRef baseline => new JsonObject
        {
            ["period"] = Periods.Format(baseline.Period),
            ["submissionId"] = baseline.SubmissionId.ToString(CultureInfo.InvariantCulture),
        },
        IEnumerable<BaselineRef> baselines => new JsonArray(baselines.Select(b => ToNode(b)).ToArray()),
        IEnumerable<string> texts => new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        _ => throw new ArgumentException($"A figure of type {value.GetType().Name} cannot be stored.", nameof(value)),
    };
}
