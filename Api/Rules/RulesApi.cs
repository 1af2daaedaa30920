using System.Globalization;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Access;
using Compliance.Api.Exceptions;
using Compliance.Api.Http;
using Compliance.Api.Jobs;
using Compliance.Data.Rules;
using Compliance.Data.Submissions;
using Hangfire;
using Compliance.Engine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using NodaTime;
using Swashbuckle.AspNetCore.SwaggerGen;
using Period = Compliance.Api.Http.Period;

namespace Compliance.Api.Rules;

/// <summary><c>/api/v1/rules</c> and <c>/api/v1/rule-sets</c>: the catalogue and the sets, as data.</summary>
internal static class RulesApi
{
    public static void MapRules(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Rules").RequireAuthorization().ProducesProblem(401);
        api.MapGet("/rules", Catalogue).WithName("ListRules").WithSummary("List the rule catalogue").WithDescription("Every rule the engine knows: its id, its names in the words of each scope (names.cbirc, names.pboc; name is names.cbirc), parameters with their defaults, severity, and the figures its exceptions may carry, each with its unit (percent, pp, yuan, count, date, period, text, list or boolean) and its name in Chinese and English.");
        api.MapGet("/rule-sets", ListSets).WithName("ListRuleSets").WithSummary("List rule sets").WithDescription("Every rule set in its current version: jurisdiction, years in force and rules with their parameters.");
        api.MapGet("/rule-sets/{id}", GetSet).WithName("GetRuleSet").WithSummary("Get a rule set").WithDescription("One rule set in its current version, with its earlier versions as history.").ProducesProblem(404);
        api.MapPut("/rule-sets/{id}", PutSet).WithName("PutRuleSet").WithSummary("Put a rule set").WithDescription("Admin only. Adds a new version of the set (or its first); re-evaluates nothing by itself.").RequireAuthorization(AccessSetup.AdminPolicy).ProducesProblem(400).ProducesProblem(403);
        api.MapPost("/evaluations", Reevaluate).WithName("Reevaluate").RequireAuthorization(AccessSetup.AdminPolicy).ProducesProblem(400).ProducesProblem(403)
            .WithSummary("Re-evaluate periods").WithDescription("Re-evaluates, with the rule sets now in force, the latest accepted ledger of each period in [from, to] (both required) of one institution, of every institution a rule set applies to by its jurisdiction (ruleSet), or of every institution. 400 for an unknown institution or rule set.");
    }

    public sealed record ParameterView(string Name, string Type, object Default, LocalizedText Label);

    /// <summary>A figure a rule's exceptions may carry, as the rule declares it.</summary>
    public sealed record FigureView(string Key, string Unit, LocalizedText Name)
    {
        public static FigureView From(FigureDefinition figure)
        {
            ArgumentNullException.ThrowIfNull(figure);
            return new(figure.Key, figure.Unit.Name(), figure.Name);
        }
    }

    /// <summary>
    /// A rule of the catalogue: <c>names</c> in the words of each 口径 (rules.md, "Names"), <c>name</c> the CBIRC's,
    /// kept for older clients.
    /// </summary>
    public sealed record RuleView(
        string Id, LocalizedText Name, ScopedNames Names, IReadOnlyList<ParameterView> Parameters, string Severity, IReadOnlyList<FigureView> Figures);

    public sealed record RuleList(IReadOnlyList<RuleView> Items);

    /// <summary>
    /// The OpenAPI side of the declared units: a figure's <c>unit</c> in the catalogue, a target's <c>unit</c>, and each
    /// value of an exception's <c>units</c>, is the name of one of them.
    /// </summary>
    internal sealed class UnitsSchema : ISchemaFilter
    {
        private static List<JsonNode> Names() => [.. Enum.GetValues<FigureUnit>().Select(u => (JsonNode)JsonValue.Create(u.Name()))];

        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema { Properties: { } properties })
            {
                return;
            }

            if ((context.Type == typeof(FigureView) || context.Type == typeof(Analytics.TargetsApi.TargetView))
                && properties.TryGetValue("unit", out var unit) && unit is OpenApiSchema figureUnit)
            {
                figureUnit.Enum = Names();
                figureUnit.Description = "What the figures' values are, and so how they are written and shown: percentages and percentage points (pp) with 4 decimals.";
            }

