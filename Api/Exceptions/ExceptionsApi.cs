using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Exceptions;
using Compliance.Data.Rules;
using Compliance.Engine.Exceptions;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Period = Compliance.Api.Http.Period;

namespace Compliance.Api.Exceptions;

/// <summary><c>/api/v1/exceptions</c>: what the engine found, and the workflow through which it is worked.</summary>
internal static class ExceptionsApi
{
    /// <summary>The longest explanation or note.</summary>
    public const int MaxNoteLength = 4000;

    public static RouteGroupBuilder MapExceptions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/exceptions").WithTags("Exceptions").RequireAuthorization().ProducesProblem(401);
        group.MapGet("/", List).WithName("ListExceptions").WithSummary("List exceptions").WithDescription("The exceptions the key may see, newest period first, filtered by institution, region prefix, period or from/to, rule, severity and status.").ProducesProblem(400);
        group.MapGet("/export", Export).WithName("ExportExceptions").WithSummary("Export exceptions").ProducesProblem(400)
            .Produces(200, contentType: ExceptionExport.CsvType, additionalContentTypes: [ExceptionExport.XlsxType])
            .WithDescription("The rows of the list as a file: format=csv (UTF-8 with BOM) or xlsx; lang=zh (default) or en for its headers, severities, statuses, rule names and figure names; times as China Standard Time text; every filter of the list.");
        group.MapGet("/{id}", Get).WithName("GetException").WithSummary("Get an exception").WithDescription("One exception with its figures, baselines, message and every event of its lifecycle.").ProducesProblem(404);
        // A transition's body is checked by the handler once the exception is known to be visible (a 404 comes first).
        group.MapPost("/{id}/explanation", Explain).WithName("ExplainException").WithSummary("Explain an exception").WithDescription("The institution (or an admin on its behalf) explains an open or explained exception, with an optional reason code; it becomes explained. 409 from another status.").DisableValidation().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/resolve", Resolve).WithName("ResolveException").WithSummary("Resolve an exception").WithDescription("A regulator over the institution, or an admin, resolves an open or explained exception with a note. 409 from another status.").DisableValidation().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/waive", Waive).WithName("WaiveException").WithSummary("Waive an exception").WithDescription("A regulator over the institution, or an admin, waives an open or explained exception with a note, until a date if given; the first evaluation or sweep after it reopens it. 409 from another status.").DisableValidation().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/reopen", Reopen).WithName("ReopenException").WithSummary("Reopen an exception").WithDescription("A regulator over the institution, or an admin, reopens a resolved, waived or cleared exception with a note. 409 from another status.").DisableValidation().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return group;
    }

    public sealed record RuleSetRef(string Id, int Version);

    public sealed record MessageView(string Zh, string En);

    /// <summary>
    /// Who acted: the role, and the key's id and name (null for the system); an institution key sees a regulator's or an
    /// admin's actor as its role alone (api.md, "Exceptions").
    /// </summary>
    public sealed record ActorView(
        string Role,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? KeyId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] ActorName? Name = null);

    /// <summary>The name of the key that acted, written as a string or as <c>null</c> for the system.</summary>
    [JsonConverter(typeof(ActorNameConverter))]
    public sealed record ActorName(string? Value);

    private sealed class ActorNameConverter : JsonConverter<ActorName>
    {
        public override ActorName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString());

        public override void Write(Utf8JsonWriter writer, ActorName value, JsonSerializerOptions options)
        {
            if (value.Value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value.Value);
            }
        }
    }

    private static ActorView ActorOf(Caller caller, ExceptionEvent v) =>
        caller.IsInstitution && v.ActorRole is Roles.Regulator or Roles.Admin
            ? new ActorView(v.ActorRole, null)
            : new ActorView(v.ActorRole, v.ActorKeyId is { } k ? Formats.Id(k) : null, new ActorName(v.ActorName));

    public sealed record EventView(string Id, Instant At, ActorView Actor, string Kind, string? FromStatus, string ToStatus, string? Note, JsonObject? Figures);

    /// <summary>
    /// An exception as answered; <c>ruleName</c> is its rule's name in the words of its set's scope (rules.md, "Names");
    /// <c>units</c> gives the unit of each of its figures, as its rule declares it in the catalogue (<c>GET /rules</c>):
    /// percent, pp, yuan, count, date, period, text, list or boolean.
    /// </summary>
    public sealed record ExceptionView(
        string Id, string Institution, YearMonth Period, string Rule, LocalizedText RuleName, RuleSetRef? RuleSet, string Severity, string Status,
        JsonObject Figures, IReadOnlyDictionary<string, string> Units, JsonObject Baselines, MessageView Message, string? SubmissionId, LocalDate? WaivedUntil,
        Instant CreatedAt, Instant UpdatedAt, IReadOnlyList<string> Actions,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<EventView>? Events = null);

    public sealed record ExplanationBody(
        [property: OneOf("DATA_CORRECTION", "ONE_OFF_EVENT", "POLICY_TRANSITION", "OTHER")] string? ReasonCode,
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), StringLength(MaxNoteLength, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.LengthError)), FreeText] string? Text);

    public sealed record NoteBody([property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), StringLength(MaxNoteLength, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.LengthError)), FreeText] string? Note);

    public sealed record WaiveBody(
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), StringLength(MaxNoteLength, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.LengthError)), FreeText] string? Note,
        [property: Accepted<Day>] string? Until);

    /// <summary>An exception as the caller sees it, with the actions the caller may take on it now.</summary>
    public static ExceptionView View(Caller caller, ExceptionRecord e, IReadOnlyList<ExceptionEvent>? events = null)
    {
        var figures = Formats.Figures(e.Rule, e.Figures);
        return new(
            Formats.Id(e.Id), e.Institution, e.Period, e.Rule, RuleNameOf(e),
            e.RuleSetId is null ? null : new RuleSetRef(e.RuleSetId, e.RuleSetVersion ?? 0),
            e.Severity, e.Status, figures, Formats.Units(e.Rule, figures), JsonNode.Parse(e.Baselines)?.AsObject() ?? [],
            new MessageView(e.MessageZh, e.MessageEn), e.SubmissionId is { } s ? Formats.Id(s) : null, e.WaivedUntil, e.CreatedAt, e.UpdatedAt,
            ExceptionActions.For(caller.Role, e.Status),
            events?.Select(v => new EventView(Formats.Id(v.Id), v.At, ActorOf(caller, v),
                v.Kind, v.FromStatus, v.ToStatus, SystemNotes.In(v.Note, v.ActorRole == Actor.System.Role, Languages.Chosen), v.Figures is null ? null : Formats.Figures(e.Rule, v.Figures))).ToList());
    }

    /// <summary>
    /// An exception's rule name in the words of the scope of the set that wrote it (rules.md, "Names"); a
    /// <c>DEADLINE_MISSED</c>, of no set, has its one name.
    /// </summary>
    public static LocalizedText RuleNameOf(ExceptionRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return RuleCatalog.NameOf(e.Rule, RuleSetStore.ParseScope(e.RuleSetScope) ?? StatisticalScope.Cbirc);
    }

    /// <summary>The filters of the list and the export.</summary>
    public sealed record ExceptionQuery
    {
        [FromQuery(Name = "institution")]
        public string? Institution { get; init; }

        [FromQuery(Name = "region")]
        [RegularExpression(AcceptedRanges.RegionPrefixPattern, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RegionPrefixError))]
        public string? Region { get; init; }

        [FromQuery(Name = "period")]
        public Period? Period { get; init; }

        [FromQuery(Name = "from")]
        public Period? From { get; init; }

        [FromQuery(Name = "to")]
        public Period? To { get; init; }

        [FromQuery(Name = "ruleSet")]
        public string? RuleSet { get; init; }

        [FromQuery(Name = "rule")]
        public string? Rule { get; init; }

        [FromQuery(Name = "severity")]
        [OneOf("warning", "breach")]
        public string? Severity { get; init; }

        [FromQuery(Name = "status")]
        [ExceptionStatus]
        public string? Status { get; init; }

        public ExceptionFilter Filter => new(Institution, Region, Period?.Value, From?.Value, To?.Value, Rule, Severity, Status, RuleSet);
    }

    /// <summary>A status of the lifecycle, by its name.</summary>
    private sealed class ExceptionStatusAttribute() : OneOfAttribute([.. Enum.GetValues<ExceptionStatus>().Select(s => s.Name())]);

    private static async Task<Ok<ListAnswer<ExceptionView>>> List(
        Caller caller, ExceptionStore exceptions, [AsParameters] ExceptionQuery query, [AsParameters] PageQuery paging, CancellationToken ct) =>
        TypedResults.Ok(PageQuery.Map(await exceptions.ListAsync(query.Filter, caller.Scope, paging.Request, ct), e => View(caller, e)));

    private static async Task Export(
        Caller caller, ExceptionStore exceptions, [AsParameters] ExceptionQuery query,
        [OneOf("csv", "xlsx")] string? format, [OneOf("zh", "en")] string? lang, HttpResponse response, CancellationToken ct)
    {
        var rows = exceptions.ExportAsync(query.Filter, caller.Scope, ct);
        var language = ExportLanguage.Of(lang);
        await (format == "xlsx" ? ExceptionExport.WriteXlsxAsync(response, rows, language, ct) : ExceptionExport.WriteCsvAsync(response, rows, language, ct));
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Get(string id, Caller caller, ExceptionStore exceptions, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var exceptionId) || await exceptions.FindAsync(exceptionId, caller.Scope, ct) is not { } found)
        {
            return Problems.NotFoundResult($"监测事项 {id}", $"Exception {id}");
        }

        return TypedResults.Ok(View(caller, found.Exception, found.Events));
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Explain(
        string id, ExplanationBody body, Caller caller, ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        if (!ExceptionActions.MayTake(caller.Role, LifecycleEvent.Explain))
        {
            return await ForbiddenOrNotFound(id, caller, exceptions, LifecycleEvent.Explain, ct);
        }

        var note = body.ReasonCode is null ? body.Text : $"[{body.ReasonCode}] {body.Text}";
        return await TransitionAsync(id, body, caller, exceptions, clock, LifecycleEvent.Explain, note, ct);
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Resolve(
        string id, NoteBody body, Caller caller, ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        if (!ExceptionActions.MayTake(caller.Role, LifecycleEvent.Resolve))
        {
            return await ForbiddenOrNotFound(id, caller, exceptions, LifecycleEvent.Resolve, ct);
        }

        return await TransitionAsync(id, body, caller, exceptions, clock, LifecycleEvent.Resolve, body.Note, ct);
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Waive(
        string id, WaiveBody body, Caller caller, ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        if (!ExceptionActions.MayTake(caller.Role, LifecycleEvent.Waive))
        {
            return await ForbiddenOrNotFound(id, caller, exceptions, LifecycleEvent.Waive, ct);
        }

        return await TransitionAsync(id, body, caller, exceptions, clock, LifecycleEvent.Waive, body.Note, ct);
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Reopen(
        string id, NoteBody body, Caller caller, ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        if (!ExceptionActions.MayTake(caller.Role, LifecycleEvent.Reopen))
        {
            return await ForbiddenOrNotFound(id, caller, exceptions, LifecycleEvent.Reopen, ct);
        }

        return await TransitionAsync(id, body, caller, exceptions, clock, LifecycleEvent.Reopen, body.Note, ct);
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> TransitionAsync(
        string id, object body, Caller caller, ExceptionStore exceptions, IClock clock, LifecycleEvent action, string? note, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var exceptionId) || await exceptions.FindAsync(exceptionId, caller.Scope, ct) is null)
        {
            return Problems.NotFoundResult($"监测事项 {id}", $"Exception {id}");
        }

        // The body is checked once the exception is known to be visible: to a caller who may not see it, a 404 whatever it sent.
        if (InvalidRequests.Validate(body) is { } errors)
        {
            return Problems.Invalid(errors);
        }

        var until = body is WaiveBody { Until: { } date } ? NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value : (LocalDate?)null;
        var outcome = await exceptions.TransitionAsync(exceptionId, caller.Scope, action, new Actor(caller.Role, caller.KeyId), note, until, clock.GetCurrentInstant(), ct);
        switch (outcome)
        {
            case TransitionOutcome.NotFound:
                return Problems.NotFoundResult($"监测事项 {id}", $"Exception {id}");
            case TransitionOutcome.NotAllowed:
                return Problems.Of(Problems.InvalidTransition,
                    $"监测事项的当前状态不允许“{ExceptionActions.Of(action).Name}”；只有状态为 {string.Join("、", ExceptionLifecycle.AllowedFrom(action).Select(s => s.Name()))} 时才允许。",
                    $"The exception's status does not allow '{ExceptionActions.Of(action).Name}'; it is allowed from {string.Join(", ", ExceptionLifecycle.AllowedFrom(action).Select(s => s.Name()))}.");
            default:
                var found = await exceptions.FindAsync(exceptionId, caller.Scope, ct);
                return TypedResults.Ok(View(caller, found!.Value.Exception, found.Value.Events));
        }
    }

    /// <summary>404 for what the caller cannot see, else 403: the role check comes before the state check.</summary>
    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> ForbiddenOrNotFound(
        string id, Caller caller, ExceptionStore exceptions, LifecycleEvent action, CancellationToken ct) =>
        Formats.TryId(id, out var exceptionId) && await exceptions.FindAsync(exceptionId, caller.Scope, ct) is not null
            ? Problems.Of(Problems.Forbidden, Languages.Say(ExceptionActions.Of(action).Refusal))
            : Problems.NotFoundResult($"监测事项 {id}", $"Exception {id}");
}
