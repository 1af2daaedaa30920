using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Compliance.Api.Access;
using Compliance.Api.Deadlines;
using Compliance.Api.Http;
using Compliance.Api.Jobs;
using Compliance.Data.Institutions;
using Compliance.Engine;
using Compliance.Engine.Calendar;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using NodaTime;
using Swashbuckle.AspNetCore.SwaggerGen;
using Period = Compliance.Api.Http.Period;
using Scope = Compliance.Data.Scope;

namespace Compliance.Api.Institutions;

/// <summary><c>/api/v1/institutions</c>: admins register institutions; everyone reads those they may see.</summary>
internal static class InstitutionsApi
{
    internal static string RegionCodeError => Languages.Say("{0} 应为 6 位 GB/T 2260 行政区划代码。", "{0} is the 6-digit GB/T 2260 code.");
    private const string CodePattern = "^[A-Za-z0-9_-]{1,32}$";
    internal static string CodeError => Languages.Say("{0} 应为 1–32 个字符，只含 A–Z、a–z、0–9、- 和 _。", "{0} is 1–32 of A–Z a–z 0–9 - _.");
    internal static string LocalLegalPersonError => Languages.Say(
        "{0} 为必填项：地方法人金融机构为 true，全国性银行的分支机构为 false。", "{0} is required: true for 地方法人金融机构, false for a branch of a national bank.");

    private static readonly LocalizedText LegalPersonLevelError = new(
        "法人机构的 level 应为 head_office（总行/法人），省联社（category 为 rural）可为 provincial（省级）。",
        "level of a legal person (法人) is head_office (总行/法人), or provincial (省级) for a provincial rural credit union (省联社, category rural).");

    private static readonly LocalizedText BranchLevelError = new(
        "分支机构的 level 应为 provincial（省级）、municipal（地市级）或 county（县级）。",
        "level of a branch (分支机构) is provincial (省级), municipal (地市级) or county (县级).");

