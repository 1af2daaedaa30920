using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Serialization;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Api.Jobs;
using Compliance.Data.CreditPlans;
using Compliance.Data.Institutions;
using Compliance.Engine.Rules;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Compliance.Api.Institutions;

/// <summary>
/// <c>/api/v1/institutions/{code}/credit-plans</c>: the credit plan a head office hands a branch for a year
/// (上级下达的信贷计划), recorded by its supervisor; every change a new version that keeps the earlier ones and queues the
/// re-evaluation of the institution's accepted periods of that year.
/// </summary>
internal static class CreditPlansApi
{
    /// <summary>The longest note of a change (api.md).</summary>
    public const int MaxNoteLength = 2000;

    private static readonly LocalizedText Refusal = new(
        "机构密钥不能录入信贷计划：由其监管方（所属辖区的监管人员或管理员）录入。",
        "An institution key may not record credit plans: its supervisor (a regulator over it, or an admin) records them.");

    public static RouteGroupBuilder MapCreditPlans(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/institutions/{code}/credit-plans").WithTags("Institutions").RequireAuthorization().ProducesProblem(401);
        group.MapGet("/", List).WithName("ListCreditPlans").WithSummary("List an institution's credit plans")
            .WithDescription("Every year with a credit plan (上级下达的信贷计划), newest year first: the plan in force (inclusiveIncrease in yuan, null where its latest "
                + "version deleted it), its note, version, setBy and setAt, and its earlier versions newest first as history. setBy is {role, keyId, name}; an "
                + "institution key sees {role} alone.")
            .ProducesProblem(404);
        group.MapPut("/{year}", Set).WithName("SetCreditPlan").WithSummary("Set a year's credit plan")
            .WithDescription(string.Create(CultureInfo.InvariantCulture, $"An admin, or a regulator whose jurisdiction covers the institution, records the year's plan: "
                + $"{{inclusiveIncrease, note}}, the inclusive increase in yuan (from 0 to {AcceptedRanges.MaxPlannedIncrease:#,##0.00}, at most 2 decimals) and a note of "
                + $"1–{MaxNoteLength:#,##0} characters; year {AcceptedRanges.FirstYear}–{AcceptedRanges.LastYear}. 201 for the year's first plan, 200 for a new "
                + $"version. Queues the re-evaluation of the institution's accepted periods of the year; each exception it moves gets an event whose note names "
                + $"the change (信贷计划 2023：X → Y，note). 403 for an institution key; 404 for an institution the key may not see."))
            .DisableValidation().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        group.MapDelete("/{year}", Delete).WithName("DeleteCreditPlan").WithSummary("Delete a year's credit plan")
            .WithDescription("The same callers delete the year's plan with a required {note}: a new version without a plan, the earlier ones kept in the "
                + "history. Re-evaluates as a change does. 404 for a year that never had a plan, 409 for one deleted already.")
            .DisableValidation().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return group;
    }

