using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data;
using Compliance.Data.Analytics;
using Compliance.Data.Institutions;
using Compliance.Engine.Analytics;
using Compliance.Engine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace Compliance.Api.Analytics;

/// <summary><c>/api/v1/targets</c>: the regional targets a jurisdiction is managed against, as versioned data (analytics.md).</summary>
internal static class TargetsApi
{
    public static RouteGroupBuilder MapTargets(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/targets").WithTags("Analytics").RequireAuthorization().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
        group.MapGet("/", List).WithName("ListTargets").DisableValidation().WithSummary("List regional targets")
            .WithDescription("The current version of every target of the year whose jurisdiction is the one asked for or a prefix of it (national targets included). "
                + "An admin may ask for any jurisdiction (national by default), a regulator for its own or one inside it (its own by default); institution keys are refused.");
        group.MapGet("/{id}/progress", ProgressOf).WithName("GetTargetProgress").DisableValidation().ProducesProblem(404).WithSummary("Get a target's progress")
            .WithDescription("Each month of the year: the target's measure over its population (a ratio of sums of the latest accepted snapshots, each loan counted once: "
                + "an institution is summed where it has every snapshot the figure needs and no ancestor of it in the population is summed, whose consolidated ledger "
                + "holds its loans; coverage {expected, included, consolidated} counts the population, those summed and those within an ancestor's ledger; figures null "
                + "where none is summed), the threshold (value, or the versus measure that month with its versusCoverage) and whether it is met; the projection to "
                + "December from the latest month m with data, value(m) × 12 / m (a versus threshold likewise); and the status: met or missed once December's coverage "
                + "is complete (included + consolidated = expected), before that onTrack or atRisk by the projection, noData where no month has data. Percentages and "
                + "percentage points are rounded to 4 decimals, other figures to 2, once on output. extent is full for an admin and for a regulator whose jurisdiction "
                + "is a prefix of the target's; for a regulator inside the target's jurisdiction it is contribution: every figure computed over the regulator's "
                + "jurisdiction (jurisdiction says which), threshold the target's value or the versus measure over that jurisdiction, and met, projection.met and "
                + "status null. A target of a jurisdiction disjoint from a regulator's answers 404.");
        group.MapPut("/{id}", Put).WithName("PutTarget").RequireAuthorization(AccessSetup.AdminPolicy)
            .WithMetadata(new DocumentedBody(
                "A target: {name: {zh, en}, source?, jurisdiction, year, population, measure, op, value | versus, scope}. measure is growthPct(indicator), "
                + "increase(indicator), cumulative(flow), shareChangePp(numerator, denominator) or change(indicator); op >= or >; population {} or any of "
                + "{categories: [...], localLegalPerson}; versus {population, measure}; scope cbirc or pboc where the measure names an inclusive indicator.",
                new Dictionary<string, JsonNode?> { ["application/json"] = Example() }))
            .WithSummary("Put a regional target")
            .WithDescription("Admin only. Creates the target (201) or adds a new version of it (200). An unknown measure, indicator, op or population field, both value and versus or neither, "
                + "or an inclusive measure without a scope answers 400 naming the field, and stores nothing.")
            .Produces<TargetView>(200).Produces<TargetView>(201);
        return group;
    }

    /// <summary>Which institutions a target counts: all where both are null.</summary>
    public sealed record TargetPopulationView(IReadOnlyList<string>? Categories, bool? LocalLegalPerson);

    public sealed record TargetVersusView(TargetPopulationView Population, string Measure);

    /// <summary>
    /// One regional target in its current version; <c>value</c> or <c>versus</c>, never both. <c>unit</c> is the unit of
    /// its measure's figures (percent, pp, yuan or count), read from the measure. <c>createdBy</c> is <c>system</c> for a
    /// built-in or migrated version, else the id of the admin's key that put it (null where that was not recorded).
    /// </summary>
    public sealed record TargetView(
        string Id, int Version, LocalizedText Name, string? Source, string Jurisdiction, int Year, TargetPopulationView Population, string Measure, string Op,
        decimal? Value, TargetVersusView? Versus, string? Scope, Instant CreatedAt, string? CreatedBy, string Unit);

