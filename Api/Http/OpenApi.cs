using System.Text.Json.Nodes;
using Compliance.Api.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using NodaTime;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Compliance.Api.Http;

/// <summary>
/// A request body the framework does not read itself (the handler streams it), as the document shows it: each media
/// type with an example, or any media type as bytes.
/// </summary>
internal sealed record DocumentedBody(string Description, IReadOnlyDictionary<string, JsonNode?> Examples);

/// <summary>An optional request header the handler binds itself, as the document shows it: its form and what it does.</summary>
internal sealed record DocumentedHeader(string Name, string Pattern, string Description);

/// <summary>The OpenAPI document at <c>/swagger/v1/swagger.json</c>: every operation, tag, body and problem answer.</summary>
internal static class OpenApi
{
    /// <summary>The tags of the document, each with what its operations are about.</summary>
    private static readonly Dictionary<string, string> Tags = new()
    {
        ["Institutions"] = "The institutions that report: admins register and update them; every key reads those it may see, with their indicators.",
        ["Access"] = "API keys (institution, regulator, admin): admins create, list and revoke them; every key reads its own.",
        ["Submissions"] = "Loan ledgers (ledger.md): submitted for a period, validated whole, stored, and evaluated against the rule sets.",
        ["Exceptions"] = "What the evaluations and the deadline sweep found, and the workflow through which it is explained, resolved, waived or reopened.",
        ["Rules"] = "The rule catalogue, the rule sets by jurisdiction and their versions, and re-evaluation with the sets in force.",
        ["Deadlines"] = "Obligations, their deadlines, deliverables, the working-day calendar, reminders and the daily sweep (deadlines.md).",
        ["Analytics"] = "What a regulator manages by, over a jurisdiction: aggregates of the stored snapshots, exceptions and filings of the institutions the key may see (analytics.md).",
        ["Operations"] = "Health checks, the explanation of each problem type, and the audit log.",
    };

    public static void AddComplianceOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Compliance API",
                Version = "v1",
                Description = "Loan ledgers in, small/micro-enterprise lending indicators, exceptions and deadlines out. Authenticate with X-Api-Key. "
                    + "Every error is application/problem+json with a stable type /problems/<kind>, explained at GET /problems/<kind>.",
                Contact = new OpenApiContact { Name = "Compliance maintainers", Email = "security@compliance.invalid" },
                License = new OpenApiLicense { Name = "Proprietary" },
            });
            options.MapType<Instant>(() => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" });
            options.MapType<LocalDate>(() => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" });
            options.MapType<YearMonth>(() => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-[0-9]{2}$" });
            // A snapshot is never an object of its own in the answers: its indicators stand in its place.
            options.MapType<Compliance.Engine.Indicators.IndicatorSnapshot>(() => new OpenApiSchema { Type = JsonSchemaType.Object });
            options.SchemaFilter<Submissions.IndicatorJson.Schemas>();
            options.SchemaFilter<Analytics.PeersApi.FiguresSchema>();
            options.SchemaFilter<Rules.RulesApi.UnitsSchema>();
            options.SchemaFilter<Institutions.InstitutionsApi.LevelsSchema>();
            options.MapType<Period>(() => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-[0-9]{2}$", Description = Period.Accepted.En });
            options.MapType<Day>(() => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date", Description = Day.Accepted.En });
            options.MapType<OptionalText>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Null,
                Description = "Absent keeps what is stored; null removes it; a string sets it.",
            });
            options.MapType<Audit.Bound>(() => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$", Description = Audit.Bound.Accepted.En });
            options.AddSecurityDefinition(ApiKeyAuthentication.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthentication.Header,
                Description = "An API key (institution, regulator or admin).",
            });
            options.OperationFilter<Answers>();
            options.DocumentFilter<Document>();
            options.CustomSchemaIds(SchemaId);
        });
    }

    /// <summary>Short schema names: the type's own name, its generic argument first (<c>ExceptionViewList</c>).</summary>
    private static string SchemaId(Type type) =>
        type.IsGenericType ? string.Concat(type.GetGenericArguments().Select(SchemaId)) + type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)].Replace("ListAnswer", "List", StringComparison.Ordinal)
            : type.Name;

    /// <summary>The server (relative: the document is read where the API is served, behind any proxy) and the tags.</summary>
    private sealed class Document : IDocumentFilter
    {
        public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
        {
            swaggerDoc.Servers = [new OpenApiServer { Url = "/", Description = "The server that serves this document." }];
            swaggerDoc.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        }
    }

    /// <summary>
    /// Who may call an operation, and every problem it can answer: 401, 429, 500 and 503 for all that need a key
    /// (no key, the rate limit, a failure, the database busy), 403 for the admin's, 413 and 415 for those with a
    /// body; each 4xx and 5xx as <c>application/problem+json</c>. A streamed body, and a header the handler binds
    /// itself, are described from their metadata.
    /// </summary>
    private sealed class Answers : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<DocumentedBody>().FirstOrDefault() is { } body)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = body.Description,
                    Content = body.Examples.ToDictionary(e => e.Key, IOpenApiMediaType (e) => new OpenApiMediaType
                    {
                        Schema = e.Value is JsonObject
                            ? new OpenApiSchema { Type = JsonSchemaType.Object }
                            : new OpenApiSchema { Type = JsonSchemaType.String, Format = e.Value is null ? "binary" : null },
                        Example = e.Value,
                    }),
                };
            }

            foreach (var header in metadata.OfType<DocumentedHeader>())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = header.Name,
                    In = ParameterLocation.Header,
                    Description = header.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = header.Pattern },
                });
            }

            var statuses = new List<int> { StatusCodes.Status500InternalServerError };
            var authorize = metadata.OfType<IAuthorizeData>().ToList();
            if (authorize.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, context.Document)] = [] }];
                statuses.AddRange([StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable]);
                if (authorize.Any(a => a.Policy == AccessSetup.AdminPolicy))
                {
                    statuses.Add(StatusCodes.Status403Forbidden);
                }
            }
            else
            {
                operation.Security = [];
            }

            if (operation.RequestBody is { Content: { } content })
            {
                statuses.Add(StatusCodes.Status413PayloadTooLarge);
                if (content.ContainsKey("application/json"))
                {
                    statuses.AddRange([StatusCodes.Status400BadRequest, StatusCodes.Status415UnsupportedMediaType]);
                }
            }

            operation.Responses ??= [];
            foreach (var status in statuses)
            {
                operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse());
            }

            var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
            var responses = new OpenApiResponses();
            foreach (var (code, response) in operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                responses[code] = code[0] is '4' or '5'
                    ? new OpenApiResponse
                    {
                        Description = Problems.ForStatus(int.Parse(code, System.Globalization.CultureInfo.InvariantCulture)).Title.En,
                        Content = new Dictionary<string, IOpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType { Schema = problem } },
                    }
                    : response;
            }

            operation.Responses = responses;
        }
    }
}