            if (context.Type == typeof(ExceptionsApi.ExceptionView) && properties.TryGetValue("units", out var units) && units is OpenApiSchema
                {
                    AdditionalProperties: OpenApiSchema value,
                } map)
            {
                value.Enum = Names();
                map.Description = "The unit of each of the exception's figures, by key, as its rule declares it in GET /api/v1/rules.";
            }
        }
    }

    public sealed record RuleSetView(
        string Id, int Version, string Jurisdiction, YearRange Years, IReadOnlyList<RuleSpec> Rules, LocalizedText? Name, string? Authority,
        string? Source, string Scope, bool Retired, Instant CreatedAt, string CreatedBy, IReadOnlyList<RuleSetView>? History = null);

    public sealed record RuleSetList(IReadOnlyList<RuleSetView> Items);

    public sealed record RuleSetBody(
        [property: Required(AllowEmptyStrings = true, ErrorMessageResourceType = typeof(Jurisdictions), ErrorMessageResourceName = nameof(Jurisdictions.Error)), RegularExpression(Jurisdictions.Pattern, ErrorMessageResourceType = typeof(Jurisdictions), ErrorMessageResourceName = nameof(Jurisdictions.Error))] string? Jurisdiction,
        YearRange? Years,
        IReadOnlyList<RuleSpec>? Rules,
        [property: Required(ErrorMessageResourceType = typeof(RulesApi), ErrorMessageResourceName = nameof(RulesApi.ScopeError)), OneOf("cbirc", "pboc", ErrorMessageResourceType = typeof(RulesApi), ErrorMessageResourceName = nameof(RulesApi.ScopeError))] string? Scope = null,
        LocalizedText? Name = null,
        [property: NameText, StringLength(200)] string? Authority = null,
        [property: FreeText, StringLength(400)] string? Source = null);

    internal static string ScopeError => Languages.Say(
        "scope 为该规则集各规则所读取的口径：cbirc（单户授信1000万元及以下）或 pboc（单户授信小于1000万元）。",
        "scope is the 口径 the set's rules read: cbirc (单户授信1000万元及以下) or pboc (单户授信小于1000万元).");

    private static Ok<RuleList> Catalogue() => TypedResults.Ok(new RuleList(RuleCatalog.All.Select(r =>
        new RuleView(r.Id, r.Name, r.Names, r.Parameters.Select(p => new ParameterView(p.Name, p.Type, p.Default, p.Label)).ToList(), r.Severity, [.. r.Figures.Select(FigureView.From)])).ToList()));

    private static async Task<Ok<RuleSetList>> ListSets(RuleSetStore store, CancellationToken ct) =>
        TypedResults.Ok(new RuleSetList((await store.ListAsync(latestOnly: true, id: null, ct)).Select(s => View(s)).ToList()));

    private static async Task<Results<Ok<RuleSetView>, ProblemHttpResult>> GetSet(string id, RuleSetStore store, CancellationToken ct)
    {
        var versions = await store.ListAsync(latestOnly: false, id, ct);
        if (versions.Count == 0)
        {
            return Problems.NotFoundResult($"规则集 {id}", $"Rule set {id}");
        }

        return TypedResults.Ok(View(versions[0], versions.Skip(1).Select(v => View(v)).ToList()));
    }

    private static async Task<Results<Ok<RuleSetView>, ProblemHttpResult>> PutSet(
        [RegularExpression(AcceptedRanges.IdPattern, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.IdError))] string id, RuleSetBody body, Caller caller, RuleSetStore store, IClock clock, CancellationToken ct)
    {
        if (Validate(body, out var spec) is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetCurrentInstant();
        var createdBy = caller.KeyId.ToString(CultureInfo.InvariantCulture);
        var version = await store.AddVersionAsync(id, spec, createdBy, now, ct);
        return TypedResults.Ok(View(new StoredRuleSet(id, version, spec, now, createdBy)));
    }

    /// <summary>The set a body describes, or the 400 that lists what is wrong with it: the one check of PUT and of a preview.</summary>
    internal static ProblemHttpResult? Validate(RuleSetBody body, out RuleSetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(body);
        spec = null!;
        var errors = new Dictionary<string, string[]>();
        if (body.Years is null || !AcceptedRanges.Contains(body.Years.From) || (body.Years.To is { } to && (to < body.Years.From || !AcceptedRanges.Contains(to))))
        {
            errors["years"] = [Languages.Say(
                $"years 应为 {{from, to?}}：from 为 {AcceptedRanges.FirstYear} 至 {AcceptedRanges.LastYear} 的年份，to 如填写则不早于 from、不晚于 {AcceptedRanges.LastYear}。",
                $"years is {{from, to?}} with from a year from {AcceptedRanges.FirstYear} to {AcceptedRanges.LastYear} and to, when given, not before it nor after {AcceptedRanges.LastYear}.")];
        }

        if (body.Rules is null || body.Rules.Count == 0)
        {
            errors["rules"] = [Languages.Say("rules 至少应列出一条规则。", "rules lists at least one rule.")];
        }
        else
        {
            try
            {
                RuleCatalog.Validate(new RuleSetSpec(body.Jurisdiction ?? "", body.Years ?? new YearRange(AcceptedRanges.FirstYear, null), body.Rules));
            }
            catch (RuleSpecException e)
            {
                errors["rules"] = [e.Message];
            }
            catch (JsonException e)
            {
                errors["rules"] = [e.Message];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        spec = new RuleSetSpec(body.Jurisdiction!, body.Years!, body.Rules!)
        {
            Scope = RuleSetStore.ParseScope(body.Scope)!.Value, Name = body.Name, Authority = body.Authority, Source = body.Source,
        };
        return null;
    }

    public sealed record QueuedEvaluations(int Queued);

    private static async Task<Results<Accepted<QueuedEvaluations>, ProblemHttpResult>> Reevaluate(
        string? ruleSet, string? institution, Period? from, Period? to,
        SubmissionStore submissions, Data.Institutions.InstitutionStore institutions, RuleSetStore ruleSets, IBackgroundJobClient jobs, CancellationToken ct)
    {
        if (from is not { } first || to is not { } last)
        {
            var errors = new Dictionary<string, string[]>();
            if (from is null)
            {
                errors["from"] = [Languages.Say("from 为必填项：重新评估的起始报告期，格式 yyyy-MM。", "from is required: the first period to re-evaluate, yyyy-MM.")];
            }

            if (to is null)
            {
                errors["to"] = [Languages.Say("to 为必填项：重新评估的截止报告期，格式 yyyy-MM。", "to is required: the last period to re-evaluate, yyyy-MM.")];
            }

            return Problems.Invalid(errors);
        }

        if (institution is not null && await institutions.FindAsync(institution, Data.Scope.Everything, ct) is null)
        {
            return Problems.Invalid("institution", $"机构“{institution}”不存在。", $"There is no institution '{institution}'.");
        }

        // The institutions a set applies to, by its jurisdiction: those whose region code starts with it.
        string? jurisdiction = null;
        if (ruleSet is not null)
        {
            if (await ruleSets.ListAsync(latestOnly: true, ruleSet, ct) is not [var set, ..])
            {
                return Problems.Invalid("ruleSet", $"规则集“{ruleSet}”不存在。", $"There is no rule set '{ruleSet}'.");
            }

            jurisdiction = set.Spec.Jurisdiction;
        }

        var ids = await submissions.MarkForEvaluationAsync(institution, jurisdiction, first.Value, last.Value, ct);
        EvaluateSubmissionJob.Enqueue(jobs, ids);

        return TypedResults.Accepted((string?)null, new QueuedEvaluations(ids.Count));
    }

    private static RuleSetView View(StoredRuleSet s, IReadOnlyList<RuleSetView>? history = null) =>
        new(s.Id, s.Version, s.Spec.Jurisdiction, s.Spec.Years, s.Spec.Rules, s.Spec.Name, s.Spec.Authority, s.Spec.Source,
            RuleSetStore.ScopeName(s.Spec.Scope), s.Spec.Retired, s.CreatedAt, s.CreatedBy, history);
}
