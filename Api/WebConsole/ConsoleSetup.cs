namespace Compliance.Api.WebConsole;

/// <summary>
/// The web console (console.md): the files of <c>wwwroot</c>, served at <c>/</c> with ETags and precompressed
/// variants, each answer with a strict Content-Security-Policy and <c>nosniff</c>. It reads and writes through the
/// public API alone, with the user's own key.
/// </summary>
internal static class ConsoleSetup
{
    /// <summary>
    /// Nothing but the console's own origin: scripts and styles from its files (no inline script or style), requests
    /// to the API, images of its own or <c>data:</c> URLs (the charts' exports), and no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>
    /// Serves the files from where the build put them in every environment (the Development default): run from a build
    /// rather than a publish, their precompressed variants are in the build's own folders, not under <c>wwwroot</c>.
    /// A published application has no such manifest, and this changes nothing.
    /// </summary>
    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    /// <summary>Answers <c>/</c> with the console's page: placed before routing, so the page's endpoint serves it.</summary>
    public static WebApplication UseConsolePage(this WebApplication app)
    {
        app.UseDefaultFiles();
        return app;
    }

    /// <summary>Maps every file of <c>wwwroot</c> with the console's headers.</summary>
    public static WebApplication MapConsole(this WebApplication app)
    {
        app.MapStaticAssets().Add(endpoint =>
        {
            var serve = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                return serve(context);
            };
        });
        return app;
    }
}
