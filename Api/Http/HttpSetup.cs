using Compliance.Api.Access;
using Microsoft.OpenApi;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace Compliance.Api.Http;

internal static class HttpSetup
{
    /// <summary>JSON (camelCase, NodaTime as ISO strings), problem details for every error, and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddComplianceHttp(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
            options.SerializerOptions.Converters.Add(new YearMonthConverter());
            // Chinese text is written as it is, not as \u escapes; HTML-sensitive characters stay escaped.
            options.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        });
        // A body or parameter the framework cannot bind is thrown, so its answer can name the field at fault; declared
        // ranges and lengths are checked before the handler runs. Both answer 400 invalid-request (InvalidRequests).
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddValidation();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (context.Exception is BadHttpRequestException bad)
            {
                status = bad.StatusCode;
                problem.Status = status;
                context.HttpContext.Response.StatusCode = status;
                problem.Type = null;
            }

            if (InvalidRequests.ErrorsOf(context) is { } errors)
            {
                problem.Type = null;
                problem.Detail = Problems.InvalidDetail(errors);
                if (problem is HttpValidationProblemDetails validation)
                {
                    validation.Errors = errors;
                }
                else
                {
                    problem.Extensions["errors"] = errors;
                }
            }

            if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
            {
                var kind = Problems.ForStatus(status);
                problem.Type = Problems.TypeOf(kind);
                problem.Title = kind.Title;
            }

            if (status >= 500)
            {
                problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
                problem.Detail ??= "The server failed; report the traceId.";
            }

            problem.Detail ??= Problems.ForStatus(status).Explanation;
        });

        builder.Services.AddExceptionHandler<Unavailable>();
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Compliance API",
                Version = "v1",
                Description = "Loan ledgers in, small/micro-enterprise lending indicators, exceptions and deadlines out. Authenticate with X-Api-Key.",
            });
            options.MapType<Instant>(() => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" });
            options.MapType<LocalDate>(() => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" });
            options.MapType<YearMonth>(() => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-[0-9]{2}$" });
            options.MapType<Period>(() => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-[0-9]{2}$", Description = Period.Accepted });
            options.MapType<Day>(() => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date", Description = Day.Accepted });
            options.MapType<Audit.Bound>(() => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$", Description = Audit.Bound.Accepted });
            options.AddSecurityDefinition(ApiKeyAuthentication.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthentication.Header,
                Description = "An API key (institution, regulator or admin).",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, document)] = [],
            });
            options.CustomSchemaIds(SchemaId);
        });
        return builder;
    }

    /// <summary>Short schema names: the type's own name, its generic argument first (<c>ExceptionViewList</c>).</summary>
    private static string SchemaId(Type type) =>
        type.IsGenericType ? string.Concat(type.GetGenericArguments().Select(SchemaId)) + type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)].Replace("ListAnswer", "List", StringComparison.Ordinal)
            : type.Name;

    /// <summary>Every error as problem details; unmatched routes too.</summary>
    public static WebApplication UseComplianceHttp(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "Compliance API v1");
            options.RoutePrefix = "swagger";
        });
        app.UseAuthentication();
        app.UseComplianceLimits();
        app.UseAuthorization();
        return app;
    }
}
