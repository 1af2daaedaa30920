using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Api.Submissions;
using Compliance.Data;
using Compliance.Data.Deadlines;
using Compliance.Data.Institutions;
using Compliance.Engine.Calendar;
using Compliance.Engine.Rules;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NodaTime;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace Compliance.Api.Deadlines;

/// <summary>Obligations, deadlines, deliverables, the calendar, reminders and the sweep (deadlines.md).</summary>
internal static class DeadlinesApi
{
    internal static string YearRequiredError => Languages.Say("{0} 为必填项：报送事项名义截止日所在年份。", "{0} is required: the year of the obligation's nominal due date.");

    internal static string YearRangeError => Languages.Say(
        "{0} 应为报送事项名义截止日所在年份，从 {1} 至 {2}。", "{0} is the year of the obligation's nominal due date, from {1} to {2}.");

    public const long MaxDeliverableBytes = 50L << 20;

    public static void MapDeadlines(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Deadlines").RequireAuthorization().ProducesProblem(401);
        api.MapGet("/obligations", Obligations).WithName("ListObligations").WithSummary("List obligations")
            .WithDescription("The reporting obligations: code, names, the region prefix and populations they bind (null: every institution of the region; else an "
                + "institution matching any alternative), the nominal due years they are in force, the due-date rule, the reminders' offsets in calendar days from the "
                + "due date (then every 7 days until filed), and what files them (submission for LEDGER_MONTHLY, deliverable for every other).");
        api.MapPut("/obligations/{code}", PutObligation).WithName("PutObligation").RequireAuthorization(AccessSetup.AdminPolicy)
            .WithMetadata(new DocumentedBody(
                "An obligation: {name: {zh, en}, regionPrefix, populations, years: {from, to}, due, reminderOffsets?, filedBy?}. regionPrefix is \"\" or 2, 4 or 6 "
                + "digits; populations null or a non-empty list of {categories?, levels?, legalPerson?}; due endOfMonth(M), dayOfMonth(M, D), nthWorkingDay(M, N) or "
                + "afterPeriod(D) (LEDGER_MONTHLY's, and only its); reminderOffsets the table's where not given; filedBy, where given, the code's own.",
                new Dictionary<string, JsonNode?> { ["application/json"] = ObligationExample() }))
            .WithSummary("Put an obligation")
            .WithDescription("Admin only. Creates the obligation (201) or replaces every field of it but its code (200); the next sweep plans with it, and clears the "
                + "missed deadlines it no longer owes. A malformed code (1–32 of A–Z 0–9 _), an unknown or out-of-range due-date rule, an empty or unknown population "
                + "member, years.to before years.from, or a change of LEDGER_MONTHLY's filedBy answers 400 naming the field, and stores nothing.")
            .Produces<ObligationView>(200).Produces<ObligationView>(201).ProducesProblem(400).ProducesProblem(403);
        api.MapGet("/deadlines", Deadlines).WithName("ListDeadlines").WithSummary("List deadlines").WithDescription("Every deadline of the institutions the key may see whose due date falls in the year (this year by default): filed, pending or overdue.").ProducesProblem(400);
        api.MapPost("/deliverables", Deliver).WithName("FileDeliverable").WithMetadata(new StreamedBody())
            .WithMetadata(new DocumentedBody("The document, in any media type, up to 50 MiB; kept exactly as received.", new Dictionary<string, JsonNode?> { ["*/*"] = null })).WithSummary("File a deliverable").WithDescription("The institution (or an admin with institution=) files the document of an obligation for a year; the answer is its receipt.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(413);
        api.MapGet("/deliverables", Deliverables).WithName("ListDeliverables").WithSummary("List deliverables").WithDescription("The receipts of the deliverables the key may see, filtered by institution, obligation and year.").ProducesProblem(400);
        api.MapGet("/deliverables/{id}/content", Content).WithName("GetDeliverableContent").WithSummary("Download a deliverable").WithDescription("The document exactly as it was received, with its media type, as an attachment.").Produces(200, contentType: "application/octet-stream").ProducesProblem(404);
        api.MapGet("/calendar/{year}", GetCalendar).WithName("GetCalendar").Produces(200, contentType: "application/json").WithSummary("Get a calendar year").WithDescription("The holidays and adjusted working days of one year, as in cn-calendar.json. 404 for a year the calendar lacks.").ProducesProblem(400).ProducesProblem(404);
        api.MapPut("/calendar/{year}", PutCalendar).WithName("PutCalendar").Produces(200, contentType: "application/json").WithSummary("Put a calendar year")
            .WithMetadata(new DocumentedBody("One year of cn-calendar.json: {notice?, holidays: [{name, dates}], workdays: [dates]}, dates yyyy-MM-dd.", new Dictionary<string, JsonNode?>
            {
                ["application/json"] = new JsonObject
                {
                    ["holidays"] = new JsonArray(new JsonObject { ["name"] = "春节", ["dates"] = new JsonArray("2025-01-28", "2025-01-29", "2025-01-30") }),
                    ["workdays"] = new JsonArray("2025-01-26", "2025-02-08"),
                },
            })).WithDescription("Admin only. Sets the holidays and adjusted working days of one year.").RequireAuthorization(AccessSetup.AdminPolicy).ProducesProblem(400).ProducesProblem(403);
        api.MapGet("/reminders", Reminders).WithName("ListReminders").WithSummary("List reminders").WithDescription("The reminders the sweep sent to the institutions the key may see, with their webhook delivery.").ProducesProblem(400);
        api.MapPost("/deadlines/sweep", Sweep).WithName("SweepDeadlines").WithSummary("Run the sweep").WithDescription("Admin only. Runs the reminder sweep as of a date (today in China Standard Time by default), up to a year ahead; answers the counts it created.").RequireAuthorization(AccessSetup.AdminPolicy).ProducesProblem(400).ProducesProblem(403);
    }

    /// <summary>The query of <c>POST /api/v1/deliverables</c>.</summary>
    public sealed record DeliverQuery
    {
        [FromQuery(Name = "obligation")]
        public string? Obligation { get; init; }

        [FromQuery(Name = "year")]
        [Required(ErrorMessageResourceType = typeof(DeadlinesApi), ErrorMessageResourceName = nameof(DeadlinesApi.YearRequiredError))]
        [Range(AcceptedRanges.FirstYear, AcceptedRanges.LastYear, ErrorMessageResourceType = typeof(DeadlinesApi), ErrorMessageResourceName = nameof(DeadlinesApi.YearRangeError))]
        public int? Year { get; init; }

        [FromQuery(Name = "institution")]
        public string? Institution { get; init; }
    }

    /// <summary>One alternative of an obligation's populations: the members it gives, and no other.</summary>
    public sealed record PopulationView(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? LegalPerson,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Categories,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Levels);

    /// <summary>An obligation (deadlines.md, "An obligation is data").</summary>
    public sealed record ObligationView(
        string Code, LocalizedText Name, string RegionPrefix, IReadOnlyList<PopulationView>? Populations, YearRange Years, string Due,
        IReadOnlyList<int> ReminderOffsets, string FiledBy);

    public sealed record ObligationList(IReadOnlyList<ObligationView> Items);

    public sealed record DeadlineView(string Obligation, string Institution, YearMonth? Period, LocalDate DueDate, string Status, Instant? FiledAt);

    public sealed record DeadlineList(IReadOnlyList<DeadlineView> Items, IReadOnlyList<string> Warnings);

    public sealed record DeliverableView(string Id, string Obligation, string Institution, int Year, string MediaType, long Bytes, string Sha256, Instant ReceivedAt);

    public sealed record DeliverableList(IReadOnlyList<DeliverableView> Items);

    public sealed record DeliveryView(string Status, int Attempts, string? LastError);

    public sealed record ReminderView(string Id, string Obligation, string Institution, YearMonth? Period, LocalDate DueDate, string Kind, int OffsetDays,
        LocalizedText Message, Instant CreatedAt, DeliveryView Delivery);

    public sealed record ReminderList(IReadOnlyList<ReminderView> Items);

    private static async Task<Ok<ObligationList>> Obligations(ObligationStore obligations, CancellationToken ct) =>
        TypedResults.Ok(new ObligationList([.. (await obligations.ListAsync(ct)).Select(View)]));

    private static async Task<Results<Created<ObligationView>, Ok<ObligationView>, ProblemHttpResult>> PutObligation(
        string code, HttpRequest request, ObligationStore obligations, IClock clock, CancellationToken ct)
    {
        if (!ObligationReader.IsCode(code))
        {
            return Problems.Invalid("code", $"code 应为 {ObligationReader.CodeRule}。", $"code is {ObligationReader.CodeRule}.");
        }

        Obligation? obligation;
        IReadOnlyDictionary<string, string[]> errors;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            obligation = ObligationReader.Read(code, body.RootElement, out errors);
        }
        catch (JsonException e)
        {
            return Problems.Invalid("body", "请求正文应为 JSON 格式的报送事项：" + e.Message, "The body is an obligation as JSON: " + e.Message);
        }

        if (obligation is null)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        var outcome = await obligations.PutAsync(obligation, clock.GetCurrentInstant(), ct);
        return outcome == ObligationStore.PutOutcome.Created
            ? TypedResults.Created($"/api/v1/obligations/{code}", View(obligation))
            : TypedResults.Ok(View(obligation));
    }

