using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Compliance.Engine.Indicators;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Compliance.Api.Submissions;

/// <summary>
/// How a view carries a snapshot: a property of type <see cref="IndicatorSnapshot"/> is written, in its place, as
/// every declared indicator (<see cref="Indicator.All"/>) under its JSON name, and described so in the OpenAPI
/// document. The snapshot's derived ratios are not written with it; a view that shows them says so itself.
/// </summary>
internal static class IndicatorJson
{
    /// <summary>A contract modifier of the JSON options: replaces each snapshot property with the indicators.</summary>
    public static void WriteInPlace(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var p = type.Properties.Count - 1; p >= 0; p--)
        {
            if (type.Properties[p].PropertyType != typeof(IndicatorSnapshot))
            {
                continue;
            }

            var snapshotOf = type.Properties[p].Get ?? throw new InvalidOperationException($"{type.Type.Name} does not expose its snapshot.");
            type.Properties.RemoveAt(p);
            var at = p;
            foreach (var indicator in Indicator.All)
            {
                var property = type.CreateJsonPropertyInfo(indicator.Type, indicator.JsonName);
                property.Get = owner => indicator.ValueOf((IndicatorSnapshot)snapshotOf(owner)!);
                type.Properties.Insert(at++, property);
            }

            var pboc = type.CreateJsonPropertyInfo(typeof(JsonObject), PbocName);
            pboc.Get = owner => Pboc(((IndicatorSnapshot)snapshotOf(owner)!).Pboc);
            type.Properties.Insert(at, pboc);
        }
    }

    /// <summary>The key of the PBoC 口径's indicators.</summary>
    public const string PbocName = "pboc";

    /// <summary>The indicators of the PBoC 口径 and their own ratios, or <c>null</c> where the snapshot predates it.</summary>
    private static JsonObject? Pboc(IndicatorSnapshot? pboc)
    {
        if (pboc is null)
        {
            return null;
        }

        var json = new JsonObject();
        foreach (var indicator in Indicator.PerScope)
        {
            json[indicator.JsonName] = JsonValue.Create(indicator.ValueOf(pboc));
        }

        json[RatioNames.InclusiveNpl] = Http.Formats.Percent(pboc.InclusiveNplRatio);
        json[RatioNames.CreditShare] = Http.Formats.Percent(pboc.CreditShare);
        return json;
    }

    /// <summary>The ratios the PBoC 口径 has of its own (the total NPL ratio is the same under both).</summary>
    private static class RatioNames
    {
        public const string InclusiveNpl = "inclusiveNplRatio";
        public const string CreditShare = "creditShare";
    }

    /// <summary>The OpenAPI side of <see cref="WriteInPlace"/>: a snapshot property is described as the indicators, in its place.</summary>
    internal sealed class Schemas : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            var snapshots = context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.PropertyType == typeof(IndicatorSnapshot))
                .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
                .ToHashSet(StringComparer.Ordinal);
            if (snapshots.Count == 0 || schema is not OpenApiSchema { Properties: { } properties } described)
            {
                return;
            }

            var replaced = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
            foreach (var (name, property) in properties)
            {
                if (!snapshots.Contains(name))
                {
                    replaced[name] = property;
                    continue;
                }

                foreach (var indicator in Indicator.All)
                {
                    replaced[indicator.JsonName] = context.SchemaGenerator.GenerateSchema(indicator.Type, context.SchemaRepository);
                }

                var pboc = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object | JsonSchemaType.Null,
                    Description = "The inclusive indicators again in the PBoC 口径 (单户授信小于1000万元), with their own inclusiveNplRatio and creditShare; null for a snapshot stored before that 口径 existed, until it is recomputed.",
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
                };
                foreach (var indicator in Indicator.PerScope)
                {
                    pboc.Properties[indicator.JsonName] = context.SchemaGenerator.GenerateSchema(indicator.Type, context.SchemaRepository);
                }

                pboc.Properties[RatioNames.InclusiveNpl] = context.SchemaGenerator.GenerateSchema(typeof(decimal?), context.SchemaRepository);
                pboc.Properties[RatioNames.CreditShare] = context.SchemaGenerator.GenerateSchema(typeof(decimal?), context.SchemaRepository);
                replaced[PbocName] = pboc;
            }

            described.Properties = replaced;
        }
    }
}
