using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Access;
using Compliance.Api.Audit;
using Compliance.Api.Http;
using Compliance.Api.Jobs;
using Compliance.Data;
using Compliance.Data.CreditPlans;
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
using NodaTime;
using Compliance.Engine.Exceptions;
using Compliance.Data.Evaluations;

namespace Compliance.Api.Submissions;

using SubmitAnswer = Results<Created<SubmissionReceipt>, Ok<SubmissionReceipt>, ProblemHttpResult, ContentHttpResult>;

/// <summary>
/// Takes a ledger from a request: checks who may submit what, spools and hashes the body, reads and stores it
/// all-or-nothing, and enqueues the evaluations it makes due; or, for a dry run, evaluates it without storing.
/// </summary>
internal sealed class SubmitLedger(
    SubmissionStore submissions,
    SnapshotStore snapshots,
    RuleSetStore ruleSets,
    CreditPlanStore creditPlans,
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
    public async Task<SubmitAnswer> HandleAsync(SubmitRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryAuthorise(request, caller, out var asked, out var refusal))
        {
            return refusal;
        }

        if (await institutions.FindAsync(asked.Institution, Scope.Everything, ct) is not { } institution)
        {
            return Problems.NotFoundResult($"机构 {asked.Institution}", $"Institution {asked.Institution}");
        }

        AuditApi.ActedOn(request.Context, null, institution.Code);
        if (request.MediaType.Reader is not { } reader)
        {
            return request.MediaType.Unsupported;
        }

        var submitted = new Submitted(institution, asked.Period, request.DryRun == true, reader, request.MediaType.Text);
        return await SpoolAsync(request.Context.Request, body => request.IdempotencyKey.Value is { } key
            ? RunUnderKeyAsync(request.Context, body, submitted, key, ct)
            : ProcessAsync(request.Context, body, submitted, null, ct), ct);
    }

    /// <summary>What a request asks to submit once it may: for which institution, for which period.</summary>
    private sealed record Asked(string Institution, YearMonth Period);

    /// <summary>A ledger to read: for whom, for when, whether only as a dry run, its reader and its Content-Type as sent.</summary>
    private sealed record Submitted(Institution Institution, YearMonth Period, bool DryRun, LedgerFormat Reader, string MediaType);

    /// <summary>
    /// Who may submit for whom comes first: a role that may not act is told so (403) before anything about the
    /// request. Then every field at fault at once (400): the institution an admin names, the period (from 2000-01 to
    /// the current month in China Standard Time, api.md) and the Idempotency-Key.
    /// </summary>
    private bool TryAuthorise(SubmitRequest request, Caller caller, [NotNullWhen(true)] out Asked? asked, [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        asked = null;
        refusal = caller switch
        {
            { IsInstitution: true } when request.Institution is not null && request.Institution != caller.Institution =>
                Problems.ForbiddenResult("机构密钥只能为本机构报送。", "An institution key submits only for its own institution."),
            { IsInstitution: false, IsAdmin: false } => Problems.ForbiddenResult("监管密钥不能报送台账。", "A regulator key cannot submit ledgers."),
            _ => null,
        };
        if (refusal is not null)
        {
            return false;
        }

        var code = caller.IsInstitution ? caller.Institution : request.Institution;
        var currentMonth = ReportingZone.Today(clock).ToYearMonth();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(code))
        {
            errors["institution"] = [Languages.Say("管理员密钥须指明机构：&institution=代码。", "An admin key names the institution: &institution=CODE.")];
        }

        if (request.Period?.Value is not { } month || month > currentMonth)
        {
            errors["period"] = [AcceptedRanges.PeriodMessage("period", currentMonth)];
        }

        if (request.IdempotencyKey.IsMalformed)
        {
            errors[IdempotencyKey.Header] = [IdempotencyKey.Error];
        }

        // Without errors, the code and the period are there: the patterns only take their values.
        if (errors.Count > 0 || string.IsNullOrEmpty(code) || request.Period is not { Value: var period })
        {
            refusal = Problems.Invalid(errors);
            return false;
        }

        asked = new Asked(code, period);
        return true;
    }

    /// <summary>
    /// Spools and hashes the body against Compliance:Ingest:MaxBytes, and answers what <paramref name="then"/> makes
    /// of it; the spool file is deleted once it is answered. A body too large (413), too slow (408) or broken off
    /// (400) is answered without <paramref name="then"/>, and nothing is stored.
    /// </summary>
    private async Task<SubmitAnswer> SpoolAsync(HttpRequest request, Func<SpooledBody, Task<SubmitAnswer>> then, CancellationToken ct)
    {
        var maxBytes = options.Value.MaxBytes;
        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // counted while spooling, against our own limit
        }

        SpooledBody? spooled;
        try
        {
            spooled = await SpooledBody.SpoolAsync(request.Body, options.Value.SpoolPath(environment.ContentRootPath), maxBytes, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // The body came slower than Compliance:Limits:MinUploadBytesPerSecond: cut off, nothing stored.
            return Problems.Of(Problems.RequestTimeout, "请求正文传输过慢，已被中断；未保存任何内容。", "The body arrived too slowly and was cut off; nothing was stored.");
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The client went away or broke off its body: nothing was stored, and the spool file is gone.
            return Problems.Of(Problems.InvalidRequest, "请求正文未传输完整即已结束；未保存任何内容。", "The body ended before it was complete; nothing was stored.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["body"] = [Languages.Say("请求正文未传输完整即已结束。", "The body ended before it was complete.")] } });
        }

        await using var body = spooled;
        return body is null ? TooLarge(maxBytes) : await then(body);
    }

    /// <summary>
    /// The fingerprint of a submission kept with its Idempotency-Key: the body with everything that changes its meaning
    /// (a change in any is a different body); at most 111 characters, with an institution code of 32.
    /// </summary>
    internal static string Fingerprint(string sha256, YearMonth period, string institution, bool dryRun) =>
        $"{sha256}|{Periods.Format(period)}|{institution}|{dryRun}";

    /// <summary>
    /// Runs a submission under its Idempotency-Key: a retry of an answered request answers it again, a different
    /// request with the key is refused, and a key whose answer is not kept is released if the run fails.
    /// </summary>
    private async Task<SubmitAnswer> RunUnderKeyAsync(HttpContext context, SpooledBody body, Submitted submitted, string key, CancellationToken ct)
    {
        var code = submitted.Institution.Code;
        var fingerprint = Fingerprint(body.Sha256, submitted.Period, code, submitted.DryRun);
        switch (await idempotency.ClaimAsync(code, key, fingerprint, clock.GetCurrentInstant(), ct))
        {
            case IdempotencyClaim.Reused:
                return Problems.Of(Problems.IdempotencyKeyReused, "该 Idempotency-Key 已用于正文、报告期、机构或 dryRun 不同的请求；不同的请求请使用新的幂等键。", "This Idempotency-Key was used with a different body, period, institution or dryRun; use a new key for a different request.");
            case IdempotencyClaim.InUse:
                return Problems.Of(Problems.IdempotencyKeyInUse, "使用该 Idempotency-Key 的首次请求仍在处理中；请待其答复后重试。", "The first request with this Idempotency-Key is still being processed; retry once it has been answered.");
            case IdempotencyClaim.Replay(var answer):
                return Replay(context.Response, answer);
        }

        try
        {
            var result = await ProcessAsync(context, body, submitted, key, ct);
            if (submitted.DryRun)
            {
                // A dry run stores nothing, so its answer is kept on its own.
                await idempotency.AnswerAsync(code, key, Answer(result), ct);
            }

            return result;
        }
        catch
        {
            // Only a key whose answer was not kept is released: once a submission committed, its key replays it.
            await idempotency.ReleaseAsync(code, key);
            throw;
        }
    }

    /// <summary>
    /// The kept answer of a key, again: its status, media type, exact body, Location and language (an answer kept before
    /// answers had a language was English), marked as replayed.
    /// </summary>
    private static ContentHttpResult Replay(HttpResponse response, StoredAnswer answer)
    {
        response.Headers["Idempotent-Replayed"] = "true";
        response.Headers.ContentLanguage = answer.ContentLanguage ?? Languages.Tag(Language.En);
        response.Headers.Vary = Microsoft.Net.Http.Headers.HeaderNames.AcceptLanguage;
        if (answer.Location is not null)
        {
            response.Headers.Location = answer.Location;
        }

        return TypedResults.Text(answer.Body, answer.ContentType, System.Text.Encoding.UTF8, answer.Status);
    }

    private async Task<SubmitAnswer> ProcessAsync(HttpContext context, SpooledBody body, Submitted submitted, string? idempotencyKey, CancellationToken ct)
    {
        var (institution, period, dryRun, reader, mediaType) = submitted;
        var receivedAt = clock.GetCurrentInstant();
        if (dryRun)
        {
            return await DryRunAsync(body, reader, institution, period, receivedAt, ct);
        }

        SubmitAnswer ResultOf(IngestOutcome outcome) => outcome.Accepted ? Receipt(outcome, body, institution, period, receivedAt) : LedgerInvalid(outcome.Result, outcome.SubmissionId);

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
    private StoredAnswer Answer(SubmitAnswer answer)
    {
        var json = jsonOptions.Value.SerializerOptions;
        var language = Languages.Tag(Languages.Chosen);
        return answer.Result switch
        {
            Created<SubmissionReceipt> created => new(StatusCodes.Status201Created, "application/json; charset=utf-8", JsonSerializer.Serialize(created.Value, json), created.Location, language),
            Ok<SubmissionReceipt> ok => new(StatusCodes.Status200OK, "application/json; charset=utf-8", JsonSerializer.Serialize(ok.Value, json), null, language),
            ProblemHttpResult problem => new(problem.StatusCode, "application/problem+json", JsonSerializer.Serialize(problem.ProblemDetails, json), null, language),
            _ => throw new InvalidOperationException($"Unexpected result {answer.Result.GetType().Name}."),
        };
    }

    private async Task<SubmitAnswer> DryRunAsync(
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
        var history = new SnapshotHistory(institution.Code, new StoredSnapshot(period, 0, snapshot), baselines)
        {
            CreditPlans = await creditPlans.InForceAsync(institution.Code, ct),
        };
        var evaluation = RuleEvaluation.Of(await ruleSets.CurrentAsync(ct), institution.Profile, history);
        var answer = StoredEvaluation.Of(evaluation, []).ToJsonObject();
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
        var figures = Formats.Figures(finding.Rule, FindingJson.Figures(finding.Figures).ToJsonString());
        return new()
        {
            ["rule"] = finding.Rule,
            ["period"] = Periods.Format(period),
            ["ruleSet"] = new JsonObject { ["id"] = ruleSet.Id, ["version"] = ruleSet.Version },
            ["severity"] = finding.Severity.Name(),
            ["figures"] = figures,
            ["units"] = new JsonObject(Formats.Units(finding.Rule, figures).Select(u => KeyValuePair.Create(u.Key, (JsonNode?)u.Value))),
            ["baselines"] = FindingJson.Baselines(finding.Baselines),
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
        if (result.DetectedCharset is { } charset)
        {
            extensions["detectedCharset"] = charset;
        }

        var keptZh = submissionId is null ? "未保存（试报送）。" : $"已保存为被退回的报送记录 {submissionId}。";
        var keptEn = submissionId is null ? "It was not kept (dry run)." : $"It is kept as rejected submission {submissionId}.";
        return Problems.Of(Problems.LedgerInvalid, $"台账有 {result.ErrorCount} 处错误，已整体退回。{keptZh}", $"The ledger has {result.ErrorCount} error(s) and was rejected whole. {keptEn}", extensions);
    }

    private static ProblemHttpResult TooLarge(long maxBytes) =>
        Problems.Of(Problems.PayloadTooLarge, $"请求正文超过 {maxBytes} 字节（Compliance:Ingest:MaxBytes）。", $"The body is larger than {maxBytes} bytes (Compliance:Ingest:MaxBytes).");

    private sealed class NoSink : ILedgerSink
    {
        public static readonly NoSink Instance = new();

        public void Write(LedgerRow row)
        {
        }
    }
}
