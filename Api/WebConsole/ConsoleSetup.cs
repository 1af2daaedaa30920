namespace Compliance.Api.WebConsole;

/// <summary>
/// The web console (console.md): the files of <c>wwwroot</c>, served at <c>/</c> with ETags and precompressed
/// variants, the page with a strict Content-Security-Policy and every file with <c>nosniff</c> (<see cref="Http.SecurityHeaders"/>). It reads and writes through the
/// public API alone, with the user's own key.
/// </summary>
internal static class ConsoleSetup
{
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

    /// <summary>Maps every file of <c>wwwroot</c>; their headers, the page's policy among them, are <see cref="Http.SecurityHeaders"/>'.</summary>
    public static WebApplication MapConsole(this WebApplication app)
    {
        app.MapStaticAssets();
        return app;
    }
}
