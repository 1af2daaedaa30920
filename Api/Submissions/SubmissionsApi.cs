using Compliance.Api.Access;
using Compliance.Api.Http;
using System.Text.Json.Nodes;
using Compliance.Data.Snapshots;
using Compliance.Data.Submissions;
using Compliance.Engine.Indicators;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Compliance.Engine;
using Compliance.Engine.Analytics;
using NodaTime;
using Period = Compliance.Api.Http.Period;

namespace Compliance.Api.Submissions;

/// <summary><c>/api/v1/submissions</c> and the indicators of an institution.</summary>
internal static class SubmissionsApi
{
    public static RouteGroupBuilder MapSubmissions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/submissions").WithTags("Submissions").RequireAuthorization().ProducesProblem(401);
        group.MapPost("/", Submit).WithName("SubmitLedger").WithMetadata(new StreamedBody())
            .WithMetadata(new DocumentedBody("The ledger, in one of three formats (ledger.md).", new Dictionary<string, JsonNode?>
            {
                ["text/csv"] = LedgerExample.Csv, ["application/json"] = LedgerExample.Json, ["application/x-ndjson"] = LedgerExample.Ndjson,
            }))
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .WithSummary("Submit a ledger").WithDescription("Posts a loan ledger (ledger.md) for a period: text/csv in UTF-8 (BOM allowed) or charset=gb18030/gbk, application/json {\"loans\": [...]}, or application/x-ndjson. 201 with the receipt; 422 with every error; ?dryRun=true validates and evaluates without storing (200 with findings). With an Idempotency-Key header, a retry with the same body answers the first answer again (Idempotent-Replayed: true).");
        group.MapGet("/", List).WithName("ListSubmissions").WithSummary("List submissions").WithDescription("The receipts of the submissions the key may see, newest first, filtered by institution, period and status (accepted or rejected).").ProducesProblem(400);
        group.MapGet("/{id}", Get).WithName("GetSubmission").WithSummary("Get a submission").WithDescription("The receipt of one submission, with its indicators and its evaluation: pending, running, done (rule sets, exceptions written, each rule's outcome) or failed.").ProducesProblem(404);
        // The paging of a submission's errors, and the periods of an institution's indicators, are checked by the
        // handler once the resource is known to be visible: a caller who may not see it is answered 404 whatever it asks.
        group.MapGet("/{id}/errors", Errors).WithName("GetSubmissionErrors").DisableValidation().WithSummary("List a submission's errors").WithDescription("Every error of a rejected submission, with its line, column and code (ledger.md), a page at a time.").ProducesProblem(400).ProducesProblem(404);
        group.MapGet("/{id}/original", Original).WithName("GetSubmissionOriginal").WithSummary("Download a submission's original").WithDescription("The body exactly as it was received, with its original Content-Type, as an attachment.").Produces(200, contentType: "text/csv").ProducesProblem(404);