    public sealed record TargetList(IReadOnlyList<TargetView> Items);

    /// <summary>
    /// How many institutions a figure covers: the population (expected), those summed (included), and those whose loans
    /// are in a summed ancestor's consolidated ledger (consolidated); the rest lack a snapshot the figure needs.
    /// </summary>
    public sealed record TargetCoverageView(int Expected, int Included, int Consolidated);

    /// <summary>One month: figures null where no institution is included; versusCoverage only for a versus target; met null in a contribution.</summary>
    public sealed record TargetMonthView(YearMonth Period, decimal? Value, decimal? Threshold, bool? Met, TargetCoverageView Coverage, TargetCoverageView? VersusCoverage);

    public sealed record TargetProjectionView(YearMonth Period, decimal Value, decimal Threshold, bool? Met);

    /// <summary>
    /// A target's progress over a year, computed over <c>jurisdiction</c>: the target's (extent full) or, for a regulator
    /// inside it, the regulator's own (extent contribution). projection null where no month has data. status: met,
    /// missed, onTrack, atRisk or noData; null in a contribution.
    /// </summary>
    public sealed record TargetProgressView(
        TargetView Target, string Extent, string Jurisdiction, IReadOnlyList<TargetMonthView> Months, TargetProjectionView? Projection, string? Status);

    private static async Task<Results<Ok<TargetList>, ProblemHttpResult>> List(
        [AsParameters] JurisdictionYearQuery query, Caller caller, TargetStore targets, CancellationToken ct)
    {
        if (!AnalyticsAccess.TryJurisdiction(caller, query.Jurisdiction, out var scope, out var refusal))
        {
            return refusal!;
        }

        if (!AnalyticsAccess.TryYear(query.Year, out var year, out var invalid))
        {
            return invalid;
        }

        var jurisdiction = scope.RegionPrefix ?? "";
        var found = await targets.ListAsync(year, ct);
        return TypedResults.Ok(new TargetList([.. found.Where(t => jurisdiction.StartsWith(t.Spec.Jurisdiction, StringComparison.Ordinal)).Select(View)]));
    }

    private static async Task<Results<Ok<TargetProgressView>, ProblemHttpResult>> ProgressOf(
        string id, [AsParameters] YearQuery query, Caller caller, TargetStore targets, InstitutionStore institutions, AnalyticsStore analytics,
        AnalyticsSnapshots snapshots, CancellationToken ct)
    {
        // An institution is refused whatever it asks.
        if (caller.IsInstitution && !AnalyticsAccess.TryJurisdiction(caller, null, out _, out var refused))
        {
            return refused!;
        }

        // A regulator sees a target of its jurisdiction or of one inside it whole, and its own part of one around it; a
        // target of a disjoint jurisdiction is, to it, one that does not exist.
        if (await targets.FindAsync(id, ct) is not { } target || AnalyticsAccess.ExtentOf(caller, target.Spec.Jurisdiction) is not { } extent)
        {
            return Problems.NotFoundResult($"目标 {id}", $"Target {id}");
        }

        if (!AnalyticsAccess.TryYear(query.Year, out var year, out var invalid))
        {
            return invalid;
        }

        var jurisdiction = extent == ProgressExtent.Full ? target.Spec.Jurisdiction : caller.Jurisdiction ?? "";
        var scope = new Scope(null, jurisdiction);
        var parents = await analytics.ParentsAsync(ct);
        var members = (await institutions.AllAsync(scope, ct))
            .Select(i => new TargetMember(i.Code, i.RegionCode, i.Category, i.LocalLegalPerson, i.ReportingFrom) { Ancestors = TargetMember.AncestorsOf(i.Code, parents) })
            .ToList();
        var figures = await snapshots.YearFiguresAsync(scope, year, TargetProgress.Reads(target.Spec), ct);
        var progress = extent == ProgressExtent.Full
            ? TargetProgress.Of(target.Spec, year, members, figures)
            : TargetProgress.ContributionOf(target.Spec, year, jurisdiction, members, figures);
        var decimals = target.Spec.Measure.Decimals;
        var thresholdDecimals = target.Spec.Versus?.Measure.Decimals;
        decimal? Threshold(decimal? threshold) => thresholdDecimals is { } d ? Round(threshold, d) : threshold;
        return TypedResults.Ok(new TargetProgressView(
            View(target),
            progress.Extent == ProgressExtent.Full ? "full" : "contribution",
            progress.Jurisdiction,
            [.. progress.Months.Select(m => new TargetMonthView(
                m.Period, Round(m.Value, decimals), Threshold(m.Threshold), m.Met, View(m.Coverage), m.VersusCoverage is { } v ? View(v) : null))],
            progress.Projection is { } p ? new TargetProjectionView(p.Period, Round(p.Value, decimals)!.Value, Threshold(p.Threshold)!.Value, p.Met) : null,
            progress.Status switch
            {
                null => null,
                ProgressStatus.Met => "met",
                ProgressStatus.Missed => "missed",
                ProgressStatus.AtRisk => "atRisk",
                ProgressStatus.OnTrack => "onTrack",
                _ => "noData",
            }));
    }