    private static ObligationView View(Obligation o) => new(
        o.Code, o.Name, o.RegionPrefix, o.Populations?.Select(p => new PopulationView(p.LegalPerson, p.Categories, p.Levels)).ToList(), o.Years,
        o.Due.ToString()!, o.ReminderOffsets, o.FiledBy);

    private static JsonObject ObligationExample() => new()
    {
        ["name"] = new JsonObject { ["zh"] = "半年工作报告（报人民银行济南分行）", ["en"] = "Half-year work report (to the PBoC Jinan branch)" },
        ["regionPrefix"] = "37",
        ["populations"] = new JsonArray(
            new JsonObject { ["levels"] = new JsonArray("provincial") },
            new JsonObject { ["legalPerson"] = true, ["categories"] = new JsonArray("joint_stock", "city_commercial") }),
        ["years"] = new JsonObject { ["from"] = 2022, ["to"] = null },
        ["due"] = "nthWorkingDay(7, 5)",
        ["reminderOffsets"] = new JsonArray(-14, -7, -3, -1, 0, 1, 7),
        ["filedBy"] = "deliverable",
    };

    private static async Task<Ok<DeadlineList>> Deadlines(
        [Range(AcceptedRanges.FirstYear, AcceptedRanges.LastYear, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.YearError))] int? year, string? institution, Caller caller, DeadlineStore deadlines, ObligationStore obligations, CalendarStore calendars, IClock clock,
        CancellationToken ct)
    {
        var today = ReportingZone.Today(clock);
        var y = year ?? today.Year;

        var calendar = await calendars.LoadAsync(ct);
        var filings = await deadlines.FilingsAsync(ct);
        var facts = await deadlines.InstitutionsAsync(caller.Scope, institution, ct);
        var items = DeadlineSweep.StatesOn(today, y, facts, await obligations.ListAsync(ct), calendar, filings)
            .Select(d => new DeadlineView(d.Deadline.Deadline.Obligation.Code, d.Deadline.Institution, d.Deadline.Deadline.Period, d.Deadline.Deadline.DueDate,
                d.IsFiled ? "filed" : d.Standing == DeadlineStanding.Missing ? "overdue" : "pending", d.FiledAt))
            .OrderBy(d => d.DueDate).ThenBy(d => d.Institution, StringComparer.Ordinal).ThenBy(d => d.Obligation, StringComparer.Ordinal)
            .ToList();
        string[] warnings = [.. new[] { calendar.WarningFor(y), calendar.WarningFor(y + 1) }.OfType<string>().Take(1)];
        return TypedResults.Ok(new DeadlineList(items, warnings));
    }

    private static async Task<Results<Created<DeliverableView>, ProblemHttpResult>> Deliver(
        HttpRequest request, [AsParameters] DeliverQuery query, Caller caller, ObligationStore obligations,
        InstitutionStore institutions, DeadlineStore deadlines, IClock clock, IOptions<IngestOptions> ingest, IWebHostEnvironment environment,
        CancellationToken ct)
    {
        string? code;
        if (caller.IsInstitution)
        {
            if (query.Institution is not null && query.Institution != caller.Institution)
            {
                return Problems.ForbiddenResult("机构密钥只能为本机构报送。", "An institution key files only for its own institution.");
            }

            code = caller.Institution;
        }
        else if (caller.IsAdmin)
        {
            code = query.Institution;
        }
        else
        {
            return Problems.ForbiddenResult("监管密钥不能报送材料。", "A regulator key cannot file deliverables.");
        }

        var errors = new Dictionary<string, string[]>();
        var known = (await obligations.ListAsync(ct)).FirstOrDefault(o => o.Code == query.Obligation);
        if (known is null)
        {
            errors["obligation"] = [Languages.Say("obligation 应为报送事项的代码（GET /api/v1/obligations）。", "obligation is the code of an obligation (GET /api/v1/obligations).")];
        }
        else if (known.Code == Obligation.LedgerMonthly)
        {
            errors["obligation"] = [Languages.Say("月度台账通过 POST /api/v1/submissions 报送。", "The monthly ledger is filed by POST /api/v1/submissions.")];
        }

        if (string.IsNullOrEmpty(code))
        {
            errors["institution"] = [Languages.Say("管理员密钥须指明机构：&institution=代码。", "An admin key names the institution: &institution=CODE.")];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (await institutions.FindAsync(code!, Scope.Everything, ct) is null)
        {
            return Problems.NotFoundResult($"机构 {code}", $"Institution {code}");
        }

        if (request.ContentLength > MaxDeliverableBytes)
        {
            return Problems.Of(Problems.PayloadTooLarge, $"报送材料最大 {MaxDeliverableBytes} 字节（50 MiB）。", $"A deliverable is at most {MaxDeliverableBytes} bytes (50 MiB).");
        }

        if (request.ContentType is { Length: > Formats.MaxContentTypeLength })
        {
            return Problems.Of(Problems.UnsupportedMediaType, $"Content-Type 最多 {Formats.MaxContentTypeLength} 个字符。", $"A Content-Type is at most {Formats.MaxContentTypeLength} characters.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        await using var body = await SpooledBody.SpoolAsync(request.Body, ingest.Value.SpoolPath(environment.ContentRootPath), MaxDeliverableBytes, ct);
        if (body is null)
        {
            return Problems.Of(Problems.PayloadTooLarge, $"报送材料最大 {MaxDeliverableBytes} 字节（50 MiB）。", $"A deliverable is at most {MaxDeliverableBytes} bytes (50 MiB).");
        }

        var deliverable = new Deliverable
        {
            Obligation = known!.Code, Institution = code!, Year = query.Year!.Value, MediaType = request.ContentType ?? "application/octet-stream",
            Bytes = body.Bytes, Sha256 = body.Sha256, ReceivedAt = clock.GetCurrentInstant(),
        };
        var id = await deadlines.AddDeliverableAsync(deliverable, body.Open, ct);
        return TypedResults.Created($"/api/v1/deliverables/{id}", View(deliverable with { Id = id }));
    }

    private static async Task<Ok<DeliverableList>> Deliverables(
        string? institution, string? obligation, [Range(AcceptedRanges.FirstYear, AcceptedRanges.LastYear, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.YearError))] int? year, Caller caller, DeadlineStore deadlines, CancellationToken ct) =>
        TypedResults.Ok(new DeliverableList([.. (await deadlines.DeliverablesAsync(caller.Scope, institution, obligation, year, ct)).Select(View)]));

    private static async Task<IResult> Content(string id, Caller caller, DeadlineStore deadlines, HttpResponse response, CancellationToken ct)
    {
        var found = Formats.TryId(id, out var deliverableId)
            ? (await deadlines.DeliverablesAsync(caller.Scope, null, null, null, ct, deliverableId)).SingleOrDefault()
            : null;
        if (found is null)
        {
            return Problems.NotFoundResult($"报送材料 {id}", $"Deliverable {id}");
        }

        Downloads.Attach(response, found.MediaType, $"deliverable-{id}");
        response.ContentLength = found.Bytes;
        await deadlines.CopyContentAsync(deliverableId, response.Body, ct);
        return Results.Empty;
    }

    private static async Task<IResult> GetCalendar([Range(AcceptedRanges.FirstYear, AcceptedRanges.LastYear, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.YearError))] int year, CalendarStore calendars, CancellationToken ct) =>
        (await calendars.YearsAsync(ct)).TryGetValue(year, out var content)
            ? Results.Content(CalendarFile.WriteYear(content), "application/json; charset=utf-8")
            : Problems.Of(Problems.NotFound, $"工作日历中没有 {year} 年；该年只按周末计算。管理员可用 PUT 添加。", $"The calendar has no year {year}; weekends alone count for it. An admin may add it with PUT.");

    private static async Task<IResult> PutCalendar([Range(AcceptedRanges.FirstYear, AcceptedRanges.LastYear, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.YearError))] int year, HttpRequest request, CalendarStore calendars, IClock clock, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        CalendarYear content;
        try
        {
            content = CalendarFile.ReadYear(await reader.ReadToEndAsync(ct));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return Problems.Invalid("body", "请求正文应为 {notice?, holidays: [{name, dates}], workdays: [dates]}，日期格式 yyyy-MM-dd：" + e.Message, "The body is {notice?, holidays: [{name, dates}], workdays: [dates]} with dates yyyy-MM-dd: " + e.Message);
        }

        var errors = new Dictionary<string, string[]>();
        TextFields.FreeText("notice", content.Notice, errors);
        for (var i = 0; i < content.Holidays.Count; i++)
        {
            TextFields.Name($"holidays[{i}].name", content.Holidays[i].Name, errors);
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        await calendars.PutAsync(year, content, clock.GetCurrentInstant(), ct);
        return Results.Content(CalendarFile.WriteYear(content), "application/json; charset=utf-8");
    }

    private static async Task<Ok<ReminderList>> Reminders(
        string? institution, [Range(AcceptedRanges.FirstYear, AcceptedRanges.LastYear, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.YearError))] int? year, Caller caller, DeadlineStore deadlines, CancellationToken ct) =>
        TypedResults.Ok(new ReminderList([.. (await deadlines.RemindersAsync(caller.Scope, institution, year, ct)).Select(r => new ReminderView(
            Formats.Id(r.Id), r.Obligation, r.Institution, r.Period, r.DueDate, r.Kind, r.OffsetDays, new LocalizedText(r.MessageZh, r.MessageEn),
            r.CreatedAt, new DeliveryView(r.DeliveryStatus, r.Attempts, r.LastError)))]));

    /// <summary>The sweep as of a date from 2000-01-01 to a year after today (China Standard Time); today when none is given.</summary>
    private static async Task<Results<Ok<DeadlineSweepJob.SweepCounts>, ProblemHttpResult>> Sweep(Day? date, DeadlineSweepJob sweep, IClock clock, CancellationToken ct)
    {
        var last = ReportingZone.Today(clock).PlusYears(AcceptedRanges.SweepYearsAhead);
        return date?.Value > last
            ? Problems.Invalid(new Dictionary<string, string[]> { ["date"] = [AcceptedRanges.DateMessage("date", last)] })
            : TypedResults.Ok(await sweep.RunAsync(date?.ToString(), ct));
    }

    private static DeliverableView View(Deliverable d) =>
        new(Formats.Id(d.Id), d.Obligation, d.Institution, d.Year, d.MediaType, d.Bytes, d.Sha256, d.ReceivedAt);
}