    public static RouteGroupBuilder MapInstitutions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/institutions").WithTags("Institutions").RequireAuthorization().ProducesProblem(401);
        group.MapPost("/", Create).WithName("CreateInstitution").WithSummary("Register an institution").WithDescription("Admin only. Registers an institution; the answer carries its generated webhookSecret, shown only here. 409 if the code exists. legalPerson defaults to localLegalPerson, level to head_office for a legal person and municipal for a branch, parent to none.").RequireAuthorization(AccessSetup.AdminPolicy)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        group.MapPut("/{code}", Update).WithName("UpdateInstitution").WithSummary("Update an institution").WithDescription("Admin only. Replaces every field of an institution but its code; legalPerson, level and parent keep their stored values where the body omits them, and \"parent\": null removes the parent. A change of legalPerson, category, level or regionCode queues the re-evaluation of the institution's accepted periods.").RequireAuthorization(AccessSetup.AdminPolicy)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        group.MapGet("/", List).WithName("ListInstitutions").WithSummary("List institutions").WithDescription("The institutions the key may see, by code, filtered by a prefix of the region code.").ProducesProblem(400);
        group.MapGet("/{code}", Get).WithName("GetInstitution").WithSummary("Get an institution").WithDescription("One institution the key may see; never its webhook secret.").ProducesProblem(404);
        return group;
    }

    /// <summary>The body of a create, and of an update (whose code, if given, is the route's).</summary>
    public sealed record InstitutionBody(
        [property: RegularExpression(CodePattern, ErrorMessageResourceType = typeof(InstitutionsApi), ErrorMessageResourceName = nameof(InstitutionsApi.CodeError))] string? Code,
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), StringLength(200, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.LengthError)), NameText] string? Name,
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), OneOf("large_state", "joint_stock", "city_commercial", "rural", "village", "policy", "foreign", "other")] string? Category,
        bool? LegalPerson,
        [property: OneOf(InstitutionLevel.HeadOffice, InstitutionLevel.Provincial, InstitutionLevel.Municipal, InstitutionLevel.County)] string? Level,
        OptionalText Parent,
        [property: Required(ErrorMessageResourceType = typeof(InstitutionsApi), ErrorMessageResourceName = nameof(InstitutionsApi.LocalLegalPersonError))] bool? LocalLegalPerson,
        [property: Required(ErrorMessageResourceType = typeof(InstitutionsApi), ErrorMessageResourceName = nameof(InstitutionsApi.RegionCodeError)), RegularExpression("^[0-9]{6}$", ErrorMessageResourceType = typeof(InstitutionsApi), ErrorMessageResourceName = nameof(InstitutionsApi.RegionCodeError))] string? RegionCode,
        [property: Accepted<Period>] string? ReportingFrom,
        string? WebhookUrl);

    public sealed record InstitutionView(
        string Code, string Name, string Category, bool LegalPerson, string Level, string? Parent, bool LocalLegalPerson, string RegionCode,
        YearMonth ReportingFrom, string? WebhookUrl, Instant CreatedAt, Instant UpdatedAt);

    public sealed record CreatedInstitution(
        string Code, string Name, string Category, bool LegalPerson, string Level, string? Parent, bool LocalLegalPerson, string RegionCode,
        YearMonth ReportingFrom, string? WebhookUrl, Instant CreatedAt, Instant UpdatedAt, string WebhookSecret);

    /// <summary>
    /// The levels an institution's <c>level</c> takes, in its body and its answers; and a body's <c>parent</c>, which
    /// may be <c>null</c> (to remove the parent) though never bound as a nullable type.
    /// </summary>
    internal sealed class LevelsSchema : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema { Properties: { } properties }
                || (context.Type != typeof(InstitutionBody) && context.Type != typeof(InstitutionView) && context.Type != typeof(CreatedInstitution)))
            {
                return;
            }

            if (properties.TryGetValue("level", out var level) && level is OpenApiSchema levels)
            {
                levels.Enum = [.. InstitutionLevel.All.Select(l => (JsonNode)JsonValue.Create(l))];
                levels.Description = "head_office 总行/法人, provincial 省级, municipal 地市级, county 县级: a legal person's is head_office (provincial for a "
                    + "provincial rural credit union 省联社, category rural), a branch's provincial, municipal or county.";
            }

            if (context.Type == typeof(InstitutionBody) && properties.TryGetValue("parent", out var parent) && parent is OpenApiSchema code)
            {
                code.Type |= JsonSchemaType.Null;
            }
        }
    }

    internal static InstitutionView View(Institution i) =>
        new(i.Code, i.Name, i.Category, i.LegalPerson, i.Level, i.Parent, i.LocalLegalPerson, i.RegionCode, i.ReportingFrom,
            WebhookDestinations.WithoutUserInfo(i.WebhookUrl), i.CreatedAt, i.UpdatedAt);

    private static async Task<Results<Created<CreatedInstitution>, ProblemHttpResult>> Create(
        InstitutionBody body, InstitutionStore institutions, WebhookDestinations destinations, IClock clock, CancellationToken ct)
    {
        var errors = Validate(body, body.Code, destinations);
        var legalPerson = body.LegalPerson ?? body.LocalLegalPerson!.Value;
        var hierarchy = new Hierarchy(legalPerson, body.Level ?? InstitutionLevel.DefaultFor(legalPerson), body.Parent.Value);
        Validate(body, hierarchy, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var now = clock.GetCurrentInstant();
        var institution = ToInstitution(body, body.Code!, hierarchy, clock, now, now);
        var secret = ApiKeys.NewSecret();
        var written = await institutions.CreateAsync(institution, secret, ct);
        switch (written)
        {
            case InstitutionWrite.Exists:
                return Problems.Of(Problems.Conflict, $"代码为“{institution.Code}”的机构已存在。", $"An institution with code '{institution.Code}' exists already.");
            case InstitutionWrite.ParentMissing or InstitutionWrite.ParentCycle:
                return ParentRefused(written, institution);
        }

        var i = institution;
        return TypedResults.Created($"/api/v1/institutions/{i.Code}",
            new CreatedInstitution(i.Code, i.Name, i.Category, i.LegalPerson, i.Level, i.Parent, i.LocalLegalPerson, i.RegionCode, i.ReportingFrom,
                i.WebhookUrl, i.CreatedAt, i.UpdatedAt, secret));
    }

    private static async Task<Results<Ok<InstitutionView>, ProblemHttpResult>> Update(
        string code, InstitutionBody body, InstitutionStore institutions, WebhookDestinations destinations, IBackgroundJobClient jobs, IClock clock,
        CancellationToken ct)
    {
        var existing = await institutions.FindAsync(code, Scope.Everything, ct);
        if (existing is null)
        {
            return Problems.NotFoundResult($"机构 {code}", $"Institution {code}");
        }

        var errors = Validate(body, code, destinations);
        if (body.Code is not null && body.Code != code)
        {
            errors["code"] = [Languages.Say("机构代码不能更改。", "The code of an institution cannot change.")];
        }

        // What the body omits stays as stored; "parent": null is given, and removes the parent.
        var hierarchy = new Hierarchy(body.LegalPerson ?? existing.LegalPerson, body.Level ?? existing.Level, body.Parent.Or(existing.Parent));
        Validate(body, hierarchy, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var updated = ToInstitution(body, code, hierarchy, clock, existing.CreatedAt, clock.GetCurrentInstant());
        var update = await institutions.UpdateAsync(updated, ct);
        switch (update.Outcome)
        {
            case InstitutionWrite.NotFound:
                return Problems.NotFoundResult($"机构 {code}", $"Institution {code}");
            case InstitutionWrite.ParentMissing or InstitutionWrite.ParentCycle:
                return ParentRefused(update.Outcome, updated);
        }

        EvaluateSubmissionJob.Enqueue(jobs, update.ToEvaluate);
        return TypedResults.Ok(View(updated));
    }

    private static async Task<Ok<ListAnswer<InstitutionView>>> List(
        Caller caller, InstitutionStore institutions, [RegularExpression(AcceptedRanges.RegionPrefixPattern, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RegionPrefixError))] string? region,
        [AsParameters] PageQuery paging, CancellationToken ct) =>
        TypedResults.Ok(PageQuery.Map(await institutions.ListAsync(caller.Scope, string.IsNullOrEmpty(region) ? null : region, paging.Request, ct), View));

    private static async Task<Results<Ok<InstitutionView>, ProblemHttpResult>> Get(string code, Caller caller, InstitutionStore institutions, CancellationToken ct) =>
        await institutions.FindAsync(code, caller.Scope, ct) is { } institution
            ? TypedResults.Ok(View(institution))
            : Problems.NotFoundResult($"机构 {code}", $"Institution {code}");

    /// <summary>What the declared checks of the body leave: a code to create with, and a webhook URL the server may reach.</summary>
    private static Dictionary<string, string[]> Validate(InstitutionBody body, string? code, WebhookDestinations destinations)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(code))
        {
            errors["code"] = [Languages.Say("code 为必填项。", "code is required.")];
        }

        if (body.WebhookUrl is not null && destinations.Refusal(body.WebhookUrl) is { } refusal)
        {
            errors["webhookUrl"] = [refusal];
        }

        return errors;
    }

    /// <summary>
    /// What api.md asks of a legal person, a branch and its parent that the body alone can tell: the level fits, only
    /// a branch has a parent, and a local legal person is a legal person. (That the parent exists and its chain never
    /// returns to the institution is checked where it is stored.)
    /// </summary>
    private static void Validate(InstitutionBody body, Hierarchy hierarchy, Dictionary<string, string[]> errors)
    {
        if (!InstitutionLevel.Fits(hierarchy.LegalPerson, body.Category!, hierarchy.Level))
        {
            errors["level"] = [Languages.Say(hierarchy.LegalPerson ? LegalPersonLevelError : BranchLevelError)];
        }

        if (hierarchy.LegalPerson && hierarchy.Parent is not null)
        {
            errors["parent"] = [Languages.Say("只有分支机构才有上级机构；法人机构没有上级：请发送 \"parent\": null。", "Only a branch (分支机构) reports to a parent; a legal person (法人) has none: send \"parent\": null.")];
        }

        if (body.LocalLegalPerson == true && !hierarchy.LegalPerson)
        {
            errors["localLegalPerson"] = [Languages.Say("localLegalPerson 为 true（地方法人金融机构）时 legalPerson 须为 true：分支机构不是地方法人。", "localLegalPerson true (地方法人金融机构) requires legalPerson true: a branch is no local legal person.")];
        }
    }

    private static ProblemHttpResult ParentRefused(InstitutionWrite refusal, Institution institution) => Problems.Invalid(
        "parent",
        refusal == InstitutionWrite.ParentMissing ? $"parent 所指机构不存在：没有机构“{institution.Parent}”。"
            : $"上级机构 {institution.Parent} 经其自身的上级隶属于 {institution.Code}：上级链条不能回到本机构。",
        refusal == InstitutionWrite.ParentMissing ? $"parent names no institution: there is no institution '{institution.Parent}'."
            : $"parent {institution.Parent} reports, through its own parents, to {institution.Code}: a chain of parents never returns to the institution.");

    /// <summary>Whether an institution is a legal person, its level and its parent, as the request leaves them.</summary>
    private sealed record Hierarchy(bool LegalPerson, string Level, string? Parent);

    private static Institution ToInstitution(InstitutionBody body, string code, Hierarchy hierarchy, IClock clock, Instant createdAt, Instant updatedAt) => new()
    {
        Code = code,
        Name = body.Name!.Trim(),
        Category = body.Category!,
        LegalPerson = hierarchy.LegalPerson,
        Level = hierarchy.Level,
        Parent = hierarchy.Parent,
        LocalLegalPerson = body.LocalLegalPerson!.Value,
        RegionCode = body.RegionCode!,
        ReportingFrom = body.ReportingFrom is not null ? Periods.Parse(body.ReportingFrom) : ReportingZone.Today(clock).ToYearMonth(),
        WebhookUrl = body.WebhookUrl,
        CreatedAt = createdAt,
        UpdatedAt = updatedAt,
    };
}
