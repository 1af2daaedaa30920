using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Institutions;

/// <summary>
/// What the rules and obligations know of an institution they may bind: its region, category, whether it is a legal
/// person (法人) or a branch (分支机构), and its level (api.md, "Institutions and keys").
/// </summary>
public sealed record InstitutionProfile(string RegionCode, string Category, bool LegalPerson, string Level);

/// <summary>
/// Whom a rule of a set (<c>appliesTo</c>, rules.md "Who each rule judges") or an alternative of an obligation's
/// <c>populations</c> (deadlines.md) binds: institutions that match every member given; no member, every institution.
/// </summary>
public sealed record Population(bool? LegalPerson = null, IReadOnlyList<string>? Categories = null, IReadOnlyList<string>? Levels = null)
{
    private static readonly string[] Members = ["legalPerson", "categories", "levels"];

    /// <summary>Whether <paramref name="institution"/> belongs.</summary>
    public bool Includes(InstitutionProfile institution)
    {
        ArgumentNullException.ThrowIfNull(institution);
        return (LegalPerson is null || LegalPerson == institution.LegalPerson)
            && (Categories is null || Categories.Contains(institution.Category))
            && (Levels is null || Levels.Contains(institution.Level));
    }

    /// <summary>
    /// Reads a population as JSON: an object of <c>legalPerson</c> (a boolean), <c>categories</c> and <c>levels</c>
    /// (non-empty lists of known values), nothing else. Returns the population, or the sentence that says what is wrong
    /// with it in both languages, naming it <paramref name="field"/>.
    /// </summary>
    public static (Population? Population, LocalizedText? Error) Read(JsonElement json, string field) => Read(json, new LocalizedText(field, field));

    /// <summary>As <see cref="Read(JsonElement, string)"/>, naming it in each language's words (<c>CREDIT_SHARE 的 appliesTo</c>, <c>appliesTo of CREDIT_SHARE</c>).</summary>
    public static (Population? Population, LocalizedText? Error) Read(JsonElement json, LocalizedText field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (json.ValueKind != JsonValueKind.Object)
        {
            return (null, new($"{field.Zh} 应为由 legalPerson、categories、levels 组成的对象。", $"{field.En} must be an object of legalPerson, categories and levels."));
        }

        bool? legalPerson = null;
        IReadOnlyList<string>? categories = null, levels = null;
        foreach (var member in json.EnumerateObject())
        {
            switch (member.Name)
            {
                case "legalPerson" when member.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    legalPerson = member.Value.GetBoolean();
                    break;
                case "legalPerson":
                    return (null, new($"{field.Zh}.legalPerson 应为 true 或 false。", $"{field.En}.legalPerson must be true or false."));
                case "categories":
                    categories = Known(member.Value, InstitutionCategory.All);
                    if (categories is null)
                    {
                        return (null, new(
                            $"{field.Zh}.categories 应列出以下至少一项，每项只列一次：{string.Join("、", InstitutionCategory.All)}。",
                            $"{field.En}.categories must list at least one of {string.Join(", ", InstitutionCategory.All)}, each once."));
                    }

                    break;
                case "levels":
                    levels = Known(member.Value, InstitutionLevel.All);
                    if (levels is null)
                    {
                        return (null, new(
                            $"{field.Zh}.levels 应列出以下至少一项，每项只列一次：{string.Join("、", InstitutionLevel.All)}。",
                            $"{field.En}.levels must list at least one of {string.Join(", ", InstitutionLevel.All)}, each once."));
                    }

                    break;
                default:
                    return (null, new(
                        $"{field.Zh} 没有成员“{member.Name}”；其成员为 {string.Join("、", Members)}。",
                        $"{field.En} has no member '{member.Name}'; its members are {string.Join(", ", Members)}."));
            }
        }

        return (new Population(legalPerson, categories, levels), null);
    }

    /// <summary>
    /// The population as JSON, as <see cref="Read(JsonElement, string)"/> reads it: the members given, in the order legalPerson,
    /// categories, levels; <c>{}</c> for every institution.
    /// </summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (LegalPerson is { } legalPerson)
        {
            json["legalPerson"] = legalPerson;
        }

        if (Categories is { } categories)
        {
            json["categories"] = new JsonArray([.. categories.Select(c => (JsonNode)JsonValue.Create(c))]);
        }

        if (Levels is { } levels)
        {
            json["levels"] = new JsonArray([.. levels.Select(l => (JsonNode)JsonValue.Create(l))]);
        }

        return json;
    }

    // A non-empty array of distinct known values, or null.
    private static List<string>? Known(JsonElement json, IReadOnlyList<string> known)
    {
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() == 0)
        {
            return null;
        }

        var values = new List<string>();
        foreach (var item in json.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { } value || !known.Contains(value) || values.Contains(value))
            {
                return null;
            }

            values.Add(value);
        }

        return values;
    }
}
