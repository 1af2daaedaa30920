using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Compliance.Api.Http;
using Compliance.Data.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Access;

/// <summary>Authenticates the <c>X-Api-Key</c> header against the stored key hashes.</summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = ApiKeys.Hash(values.ToString().Trim());
        var key = await keys.FindActiveAsync(presented, Context.RequestAborted);
        if (key?.KeyHash is null || !ApiKeys.SameHash(key.KeyHash, presented))
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var claims = new List<Claim>
        {
            new(Caller.KeyIdClaim, key.Id.ToString(CultureInfo.InvariantCulture)),
            new(Caller.RoleClaim, key.Role),
            new(ClaimTypes.Role, key.Role),
            new(Caller.PrefixClaim, key.Prefix),
            new(Caller.NameClaim, key.Name),
        };
        if (key.Institution is not null)
        {
            claims.Add(new Claim(Caller.InstitutionClaim, key.Institution));
        }

        if (key.Jurisdiction is not null)
        {
            claims.Add(new Claim(Caller.JurisdictionClaim, key.Jurisdiction));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteAsync(Problems.Of(Problems.Unauthorized, "请在 X-Api-Key 请求头中提供有效的 API 密钥。", "Send a valid API key in the X-Api-Key header."));

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteAsync(Problems.ForbiddenResult("该密钥的角色无权执行此操作。", "This key's role may not do this."));

    private Task WriteAsync(ProblemHttpResult problem) => problem.ExecuteAsync(Context);
}