        routes.MapGet("/api/v1/institutions/{code}/indicators", Indicators).WithTags("Institutions").WithName("GetIndicators").DisableValidation().WithSummary("Get an institution's indicators").WithDescription("The snapshot of the latest accepted version of each period from from to to (both inclusive, yyyy-MM), oldest first, with the derived ratios in percent; a ratio without a denominator is null. "
                + "Each period also carries its growth since the December before (year to date, 4 decimals, computed by the engine as the peers' measures of the same names): "
                + "inclusiveGrowthYtd and totalGrowthYtd, (balance − December's) / December's × 100 in percent, and growthGapPp, their difference in percentage points from the unrounded growths; "
                + "each null where the December before has no accepted ledger or its balance is 0. That December is read whether or not it lies within from and to.")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        return group;
    }

    /// <summary>
    /// The indicators of one period (every declared indicator, in place of <see cref="Indicators"/>: <see cref="IndicatorJson"/>),
    /// with the derived ratios (percent, 4 decimals; <c>null</c> without a denominator), and the growth since the December
    /// before as the engine computes it (<see cref="Peers"/>: percent and percentage points, 4 decimals; <c>null</c> without
    /// that December or where its balance is 0).
    /// </summary>
    public sealed record PeriodIndicators(
        YearMonth Period, string SubmissionId, int Version, IndicatorSnapshot Indicators,
        decimal? InclusiveNplRatio, decimal? TotalNplRatio, decimal? CreditShare,
        decimal? InclusiveGrowthYtd, decimal? TotalGrowthYtd, decimal? GrowthGapPp);

    public sealed record IndicatorList(IReadOnlyList<PeriodIndicators> Items);

    /// <summary>
    /// The periods of the indicators, both inclusive. Checked once the institution is known to be visible (a caller
    /// who may not see it is answered 404 whatever it asks), so they bind as text.
    /// </summary>
    public sealed record PeriodRange
    {
        [FromQuery(Name = "from")]
        [Accepted<Period>]
        public string? From { get; init; }

        [FromQuery(Name = "to")]
        [Accepted<Period>]
        public string? To { get; init; }
    }

    private static Task<Results<Created<SubmissionReceipt>, Ok<SubmissionReceipt>, ProblemHttpResult, ContentHttpResult>> Submit(
        [AsParameters] SubmitRequest request, Caller caller, SubmitLedger submit, CancellationToken ct) =>
        submit.HandleAsync(request, caller, ct);

    /// <summary>The filters of the list of submissions.</summary>
    public sealed record ListQuery
    {
        [FromQuery(Name = "institution")]
        public string? Institution { get; init; }

        [FromQuery(Name = "period")]
        public Period? Period { get; init; }

        [FromQuery(Name = "status")]
        [OneOf(SubmissionStore.Accepted, SubmissionStore.Rejected)]
        public string? Status { get; init; }
    }

    private static async Task<Ok<ListAnswer<SubmissionReceipt>>> List(
        Caller caller, SubmissionStore submissions, [AsParameters] ListQuery query, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        var found = await submissions.ListAsync(new SubmissionFilter(query.Institution, query.Period?.Value, query.Status), caller.Scope, paging.Request, ct);
        return TypedResults.Ok(PageQuery.Map(found, s => SubmissionReceipt.From(s.Submission, s.Snapshot)));
    }

    private static async Task<Results<Ok<SubmissionReceipt>, ProblemHttpResult>> Get(
        string id, Caller caller, SubmissionStore submissions, SnapshotStore snapshots, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var submissionId) || await submissions.FindAsync(submissionId, caller.Scope, ct) is not { } submission)
        {
            return Problems.NotFoundResult($"报送记录 {id}", $"Submission {id}");
        }

        return TypedResults.Ok(SubmissionReceipt.From(submission, await snapshots.FindAsync(submissionId, ct)));
    }

    private static async Task<Results<Ok<ListAnswer<IssueView>>, ProblemHttpResult>> Errors(
        string id, Caller caller, SubmissionStore submissions, [AsParameters] PageQuery paging, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var submissionId) || await submissions.FindAsync(submissionId, caller.Scope, ct) is null)
        {
            return Problems.NotFoundResult($"报送记录 {id}", $"Submission {id}");
        }

        if (InvalidRequests.Validate(paging) is { } errors)
        {
            return Problems.Invalid(errors);
        }

        return TypedResults.Ok(PageQuery.Map(await submissions.ErrorsAsync(submissionId, paging.Request, ct), IssueView.From));
    }

    private static async Task<IResult> Original(string id, Caller caller, SubmissionStore submissions, HttpResponse response, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var submissionId) || await submissions.FindAsync(submissionId, caller.Scope, ct) is not { } submission)
        {
            return Problems.NotFoundResult($"报送记录 {id}", $"Submission {id}");
        }

        Downloads.Attach(response, submission.ContentType, $"submission-{id}");
        response.ContentLength = submission.ByteCount;
        await submissions.CopyOriginalAsync(submissionId, response.Body, ct);
        return Results.Empty;
    }

    private static async Task<Results<Ok<IndicatorList>, ProblemHttpResult>> Indicators(
        string code, Caller caller, Data.Institutions.InstitutionStore institutions, SnapshotStore snapshots, [AsParameters] PeriodRange range,
        CancellationToken ct)
    {
        if (await institutions.FindAsync(code, caller.Scope, ct) is null)
        {
            return Problems.NotFoundResult($"机构 {code}", $"Institution {code}");
        }

        if (InvalidRequests.Validate(range) is { } errors)
        {
            return Problems.Invalid(errors);
        }

        var first = range.From is null ? AcceptedRanges.FirstPeriod : Periods.Parse(range.From);
        var last = range.To is null ? AcceptedRanges.LastPeriod : Periods.Parse(range.To);
        if (first > last)
        {
            return Problems.Invalid("from", "from 晚于 to。", "from is after to.");
        }

        // The December before the first period is read too: every period's growth has its base, whatever the range.
        var stored = (await snapshots.ListAsync(code, Periods.December(first.Year - 1), last, ct)).ToDictionary(p => p.Period);
        var items = stored.Values.Where(p => p.Period >= first).OrderBy(p => p.Period).Select(p =>
        {
            var start = stored.GetValueOrDefault(Periods.December(p.Period.Year - 1))?.Indicators;
            decimal? Ytd(string measure) => Formats.Percent(Peers.Of(measure, p.Indicators, start));
            return new PeriodIndicators(
                p.Period, Formats.Id(p.SubmissionId), p.Version, p.Indicators,
                Formats.Percent(p.Indicators.InclusiveNplRatio), Formats.Percent(p.Indicators.TotalNplRatio), Formats.Percent(p.Indicators.CreditShare),
                Ytd(Peers.InclusiveGrowthYtd), Ytd(Peers.TotalGrowthYtd), Ytd(Peers.GrowthGapPp));
        }).ToList();
        return TypedResults.Ok(new IndicatorList(items));
    }
}
