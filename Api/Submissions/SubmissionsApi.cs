using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Snapshots;
using Compliance.Data.Submissions;
using Compliance.Engine.Indicators;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace Compliance.Api.Submissions;

/// <summary><c>/api/v1/submissions</c> and the indicators of an institution.</summary>
internal static class SubmissionsApi
{
    public static RouteGroupBuilder MapSubmissions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/submissions").WithTags("Submissions").RequireAuthorization().ProducesProblem(401);
        group.MapPost("/", Submit).WithName("SubmitLedger").WithMetadata(new StreamedBody())
            .Accepts<string>("text/csv", "application/json", "application/x-ndjson")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .WithDescription("Posts a loan ledger (ledger.md) for a period: text/csv in UTF-8 (BOM allowed) or charset=gb18030/gbk, application/json {\"loans\": [...]}, or application/x-ndjson. 201 with the receipt; 422 with every error; ?dryRun=true validates and evaluates without storing (200 with findings). With an Idempotency-Key header, a retry with the same body answers the first answer again (Idempotent-Replayed: true).");
        group.MapGet("/", List).WithName("ListSubmissions").ProducesProblem(400);
        group.MapGet("/{id}", Get).WithName("GetSubmission").ProducesProblem(404);
        group.MapGet("/{id}/errors", Errors).WithName("GetSubmissionErrors").ProducesProblem(400).ProducesProblem(404);
        group.MapGet("/{id}/original", Original).WithName("GetSubmissionOriginal").Produces(200, contentType: "text/csv").ProducesProblem(404);

        routes.MapGet("/api/v1/institutions/{code}/indicators", Indicators).WithTags("Institutions").WithName("GetIndicators")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        return group;
    }

    /// <summary>
    /// The indicators of one period (every declared indicator, in place of <see cref="Indicators"/>: <see cref="IndicatorJson"/>),
    /// with the derived ratios (percent, 4 decimals; <c>null</c> without a denominator).
    /// </summary>
    public sealed record PeriodIndicators(
        YearMonth Period, string SubmissionId, int Version, IndicatorSnapshot Indicators,
        decimal? InclusiveNplRatio, decimal? TotalNplRatio, decimal? CreditShare);

    public sealed record IndicatorList(IReadOnlyList<PeriodIndicators> Items);

    private static Task<Results<Created<SubmissionReceipt>, Ok<SubmissionReceipt>, ProblemHttpResult, ContentHttpResult>> Submit(
        HttpRequest request, [AsParameters] SubmitQuery query, Caller caller, SubmitLedger submit, CancellationToken ct) =>
        submit.HandleAsync(request, query, caller, ct);

    private static async Task<Results<Ok<ListAnswer<SubmissionReceipt>>, ProblemHttpResult>> List(
        Caller caller, SubmissionStore submissions, string? institution, string? period, string? status,
        int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var periodFilter = AcceptedRanges.Period("period", period, errors);

        if (status is not null && status is not (SubmissionStore.Accepted or SubmissionStore.Rejected))
        {
            errors["status"] = ["status is accepted or rejected."];
        }

        if (!Paging.TryRead(page, pageSize, errors, out var request))
        {
            return Problems.Invalid(errors);
        }

        var found = await submissions.ListAsync(new SubmissionFilter(institution, periodFilter, status), caller.Scope, request, ct);
        return TypedResults.Ok(Paging.Map(found, s => SubmissionReceipt.From(s.Submission, s.Snapshot)));
    }

    private static async Task<Results<Ok<SubmissionReceipt>, ProblemHttpResult>> Get(
        string id, Caller caller, SubmissionStore submissions, SnapshotStore snapshots, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var submissionId) || await submissions.FindAsync(submissionId, caller.Scope, ct) is not { } submission)
        {
            return Problems.NotFoundResult($"Submission {id}");
        }

        return TypedResults.Ok(SubmissionReceipt.From(submission, await snapshots.FindAsync(submissionId, ct)));
    }

    private static async Task<Results<Ok<ListAnswer<IssueView>>, ProblemHttpResult>> Errors(
        string id, Caller caller, SubmissionStore submissions, int? page, int? pageSize, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var submissionId) || await submissions.FindAsync(submissionId, caller.Scope, ct) is null)
        {
            return Problems.NotFoundResult($"Submission {id}");
        }

        var errors = new Dictionary<string, string[]>();
        if (!Paging.TryRead(page, pageSize, errors, out var request))
        {
            return Problems.Invalid(errors);
        }

        return TypedResults.Ok(Paging.Map(await submissions.ErrorsAsync(submissionId, request, ct), IssueView.From));
    }

    private static async Task<IResult> Original(string id, Caller caller, SubmissionStore submissions, HttpResponse response, CancellationToken ct)
    {
        if (!Formats.TryId(id, out var submissionId) || await submissions.FindAsync(submissionId, caller.Scope, ct) is not { } submission)
        {
            return Problems.NotFoundResult($"Submission {id}");
        }

        Downloads.Attach(response, submission.ContentType, $"submission-{id}");
        response.ContentLength = submission.ByteCount;
        await submissions.CopyOriginalAsync(submissionId, response.Body, ct);
        return Results.Empty;
    }

    private static async Task<Results<Ok<IndicatorList>, ProblemHttpResult>> Indicators(
        string code, Caller caller, Data.Institutions.InstitutionStore institutions, SnapshotStore snapshots,
        [FromQuery] string? from, [FromQuery] string? to, CancellationToken ct)
    {
        if (await institutions.FindAsync(code, caller.Scope, ct) is null)
        {
            return Problems.NotFoundResult($"Institution {code}");
        }

        var errors = new Dictionary<string, string[]>();
        var first = AcceptedRanges.Period("from", from, errors) ?? AcceptedRanges.FirstPeriod;
        var last = AcceptedRanges.Period("to", to, errors) ?? AcceptedRanges.LastPeriod;
        if (errors.Count == 0 && first > last)
        {
            errors["from"] = ["from is after to."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var items = (await snapshots.ListAsync(code, first, last, ct)).Select(p => new PeriodIndicators(
            p.Period, Formats.Id(p.SubmissionId), p.Version, p.Indicators,
            Formats.Percent(p.Indicators.InclusiveNplRatio), Formats.Percent(p.Indicators.TotalNplRatio), Formats.Percent(p.Indicators.CreditShare))).ToList();
        return TypedResults.Ok(new IndicatorList(items));
    }
}
