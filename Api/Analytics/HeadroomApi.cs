using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.CreditPlans;
using Compliance.Data.Institutions;
using Compliance.Data.Rules;
using Compliance.Data.Snapshots;
using Compliance.Engine;
using Compliance.Engine.Analytics;
using Compliance.Engine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Period = Compliance.Api.Http.Period;

namespace Compliance.Api.Analytics;

/// <summary>
/// An institution's headroom (analytics.md, "Headroom and projection"): for every rule of every set that applies,
/// the figure it compared, its threshold, the room between them and where the year's trend takes them by December.
/// </summary>
internal static class HeadroomApi
{
    public static IEndpointRouteBuilder MapHeadroom(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/institutions/{code}/headroom", ForInstitution).WithTags("Institutions").WithName("GetHeadroom")
            .WithSummary("Get an institution's headroom")
            .WithDescription("For every rule of every rule set that applies to the institution in the period (in evaluation order, each set with its own parameters "
                + "and 口径): the rule's outcome, the figure it compared, its threshold and the margin, positive for room and negative a shortfall, in its unit "
                + "(pp, yuan or count); a rule of two conditions has one item per part. Figures are null where the rule formed none (not applicable, a baseline "
                + "missing, BASELINE_MISSING). projection is the least-squares line through the year's months up to the period that have the figure, at "
                + "December, with the threshold projected the same way where it moves (null before two such months). Empty items where the period has no snapshot.")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        return routes;
    }

    /// <summary>The period asked for.</summary>
    public sealed record HeadroomQuery
    {
        [FromQuery(Name = "period")]
        [Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.PeriodRequiredError))]
        public Period? Period { get; init; }
    }

    /// <summary>An institution's headroom in a period.</summary>
    public sealed record HeadroomView(string Period, IReadOnlyList<HeadroomItemView> Items);

    /// <summary>
    /// One rule (or part of one) under one set: percentages and percentage points with 4 decimals, yuan with 2, counts whole.
    /// </summary>
    public sealed record HeadroomItemView(
        string RuleSet, string Rule, string? Part, string Outcome, decimal? Figure, decimal? Threshold, decimal? Margin, string? Unit, ProjectionView? Projection);

    /// <summary>The figure and margin the year's trend reaches at its end.</summary>
    public sealed record ProjectionView(string Period, decimal Figure, decimal Margin);

    private static async Task<Results<Ok<HeadroomView>, ProblemHttpResult>> ForInstitution(
        string code, [AsParameters] HeadroomQuery query, Caller caller, InstitutionStore institutions, SnapshotStore snapshots, RuleSetStore ruleSets,
        CreditPlanStore creditPlans, CancellationToken ct)
    {
        if (await institutions.FindAsync(code, caller.Scope, ct) is not { } institution)
        {
            return Problems.NotFoundResult($"机构 {code}", $"Institution {code}");
        }

        var period = query.Period!.Value.Value;
        var found = await snapshots.LoadBaselinesAsync(institution.Code, period, ct);
        var plans = await creditPlans.InForceAsync(institution.Code, ct);
        var items = Headroom.Of(await ruleSets.CurrentAsync(ct), institution.Code, institution.Profile, period, found, plans);
        return TypedResults.Ok(new HeadroomView(Periods.Format(period), [.. items.Select(View)]));
    }

    private static HeadroomItemView View(HeadroomItem item) => new(
        item.RuleSet,
        item.Rule,
        item.Part,
        item.Outcome.Name(),
        Round(item.Figure, item.Unit),
        Round(item.Threshold, item.Unit),
        Round(item.Margin, item.Unit),
        item.Unit is { } unit ? UnitName(unit) : null,
        item.Projection is { } p ? new ProjectionView(Periods.Format(p.Period), Round(p.Figure, item.Unit)!.Value, Round(p.Margin, item.Unit)!.Value) : null);

    /// <summary>The unit as the answer names it: <c>pp</c>, <c>yuan</c> or <c>count</c>.</summary>
    public static string UnitName(HeadroomUnit unit) => JsonNamingPolicy.CamelCase.ConvertName(unit.ToString());

    /// <summary>Rounded once, on output, half away from zero: 4 decimals for pp, 2 for yuan; a projected count keeps 2.</summary>
    private static decimal? Round(decimal? value, HeadroomUnit? unit) => value is not { } v ? null : unit switch
    {
        HeadroomUnit.Pp => Formats.Percent(v),
        _ => decimal.Round(v, 2, MidpointRounding.AwayFromZero),
    };
}
