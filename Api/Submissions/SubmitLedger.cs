using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Access;
using Compliance.Api.Audit;
using Compliance.Api.Http;
using Compliance.Api.Jobs;
using Compliance.Data;
using Compliance.Data.Exceptions;
using Compliance.Data.Institutions;
using Compliance.Data.Rules;
using Compliance.Data.Snapshots;
using Compliance.Data.Submissions;
using Compliance.Engine;
using Compliance.Engine.Calendar;
using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using Compliance.Engine.Rules;
using Hangfire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using NodaTime;

namespace Compliance.Api.Submissions;

/// <summary>Reads a ledger of one format for a period, passing valid rows to a sink.</summary>
internal delegate LedgerReadResult LedgerFormat(Stream body, YearMonth period, ILedgerSink sink);

/// <summary>The query of <c>POST /api/v1/submissions</c>.</summary>
public sealed record SubmitQuery(
    [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "period")] Http.Period? Period,
    [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "institution")] string? Institution,
    [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "dryRun")] bool? DryRun);

/// <summary>
/// Takes a ledger from a request: checks who may submit what, spools and hashes the body, reads and stores it
/// all-or-nothing, and enqueues the evaluations it makes due; or, for a dry run, evaluates it without storing.
/// </summary>
internal sealed class SubmitLedger(
    SubmissionStore submissions,
    SnapshotStore snapshots,
    RuleSetStore ruleSets,
    InstitutionStore institutions,
    IBackgroundJobClient jobs,
    IdempotencyStore idempotency,
    IClock clock,
    IOptions<IngestOptions> options,
    IWebHostEnvironment environment,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> jsonOptions,
    ILogger<SubmitLedger> log,
    Operations.ComplianceMetrics metrics)
{
    public async Task<Results<Created<SubmissionReceipt>, Ok<SubmissionReceipt>, ProblemHttpResult, ContentHttpResult>> HandleAsync(
        HttpRequest request, SubmitQuery query, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Who may submit for whom comes first: a role that may not act is told so before anything about the request.
        string? code;
        if (caller.IsInstitution)
        {
            if (query.Institution is not null && query.Institution != caller.Institution)
            {
                return Problems.ForbiddenResult("An institution key submits only for its own institution.");
            }

            code = caller.Institution;
        }
        else if (caller.IsAdmin)
        {
            code = query.Institution;
        }
        else
        {
            return Problems.ForbiddenResult("A regulator key cannot submit ledgers.");
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(code))
        {
            errors["institution"] = ["An admin key names the institution: &institution=CODE."];
        }

        // From 2000-01 (history serves as baselines) to the current month in China Standard Time (api.md).
        var currentMonth = ReportingZone.Today(clock).ToYearMonth();
        if (query.Period?.Value is not { } asked || asked > currentMonth)
        {
            errors["period"] = [AcceptedRanges.PeriodMessage("period", currentMonth)];
        }

        var idempotencyKey = request.Headers[IdempotencyHeader].ToString();
        if (request.Headers.ContainsKey(IdempotencyHeader) && !IsValidKey(idempotencyKey))
        {
            errors[IdempotencyHeader] = ["Idempotency-Key is 1–255 visible ASCII characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var institution = await institutions.FindAsync(code!, Scope.Everything, ct);
        if (institution is null)
        {
            return Problems.NotFoundResult($"Institution {code}");
        }

        AuditApi.ActedOn(request.HttpContext, null, institution.Code);
        var reader = ReaderFor(request.ContentType);
        var mediaType = request.ContentType ?? "";
        if (reader is null || mediaType.Length > Formats.MaxContentTypeLength)
        {
            return Problems.Of(Problems.UnsupportedMediaType,
                $"Content-Type '{request.ContentType}' is not accepted; send text/csv (charset utf-8, the default, gb18030 or gbk), application/json or application/x-ndjson (UTF-8).");
        }

        var maxBytes = options.Value.MaxBytes;
        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // counted while spooling, against our own limit
        }

        var period = query.Period!.Value.Value;
        SpooledBody? spooled;
        try
        {
            spooled = await SpooledBody.SpoolAsync(request.Body, options.Value.SpoolPath(environment.ContentRootPath), maxBytes, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // The body came slower than Compliance:Limits:MinUploadBytesPerSecond: cut off, nothing stored.
            return Problems.Of(Problems.RequestTimeout, "The body arrived too slowly and was cut off; nothing was stored.");
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The client went away or broke off its body: nothing was stored, and the spool file is gone.
            return Problems.Of(Problems.InvalidRequest, "The body ended before it was complete; nothing was stored.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["body"] = ["The body ended before it was complete."] } });
        }

        await using var body = spooled;
        if (body is null)
        {
            return TooLarge(maxBytes);
        }

        var dryRun = query.DryRun == true;
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            return Widen(await ProcessAsync(request.HttpContext, body, reader, mediaType, institution, period, dryRun, null, ct));
        }

        // The fingerprint is the body with everything that changes its meaning: a change in any is a different body.
        var fingerprint = $"{body.Sha256}|{Periods.Format(period)}|{institution.Code}|{dryRun}";
        switch (await idempotency.ClaimAsync(institution.Code, idempotencyKey, fingerprint, clock.GetCurrentInstant(), ct))
        {
            case IdempotencyClaim.Reused:
                return Problems.Of(Problems.IdempotencyKeyReused, "This Idempotency-Key was used with a different body, period, institution or dryRun; use a new key for a different request.");
            case IdempotencyClaim.InUse:
                return Problems.Of(Problems.IdempotencyKeyInUse, "The first request with this Idempotency-Key is still being processed; retry once it has been answered.");
            case IdempotencyClaim.Replay(var answer):
                request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
                if (answer.Location is not null)
                {
                    request.HttpContext.Response.Headers.Location = answer.Location;
                }

                return TypedResults.Text(answer.Body, answer.ContentType, System.Text.Encoding.UTF8, answer.Status);
        }

        try
        {
            var result = await ProcessAsync(request.HttpContext, body, reader, mediaType, institution, period, dryRun, idempotencyKey, ct);
            if (dryRun)
            {
                // A dry run stores nothing, so its answer is kept on its own.
                await idempotency.AnswerAsync(institution.Code, idempotencyKey, Answer(result), ct);
            }

            return Widen(result);
        }
        catch
        {
            // Only a key whose answer was not kept is released: once a submission committed, its key replays it.
            await idempotency.ReleaseAsync(institution.Code, idempotencyKey);
            throw;
        }
    }

    private async Task<IResult> ProcessAsync(
        HttpContext context, SpooledBody body, LedgerFormat reader, string mediaType, Institution institution, YearMonth period, bool dryRun, string? idempotencyKey, CancellationToken ct)
    {
        var receivedAt = clock.GetCurrentInstant();
        if (dryRun)
        {
            return await DryRunAsync(body, reader, institution, period, receivedAt, ct);
        }

        IResult ResultOf(IngestOutcome outcome) => outcome.Accepted ? Receipt(outcome, body, institution, period, receivedAt) : LedgerInvalid(outcome.Result, outcome.SubmissionId);

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await submissions.IngestAsync(
            new NewSubmission(institution.Code, period, receivedAt, body.Sha256, mediaType, body.Bytes),
            body.Open,
            (stream, sink) => reader(stream, period, sink),
            idempotencyKey is null ? null : new IdempotentAnswer(idempotencyKey, outcome => Answer(ResultOf(outcome))),
            ct);
        metrics.Ingested(outcome.Accepted, outcome.Result.Rows, body.Bytes, System.Diagnostics.Stopwatch.GetElapsedTime(started));

        AuditApi.ActedOn(context, Formats.Id(outcome.SubmissionId), institution.Code);
        if (!outcome.Accepted)
        {
            log.LedgerRejected(outcome.SubmissionId, institution.Code, Periods.Format(period), outcome.Result.ErrorCount);
            return ResultOf(outcome);
        }

        try
        {
            EvaluateSubmissionJob.Enqueue(jobs, outcome.ToEvaluate);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The ledger is committed and its answer kept: failing the request now would tell the client that nothing
            // was stored. The evaluation is recorded as pending in the database, which queues it again at start.
            log.EvaluationNotQueued(outcome.SubmissionId, e.Message);
        }

        log.LedgerAccepted(outcome.SubmissionId, institution.Code, Periods.Format(period), outcome.Version, outcome.Result.Rows);
        return ResultOf(outcome);
    }

    private static Created<SubmissionReceipt> Receipt(IngestOutcome outcome, SpooledBody body, Institution institution, YearMonth period, Instant receivedAt)
    {
        var receipt = new SubmissionReceipt
        {
            Id = Formats.Id(outcome.SubmissionId),
            Institution = institution.Code,
            Period = period,
            Version = outcome.Version,
            Status = SubmissionStore.Accepted,
            ReceivedAt = receivedAt,
            Sha256 = body.Sha256,
            Rows = outcome.Result.Rows,
            Warnings = outcome.Warnings.Select(IssueView.From).ToList(),
            WarningCount = outcome.WarningCount,
            Indicators = IndicatorsView.From(outcome.Result.Snapshot!),
            Evaluation = new JsonObject { ["status"] = "pending" },
        };
        return TypedResults.Created($"/api/v1/submissions/{receipt.Id}", receipt);
    }

    /// <summary>The answer as it is kept for the key's retries: status, media type, exact JSON and Location.</summary>
    private StoredAnswer Answer(IResult result)
    {
        var json = jsonOptions.Value.SerializerOptions;
        return result switch
        {
            Created<SubmissionReceipt> created => new(StatusCodes.Status201Created, "application/json; charset=utf-8", JsonSerializer.Serialize(created.Value, json), created.Location),
            Ok<SubmissionReceipt> ok => new(StatusCodes.Status200OK, "application/json; charset=utf-8", JsonSerializer.Serialize(ok.Value, json), null),
            ProblemHttpResult problem => new(problem.StatusCode, "application/problem+json", JsonSerializer.Serialize(problem.ProblemDetails, json), null),
            _ => throw new InvalidOperationException($"Unexpected result {result.GetType().Name}."),
        };
    }

    private static Results<Created<SubmissionReceipt>, Ok<SubmissionReceipt>, ProblemHttpResult, ContentHttpResult> Widen(IResult result) => result switch
    {
        Created<SubmissionReceipt> created => created,
        Ok<SubmissionReceipt> ok => ok,
        _ => (ProblemHttpResult)result,
    };

    private static bool IsValidKey(string key) => key.Length is >= 1 and <= 255 && key.All(c => c is >= '!' and <= '~');

    private async Task<IResult> DryRunAsync(
        SpooledBody body, LedgerFormat reader, Institution institution, YearMonth period, Instant receivedAt, CancellationToken ct)
    {
        LedgerReadResult result;
        await using (var stream = body.Open())
        {
            result = reader(stream, period, NoSink.Instance);
        }

        if (!result.IsValid)
        {
            return LedgerInvalid(result, null);
        }

        var snapshot = result.Snapshot!;
        var baselines = await snapshots.LoadBaselinesAsync(institution.Code, period, ct);
        var previousPeriod = period.PlusMonths(-1);
        var (warnings, warningCount) = BalanceMovement.Warnings(result, baselines.FirstOrDefault(b => b.Period == previousPeriod)?.Indicators, previousPeriod);

        // The evaluation the job would make of this ledger once stored, with nothing written.
        var history = new SnapshotHistory(institution.Code, new StoredSnapshot(period, 0, snapshot), baselines);
        var evaluation = RuleEvaluation.Of(await ruleSets.CurrentAsync(ct), institution.RegionCode, history);
        var answer = ExceptionStore.EvaluationJson(evaluation, []);
        answer.Insert(0, "status", "done");
        return TypedResults.Ok(new SubmissionReceipt
        {
            Institution = institution.Code,
            Period = period,
            Status = SubmissionStore.Accepted,
            ReceivedAt = receivedAt,
            Sha256 = body.Sha256,
            Rows = result.Rows,
            Warnings = [.. warnings.Select(IssueView.From)],
            WarningCount = warningCount,
            Indicators = IndicatorsView.From(snapshot),
            Evaluation = answer,
            Findings = new JsonArray([.. evaluation.Findings.Select(f => (JsonNode)FindingView(f.Finding, period, f.RuleSet))]),
        });
    }

    private static JsonObject FindingView(Finding finding, YearMonth period, RuleSet ruleSet)
    {
        var figures = Formats.Figures(finding.Rule, ExceptionStore.FiguresJson(finding.Figures).ToJsonString());
        return new()
        {
            ["rule"] = finding.Rule,
            ["period"] = Periods.Format(period),
            ["ruleSet"] = new JsonObject { ["id"] = ruleSet.Id, ["version"] = ruleSet.Version },
            ["severity"] = ExceptionStore.SeverityName(finding.Severity),
            ["figures"] = figures,
            ["units"] = new JsonObject(Formats.Units(finding.Rule, figures).Select(u => KeyValuePair.Create(u.Key, (JsonNode?)u.Value))),
            ["baselines"] = ExceptionStore.BaselinesJson(finding.Baselines),
            ["message"] = new JsonObject { ["zh"] = finding.Message.Zh, ["en"] = finding.Message.En },
        };
    }

    private static ProblemHttpResult LedgerInvalid(LedgerReadResult result, long? submissionId)
    {
        var shown = result.Errors.Take(1000).Select(IssueView.From).ToList();
        var extensions = new Dictionary<string, object?>
        {
            ["submissionId"] = submissionId is { } id ? Formats.Id(id) : null,
            ["errorCount"] = result.ErrorCount,
            ["errors"] = shown,
        };
        var kept = submissionId is null ? "It was not kept (dry run)." : $"It is kept as rejected submission {submissionId}.";
        return Problems.Of(Problems.LedgerInvalid, $"The ledger has {result.ErrorCount} error(s) and was rejected whole. {kept}", extensions);
    }

    private static ProblemHttpResult TooLarge(long maxBytes) =>
        Problems.Of(Problems.PayloadTooLarge, $"The body is larger than {maxBytes} bytes (Compliance:Ingest:MaxBytes).");

    /// <summary>
    /// The reader of a Content-Type: <c>text/csv</c> (UTF-8, GB18030 or GBK), <c>application/json</c> or
    /// <c>application/x-ndjson</c> (UTF-8); <c>null</c> for any other media type or charset.
    /// </summary>
    private static LedgerFormat? ReaderFor(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return null;
        }

        var charset = parsed.Charset.HasValue ? parsed.Charset.Value : null;
        var utf8 = charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
        switch (parsed.MediaType.Value?.ToLowerInvariant())
        {
            case "text/csv":
                var encoding = LedgerEncodings.ForCharset(charset);
                return encoding is null ? null : (stream, period, sink) => LedgerReader.ReadCsv(stream, encoding, period, sink);
            case "application/json":
                return utf8 ? JsonLedgerReader.ReadJson : null;
            case "application/x-ndjson":
                return utf8 ? JsonLedgerReader.ReadNdjson : null;
            default:
                return null;
        }
    }

    private const string IdempotencyHeader = "Idempotency-Key";

    private sealed class NoSink : ILedgerSink
    {
        public static readonly NoSink Instance = new();

        public void Write(LedgerRow row)
        {
        }
    }
}
