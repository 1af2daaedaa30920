using System.ComponentModel.DataAnnotations;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Deadlines;
using Compliance.Engine.Calendar;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Compliance.Api.Analytics;

/// <summary>Filing statistics (迟报漏报) of a jurisdiction's deadlines for a year (analytics.md, "Filing statistics").</summary>
internal static class FilingApi
{
    internal static string YearRequiredError => Languages.Say("{0} 为必填项：报送截止日（名义）所在年份。", "{0} is required: the year of the deadlines' nominal due dates.");

    public static void MapFiling(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/analytics/filing", Filing).WithTags("Analytics").RequireAuthorization().WithName("GetFilingStatistics")
            .WithSummary("Filing statistics")
            .WithDescription("For the deadlines of a year (as GET /api/v1/deadlines lists them) of the jurisdiction's institutions: per obligation and per institution, "
                + "how many were filed on time, late, are missing or still pending, and the days late in all. Regulators and admins only.")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
    }

    /// <summary>The query of <c>GET /api/v1/analytics/filing</c>.</summary>
    public sealed record FilingQuery
    {
        [FromQuery(Name = "jurisdiction")]
        public string? Jurisdiction { get; init; }

        [FromQuery(Name = "year")]
        [Required(ErrorMessageResourceType = typeof(FilingApi), ErrorMessageResourceName = nameof(FilingApi.YearRequiredError))]
        [Range(AcceptedRanges.FirstYear, AcceptedRanges.LastYear, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.YearError))]
        public int? Year { get; init; }
    }

    public sealed record ObligationFiling(string Obligation, int Due, int OnTime, int Late, int Missing, int Pending);

    public sealed record InstitutionFiling(string Code, string Name, int OnTime, int Late, int Missing, int Pending, int DaysLateTotal);

    public sealed record FilingStatistics(int Year, IReadOnlyList<ObligationFiling> Obligations, IReadOnlyList<InstitutionFiling> Institutions);

    private static async Task<Results<Ok<FilingStatistics>, ProblemHttpResult>> Filing(
        [AsParameters] FilingQuery query, Caller caller, DeadlineStore deadlines, ObligationStore obligations, CalendarStore calendars, IClock clock,
        CancellationToken ct)
    {
        if (!AnalyticsAccess.TryJurisdiction(caller, query.Jurisdiction, out var scope, out var refusal))
        {
            return refusal!;
        }

        var year = query.Year!.Value;
        var institutions = await deadlines.InstitutionsAsync(scope, null, ct);
        var states = DeadlineSweep.StatesOn(ReportingZone.Today(clock), year, institutions, await obligations.ListAsync(ct), await calendars.LoadAsync(ct),
            await deadlines.FilingsAsync(ct)).ToList();

        // Rows for the obligations and institutions bound by at least one deadline of the year, each ordered by code (ordinal).
        var obligationRows = states.GroupBy(s => s.Deadline.Deadline.Obligation.Code).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ObligationFiling(g.Key, g.Count(), Count(g, DeadlineStanding.OnTime), Count(g, DeadlineStanding.Late),
                Count(g, DeadlineStanding.Missing), Count(g, DeadlineStanding.Pending)));
        var names = institutions.ToDictionary(i => i.Code, i => i.Name);
        var institutionRows = states.GroupBy(s => s.Deadline.Institution).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new InstitutionFiling(g.Key, names[g.Key], Count(g, DeadlineStanding.OnTime), Count(g, DeadlineStanding.Late),
                Count(g, DeadlineStanding.Missing), Count(g, DeadlineStanding.Pending), g.Sum(s => s.DaysLate)));
        return TypedResults.Ok(new FilingStatistics(year, [.. obligationRows], [.. institutionRows]));
    }

    private static int Count(IEnumerable<DeadlineState> states, DeadlineStanding standing) => states.Count(s => s.Standing == standing);
}
