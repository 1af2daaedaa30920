using System.Text.Json.Nodes;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Exceptions;
using Compliance.Engine.Exceptions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Compliance.Api.Exceptions;

/// <summary><c>/api/v1/exceptions</c>: what the engine found, and the workflow through which it is worked.</summary>
internal static class ExceptionsApi
{
    /// <summary>The reason codes an institution may give with an explanation.</summary>
    public static readonly string[] ReasonCodes = ["DATA_CORRECTION", "ONE_OFF_EVENT", "POLICY_TRANSITION", "OTHER"];

    private static readonly string[] Severities = ["warning", "breach"];
    private static readonly string[] Statuses = [.. Enum.GetValues<ExceptionStatus>().Select(s => s.Name())];

    public static RouteGroupBuilder MapExceptions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/exceptions").WithTags("Exceptions").RequireAuthorization().ProducesProblem(401);
        group.MapGet("/", List).WithName("ListExceptions").ProducesProblem(400);
        group.MapGet("/export", Export).WithName("ExportExceptions").ProducesProblem(400)
            .Produces(200, contentType: ExceptionExport.CsvType, additionalContentTypes: [ExceptionExport.XlsxType])
            .WithDescription("The rows of the list as a file with Chinese headers: format=csv (UTF-8 with BOM) or xlsx; every filter of the list.");
        group.MapGet("/{id}", Get).WithName("GetException").ProducesProblem(404);
        group.MapPost("/{id}/explanation", Explain).WithName("ExplainException").ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/resolve", Resolve).WithName("ResolveException").ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/waive", Waive).WithName("WaiveException").ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/reopen", Reopen).WithName("ReopenException").ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return group;
    }

    public sealed record RuleSetRef(string Id, int Version);

    public sealed record MessageView(string Zh, string En);

    public sealed record ActorView(string Role, string? KeyId);

    public sealed record EventView(string Id, Instant At, ActorView Actor, string Kind, string? FromStatus, string ToStatus, string? Note, JsonObject? Figures);

    public sealed record ExceptionView(
        string Id, string Institution, YearMonth Period, string Rule, RuleSetRef? RuleSet, string Severity, string Status,
        JsonObject Figures, JsonObject Baselines, MessageView Message, string? SubmissionId, LocalDate? WaivedUntil,
        Instant CreatedAt, Instant UpdatedAt,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<EventView>? Events = null);

    public sealed record ExplanationBody(string? ReasonCode, string? Text);

    public sealed record NoteBody(string? Note);

    public sealed record WaiveBody(string? Note, string? Until);

    public static ExceptionView View(ExceptionRecord e, IReadOnlyList<ExceptionEvent>? events = null) => new(
        Formats.Id(e.Id), e.Institution, e.Period, e.Rule,
        e.RuleSetId is null ? null : new RuleSetRef(e.RuleSetId, e.RuleSetVersion ?? 0),
        e.Severity, e.Status, Formats.Figures(e.Figures), JsonNode.Parse(e.Baselines)?.AsObject() ?? [],
        new MessageView(e.MessageZh, e.MessageEn), e.SubmissionId is { } s ? Formats.Id(s) : null, e.WaivedUntil, e.CreatedAt, e.UpdatedAt,
        events?.Select(v => new EventView(Formats.Id(v.Id), v.At, new ActorView(v.ActorRole, v.ActorKeyId is { } k ? Formats.Id(k) : null),
            v.Kind, v.FromStatus, v.ToStatus, v.Note, v.Figures is null ? null : Formats.Figures(v.Figures))).ToList());

    /// <summary>The filters of the list and the export.</summary>
    public sealed record ExceptionQuery(
        [property: FromQuery(Name = "institution")] string? Institution,
        [property: FromQuery(Name = "region")] string? Region,
        [property: FromQuery(Name = "period")] string? Period,
        [property: FromQuery(Name = "from")] string? From,
        [property: FromQuery(Name = "to")] string? To,
        [property: FromQuery(Name = "rule")] string? Rule,
        [property: FromQuery(Name = "severity")] string? Severity,
        [property: FromQuery(Name = "status")] string? Status)
    {
        public ExceptionFilter ToFilter(Dictionary<string, string[]> errors) => new(
            Institution,
            RegionPrefix(Region, errors),
            AcceptedRanges.Period("period", Period, errors),
            AcceptedRanges.Period("from", From, errors),
            AcceptedRanges.Period("to", To, errors),
            Rule,
            OneOf("severity", Severity, Severities, errors),
            OneOf("status", Status, Statuses, errors));
    }

    private static async Task<Results<Ok<ListAnswer<ExceptionView>>, ProblemHttpResult>> List(
        Caller caller, ExceptionStore exceptions, [AsParameters] ExceptionQuery query, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var filter = query.ToFilter(errors);
        if (!Paging.TryRead(page, pageSize, errors, out var request))
        {
            return Problems.Invalid(errors);
        }

        return TypedResults.Ok(Paging.Map(await exceptions.ListAsync(filter, caller.Scope, request, ct), e => View(e)));
    }

    private static async Task<IResult> Export(
        Caller caller, ExceptionStore exceptions, [AsParameters] ExceptionQuery query, string? format, HttpResponse response, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var filter = query.ToFilter(errors);
        format ??= "csv";
        if (format is not ("csv" or "xlsx"))
        {
            errors["format"] = ["format is csv or xlsx."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var rows = exceptions.ExportAsync(filter, caller.Scope, ct);
        await (format == "xlsx" ? ExceptionExport.WriteXlsxAsync(response, rows, ct) : ExceptionExport.WriteCsvAsync(response, rows, ct));
        return Results.Empty;
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Get(string id, Caller caller, ExceptionStore exceptions, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var exceptionId) || await exceptions.FindAsync(exceptionId, caller.Scope, ct) is not { } found)
        {
            return Problems.NotFoundResult($"Exception {id}");
        }

        return TypedResults.Ok(View(found.Exception, found.Events));
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Explain(
        string id, ExplanationBody body, Caller caller, ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        // The institution explains its own exceptions; an admin may do everything, on its behalf too.
        if (caller.IsRegulator)
        {
            return await ForbiddenOrNotFound(id, caller, exceptions, "Only the institution explains its own exceptions.", ct);
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > 4000)
        {
            errors["text"] = ["text is required, at most 4,000 characters."];
        }

        TextFields.FreeText("text", body.Text, errors);

        if (body.ReasonCode is not null && !ReasonCodes.Contains(body.ReasonCode))
        {
            errors["reasonCode"] = [$"reasonCode is one of {string.Join(", ", ReasonCodes)}."];
        }

        var note = body.ReasonCode is null ? body.Text : $"[{body.ReasonCode}] {body.Text}";
        return await TransitionAsync(id, caller, exceptions, clock, errors, LifecycleEvent.Explain, note, null, ct);
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Resolve(
        string id, NoteBody body, Caller caller, ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        if (caller.IsInstitution)
        {
            return await ForbiddenOrNotFound(id, caller, exceptions, "Only a regulator or an admin resolves an exception.", ct);
        }

        return await TransitionAsync(id, caller, exceptions, clock, NoteErrors(body.Note), LifecycleEvent.Resolve, body.Note, null, ct);
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Waive(
        string id, WaiveBody body, Caller caller, ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        if (caller.IsInstitution)
        {
            return await ForbiddenOrNotFound(id, caller, exceptions, "Only a regulator or an admin waives an exception.", ct);
        }

        var errors = NoteErrors(body.Note);
        var until = AcceptedRanges.Date("until", body.Until, errors);
        return await TransitionAsync(id, caller, exceptions, clock, errors, LifecycleEvent.Waive, body.Note, until, ct);
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> Reopen(
        string id, NoteBody body, Caller caller, ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        if (caller.IsInstitution)
        {
            return await ForbiddenOrNotFound(id, caller, exceptions, "Only a regulator or an admin reopens an exception.", ct);
        }

        return await TransitionAsync(id, caller, exceptions, clock, NoteErrors(body.Note), LifecycleEvent.Reopen, body.Note, null, ct);
    }

    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> TransitionAsync(
        string id, Caller caller, ExceptionStore exceptions, IClock clock, Dictionary<string, string[]> errors,
        LifecycleEvent action, string? note, LocalDate? until, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var exceptionId) || await exceptions.FindAsync(exceptionId, caller.Scope, ct) is null)
        {
            return Problems.NotFoundResult($"Exception {id}");
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var outcome = await exceptions.TransitionAsync(exceptionId, caller.Scope, action, new Actor(caller.Role, caller.KeyId), note, until, clock.GetCurrentInstant(), ct);
        switch (outcome)
        {
            case TransitionOutcome.NotFound:
                return Problems.NotFoundResult($"Exception {id}");
            case TransitionOutcome.NotAllowed:
                return Problems.Of(Problems.InvalidTransition,
                    $"The exception's status does not allow '{ActionName(action)}'; it is allowed from {string.Join(", ", ExceptionLifecycle.AllowedFrom(action).Select(s => s.Name()))}.");
            default:
                var found = await exceptions.FindAsync(exceptionId, caller.Scope, ct);
                return TypedResults.Ok(View(found!.Value.Exception, found.Value.Events));
        }
    }

    private static string ActionName(LifecycleEvent action) => action switch
    {
        LifecycleEvent.Explain => "explanation",
        LifecycleEvent.Resolve => "resolve",
        LifecycleEvent.Waive => "waive",
        _ => "reopen",
    };

    /// <summary>404 for what the caller cannot see, else 403: the role check comes before the state check.</summary>
    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> ForbiddenOrNotFound(
        string id, Caller caller, ExceptionStore exceptions, string detail, CancellationToken ct) =>
        Formats.TryId(id, out var exceptionId) && await exceptions.FindAsync(exceptionId, caller.Scope, ct) is not null
            ? Problems.ForbiddenResult(detail)
            : Problems.NotFoundResult($"Exception {id}");

    private static Dictionary<string, string[]> NoteErrors(string? note)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(note) || note.Length > 4000)
        {
            errors["note"] = ["note is required, at most 4,000 characters."];
        }

        TextFields.FreeText("note", note, errors);

        return errors;
    }

    private static string? RegionPrefix(string? region, Dictionary<string, string[]> errors)
    {
        if (region is null)
        {
            return null;
        }

        if (region.Length > 6 || !region.All(char.IsAsciiDigit))
        {
            errors["region"] = ["region is a prefix of the 6-digit region code."];
        }

        return region;
    }

    private static string? OneOf(string name, string? value, string[] allowed, Dictionary<string, string[]> errors)
    {
        if (value is not null && !allowed.Contains(value))
        {
            errors[name] = [$"{name} is one of {string.Join(", ", allowed)}."];
        }

        return value;
    }
}
