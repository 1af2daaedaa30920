using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Institutions;
using Compliance.Data.Analytics;
using Compliance.Engine;
using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using NodaTime;
using Swashbuckle.AspNetCore.SwaggerGen;
using Period = Compliance.Api.Http.Period;
using Scope = Compliance.Data.Scope;

namespace Compliance.Api.Analytics;

/// <summary>
/// Peers and ranking (analytics.md): a jurisdiction's institutions ranked by one measure, and an institution's
/// standing among the institutions of its category in its province.
/// </summary>
internal static class PeersApi
{
    internal static string MeasureRequiredError => Languages.Say("{0} 为必填项：同业比较指标之一。", "{0} is required: one of the peer measures.");

    /// <summary>Below this many members with the measure, an institution key is not shown its group's figures.</summary>
    public const int FewestPeersShown = 5;

    /// <summary>From this many members with the measure, an institution key is also sent the group's quartiles.</summary>
    public const int FewestPeersForQuartiles = 20;

    private const string FewPeers = "fewer than 5 peers";

    public static IEndpointRouteBuilder MapPeers(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/analytics/ranking", Ranking).WithTags("Analytics").WithName("GetAnalyticsRanking")
            .WithSummary("Rank a jurisdiction's institutions by a measure")
            .WithDescription("Every institution of the jurisdiction's population (region code under it, reporting from the period or before) that the measure is "
                + "defined for, best first (highest, except inclusiveNplRatio and nplGapPp: lowest), ties by code. Measures, in the CBIRC 口径 against the December "
                + "before: " + string.Join(", ", Peers.Measures) + ". Percentages and percentage points with 4 decimals, counts whole. Regulators and admins only.")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
        routes.MapGet("/api/v1/institutions/{code}/peers", ForInstitution).WithTags("Institutions").WithName("GetPeers")
            .WithSummary("Compare an institution with its peers")
            .WithDescription("For each measure: the institution's value, its peer group (category and province) with its count n (members with the measure "
                + "defined, itself included), and its percentile among them (100 × (others worse + ½ × others equal) / (n − 1), null where n = 1). The group is "
                + "every institution of the same category whose region is in the same province (first two digits) and that reports from the period or before; "
                + "its figures never name a member. A regulator or an admin gets peers {group, n, min, q1, median, q3, max} (quartiles by inclusive linear "
                + "interpolation). An institution key gets peers {group, n} and the percentile where n ≥ " + FewestPeersShown + ", with q1, median and q3 "
                + "added where n ≥ " + FewestPeersForQuartiles + "; min, max and the other quartiles are then absent from the object (not null), so that no "
                + "member's value can be read from them. Below " + FewestPeersShown + " members, peers and percentile are null with reason \"" + FewPeers + "\".")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        return routes;
    }

    /// <summary>The jurisdiction (<c>""</c>, 2, 4 or 6 digits), the period and the measure.</summary>
    public sealed record RankingQuery
    {
        [FromQuery(Name = "jurisdiction")]
        public string? Jurisdiction { get; init; }

