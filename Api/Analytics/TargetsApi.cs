using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Analytics;
using Compliance.Engine.Analytics;
using Compliance.Engine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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
    public sealed record PopulationView(IReadOnlyList<string>? Categories, bool? LocalLegalPerson);

    public sealed record VersusView(PopulationView Population, string Measure);

    /// <summary>One regional target in its current version; <c>value</c> or <c>versus</c>, never both.</summary>
    public sealed record TargetView(
        string Id, int Version, LocalizedText Name, string? Source, string Jurisdiction, int Year, PopulationView Population, string Measure, string Op,
        decimal? Value, VersusView? Versus, string? Scope, Instant CreatedAt);

    public sealed record TargetList(IReadOnlyList<TargetView> Items);

    /// <summary>The jurisdiction (<c>""</c>, 2, 4 or 6 digits) and the year, bound as text so each has its own answer.</summary>
    public sealed record TargetQuery
    {
        [FromQuery(Name = "jurisdiction")]
        public string? Jurisdiction { get; init; }

        [FromQuery(Name = "year")]
        public string? Year { get; init; }
    }

    private static async Task<Results<Ok<TargetList>, ProblemHttpResult>> List(
        [AsParameters] TargetQuery query, Caller caller, TargetStore targets, CancellationToken ct)
    {
        if (!AnalyticsAccess.TryJurisdiction(caller, query.Jurisdiction, out var scope, out var refusal))
        {
            return refusal!;
        }

        if (!TryYear(query.Year, out var year, out var invalid))
        {
            return invalid;
        }

        var jurisdiction = scope.RegionPrefix ?? "";
        var found = await targets.ListAsync(year, ct);
        return TypedResults.Ok(new TargetList([.. found.Where(t => jurisdiction.StartsWith(t.Spec.Jurisdiction, StringComparison.Ordinal)).Select(View)]));
    }

    private static async Task<Results<Created<TargetView>, Ok<TargetView>, ProblemHttpResult>> Put(
        [RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "{0} is 1–64 of A–Z a–z 0–9 - _.")] string id, HttpRequest request, TargetStore targets, IClock clock, CancellationToken ct)
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
            return Problems.Invalid("body", "The body is a target as JSON: " + e.Message);
        }

        if (spec is null)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        var now = clock.GetCurrentInstant();
        var version = await targets.AddVersionAsync(id, spec, now, ct);
        var view = View(new StoredTarget(id, version, spec, now));
        return version == 1 ? TypedResults.Created($"/api/v1/targets/{id}", view) : TypedResults.Ok(view);
    }

    private static TargetView View(StoredTarget t) => new(
        t.Id, t.Version, t.Spec.Name, t.Spec.Source, t.Spec.Jurisdiction, t.Spec.Year, View(t.Spec.Population), t.Spec.Measure.ToString(), t.Spec.Op,
        t.Spec.Value, t.Spec.Versus is { } versus ? new VersusView(View(versus.Population), versus.Measure.ToString()) : null,
        t.Spec.Scope switch { Engine.Indicators.StatisticalScope.Pboc => "pboc", Engine.Indicators.StatisticalScope.Cbirc => "cbirc", _ => null }, t.CreatedAt);

    private static PopulationView View(TargetPopulation population) => new(population.Categories, population.LocalLegalPerson);

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

    /// <summary>The required year, within the years the service accepts.</summary>
    private static bool TryYear(string? text, out int year, out ProblemHttpResult invalid)
    {
        invalid = null!;
        var first = AcceptedRanges.FirstPeriod.Year;
        var last = AcceptedRanges.LastPeriod.Year;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out year) && year >= first && year <= last)
        {
            return true;
        }

        invalid = Problems.Invalid("year", $"year is required: a year from {first} to {last}.");
        return false;
    }
}
