using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Compliance.Engine.Analytics;
using Compliance.Engine.Rules;

namespace Compliance.Data.Evaluations;

/// <summary>A rule set an evaluation applied, by id and version.</summary>
public sealed record EvaluatedRuleSet(string Id, int Version);

/// <summary>How one rule of a set came out, and why where it was <c>notApplicable</c> (rules.md, "Outcomes").</summary>
public sealed record EvaluatedRule(string RuleSet, string Rule, string Outcome, string? Reason = null);

/// <summary>
/// A submission's evaluation as stored with it, and as its receipt and the heat map read it: the sets that applied,
/// the exceptions it wrote or updated (ids as text), each rule's outcome, and <c>outcome: notApplicable</c> where no set
/// applied; or, for an evaluation that failed, the <c>error</c> alone. Written and read only through this record.
/// </summary>
public sealed record StoredEvaluation
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public IReadOnlyList<EvaluatedRuleSet>? RuleSets { get; init; }

    public IReadOnlyList<string>? Exceptions { get; init; }

    public IReadOnlyList<EvaluatedRule>? Rules { get; init; }

    public string? Outcome { get; init; }

    public string? Error { get; init; }

    /// <summary>The evaluation of <paramref name="result"/>, which wrote or updated <paramref name="exceptions"/>.</summary>
    public static StoredEvaluation Of(RuleEvaluation result, IEnumerable<long> exceptions)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new()
        {
            RuleSets = [.. result.Sets.Select(s => new EvaluatedRuleSet(s.RuleSet.Id, s.RuleSet.Version))],
            Exceptions = [.. exceptions.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Rules = [.. result.Sets.SelectMany(s => s.Results.Select(r => new EvaluatedRule(s.RuleSet.Id, r.Rule, r.Outcome.Name(), r.Reason)))],
            Outcome = result.Sets.Count == 0 ? RuleOutcome.NotApplicable.Name() : null,
        };
    }

    /// <summary>The evaluation that failed with <paramref name="error"/>.</summary>
    public static StoredEvaluation Failed(string error) => new() { Error = error };

    /// <summary>The stored text of an evaluation, or <c>null</c>.</summary>
    public static StoredEvaluation? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<StoredEvaluation>(json, Json);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public JsonObject ToJsonObject() => JsonSerializer.SerializeToNode(this, Json)!.AsObject();

    /// <summary>
    /// The <see cref="Rules"/> of a stored evaluation, read with a forward-only reader that skips everything else: a
    /// heat map reads a thousand of them per answer. Their few distinct texts are shared through
    /// <paramref name="texts"/>, not allocated per cell.
    /// </summary>
    public static List<StoredOutcome> RulesOf(string? json, Dictionary<string, string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (json is null)
        {
            return [];
        }

        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        var outcomes = new List<StoredOutcome>();
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("rules"u8))
            {
                reader.Read();
                var depth = reader.CurrentDepth;
                while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
                {
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        outcomes.Add(ReadRule(ref reader, texts));
                    }
                }
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth == 1)
            {
                reader.Skip();
            }
        }

        return outcomes;
    }

    // One {ruleSet, rule, outcome} of Rules, by the members' JSON names.
    private static StoredOutcome ReadRule(ref Utf8JsonReader reader, Dictionary<string, string> texts)
    {
        string? ruleSet = null, rule = null, outcome = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.ValueTextEquals("ruleSet"u8) ? 0 : reader.ValueTextEquals("rule"u8) ? 1 : reader.ValueTextEquals("outcome"u8) ? 2 : -1;
            reader.Read();
            if (name < 0 || reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                continue;
            }

            var text = reader.GetString()!;
            text = texts.TryGetValue(text, out var shared) ? shared : texts[text] = text;
            (ruleSet, rule, outcome) = name switch { 0 => (text, rule, outcome), 1 => (ruleSet, text, outcome), _ => (ruleSet, rule, text) };
        }

        return new StoredOutcome(ruleSet ?? "", rule ?? "", outcome ?? "");
    }
}
