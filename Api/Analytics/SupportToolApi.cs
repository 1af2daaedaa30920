using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data;
using Compliance.Data.Analytics;
using Compliance.Data.Institutions;
using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace Compliance.Api.Analytics;

/// <summary>
/// 普惠小微贷款支持工具 (analytics.md): what the PBoC's support tool pays an institution each quarter of a year, and what
/// it pays a jurisdiction's local legal-person institutions together.
/// </summary>
internal static class SupportToolApi
{
    public static IEndpointRouteBuilder MapSupportTool(this IEndpointRouteBuilder routes)
    {
        // The year of an institution's answer is checked once the institution is known to be visible (a caller who may
        // not see it is answered 404 whatever it asks), so it binds as text.
        routes.MapGet("/api/v1/institutions/{code}/support-tool", ForInstitution).WithTags("Institutions").WithName("GetSupportTool").DisableValidation()
            .WithSummary("Get an institution's support tool")
            .WithDescription("普惠小微贷款支持工具 for each quarter of the year: the 普惠小微 balance (PBoC 口径) at the end of the quarter before and of the quarter, "
                + "their difference, the schedule's rate (0 where it has none) and the amount, max(0, increase) × ratePct / 100 rounded to the fen half up, 0 where the "
                + "institution is not a local legal person (eligible false). A quarter lacking either snapshot, or one stored before the PBoC 口径, has null increase and amount.")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        routes.MapGet("/api/v1/analytics/support-tool", ForJurisdiction).WithTags("Analytics").WithName("GetJurisdictionSupportTool").DisableValidation()
            .WithSummary("Get a jurisdiction's support tool")
            .WithDescription("For each quarter of the year, the sums of the increases and amounts of the support tool over the local legal-person institutions of the "
                + "jurisdiction's population (region code under it, reporting from the quarter's end or before) that have both snapshots; each quarter's coverage "
                + "counts them (included) against that population (expected); consolidated is always 0, each institution being paid on its own ledger. An admin may ask for any jurisdiction (national by default), a regulator for its own "
                + "or one inside it (its own by default); institution keys are refused.")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
        return routes;
    }

    /// <summary>An institution's support tool for a year: whether it is eligible, and every quarter (money in yuan, exact).</summary>
    public sealed record InstitutionSupportTool(bool Eligible, IReadOnlyList<InstitutionQuarter> Quarters);

    public sealed record InstitutionQuarter(string Quarter, decimal? StartBalance, decimal? EndBalance, decimal? Increase, decimal RatePct, decimal? Amount);

    /// <summary>
    /// A jurisdiction's support tool for a year: every quarter's sums, each with its own coverage (included: eligible
    /// institutions of the quarter's population with both snapshots; expected: the eligible institutions of that population).
    /// </summary>
    public sealed record JurisdictionSupportTool(string Jurisdiction, IReadOnlyList<JurisdictionQuarter> Quarters);

    public sealed record JurisdictionQuarter(string Quarter, int Institutions, decimal Increase, decimal Amount, Coverage Coverage);

    /// <summary>
    /// How many institutions a figure sums, of how many it should, in the shape of every coverage (analytics.md,
    /// "Population and coverage"): the support tool pays each institution on its own ledger, so it never consolidates.
    /// </summary>
    public sealed record Coverage(int Expected, int Included, int Consolidated);

    private static async Task<Results<Ok<InstitutionSupportTool>, ProblemHttpResult>> ForInstitution(
        string code, Caller caller, InstitutionStore institutions, AnalyticsSnapshots snapshots, [AsParameters] YearQuery query, CancellationToken ct)
    {
        if (await institutions.FindAsync(code, caller.Scope, ct) is not { } institution)
        {
            return Problems.NotFoundResult($"机构 {code}", $"Institution {code}");
        }

        if (!AnalyticsAccess.TryYear(query.Year, out var year, out var invalid))
        {
            return invalid;
        }

        var tool = SupportToolSchedule.Current;
        var found = await snapshots.QuarterEndsAsync(new Scope(institution.Code, null), year, ct);
        var quarters = Quarter.Of(year).Select(q => tool.QuarterOf(
                q, institution.LocalLegalPerson, Balance(found, institution.Code, q.PreviousEnd), Balance(found, institution.Code, q.End)))
            .Select(q => new InstitutionQuarter(q.Quarter.ToString(), q.StartBalance, q.EndBalance, q.Increase, q.RatePct, q.Amount))
            .ToList();
        return TypedResults.Ok(new InstitutionSupportTool(institution.LocalLegalPerson, quarters));
    }

    private static async Task<Results<Ok<JurisdictionSupportTool>, ProblemHttpResult>> ForJurisdiction(
        Caller caller, InstitutionStore institutions, AnalyticsSnapshots snapshots, [AsParameters] JurisdictionYearQuery query, CancellationToken ct)
    {
        if (!AnalyticsAccess.TryJurisdiction(caller, query.Jurisdiction, out var scope, out var refusal))
        {
            return refusal!;
        }

        if (!AnalyticsAccess.TryYear(query.Year, out var year, out var invalid))
        {
            return invalid;
        }

        var tool = SupportToolSchedule.Current;
        var eligible = (await institutions.AllAsync(scope, ct)).Where(i => i.LocalLegalPerson).ToList();
        var found = await snapshots.QuarterEndsAsync(scope, year, ct);
        var quarters = new List<JurisdictionQuarter>();
        foreach (var quarter in Quarter.Of(year))
        {
            var population = eligible.Where(i => i.ReportingFrom <= quarter.End).ToList();
            var counted = population
                .Select(i => tool.QuarterOf(quarter, eligible: true, Balance(found, i.Code, quarter.PreviousEnd), Balance(found, i.Code, quarter.End)))
                .Where(q => q.Increase is not null)
                .ToList();
            quarters.Add(new JurisdictionQuarter(
                quarter.ToString(), counted.Count, counted.Sum(q => q.Increase!.Value), counted.Sum(q => q.Amount!.Value), new Coverage(population.Count, counted.Count, Consolidated: 0)));
        }

        return TypedResults.Ok(new JurisdictionSupportTool(scope.RegionPrefix ?? "", quarters));
    }

    /// <summary>An institution's 普惠小微 balance (PBoC 口径) at the end of a month; null without a snapshot, or with one stored before that 口径.</summary>
    private static decimal? Balance(IReadOnlyDictionary<(string Institution, YearMonth Period), IndicatorSnapshot> found, string institution, YearMonth period) =>
        found.TryGetValue((institution, period), out var snapshot) ? snapshot.Pboc?.InclusiveBalance : null;
}
