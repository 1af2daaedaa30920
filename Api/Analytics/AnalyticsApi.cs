using System.ComponentModel.DataAnnotations;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Analytics;
using Compliance.Data.Rules;
using Compliance.Engine.Analytics;
using Compliance.Engine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Period = Compliance.Api.Http.Period;

namespace Compliance.Api.Analytics;

/// <summary><c>/api/v1/analytics</c>: what a regulator manages a jurisdiction by (analytics.md).</summary>
internal static class AnalyticsApi
{
    public static RouteGroupBuilder MapAnalytics(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/analytics").WithTags("Analytics").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
        group.MapGet("/summary", Summary).WithName("GetAnalyticsSummary").WithSummary("Summarise a jurisdiction's period")
            .WithDescription("How many institutions of the jurisdiction expect the period, filed it and were evaluated; their exceptions of the period counted by rule set, rule, severity and status; how many are open and how many are breaches. Regulators and admins only.");
        group.MapGet("/heatmap", HeatMapOf).Produces<HeatMapView>().WithName("GetAnalyticsHeatMap").WithSummary("Heat map of a jurisdiction's period")
            .WithDescription("Every institution of the jurisdiction by every rule that applies to one of them: each cell's outcome (notFiled, pending, or the evaluation's) with its exception; the worst institutions first. Regulators and admins only.");
        return group;
    }

    /// <summary>The query of both endpoints.</summary>
    public sealed record AnalyticsQuery
    {
        [FromQuery(Name = "jurisdiction")]
        public string? Jurisdiction { get; init; }

