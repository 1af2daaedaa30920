using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Compliance.Engine.Indicators;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Analytics;

/// <summary>Which institutions of a target's jurisdiction it counts: all, or those of some categories, or (not) local legal persons.</summary>
public sealed record TargetPopulation(IReadOnlyList<string>? Categories = null, bool? LocalLegalPerson = null)
{
    /// <summary>Whether an institution of <paramref name="category"/> belongs.</summary>
    public bool Includes(string category, bool localLegalPerson) =>
        (Categories is null || Categories.Contains(category)) && (LocalLegalPerson is null || LocalLegalPerson == localLegalPerson);
}

/// <summary>The threshold of a target that compares with another population's measure.</summary>
public sealed record TargetVersus(TargetPopulation Population, TargetMeasure Measure);

/// <summary>
/// One regional target (analytics.md, "Regional targets"): a measure of a population of a jurisdiction, compared by
/// <see cref="Op"/> with a fixed <see cref="Value"/> or with <see cref="Versus"/>, over a year.
/// </summary>
public sealed record TargetSpec(
    LocalizedText Name, string? Source, string Jurisdiction, int Year, TargetPopulation Population, TargetMeasure Measure, string Op,
    decimal? Value, TargetVersus? Versus, StatisticalScope? Scope)
{
    /// <summary>The comparisons a target may make.</summary>
    public static IReadOnlyList<string> Ops { get; } = [">=", ">"];

    /// <summary>Whether <paramref name="value"/> meets <paramref name="threshold"/> by <see cref="Op"/>.</summary>
    public bool Meets(decimal value, decimal threshold) => Op == ">" ? value > threshold : value >= threshold;

    /// <summary>The target as JSON, the form <see cref="TargetReader.Read"/> reads back (without the id).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = new JsonObject { ["zh"] = Name.Zh, ["en"] = Name.En },
            ["source"] = Source,
            ["jurisdiction"] = Jurisdiction,
            ["year"] = Year,
            ["population"] = PopulationJson(Population),
            ["measure"] = Measure.ToString(),
            ["op"] = Op,
        };
        if (Value is { } value)
        {
            json["value"] = value;
        }

        if (Versus is { } versus)
        {
            json["versus"] = new JsonObject { ["population"] = PopulationJson(versus.Population), ["measure"] = versus.Measure.ToString() };
        }

        json["scope"] = Scope switch { StatisticalScope.Pboc => "pboc", StatisticalScope.Cbirc => "cbirc", _ => null };
        return json;
    }

    private static JsonObject PopulationJson(TargetPopulation population)
    {
        var json = new JsonObject();
        if (population.Categories is { } categories)
        {
            json["categories"] = new JsonArray([.. categories.Select(c => (JsonNode?)c)]);
        }

        if (population.LocalLegalPerson is { } local)
        {
            json["localLegalPerson"] = local;
        }

        return json;
    }
}

/// <summary>Reads a target from its JSON, refusing anything outside the small language of analytics.md field by field.</summary>
public static partial class TargetReader
{
    /// <summary>The first and last year a target may be for.</summary>
    public const int FirstYear = 2000, LastYear = 2100;

