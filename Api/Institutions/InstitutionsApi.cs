using System.Text.RegularExpressions;
using Compliance.Api.Access;
using Compliance.Api.Deadlines;
using Compliance.Api.Http;
using Compliance.Data;
using Compliance.Data.Institutions;
using Compliance.Engine;
using Compliance.Engine.Calendar;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace Compliance.Api.Institutions;

/// <summary><c>/api/v1/institutions</c>: admins register institutions; everyone reads those they may see.</summary>
internal static partial class InstitutionsApi
{
    private static readonly string[] Categories = ["large_state", "joint_stock", "city_commercial", "rural", "village", "policy", "foreign", "other"];

    public static RouteGroupBuilder MapInstitutions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/institutions").WithTags("Institutions").RequireAuthorization().ProducesProblem(401);
        group.MapPost("/", Create).WithName("CreateInstitution").RequireAuthorization(AccessSetup.AdminPolicy)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        group.MapPut("/{code}", Update).WithName("UpdateInstitution").RequireAuthorization(AccessSetup.AdminPolicy)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        group.MapGet("/", List).WithName("ListInstitutions").ProducesProblem(400);
        group.MapGet("/{code}", Get).WithName("GetInstitution").ProducesProblem(404);
        return group;
    }

    public sealed record InstitutionBody(
        string? Code, string? Name, string? Category, bool? LocalLegalPerson, string? RegionCode, string? ReportingFrom, string? WebhookUrl);

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

    private static async Task<Results<Ok<ListAnswer<InstitutionView>>, ProblemHttpResult>> List(
        Caller caller, InstitutionStore institutions, string? region, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (region is not null && (region.Length > 6 || !region.All(char.IsAsciiDigit)))
        {
            errors["region"] = ["region is a prefix of the 6-digit region code."];
        }

        if (!Paging.TryRead(page, pageSize, errors, out var request))
        {
            return Problems.Invalid(errors);
        }

        var found = await institutions.ListAsync(caller.Scope, string.IsNullOrEmpty(region) ? null : region, request, ct);
        return TypedResults.Ok(Paging.Map(found, View));
    }

    private static async Task<Results<Ok<InstitutionView>, ProblemHttpResult>> Get(string code, Caller caller, InstitutionStore institutions, CancellationToken ct) =>
        await institutions.FindAsync(code, caller.Scope, ct) is { } institution
            ? TypedResults.Ok(View(institution))
            : Problems.NotFoundResult($"Institution {code}");

    private static Dictionary<string, string[]> Validate(InstitutionBody body, string? code, WebhookDestinations destinations)
    {
        var errors = new Dictionary<string, string[]>();
        if (code is null || !CodePattern().IsMatch(code))
        {
            errors["code"] = ["code is 1–32 of A–Z a–z 0–9 - _."];
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
        {
            errors["name"] = ["name is required, at most 200 characters."];
        }

        TextFields.Name("name", body.Name, errors);

        if (body.Category is null || !Categories.Contains(body.Category))
        {
            errors["category"] = [$"category is one of {string.Join(", ", Categories)}."];
        }

        if (body.LocalLegalPerson is null)
        {
            errors["localLegalPerson"] = ["localLegalPerson is required: true for 地方法人金融机构, false for a branch of a national bank."];
        }

        if (body.RegionCode is null || body.RegionCode.Length != 6 || !body.RegionCode.All(char.IsAsciiDigit))
        {
            errors["regionCode"] = ["regionCode is the 6-digit GB/T 2260 code."];
        }

        AcceptedRanges.Period("reportingFrom", body.ReportingFrom, errors);

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

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,32}\z")]
    private static partial Regex CodePattern();
}