    private static TargetCoverageView View(TargetCoverage coverage) => new(coverage.Expected, coverage.Included, coverage.Consolidated);

    private static decimal? Round(decimal? value, int decimals) => value is { } v ? Math.Round(v, decimals, MidpointRounding.AwayFromZero) : null;

    private static async Task<Results<Created<TargetView>, Ok<TargetView>, ProblemHttpResult>> Put(
        [RegularExpression(AcceptedRanges.IdPattern, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.IdError))] string id, HttpRequest request, Caller caller, TargetStore targets,
        IClock clock, CancellationToken ct)
    {
        TargetSpec? spec;
        IReadOnlyDictionary<string, string[]> errors;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            spec = TargetReader.Read(body.RootElement, out errors);
        }
        catch (JsonException e)
        {
            return Problems.Invalid("body", "请求正文应为 JSON 格式的目标：" + e.Message, "The body is a target as JSON: " + e.Message);
        }

        if (spec is null)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        var now = clock.GetCurrentInstant();
        var createdBy = Formats.Id(caller.KeyId);
        var version = await targets.AddVersionAsync(id, spec, createdBy, now, ct);
        var view = View(new StoredTarget(id, version, spec, now, createdBy));
        return version == 1 ? TypedResults.Created($"/api/v1/targets/{id}", view) : TypedResults.Ok(view);
    }

    private static TargetView View(StoredTarget t) => new(
        t.Id, t.Version, t.Spec.Name, t.Spec.Source, t.Spec.Jurisdiction, t.Spec.Year, View(t.Spec.Population), t.Spec.Measure.ToString(), t.Spec.Op,
        t.Spec.Value, t.Spec.Versus is { } versus ? new TargetVersusView(View(versus.Population), versus.Measure.ToString()) : null,
        t.Spec.Scope switch { Engine.Indicators.StatisticalScope.Pboc => "pboc", Engine.Indicators.StatisticalScope.Cbirc => "cbirc", _ => null }, t.CreatedAt, t.CreatedBy,
        Engine.Rules.FigureUnits.Name(t.Spec.Measure.Unit));

    private static TargetPopulationView View(TargetPopulation population) => new(population.Categories, population.LocalLegalPerson);

    private static JsonObject Example() => new()
    {
        ["name"] = new JsonObject { ["zh"] = "各项贷款增速不低于10%", ["en"] = "Total loans grow by at least 10%" },
        ["source"] = "吕梁市2022年普惠小微金融服务目标",
        ["jurisdiction"] = "1411",
        ["year"] = 2022,
        ["population"] = new JsonObject(),
        ["measure"] = "growthPct(totalBalance)",
        ["op"] = ">=",
        ["value"] = 10,
    };
}