    /// <summary>The target of <paramref name="body"/>, or <c>null</c> with each wrong field in <paramref name="errors"/>, each message in both languages.</summary>
    public static TargetSpec? Read(JsonElement body, out IReadOnlyDictionary<string, LocalizedText[]> errors)
    {
        var wrong = new Dictionary<string, LocalizedText[]>();
        errors = wrong;
        if (body.ValueKind != JsonValueKind.Object)
        {
            wrong["body"] = [new(
                "请求正文应为 JSON 对象：{name, source, jurisdiction, year, population, measure, op, value | versus, scope}。",
                "The body is a JSON object: {name, source, jurisdiction, year, population, measure, op, value | versus, scope}.")];
            return null;
        }

        foreach (var property in body.EnumerateObject())
        {
            // id, version, createdAt, createdBy and unit are what an answer adds (the unit follows from the measure): a target read back may be sent again.
            if (property.Name is not ("id" or "version" or "createdAt" or "createdBy" or "unit" or "name" or "source" or "jurisdiction" or "year" or "population" or "measure" or "op" or "value" or "versus" or "scope"))
            {
                wrong[property.Name] = [new($"“{property.Name}”不是目标的字段。", $"'{property.Name}' is not a field of a target.")];
            }
        }

        var name = ReadName(body, wrong);
        string? source = null;
        if (body.TryGetProperty("source", out var sourceElement) && sourceElement.ValueKind != JsonValueKind.Null)
        {
            if (sourceElement.ValueKind != JsonValueKind.String || sourceElement.GetString()!.Length > 400)
            {
                wrong["source"] = [new("source 应为不超过 400 个字符的文本。", "source is text of at most 400 characters.")];
            }
            else
            {
                source = sourceElement.GetString();
            }
        }

        string? jurisdiction = null;
        if (!body.TryGetProperty("jurisdiction", out var j) || j.ValueKind != JsonValueKind.String || !JurisdictionForm().IsMatch(j.GetString()!))
        {
            wrong["jurisdiction"] = [new("jurisdiction 应为 \"\"（全国）或 2、4、6 位的行政区划代码前缀。", "jurisdiction is \"\" (national) or a region prefix of 2, 4 or 6 digits.")];
        }
        else
        {
            jurisdiction = j.GetString();
        }

        int year = 0;
        if (!body.TryGetProperty("year", out var y) || y.ValueKind != JsonValueKind.Number || !y.TryGetInt32(out year) || year is < FirstYear or > LastYear)
        {
            wrong["year"] = [new($"year 应为 {FirstYear} 至 {LastYear} 的年份。", $"year is a year from {FirstYear} to {LastYear}.")];
        }

        var population = ReadPopulation(body, "population", wrong);
        var measure = ReadMeasure(body, "measure", wrong);

        string? op = null;
        if (!body.TryGetProperty("op", out var o) || o.ValueKind != JsonValueKind.String || !TargetSpec.Ops.Contains(o.GetString()))
        {
            wrong["op"] = [new("op 应为 \">=\" 或 \">\"。", "op is \">=\" or \">\".")];
        }
        else
        {
            op = o.GetString();
        }

        var hasValue = body.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null;
        var hasVersus = body.TryGetProperty("versus", out var vs) && vs.ValueKind != JsonValueKind.Null;
        decimal? value = null;
        TargetVersus? versus = null;
        if (hasValue == hasVersus)
        {
            wrong["value"] = [new(
                "目标应填写 value（数值）或 versus（{population, measure}）二者之一，不能都填，也不能都不填。",
                "A target has either value (a number) or versus ({population, measure}), not both nor neither.")];
        }
        else if (hasValue)
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var number))
            {
                wrong["value"] = [new("value 应为数值。", "value is a number.")];
            }
            else
            {
                value = number;
            }
        }
        else if (vs.ValueKind != JsonValueKind.Object)
        {
            wrong["versus"] = [new("versus 应为 {population, measure}。", "versus is {population, measure}.")];
        }
        else
        {
            foreach (var property in vs.EnumerateObject())
            {
                if (property.Name is not ("population" or "measure"))
                {
                    wrong["versus." + property.Name] = [new(
                        $"“{property.Name}”不是 versus 的字段；versus 为 {{population, measure}}。", $"'{property.Name}' is not a field of versus: {{population, measure}}.")];
                }
            }

            var versusPopulation = ReadPopulation(vs, "versus.population", wrong);
            var versusMeasure = ReadMeasure(vs, "versus.measure", wrong);
            if (versusPopulation is not null && versusMeasure is not null)
            {
                versus = new TargetVersus(versusPopulation, versusMeasure);
            }
        }

        StatisticalScope? scope = null;
        var perScope = measure?.NamesPerScope == true || versus?.Measure.NamesPerScope == true;
        var hasScope = body.TryGetProperty("scope", out var s) && s.ValueKind != JsonValueKind.Null;
        if (hasScope && (s.ValueKind != JsonValueKind.String || s.GetString() is not ("cbirc" or "pboc")))
        {
            wrong["scope"] = [new(
                "scope 应为 cbirc（单户授信1000万元及以下）或 pboc（单户授信小于1000万元）。", "scope is cbirc (单户授信1000万元及以下) or pboc (单户授信小于1000万元).")];
        }
        else if (perScope && !hasScope)
        {
            wrong["scope"] = [new(
                "scope 为必填项（cbirc 或 pboc）：measure 含有普惠类指标，其数值取决于统计口径。", "scope (cbirc or pboc) is required: the measure names an inclusive indicator.")];
        }
        else if (perScope)
        {
            scope = s.GetString() == "pboc" ? StatisticalScope.Pboc : StatisticalScope.Cbirc;
        }

        if (wrong.Count > 0)
        {
            return null;
        }

        return new TargetSpec(name!, source, jurisdiction!, year, population!, measure!, op!, value, versus, scope);
    }

    private static LocalizedText? ReadName(JsonElement body, Dictionary<string, LocalizedText[]> wrong)
    {
        var error = new LocalizedText("name 应为 {zh, en}，各 1–200 个字符。", "name is {zh, en}, each 1–200 characters.");
        if (!body.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.Object
            || !name.TryGetProperty("zh", out var zh) || zh.ValueKind != JsonValueKind.String || zh.GetString()!.Length is 0 or > 200
            || !name.TryGetProperty("en", out var en) || en.ValueKind != JsonValueKind.String || en.GetString()!.Length is 0 or > 200
            || name.EnumerateObject().Any(p => p.Name is not ("zh" or "en")))
        {
            wrong["name"] = [error];
            return null;
        }

        return new LocalizedText(zh.GetString()!, en.GetString()!);
    }

    private static TargetMeasure? ReadMeasure(JsonElement body, string field, Dictionary<string, LocalizedText[]> wrong)
    {
        var text = body.TryGetProperty(field[(field.LastIndexOf('.') + 1)..], out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var measure = TargetMeasure.Parse(text, field, out var error);
        if (measure is null)
        {
            wrong[field] = [error!];
        }

        return measure;
    }

    private static TargetPopulation? ReadPopulation(JsonElement body, string field, Dictionary<string, LocalizedText[]> wrong)
    {
        if (!body.TryGetProperty(field[(field.LastIndexOf('.') + 1)..], out var population) || population.ValueKind != JsonValueKind.Object)
        {
            wrong[field] = [new(
                $"{field} 应为 {{}}（辖区内全部机构），或含有 {{categories: [...], localLegalPerson: true|false}} 中的任意成员。",
                $"{field} is {{}} for the whole jurisdiction, or any of {{categories: [...], localLegalPerson: true|false}}.")];
            return null;
        }

        List<string>? categories = null;
        bool? local = null;
        var valid = true;
        foreach (var property in population.EnumerateObject())
        {
            switch (property.Name)
            {
                case "categories" or "localLegalPerson" when property.Value.ValueKind == JsonValueKind.Null:
                    break; // as written for a population that does not restrict it
                case "categories" when property.Value.ValueKind == JsonValueKind.Array && property.Value.GetArrayLength() > 0
                    && property.Value.EnumerateArray().All(c => c.ValueKind == JsonValueKind.String && InstitutionCategory.All.Contains(c.GetString())):
                    categories = [.. property.Value.EnumerateArray().Select(c => c.GetString()!).Distinct()];
                    break;
                case "categories":
                    wrong[field + ".categories"] = [new(
                        $"{field}.categories 应列出以下至少一项：{string.Join("、", InstitutionCategory.All)}。",
                        $"{field}.categories lists at least one of {string.Join(", ", InstitutionCategory.All)}.")];
                    valid = false;
                    break;
                case "localLegalPerson" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    local = property.Value.GetBoolean();
                    break;
                case "localLegalPerson":
                    wrong[field + ".localLegalPerson"] = [new($"{field}.localLegalPerson 应为 true 或 false。", $"{field}.localLegalPerson is true or false.")];
                    valid = false;
                    break;
                default:
                    wrong[field + "." + property.Name] = [new(
                        $"“{property.Name}”不是 population 的字段；population 的成员为 categories、localLegalPerson。",
                        $"'{property.Name}' is not a field of a population: {{categories, localLegalPerson}}.")];
                    valid = false;
                    break;
            }
        }

        return valid ? new TargetPopulation(categories, local) : null;
    }

    [GeneratedRegex(@"\A(?:[0-9]{2}){0,3}\z")]
    private static partial Regex JurisdictionForm();
}
