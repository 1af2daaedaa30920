using System.Reflection;
using System.Text.Json;
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
        }
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
            }

            described.Properties = replaced;
        }
    }
}
