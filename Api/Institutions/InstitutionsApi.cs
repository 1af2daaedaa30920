using System.ComponentModel.DataAnnotations;
using Compliance.Api.Access;
using Compliance.Api.Deadlines;
using Compliance.Api.Http;
using Compliance.Data;
using Compliance.Data.Institutions;
using Compliance.Engine;
using Compliance.Engine.Calendar;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Period = Compliance.Api.Http.Period;

namespace Compliance.Api.Institutions;

/// <summary><c>/api/v1/institutions</c>: admins register institutions; everyone reads those they may see.</summary>
internal static class InstitutionsApi
{
    private const string RegionCodeError = "{0} is the 6-digit GB/T 2260 code.";
    private const string CodePattern = "^[A-Za-z0-9_-]{1,32}$";
    private const string CodeError = "{0} is 1–32 of A–Z a–z 0–9 - _.";

    public static RouteGroupBuilder MapInstitutions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/institutions").WithTags("Institutions").RequireAuthorization().ProducesProblem(401);
        group.MapPost("/", Create).WithName("CreateInstitution").WithSummary("Register an institution").WithDescription("Admin only. Registers an institution; the answer carries its generated webhookSecret, shown only here. 409 if the code exists.").RequireAuthorization(AccessSetup.AdminPolicy)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        group.MapPut("/{code}", Update).WithName("UpdateInstitution").WithSummary("Update an institution").WithDescription("Admin only. Replaces every field of an institution but its code.").RequireAuthorization(AccessSetup.AdminPolicy)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        group.MapGet("/", List).WithName("ListInstitutions").WithSummary("List institutions").WithDescription("The institutions the key may see, by code, filtered by a prefix of the region code.").ProducesProblem(400);
        group.MapGet("/{code}", Get).WithName("GetInstitution").WithSummary("Get an institution").WithDescription("One institution the key may see; never its webhook secret.").ProducesProblem(404);
        return group;
    }

    /// <summary>The body of a create, and of an update (whose code, if given, is the route's).</summary>
    public sealed record InstitutionBody(
        [property: RegularExpression(CodePattern, ErrorMessage = CodeError)] string? Code,
        [property: Required(ErrorMessage = AcceptedRanges.RequiredError), StringLength(200, ErrorMessage = AcceptedRanges.LengthError), NameText] string? Name,
        [property: Required(ErrorMessage = AcceptedRanges.RequiredError), OneOf("large_state", "joint_stock", "city_commercial", "rural", "village", "policy", "foreign", "other")] string? Category,
        [property: Required(ErrorMessage = "{0} is required: true for 地方法人金融机构, false for a branch of a national bank.")] bool? LocalLegalPerson,
        [property: Required(ErrorMessage = RegionCodeError), RegularExpression("^[0-9]{6}$", ErrorMessage = RegionCodeError)] string? RegionCode,
        [property: Accepted<Period>] string? ReportingFrom,
        string? WebhookUrl);

    public sealed record InstitutionView(
        string Code, string Name, string Category, bool LocalLegalPerson, string RegionCode, YearMonth ReportingFrom, string? WebhookUrl,
        Instant CreatedAt, Instant UpdatedAt);

    public sealed record CreatedInstitution(
        string Code, string Name, string Category, bool LocalLegalPerson, string RegionCode, YearMonth ReportingFrom, string? WebhookUrl,
        Instant CreatedAt, Instant UpdatedAt, string WebhookSecret);

    internal static InstitutionView View(Institution i) =>
        new(i.Code, i.Name, i.Category, i.LocalLegalPerson, i.RegionCode, i.ReportingFrom, WebhookDestinations.WithoutUserInfo(i.WebhookUrl), i.CreatedAt, i.UpdatedAt);

    private static async Task<Results<Created<CreatedInstitution>, ProblemHttpResult>> Create(
        InstitutionBody body, InstitutionStore institutions, WebhookDestinations destinations, IClock clock, CancellationToken ct)
    {
        var errors = Validate(body, body.Code, destinations);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var now = clock.GetCurrentInstant();
        var institution = ToInstitution(body, body.Code!, clock, now, now);
        var secret = ApiKeys.NewSecret();
        if (!await institutions.CreateAsync(institution, secret, ct))
        {
            return Problems.Of(Problems.Conflict, $"An institution with code '{institution.Code}' exists already.");
        }

        var i = institution;
        return TypedResults.Created($"/api/v1/institutions/{i.Code}",
            new CreatedInstitution(i.Code, i.Name, i.Category, i.LocalLegalPerson, i.RegionCode, i.ReportingFrom, i.WebhookUrl, i.CreatedAt, i.UpdatedAt, secret));
    }

    private static async Task<Results<Ok<InstitutionView>, ProblemHttpResult>> Update(
        string code, InstitutionBody body, InstitutionStore institutions, WebhookDestinations destinations, IClock clock, CancellationToken ct)
    {
        var existing = await institutions.FindAsync(code, Scope.Everything, ct);
        if (existing is null)
        {
            return Problems.NotFoundResult($"Institution {code}");
        }

        var errors = Validate(body, code, destinations);
        if (body.Code is not null && body.Code != code)
        {
            errors["code"] = ["The code of an institution cannot change."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var updated = ToInstitution(body, code, clock, existing.CreatedAt, clock.GetCurrentInstant());
        await institutions.UpdateAsync(updated, ct);
        return TypedResults.Ok(View(updated));
    }

    private static async Task<Ok<ListAnswer<InstitutionView>>> List(
        Caller caller, InstitutionStore institutions, [RegularExpression(AcceptedRanges.RegionPrefixPattern, ErrorMessage = AcceptedRanges.RegionPrefixError)] string? region,
        [AsParameters] PageQuery paging, CancellationToken ct) =>
        TypedResults.Ok(PageQuery.Map(await institutions.ListAsync(caller.Scope, string.IsNullOrEmpty(region) ? null : region, paging.Request, ct), View));

    private static async Task<Results<Ok<InstitutionView>, ProblemHttpResult>> Get(string code, Caller caller, InstitutionStore institutions, CancellationToken ct) =>
        await institutions.FindAsync(code, caller.Scope, ct) is { } institution
            ? TypedResults.Ok(View(institution))
            : Problems.NotFoundResult($"Institution {code}");

    /// <summary>What the declared checks of the body leave: a code to create with, and a webhook URL the server may reach.</summary>
    private static Dictionary<string, string[]> Validate(InstitutionBody body, string? code, WebhookDestinations destinations)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(code))
        {
            errors["code"] = ["code is required."];
        }

        if (body.WebhookUrl is not null && destinations.Refusal(body.WebhookUrl) is { } refusal)
        {
            errors["webhookUrl"] = [refusal];
        }

        return errors;
    }

    private static Institution ToInstitution(InstitutionBody body, string code, IClock clock, Instant createdAt, Instant updatedAt) => new()
    {
        Code = code,
        Name = body.Name!.Trim(),
        Category = body.Category!,
        LocalLegalPerson = body.LocalLegalPerson!.Value,
        RegionCode = body.RegionCode!,
        ReportingFrom = body.ReportingFrom is not null ? Periods.Parse(body.ReportingFrom) : ReportingZone.Today(clock).ToYearMonth(),
        WebhookUrl = body.WebhookUrl,
        CreatedAt = createdAt,
        UpdatedAt = updatedAt,
    };
}
