using System.Text.Json.Serialization.Metadata;
using Compliance.Api.Submissions;
using Compliance.Engine;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace Compliance.Api.Http;

internal static class HttpSetup
{
    /// <summary>
    /// JSON (camelCase, NodaTime as ISO strings), problem details for every error, the OpenAPI document, and who the
    /// client is behind a trusted proxy (<see cref="ClientAddresses"/>).
    /// </summary>
    public static WebApplicationBuilder AddComplianceHttp(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
            options.SerializerOptions.Converters.Add(new YearMonthConverter());
            options.SerializerOptions.TypeInfoResolver = (options.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
                .WithAddedModifier(IndicatorJson.WriteInPlace);
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
            var language = Languages.Of(context.HttpContext);
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
                problem.Title = kind.Title.In(language);
            }

            if (status >= 500)
            {
                problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
                problem.Detail ??= language == Language.Zh ? "服务器处理失败；请报告 traceId。" : "The server failed; report the traceId.";
            }

            problem.Detail ??= Problems.ForStatus(status).Explanation.In(language);
        });

        builder.Services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HttpOptions>>(new NetworkListValidation<HttpOptions>($"{HttpOptions.Section}:TrustedProxies", o => o.TrustedProxies, addresses: true));
        builder.Services.AddSingleton<ClientAddresses>();
        builder.Services.AddExceptionHandler<Unavailable>();
        builder.Services.AddComplianceOpenApi();
        return builder;
    }

    /// <summary>
    /// Every failure as problem details with a <c>traceId</c>, never a stack trace: first in the pipeline of every node,
    /// so nothing reaches the framework's developer page, which a Development host puts before it.
    /// </summary>
    public static WebApplication UseComplianceErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        return app;
    }

    /// <summary>
    /// Every error as problem details; unmatched routes too. The errors are caught here again, inside the audit, so a
    /// failed write is recorded with its 500.
    /// </summary>
    public static WebApplication UseComplianceHttp(this WebApplication app)
    {
        app.UseComplianceErrors();
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
