using System.Globalization;
using System.Security.Claims;
using Compliance.Data;

namespace Compliance.Api.Access;

/// <summary>The roles of api.md, "Who may do what".</summary>
internal static class Roles
{
    public const string Institution = "institution";
    public const string Regulator = "regulator";
    public const string Admin = "admin";
}

/// <summary>The authenticated caller: its key, role, and what it is bound to.</summary>
public sealed record Caller(long KeyId, string Role, string? Institution, string? Jurisdiction)
{
    internal const string KeyIdClaim = "compliance:key";
    internal const string RoleClaim = "compliance:role";
    internal const string InstitutionClaim = "compliance:institution";
    internal const string JurisdictionClaim = "compliance:jurisdiction";
    internal const string PrefixClaim = "compliance:prefix";
    internal const string NameClaim = "compliance:name";

    public bool IsAdmin => Role == Roles.Admin;

    public bool IsInstitution => Role == Roles.Institution;

    public bool IsRegulator => Role == Roles.Regulator;

    /// <summary>What the caller may see: its institution, its jurisdiction, or everything.</summary>
    public Scope Scope => Role switch
    {
        Roles.Institution => new Scope(Institution, null),
        Roles.Regulator => new Scope(null, Jurisdiction ?? ""),
        _ => Scope.Everything,
    };

    /// <summary>Binds the caller of an authenticated request from its claims.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(FromPrincipal(context.User));
    }

    internal static Caller? FromPrincipal(ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(KeyIdClaim);
        var role = user.FindFirstValue(RoleClaim);
        if (id is null || role is null)
        {
            return null;
        }

        return new Caller(long.Parse(id, CultureInfo.InvariantCulture), role, user.FindFirstValue(InstitutionClaim), user.FindFirstValue(JurisdictionClaim));
    }
}