        [FromQuery(Name = "period")]
        [Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.PeriodRequiredError))]
        public Period? Period { get; init; }
    }

    public sealed record CoverageView(long Expected, long Filed, long Evaluated);

    public sealed record ExceptionCountView(string? RuleSet, string Rule, string Severity, string Status, long Count);

    public sealed record SummaryView(string Jurisdiction, YearMonth Period, CoverageView Institutions, IReadOnlyList<ExceptionCountView> Exceptions, long Open, long Breaches);

    public sealed record ColumnView(string RuleSet, string Rule, LocalizedText Name);

    public sealed record CellView(string RuleSet, string Rule, string? Outcome, string? Severity, string? Status, string? ExceptionId);

    public sealed record RowView(string Code, string Name, string Category, bool Filed, IReadOnlyList<CellView> Cells);

    public sealed record HeatMapView(string Jurisdiction, YearMonth Period, IReadOnlyList<ColumnView> Rules, IReadOnlyList<RowView> Institutions);

    private static async Task<Results<Ok<SummaryView>, ProblemHttpResult>> Summary(
        [AsParameters] AnalyticsQuery query, Caller caller, AnalyticsStore analytics, CancellationToken ct)
    {
        if (!AnalyticsAccess.TryJurisdiction(caller, query.Jurisdiction, out var scope, out var refusal))
        {
            return refusal!;
        }

        var period = query.Period!.Value.Value;
        var coverage = await analytics.CoverageAsync(scope, period, ct);
        var counts = await analytics.ExceptionCountsAsync(scope, period, ct);
        return TypedResults.Ok(new SummaryView(
            scope.RegionPrefix ?? "", period, new CoverageView(coverage.Expected, coverage.Filed, coverage.Evaluated),
            [.. counts.Select(c => new ExceptionCountView(c.RuleSet, c.Rule, c.Severity, c.Status, c.Count))],
            counts.Where(c => c.Status is "open" or "explained").Sum(c => c.Count),
            counts.Where(c => c.Severity == "breach").Sum(c => c.Count)));
    }

    private static async Task<IResult> HeatMapOf(
        [AsParameters] AnalyticsQuery query, Caller caller, AnalyticsStore analytics, RuleSetStore ruleSets, CancellationToken ct)
    {
        if (!AnalyticsAccess.TryJurisdiction(caller, query.Jurisdiction, out var scope, out var refusal))
        {
            return refusal!;
        }

        var period = query.Period!.Value.Value;
        // Independent reads, side by side on connections of their own (SQLite's driver does its work on the calling
        // thread, hence Task.Run): the population with its evaluations, and the exceptions of the cells.
        var populationRead = Task.Run(() => analytics.PopulationAsync(scope, period, ct), ct);
        var findingsRead = Task.Run(() => analytics.CellFindingsAsync(scope, period, ct), ct);
        var sets = await ruleSets.CurrentAsync(ct);
        var population = await populationRead;
        // By institution, then by cell: small tables, where one keyed by all three would be one large allocation a request.
        var exceptions = (await findingsRead).GroupBy(e => e.Institution, StringComparer.Ordinal).ToDictionary(
            g => g.Key, IReadOnlyDictionary<(string, string), CellFinding> (g) => g.ToDictionary(e => (e.RuleSet, e.Rule), e => e.Exception), StringComparer.Ordinal);
        var columns = HeatMap.Columns(sets, population.Select(m => m.RegionCode), period.Year);
        var rows = HeatMap.Rows(columns, sets, period.Year,
            population.Select(m => new HeatMapSubject(m.Code, m.RegionCode, m.Filed, m.Evaluated, m.Outcomes)), exceptions);
        var members = population.ToDictionary(m => m.Code, StringComparer.Ordinal);
        return new HeatMapJson(
            scope.RegionPrefix ?? "", period,
            [.. columns.Select(c => new ColumnView(c.RuleSet, c.Rule, ColumnName(sets, c)))],
            rows, members);
    }

    /// <summary>A column's rule named in the words of its set's scope (rules.md, "Names").</summary>
    private static LocalizedText ColumnName(IReadOnlyList<RuleSet> sets, HeatMapColumn column) =>
        RuleCatalog.NameOf(column.Rule, sets.First(s => s.Id == column.RuleSet).Spec.Scope);

    /// <summary>
    /// The heat map's answer (<see cref="HeatMapView"/>), written as it is read: a thousand institutions make some
    /// 13,000 cells, which built as objects and then serialized cost more than the rest of the request.
    /// </summary>
    private sealed class HeatMapJson(
        string jurisdiction, YearMonth period, IReadOnlyList<ColumnView> rules, IReadOnlyList<HeatMapRow> rows, IReadOnlyDictionary<string, PopulationMember> members) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var options = httpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            var body = httpContext.Response.BodyWriter;
            await using var json = new System.Text.Json.Utf8JsonWriter(body, new System.Text.Json.JsonWriterOptions { Encoder = options.Encoder });
            json.WriteStartObject();
            json.WriteString("jurisdiction", jurisdiction);
            json.WriteString("period", Engine.Periods.Format(period));
            json.WritePropertyName("rules");
            System.Text.Json.JsonSerializer.Serialize(json, rules, options);
            json.WriteStartArray("institutions");
            foreach (var row in rows)
            {
                var member = members[row.Code];
                json.WriteStartObject();
                json.WriteString("code", row.Code);
                json.WriteString("name", member.Name);
                json.WriteString("category", member.Category);
                json.WriteBoolean("filed", row.Filed);
                json.WriteStartArray("cells");
                foreach (var cell in row.Cells)
                {
                    json.WriteStartObject();
                    json.WriteString("ruleSet", cell.RuleSet);
                    json.WriteString("rule", cell.Rule);
                    json.WriteString("outcome", cell.Outcome);
                    json.WriteString("severity", cell.Exception?.Severity);
                    json.WriteString("status", cell.Exception?.Status);
                    json.WriteString("exceptionId", cell.Exception is { } e ? Formats.Id(e.Id) : null);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                if (json.BytesPending > 32_768)
                {
                    await json.FlushAsync(httpContext.RequestAborted);
                    await body.FlushAsync(httpContext.RequestAborted);
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
            await json.FlushAsync(httpContext.RequestAborted);
            await body.FlushAsync(httpContext.RequestAborted);
        }
    }
}
