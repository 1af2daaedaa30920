namespace Compliance.Api.Http;

/// <summary>
/// The headers every answer carries: <c>nosniff</c> and no referrer on all of them, and on every HTML page (the
/// console, the problem pages, Swagger UI) a Content-Security-Policy that forbids framing. An answer that sets its
/// own policy (a download's <c>sandbox</c>) keeps it.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// Nothing but the server's own origin: scripts and styles from its files (no inline script or style), requests
    /// to the API, images of its own or <c>data:</c> URLs (the charts' exports), and no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>
    /// Swagger UI's: as strict as it runs under. Its scripts are files of its own; it sets styles inline, so those
    /// alone are allowed.
    /// </summary>
    public const string SwaggerContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public const string SwaggerPath = "/swagger";

    /// <summary>First in the pipeline, so every answer passes through it, errors and static files alike.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var response = context.Response;
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true && headers.ContentSecurityPolicy.Count == 0)
                {
                    headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(SwaggerPath) ? SwaggerContentSecurityPolicy : ContentSecurityPolicy;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
