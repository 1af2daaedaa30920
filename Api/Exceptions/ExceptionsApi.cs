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
        group.MapGet("/", List).WithName("ListExceptions").WithSummary("List exceptions").WithDescription("The exceptions the key may see, filtered by institution, region prefix, period or from/to, rule set, rule, severity and status (repeated: any of them), in the order of sort: -period (default, newest period first), period, -severity (breaches first), institution (code, then newest period first), createdAt or -createdAt; ties by creation, oldest first.").ProducesProblem(400);
        group.MapGet("/export", Export).WithName("ExportExceptions").WithSummary("Export exceptions").ProducesProblem(400)
            .Produces(200, contentType: ExceptionExport.CsvType, additionalContentTypes: [ExceptionExport.XlsxType])
            .WithDescription("The rows of the list as a file: format=csv (UTF-8 with BOM) or xlsx; lang=zh (default) or en for its headers, severities, statuses, rule names and figure names; times as China Standard Time text; every filter of the list.");
        group.MapPost("/bulk", Bulk).WithName("ActOnExceptions").WithSummary("Act on many exceptions")
            .WithDescription("Takes 1 to 500 distinct exceptions through one action (explanation, resolve, waive or reopen) with that action's body fields, in one transaction: each id is decided against its status then, as its own action would be, and answered in the order sent as done (with its new status) or refused (with the problem type its own action would have answered: not-found, also for one the key may not see, forbidden or invalid-transition). A repeated id, an empty or oversized list or a malformed body is 400 and changes nothing.")
            .DisableValidation().ProducesProblem(400);
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
        string Id, string Institution, string? InstitutionName, YearMonth Period, string Rule, LocalizedText RuleName, RuleSetRef? RuleSet, string Severity, string Status,
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

    /// <summary>The most exceptions one bulk action takes.</summary>
    public const int MaxBulkIds = 500;

    /// <summary>
    /// One action on many exceptions: the ids, the action's name, and the fields of that action's own body
    /// (<see cref="ExplanationBody"/>, <see cref="NoteBody"/>, <see cref="WaiveBody"/>), checked as it checks them.
    /// </summary>
    public sealed record BulkBody(
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError))] IReadOnlyList<string?>? Ids,
        [property: Required(ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.RequiredError)), OneOf("explanation", "resolve", "waive", "reopen")] string? Action,
        string? Note,
        string? Text,
        string? ReasonCode,
        string? Until)
    {
        /// <summary>The single action's body made of these fields, or <c>null</c> for no known action.</summary>
        public object? ActionBody => Action switch
        {
            "explanation" => new ExplanationBody(ReasonCode, Text),
            "resolve" or "reopen" => new NoteBody(Note),
            "waive" => new WaiveBody(Note, Until),
            _ => null,
        };
    }

    /// <summary>What became of one id of a bulk action: its status after it, or the problem type its own action would have answered.</summary>
    public sealed record BulkItem(
        string Id,
        string Outcome,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Problem = null);

    public sealed record BulkAnswer(IReadOnlyList<BulkItem> Items);

    /// <summary>An exception as the caller sees it, with the actions the caller may take on it now.</summary>
    public static ExceptionView View(Caller caller, ExceptionRecord e, IReadOnlyList<ExceptionEvent>? events = null)
    {
        var figures = Formats.Figures(e.Rule, e.Figures);
        return new(
            Formats.Id(e.Id), e.Institution, e.InstitutionName, e.Period, e.Rule, RuleNameOf(e),
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

        /// <summary>Statuses, the parameter repeated for more than one (any of them matches).</summary>
        [FromQuery(Name = "status")]
        [ExceptionStatuses]
        public string[]? Status { get; init; }

        [FromQuery(Name = "sort")]
        [OneOf(SortPeriodDescending, SortPeriod, SortSeverityDescending, SortInstitution, SortCreatedAt, SortCreatedAtDescending)]
        public string? Sort { get; init; }

        /// <summary>The filters and order asked for (a method: validation reads every property, before an unknown sort is refused).</summary>
        public ExceptionFilter ToFilter() => new(
            Institution, Region, Period?.Value, From?.Value, To?.Value, Rule, Severity, Status is { Length: > 0 } statuses ? statuses : null, RuleSet,
            Sort is null ? ExceptionOrder.PeriodDescending : Orders[Sort]);
    }

    private const string SortPeriodDescending = "-period";
    private const string SortPeriod = "period";
    private const string SortSeverityDescending = "-severity";
    private const string SortInstitution = "institution";
    private const string SortCreatedAt = "createdAt";
    private const string SortCreatedAtDescending = "-createdAt";

    /// <summary>The list's orders by the name of <c>sort</c> (api.md, "Exceptions").</summary>
    private static readonly Dictionary<string, ExceptionOrder> Orders = new(StringComparer.Ordinal)
    {
        [SortPeriodDescending] = ExceptionOrder.PeriodDescending,
        [SortPeriod] = ExceptionOrder.Period,
        [SortSeverityDescending] = ExceptionOrder.SeverityDescending,
        [SortInstitution] = ExceptionOrder.Institution,
        [SortCreatedAt] = ExceptionOrder.CreatedAt,
        [SortCreatedAtDescending] = ExceptionOrder.CreatedAtDescending,
    };

    /// <summary>Statuses of the lifecycle by their names, one a value: a comma inside one is refused, not split.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
    private sealed class ExceptionStatusesAttribute : ValidationAttribute
    {
        private static readonly string[] Names = [.. Enum.GetValues<ExceptionStatus>().Select(s => s.Name())];

        public override bool IsValid(object? value) => value is null || (value is string[] statuses && statuses.All(s => Names.Contains(s, StringComparer.Ordinal)));

        public override string FormatErrorMessage(string name) =>
            $"{name} is one of {string.Join(", ", Names)}; repeat the parameter for more than one ({name}=open&{name}=explained), never a comma.";
    }

    private static async Task<Ok<ListAnswer<ExceptionView>>> List(
        Caller caller, ExceptionStore exceptions, [AsParameters] ExceptionQuery query, [AsParameters] PageQuery paging, CancellationToken ct) =>
        TypedResults.Ok(PageQuery.Map(await exceptions.ListAsync(query.ToFilter(), caller.Scope, paging.Request, ct), e => View(caller, e)));

    private static async Task Export(
        Caller caller, ExceptionStore exceptions, [AsParameters] ExceptionQuery query,
        [OneOf("csv", "xlsx")] string? format, [OneOf("zh", "en")] string? lang, HttpResponse response, CancellationToken ct)
    {
        var rows = exceptions.ExportAsync(query.ToFilter(), caller.Scope, ct);
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

        return await TransitionAsync(id, body, caller, exceptions, clock, LifecycleEvent.Explain, ExplanationNote(body), ct);
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

    /// <summary>
    /// <c>POST /exceptions/bulk</c>: the body is checked whole first (nothing changes where it is malformed); then, as
    /// each single action would, the role is checked before the state: a role that may not take the action has every
    /// id it sees refused as forbidden, and every other id, unknown or out of its sight, as not found.
    /// </summary>
    private static async Task<Results<Ok<BulkAnswer>, ProblemHttpResult>> Bulk(BulkBody body, Caller caller, ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        var errors = InvalidRequests.Validate(body) ?? [];
        if (body.ActionBody is { } single && InvalidRequests.Validate(single) is { } fields)
        {
            foreach (var (field, messages) in fields)
            {
                errors[field] = messages;
            }
        }

        if (body.Ids is { } ids)
        {
            if (ids.Count is 0 or > MaxBulkIds)
            {
                errors["ids"] = [$"ids holds from 1 to {MaxBulkIds} exception ids."];
            }
            else if (ids.Any(string.IsNullOrEmpty))
            {
                errors["ids"] = ["ids holds exception ids, each a non-empty string."];
            }
            // Two spellings of one id ("7" and "07") name the same exception twice.
            else if (ids.GroupBy(i => Formats.TryId(i!, out var id) ? Formats.Id(id) : i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                errors["ids"] = [$"ids holds each exception once; {repeated.First()} is repeated."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var action = ExceptionActions.Named(body.Action!);
        var parsed = body.Ids!.Select(i => Formats.TryId(i!, out var id) ? id : (long?)null).ToList();
        var known = parsed.OfType<long>().ToList();
        var decided = new Dictionary<long, TransitionResult>();
        if (!ExceptionActions.MayTake(caller.Role, action.Event))
        {
            var visible = await exceptions.VisibleAsync(known, caller.Scope, ct);
            foreach (var id in known)
            {
                decided[id] = new TransitionResult(visible.Contains(id) ? TransitionOutcome.Forbidden : TransitionOutcome.NotFound);
            }
        }
        else
        {
            var note = body.ActionBody switch
            {
                ExplanationBody explanation => ExplanationNote(explanation),
                NoteBody n => n.Note,
                WaiveBody w => w.Note,
                _ => null,
            };
            var until = body.Until is { } date ? NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value : (LocalDate?)null;
            var outcomes = await exceptions.TransitionAllAsync(known, caller.Scope, action.Event, new Actor(caller.Role, caller.KeyId), note, until, clock.GetCurrentInstant(), ct);
            for (var i = 0; i < known.Count; i++)
            {
                decided[known[i]] = outcomes[i];
            }
        }

        return TypedResults.Ok(new BulkAnswer([.. body.Ids!.Select((id, i) => parsed[i] is { } key && decided[key] is { Outcome: TransitionOutcome.Done } done
            ? new BulkItem(id!, "done", Status: done.Status!.Value.Name())
            : new BulkItem(id!, "refused", Problem: Problems.TypeOf(RefusalOf(parsed[i] is { } k ? decided[k].Outcome : TransitionOutcome.NotFound))))]));
    }

    /// <summary>The kind of problem the single action answers for an outcome other than done.</summary>
    private static Problems.Kind RefusalOf(TransitionOutcome outcome) => outcome switch
    {
        TransitionOutcome.Forbidden => Problems.Forbidden,
        TransitionOutcome.NotAllowed => Problems.InvalidTransition,
        _ => Problems.NotFound,
    };

    /// <summary>An explanation as its event's note: its reason code first, in brackets, where it has one.</summary>
    private static string? ExplanationNote(ExplanationBody body) => body.ReasonCode is null ? body.Text : $"[{body.ReasonCode}] {body.Text}";

    /// <summary>404 for what the caller cannot see, else 403: the role check comes before the state check.</summary>
    private static async Task<Results<Ok<ExceptionView>, ProblemHttpResult>> ForbiddenOrNotFound(
        string id, Caller caller, ExceptionStore exceptions, LifecycleEvent action, CancellationToken ct) =>
        Formats.TryId(id, out var exceptionId) && await exceptions.FindAsync(exceptionId, caller.Scope, ct) is not null
            ? Problems.Of(Problems.Forbidden, Languages.Say(ExceptionActions.Of(action).Refusal))
            : Problems.NotFoundResult($"监测事项 {id}", $"Exception {id}");
}
