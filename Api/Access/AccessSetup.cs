using Compliance.Data.Access;
using Microsoft.AspNetCore.Authentication;
using NodaTime;

namespace Compliance.Api.Access;

internal static class AccessSetup
{
    public const string AdminPolicy = "admin";

    /// <summary>API-key authentication, and the policies: any valid key, and admin only.</summary>
    public static WebApplicationBuilder AddComplianceAccess(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser().RequireRole(Roles.Admin));
        return builder;
    }

    /// <summary>
    /// The bootstrap admin key: <c>Compliance:BootstrapAdminKey</c> is an admin key from the first start on; without
    /// it, a server with no key at all creates one and prints it once to its console.
    /// </summary>
    public static async Task EnsureAdminKeyAsync(IServiceProvider services, IConfiguration configuration, CancellationToken ct)
    {
        var keys = services.GetRequiredService<ApiKeyStore>();
        var now = services.GetRequiredService<IClock>().GetCurrentInstant();
        var configured = configuration["Compliance:BootstrapAdminKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            configured = configured.Trim();
            if (!await keys.ExistsAsync(ApiKeys.Hash(configured), ct))
            {
                await keys.CreateAsync(new ApiKey { Name = "bootstrap", Prefix = ApiKeys.PrefixOf(configured), Role = Roles.Admin, CreatedAt = now }, ApiKeys.Hash(configured), ct);
            }

            return;
        }

        if (await keys.AnyAsync(ct))
        {
            return;
        }

        var key = ApiKeys.Generate();
        await keys.CreateAsync(new ApiKey { Name = "bootstrap", Prefix = ApiKeys.PrefixOf(key), Role = Roles.Admin, CreatedAt = now }, ApiKeys.Hash(key), ct);
        Console.WriteLine($"Compliance: no API key existed, so an admin key was created. It is shown only this once:{Environment.NewLine}  {key}");
    }
}