    /// <summary>The body of a change.</summary>
    public sealed record CreditPlanBody(
        decimal? InclusiveIncrease,
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), StringLength(MaxNoteLength, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.LengthError)), FreeText] string? Note);

    /// <summary>The body of a delete.</summary>
    public sealed record DeleteBody(
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), StringLength(MaxNoteLength, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.LengthError)), FreeText] string? Note);

    /// <summary>Who set a version: the key's role, id and name; an institution key is shown the role alone.</summary>
    public sealed record SetByView(
        string Role,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? KeyId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name);

    /// <summary>An earlier version of a year's plan.</summary>
    public sealed record CreditPlanVersionView(int Version, decimal? InclusiveIncrease, string Note, SetByView SetBy, Instant SetAt);

    /// <summary>A year's plan: its latest version (inclusiveIncrease null where that deleted it) and the earlier ones, newest first.</summary>
    public sealed record CreditPlanView(
        int Year, decimal? InclusiveIncrease, string Note, int Version, SetByView SetBy, Instant SetAt, IReadOnlyList<CreditPlanVersionView> History);

    public sealed record CreditPlanList(IReadOnlyList<CreditPlanView> Items);

    private static async Task<Results<Ok<CreditPlanList>, ProblemHttpResult>> List(
        string code, Caller caller, InstitutionStore institutions, CreditPlanStore plans, CancellationToken ct)
    {
        if (await institutions.FindAsync(code, caller.Scope, ct) is null)
        {
            return Problems.NotFoundResult($"机构 {code}", $"Institution {code}");
        }

        return TypedResults.Ok(new CreditPlanList(Views(caller, await plans.ListAsync(code, ct))));
    }

    private static async Task<Results<Created<CreditPlanView>, Ok<CreditPlanView>, ProblemHttpResult>> Set(
        string code, int year, CreditPlanBody body, Caller caller, InstitutionStore institutions, CreditPlanStore plans, IBackgroundJobClient jobs,
        IClock clock, CancellationToken ct)
    {
        if (await Refused(code, caller, institutions, ct) is { } refused)
        {
            return refused;
        }

        var errors = InvalidRequests.Validate(body) ?? [];
        CheckYear(year, errors);
        if (body.InclusiveIncrease is not { } increase)
        {
            errors["inclusiveIncrease"] = [Languages.Say("inclusiveIncrease 为必填项：本年度普惠型小微企业贷款计划增量，单位为元。", "inclusiveIncrease is required: the planned inclusive increase of the year, in yuan.")];
        }
        else if (increase < 0 || increase > AcceptedRanges.MaxPlannedIncrease || decimal.Round(increase, 2) != increase)
        {
            errors["inclusiveIncrease"] = [Languages.Say(
                $"inclusiveIncrease 应为以元为单位的金额：0 至 {AcceptedRanges.MaxPlannedIncrease.ToString("#,##0.00", CultureInfo.InvariantCulture)}，最多 2 位小数。",
                $"inclusiveIncrease is money in yuan: from 0 to {AcceptedRanges.MaxPlannedIncrease.ToString("#,##0.00", CultureInfo.InvariantCulture)}, with at most 2 decimals.")];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var change = await plans.SetAsync(code, year, body.InclusiveIncrease, body.Note!, new PlanSetter(caller.Role, caller.KeyId), clock.GetCurrentInstant(), ct);
        EvaluateSubmissionJob.Enqueue(jobs, change.ToEvaluate);
        var view = Views(caller, await plans.ListAsync(code, ct)).Single(p => p.Year == year);
        return change.Outcome == CreditPlanWrite.Created
            ? TypedResults.Created($"/api/v1/institutions/{code}/credit-plans", view)
            : TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string code, int year, [FromBody] DeleteBody? body, Caller caller, InstitutionStore institutions, CreditPlanStore plans, IBackgroundJobClient jobs,
        IClock clock, CancellationToken ct)
    {
        if (await Refused(code, caller, institutions, ct) is { } refused)
        {
            return refused;
        }

        var errors = (body is null ? null : InvalidRequests.Validate(body)) ?? [];
        if (body is null)
        {
            errors["note"] = [Languages.Say("note 为必填项：删除该计划的原因。", "note is required: why the plan is deleted.")];
        }

        CheckYear(year, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var change = await plans.SetAsync(code, year, null, body!.Note!, new PlanSetter(caller.Role, caller.KeyId), clock.GetCurrentInstant(), ct);
        switch (change.Outcome)
        {
            case CreditPlanWrite.NoPlan:
                return Problems.NotFoundResult($"机构 {code} {year} 年的信贷计划", $"The credit plan of {year} of institution {code}");
            case CreditPlanWrite.DeletedAlready:
                return Problems.Of(Problems.Conflict, $"机构 {code} {year} 年的信贷计划已删除；其各版本仍保留在历史中。", $"The credit plan of {year} of institution {code} is deleted already; its versions stay in the history.");
        }

        EvaluateSubmissionJob.Enqueue(jobs, change.ToEvaluate);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// 404 where the caller may not see the institution (a regulator outside its jurisdiction among them), else 403 for an
    /// institution key, which may see it but not record its plans; <c>null</c> for an admin or a regulator over it.
    /// </summary>
    private static async Task<ProblemHttpResult?> Refused(string code, Caller caller, InstitutionStore institutions, CancellationToken ct) =>
        await institutions.FindAsync(code, caller.Scope, ct) is null ? Problems.NotFoundResult($"机构 {code}", $"Institution {code}")
        : caller.IsInstitution ? Problems.Of(Problems.Forbidden, Languages.Say(Refusal))
        : null;

    /// <summary>Records an error for a route's year outside the accepted range.</summary>
    private static void CheckYear(int year, Dictionary<string, string[]> errors)
    {
        if (!AcceptedRanges.Contains(year))
        {
            errors["year"] = [Languages.Say(
                string.Create(CultureInfo.InvariantCulture, $"year 应为 {AcceptedRanges.FirstYear} 至 {AcceptedRanges.LastYear} 的年份。"),
                string.Create(CultureInfo.InvariantCulture, $"year is a year from {AcceptedRanges.FirstYear} to {AcceptedRanges.LastYear}."))];
        }
    }

    /// <summary>Each year's versions as one item, newest year first, as the caller may see who set them.</summary>
    private static List<CreditPlanView> Views(Caller caller, IReadOnlyList<CreditPlanVersion> versions) =>
        [.. versions.GroupBy(v => v.Year).Select(year =>
        {
            var latest = year.First();
            return new CreditPlanView(latest.Year, latest.InclusiveIncrease, latest.Note, latest.Version, SetBy(caller, latest), latest.SetAt,
                [.. year.Skip(1).Select(v => new CreditPlanVersionView(v.Version, v.InclusiveIncrease, v.Note, SetBy(caller, v), v.SetAt))]);
        })];

    // A supervisor's key id and name are never shown to a bank (api.md).
    private static SetByView SetBy(Caller caller, CreditPlanVersion version) =>
        caller.IsInstitution ? new SetByView(version.SetByRole, null, null) : new SetByView(version.SetByRole, Formats.Id(version.SetByKeyId), version.SetByName);
}