        [FromQuery(Name = "period")]
        [Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.PeriodRequiredError))]
        public Period? Period { get; init; }

        [FromQuery(Name = "measure")]
        [Required(ErrorMessageResourceType = typeof(PeersApi), ErrorMessageResourceName = nameof(PeersApi.MeasureRequiredError))]
        public string? Measure { get; init; }
    }

    /// <summary>The period asked for.</summary>
    public sealed record PeersQuery
    {
        [FromQuery(Name = "period")]
        [Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.PeriodRequiredError))]
        public Period? Period { get; init; }
    }

    public sealed record RankingView(string Measure, IReadOnlyList<RankedView> Items);

    public sealed record RankedView(string Code, string Name, string Category, decimal Value);

    public sealed record PeersView(string Period, IReadOnlyList<PeerItemView> Items);

    /// <summary>One measure: the institution's value, its group's figures and its percentile (null, with a reason, where not shown).</summary>
    public sealed record PeerItemView(string Measure, decimal? Value, PeerFiguresView? Peers, decimal? Percentile, string? Reason);

    /// <summary>
    /// A peer group (its category and province), how many members have the measure, and what the caller may see of
    /// their figures: every one for a regulator or an admin; for an institution key the quartiles only from
    /// <see cref="FewestPeersForQuartiles"/> members, and never the extremes. A figure not sent is not written at all.
    /// </summary>
    public sealed record PeerFiguresView(string Group, int N)
    {
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public decimal? Min { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public decimal? Q1 { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public decimal? Median { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public decimal? Q3 { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public decimal? Max { get; init; }
    }

    /// <summary>
    /// The OpenAPI side of <see cref="PeerFiguresView"/>: <c>group</c> and <c>n</c> are always there; each figure is a
    /// number that is there or absent, never null, and says who is sent it.
    /// </summary>
    internal sealed class FiguresSchema : ISchemaFilter
    {
        private const string ExtremeNote = "Sent to a regulator or an admin; never to an institution key (absent, not null).";

        private static readonly string QuartileNote =
            $"Sent to a regulator or an admin; to an institution key only where n ≥ {FewestPeersForQuartiles} (else absent, not null).";

        private static readonly Dictionary<string, string> Figures = new(StringComparer.Ordinal)
        {
            ["min"] = ExtremeNote, ["q1"] = QuartileNote, ["median"] = QuartileNote, ["q3"] = QuartileNote, ["max"] = ExtremeNote,
        };

        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (context.Type != typeof(PeerFiguresView) || schema is not OpenApiSchema { Properties: { } properties } described)
            {
                return;
            }

            described.Description = "A peer group (category and province), its count n of members with the measure, and the figures the caller may see of them.";
            described.Required = new HashSet<string>(StringComparer.Ordinal) { "group", "n" };
            Describe(properties, "group", "The category and the province's two digits, e.g. \"rural 53\".");
            foreach (var (name, note) in Figures)
            {
                Describe(properties, name, note);
            }
        }

        // The member as generated from its type (a decimal figure), described, and never null: a figure not sent is absent.
        private static void Describe(IDictionary<string, IOpenApiSchema> properties, string name, string description)
        {
            if (properties.TryGetValue(name, out var member) && member is OpenApiSchema generated)
            {
                generated.Type &= ~JsonSchemaType.Null;
                generated.Description = description;
            }
        }
    }

    private static async Task<Results<Ok<RankingView>, ProblemHttpResult>> Ranking(
        [AsParameters] RankingQuery query, Caller caller, InstitutionStore institutions, AnalyticsSnapshots snapshots, CancellationToken ct)
    {
        if (!AnalyticsAccess.TryJurisdiction(caller, query.Jurisdiction, out var scope, out var refusal))
        {
            return refusal!;
        }

        var measure = query.Measure!;
        if (!Peers.IsMeasure(measure))
        {
            return Problems.Invalid("measure", "measure 应为以下之一：" + string.Join("、", Peers.Measures) + "。", "measure is one of " + string.Join(", ", Peers.Measures) + ".");
        }

        var period = query.Period!.Value.Value;
        var population = (await institutions.AllAsync(scope, ct)).Where(i => i.ReportingFrom <= period).ToDictionary(i => i.Code, StringComparer.Ordinal);
        var found = await snapshots.TwoPeriodsAsync(scope, Periods.December(period.Year - 1), period, ct);
        var values = population.Values
            .Select(i => (i.Code, Value: MeasureOf(measure, found, i.Code, period)))
            .Where(v => v.Value is not null)
            .Select(v => (v.Code, v.Value!.Value));
        var items = Peers.Rank(measure, values)
            .Select(v => new RankedView(v.Code, population[v.Code].Name, population[v.Code].Category, Round(measure, v.Value)))
            .ToList();
        return TypedResults.Ok(new RankingView(measure, items));
    }

    private static async Task<Results<Ok<PeersView>, ProblemHttpResult>> ForInstitution(
        string code, [AsParameters] PeersQuery query, Caller caller, InstitutionStore institutions, AnalyticsSnapshots snapshots, CancellationToken ct)
    {
        if (await institutions.FindAsync(code, caller.Scope, ct) is not { } institution)
        {
            return Problems.NotFoundResult($"机构 {code}", $"Institution {code}");
        }

        // The group is read whatever the caller may see: its figures are aggregates that name no member.
        var period = query.Period!.Value.Value;
        var province = institution.RegionCode[..Math.Min(2, institution.RegionCode.Length)];
        var provinceScope = new Scope(null, province);
        var group = (await institutions.AllAsync(provinceScope, ct))
            .Where(i => i.Code == institution.Code || (i.Category == institution.Category && i.ReportingFrom <= period))
            .Select(i => i.Code)
            .ToList();
        var found = await snapshots.TwoPeriodsAsync(provinceScope, Periods.December(period.Year - 1), period, ct);
        var items = new List<PeerItemView>();
        foreach (var measure in Peers.Measures)
        {
            var value = MeasureOf(measure, found, institution.Code, period);
            var members = group.Select(c => MeasureOf(measure, found, c, period)).OfType<decimal>().ToList();
            var figures = Peers.FiguresOf(members);
            if (caller.IsInstitution && members.Count < FewestPeersShown)
            {
                items.Add(new PeerItemView(measure, Round(measure, value), null, null, FewPeers));
                continue;
            }

            var percentile = value is { } v ? Peers.Percentile(measure, v, members) : null;
            var shown = figures is null ? null : Shown(caller, measure, $"{institution.Category} {province}", figures);
            items.Add(new PeerItemView(measure, Round(measure, value), shown, Formats.Percent(percentile), null));
        }

        return TypedResults.Ok(new PeersView(Periods.Format(period), items));
    }

    /// <summary>
    /// What the caller is sent of a group's figures. A regulator or an admin may see every member anyway. An
    /// institution key is sent no extreme, which is a member's own value, and no quartile of a small group, whose
    /// quartiles fall on members' values or between two of them (with five members, the five figures are the five
    /// values).
    /// </summary>
    private static PeerFiguresView Shown(Caller caller, string measure, string group, PeerFigures figures)
    {
        if (!caller.IsInstitution)
        {
            return new PeerFiguresView(group, figures.N)
            {
                Min = Round(measure, figures.Min), Q1 = Round(measure, figures.Q1), Median = Round(measure, figures.Median),
                Q3 = Round(measure, figures.Q3), Max = Round(measure, figures.Max),
            };
        }

        return figures.N < FewestPeersForQuartiles ? new PeerFiguresView(group, figures.N) : new PeerFiguresView(group, figures.N)
        {
            Q1 = Round(measure, figures.Q1), Median = Round(measure, figures.Median), Q3 = Round(measure, figures.Q3),
        };
    }

    private static decimal? MeasureOf(
        string measure, IReadOnlyDictionary<(string Institution, YearMonth Period), IndicatorSnapshot> found, string institution, YearMonth period) =>
        Peers.Of(measure, found.GetValueOrDefault((institution, period)), found.GetValueOrDefault((institution, Periods.December(period.Year - 1))));

    /// <summary>Rounded once, on output, half away from zero: 4 decimals for percentages and percentage points, 2 for a count's quartiles.</summary>
    private static decimal Round(string measure, decimal value) =>
        Peers.IsCount(measure) ? decimal.Round(value, 2, MidpointRounding.AwayFromZero) : Formats.Percent(value);

    private static decimal? Round(string measure, decimal? value) => value is { } v ? Round(measure, v) : null;
}
