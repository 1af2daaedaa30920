using Compliance.Api.Http;
using Compliance.Data.Access;
using Compliance.Data.Institutions;
using Compliance.Data;
using Compliance.Data.Snapshots;
using Compliance.Engine;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using System.ComponentModel.DataAnnotations;

namespace Compliance.Api.Access;

/// <summary><c>/api/v1/api-keys</c>: admins create, list and revoke keys.</summary>
internal static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/api-keys").WithTags("Access").RequireAuthorization(AccessSetup.AdminPolicy)
            .ProducesProblem(401).ProducesProblem(403);
        group.MapPost("/", Create).WithName("CreateApiKey").WithSummary("Create an API key").WithDescription("Admin only. Creates a key for a role: an institution key names its institution, a regulator key its jurisdiction. The key itself is in this answer only.").ProducesProblem(400);
        group.MapGet("/", List).WithName("ListApiKeys").WithSummary("List API keys").WithDescription("Admin only. Every key with its prefix, role, binding and dates; never the key.");
        group.MapDelete("/{id}", Revoke).WithName("RevokeApiKey").WithSummary("Revoke an API key").WithDescription("Admin only. The key stops working at once.").ProducesProblem(404);
        routes.MapGet("/api/v1/me", Me).WithTags("Access").WithName("GetMe").RequireAuthorization().ProducesProblem(401)
            .WithSummary("The caller's own key").WithDescription("The id, visible prefix, name, role and binding (institution or jurisdiction) of the key that makes the request, never the key itself; and latestPeriod, the latest period with an accepted ledger among the institutions the key may see (null if none), where a console opens.");
        return group;
    }

    public sealed record MeView(string KeyId, string Prefix, string Name, string Role, string? Institution, string? Jurisdiction, string? LatestPeriod);

    private static async Task<Ok<MeView>> Me(Caller caller, HttpContext context, SnapshotStore snapshots, CancellationToken ct)
    {
        var latest = await snapshots.LatestPeriodAsync(caller.Scope, ct);
        return TypedResults.Ok(new MeView(
            Formats.Id(caller.KeyId), context.User.FindFirst(Caller.PrefixClaim)?.Value ?? "", context.User.FindFirst(Caller.NameClaim)?.Value ?? "",
            caller.Role, caller.Institution, caller.Jurisdiction, latest is { } period ? Periods.Format(period) : null));
    }

    public sealed record CreateKey(
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), StringLength(200, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.LengthError)), NameText] string? Name,
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), OneOf(Roles.Institution, Roles.Regulator, Roles.Admin)] string? Role,
        [property: NameText] string? Institution,
        string? Jurisdiction);

    public sealed record KeyView(string Id, string Name, string Prefix, string Role, string? Institution, string? Jurisdiction, Instant CreatedAt, Instant? RevokedAt);

    public sealed record CreatedKey(string Id, string Key, string Name, string Prefix, string Role, string? Institution, string? Jurisdiction, Instant CreatedAt);

    public sealed record KeyList(IReadOnlyList<KeyView> Items);

    private static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> Create(
        CreateKey body, ApiKeyStore keys, InstitutionStore institutions, IClock clock, HttpContext context, CancellationToken ct)
    {
        // What the role asks of the binding: the declared checks of the body have passed.
        var errors = new Dictionary<string, string[]>();
        if (body.Role == Roles.Institution)
        {
            if (string.IsNullOrWhiteSpace(body.Institution))
            {
                errors["institution"] = [Languages.Say("机构角色的密钥须指明其机构。", "A key for the institution role names its institution.")];
            }
            else if (await institutions.FindAsync(body.Institution, Scope.Everything, ct) is null)
            {
                errors["institution"] = [Languages.Say($"机构“{body.Institution}”不存在。", $"There is no institution '{body.Institution}'.")];
            }

            if (body.Jurisdiction is not null)
            {
                errors["jurisdiction"] = [Languages.Say("只有监管角色的密钥才有辖区。", "Only a regulator key has a jurisdiction.")];
            }
        }
        else if (body.Role == Roles.Regulator)
        {
            if (body.Jurisdiction is null || !Jurisdictions.IsValid(body.Jurisdiction))
            {
                errors["jurisdiction"] = [Languages.Say("监管角色的密钥须明确指明辖区：全国为 \"\"，否则为 2、4、6 位的行政区划代码前缀。", "A regulator key names its jurisdiction explicitly: \"\" for national, else a region prefix of 2, 4 or 6 digits.")];
            }

            if (body.Institution is not null)
            {
                errors["institution"] = [Languages.Say("只有机构角色的密钥才指明机构。", "Only an institution key names an institution.")];
            }
        }
        else if (body.Institution is not null || body.Jurisdiction is not null)
        {
            errors["role"] = [Languages.Say("管理员密钥不绑定机构或辖区：请勿填写 institution 和 jurisdiction。", "An admin key is bound to nothing: leave institution and jurisdiction out.")];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var key = ApiKeys.Generate();
        var record = new ApiKey
        {
            Name = body.Name!.Trim(), Prefix = ApiKeys.PrefixOf(key), Role = body.Role!, Institution = body.Institution,
            Jurisdiction = body.Jurisdiction, CreatedAt = clock.GetCurrentInstant(),
        };
        var id = await keys.CreateAsync(record, ApiKeys.Hash(key), ct);
        Audit.AuditApi.ActedOn(context, Formats.Id(id), record.Institution);
        var created = new CreatedKey(Formats.Id(id), key, record.Name, record.Prefix, record.Role, record.Institution, record.Jurisdiction, record.CreatedAt);
        return TypedResults.Created($"/api/v1/api-keys/{created.Id}", created);
    }

    private static async Task<Ok<KeyList>> List(ApiKeyStore keys, CancellationToken ct) =>
        TypedResults.Ok(new KeyList((await keys.ListAsync(ct)).Select(k =>
            new KeyView(Formats.Id(k.Id), k.Name, k.Prefix, k.Role, k.Institution, k.Jurisdiction, k.CreatedAt, k.RevokedAt)).ToList()));

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string id, ApiKeyStore keys, IClock clock, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var keyId) || !await keys.RevokeAsync(keyId, clock.GetCurrentInstant(), ct))
        {
            return Problems.NotFoundResult($"API 密钥 {id}", $"API key {id}");
        }

        return TypedResults.NoContent();
    }
}

/// <summary>Jurisdictions are prefixes of the 6-digit region code: empty (national), 2, 4 or 6 digits.</summary>
internal static class Jurisdictions
{
    public const string Pattern = @"\A(?:[0-9]{2}){0,3}\z";

    public static string Error => Languages.Say("{0} 应为 \"\"（全国）或 2、4、6 位的行政区划代码前缀。", "{0} is \"\" (national) or a region prefix of 2, 4 or 6 digits.");

    public static bool IsValid(string prefix) => System.Text.RegularExpressions.Regex.IsMatch(prefix, Pattern);
}
