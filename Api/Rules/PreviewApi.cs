using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Exceptions;
using Compliance.Data.Rules;
using Compliance.Data.Analytics;
using Compliance.Engine;
using Compliance.Engine.Analytics;
using Compliance.Engine.Exceptions;
using Compliance.Engine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Period = Compliance.Api.Http.Period;

namespace Compliance.Api.Rules;

/// <summary>
/// <c>POST /api/v1/rule-sets/{id}/preview</c> (analytics.md, "Shadow replay"): what a new version of a set would do to
/// the exceptions of every stored institution-period in a range, evaluated as the job evaluates and compared with the
/// exceptions as the job compares, writing nothing.
/// </summary>
internal static class PreviewApi
{
    internal static string FromRequiredError => Languages.Say("{0} 为必填项：起始报告期，格式 yyyy-MM。", "{0} is required: the first period, yyyy-MM.");

    internal static string ToRequiredError => Languages.Say("{0} 为必填项：截止报告期，格式 yyyy-MM。", "{0} is required: the last period, yyyy-MM.");

    /// <summary>The places for previews, one per node.</summary>
    public static WebApplicationBuilder AddRuleSetPreview(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PreviewPlaces>();
        return builder;
    }

    public static void MapRuleSetPreview(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/rule-sets/{id}/preview", Preview).WithTags("Rules").RequireAuthorization().WithName("PreviewRuleSet")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(429)
            .WithSummary("Preview a rule-set change")
            .WithDescription("Admins, and regulators whose jurisdiction is a prefix of the set's current and draft jurisdiction. Evaluates every stored "
                + "institution-period in [from, to] that the caller may see and that the set or the draft (the body of PUT /rule-sets/{id}) applies to, "
                + "evaluates the draft and the set's current version on the same snapshots, and lists, for that set's keys alone, what the draft would open "
                + "(found by the draft, not by the current version, and nothing stored open, explained, resolved or waived), clear (found by the current version, "
                + "not by the draft, stored open or explained) or change (both find it with another severity, stored open or explained). Another set's findings and "
                + "a waiver whose until has passed are no part of it: a draft equal to the current version previews nothing. Writes nothing. "
                + $"At most {PreviewPlaces.Count} previews run at once on a server: another answers 429 rate-limited with Retry-After; a preview whose "
                + "client disconnects stops and frees its place.");
    }

    public sealed record PreviewQuery
    {
        [FromQuery(Name = "from")]
        [Required(ErrorMessageResourceType = typeof(PreviewApi), ErrorMessageResourceName = nameof(PreviewApi.FromRequiredError))]
        public Period? From { get; init; }

        [FromQuery(Name = "to")]
        [Required(ErrorMessageResourceType = typeof(PreviewApi), ErrorMessageResourceName = nameof(PreviewApi.ToRequiredError))]
        public Period? To { get; init; }
    }

    public sealed record DraftView(string Id, int BasedOn);

    public sealed record OpenedView(string Institution, YearMonth Period, string RuleSet, string Rule, string Severity, JsonObject Figures);

    public sealed record ClearedView(string ExceptionId, string Institution, YearMonth Period, string RuleSet, string Rule);

    public sealed record ChangedView(string ExceptionId, string Institution, YearMonth Period, string RuleSet, string Rule, string SeverityBefore, string SeverityAfter);

    public sealed record PreviewView(
        DraftView Draft, int Evaluated, IReadOnlyList<OpenedView> Opened, IReadOnlyList<ClearedView> Cleared, IReadOnlyList<ChangedView> Changed,
        int Unchanged, long ElapsedMs);

    private static async Task<Results<Ok<PreviewView>, ProblemHttpResult>> Preview(
        string id, [AsParameters] PreviewQuery query, RulesApi.RuleSetBody body, Caller caller, RuleSetStore ruleSets, AnalyticsSnapshots snapshots,
        ExceptionStore exceptions, PreviewPlaces places, HttpResponse response, ILogger<PreviewPlaces> log, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        if (caller.IsInstitution)
        {
            return Problems.ForbiddenResult("机构密钥不能预览规则集。", "An institution key may not preview a rule set.");
        }

        if (RulesApi.Validate(body, out var spec) is { } invalid)
        {
            return invalid;
        }

        var from = query.From!.Value.Value;
        var to = query.To!.Value.Value;
        if (to < from)
        {
            return Problems.Invalid("to", "to 不能早于 from。", "to is not before from.");
        }

        var sets = await ruleSets.CurrentAsync(ct);
        if (sets.FirstOrDefault(s => s.Id == id) is not { } current)
        {
            return Problems.NotFoundResult($"规则集 {id}", $"Rule set {id}");
        }

        var own = caller.IsRegulator ? caller.Jurisdiction ?? "" : "";
        if (!current.Spec.Jurisdiction.StartsWith(own, StringComparison.Ordinal) || !spec.Jurisdiction.StartsWith(own, StringComparison.Ordinal))
        {
            return Problems.ForbiddenResult($"该密钥的辖区为“{own}”；只能预览现行和草案辖区均在其内的规则集。", $"This key's jurisdiction is '{own}'; it may preview a set whose jurisdiction, current and draft, lies inside it.");
        }

        // Taken here, not by the rate limiter's middleware: that runs before authorization and before the body is read, so
        // a request refused above, or a body still arriving, would hold a place.
        using var place = places.TryTake();
        if (!place.IsAcquired)
        {
            response.Headers.RetryAfter = PreviewPlaces.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Problems.Of(Problems.RateLimited,
                $"本服务器正在运行 {PreviewPlaces.Count} 个预览，已达同时运行的上限；请在 {PreviewPlaces.RetryAfterSeconds} 秒后重试。",
                $"{PreviewPlaces.Count} previews are running on this server, as many as run at once; retry after {PreviewPlaces.RetryAfterSeconds} s.");
        }

        var draft = new RuleSet(id, current.Version + 1, spec);
        var scope = caller.Scope;
        var stored = await exceptions.StoredForEvaluationAsync(scope, from, to, ct);

        var opened = new List<OpenedView>();
        var cleared = new List<ClearedView>();
        var changed = new List<ChangedView>();
        var evaluated = 0;
        var unchanged = 0;
        var histories = await snapshots.LoadHistoriesAsync(scope, from, to, ct);
        log.PreviewEvaluating(id, histories.Count, Periods.Format(from), Periods.Format(to));
        foreach (var (institution, history) in histories)
        {
            // A client that went away stops the preview between two institution-periods, and its place is given back.
            ct.ThrowIfCancellationRequested();
            var year = history.Period.Year;
            if (RuleSet.Applying([current], institution.RegionCode, year).Count == 0 && RuleSet.Applying([draft], institution.RegionCode, year).Count == 0)
            {
                continue;
            }

            // The draft's effect alone: the set's current version and the draft on the same snapshots, rule by rule, each
            // beside the exception stored for that key; no other set is evaluated, and no waiver's end is acted on.
            evaluated++;
            var before = FindingsOf(RuleEvaluation.Of([current], institution, history));
            var after = FindingsOf(RuleEvaluation.Of([draft], institution, history));
            var existing = new Dictionary<string, ExceptionRecord>(StringComparer.Ordinal);
            foreach (var exception in stored.GetValueOrDefault((history.Institution, history.Period)) ?? [])
            {
                if (exception.RuleSetId == id)
                {
                    existing.TryAdd(exception.Rule, exception);
                }
            }

            var changes = opened.Count + cleared.Count + changed.Count;
            foreach (var rule in before.Keys.Union(after.Keys, StringComparer.Ordinal))
            {
                var was = before.GetValueOrDefault(rule);
                var now = after.GetValueOrDefault(rule);
                var exception = existing.GetValueOrDefault(rule);
                var status = exception is null ? (ExceptionStatus?)null : ExceptionLifecycle.ParseStatus(exception.Status);
                switch (DraftEffect.Of(was?.Severity, now?.Severity, status))
                {
                    case ReplayChange.Opened:
                        opened.Add(new OpenedView(history.Institution, history.Period, id, rule, now!.Severity.Name(), FindingJson.Figures(now.Figures)));
                        break;
                    case ReplayChange.Cleared:
                        cleared.Add(new ClearedView(Formats.Id(exception!.Id), exception.Institution, exception.Period, id, exception.Rule));
                        break;
                    case ReplayChange.Changed:
                        changed.Add(new ChangedView(Formats.Id(exception!.Id), exception.Institution, exception.Period, id, exception.Rule, exception.Severity, now!.Severity.Name()));
                        break;
                    default:
                        break;
                }
            }

            if (opened.Count + cleared.Count + changed.Count == changes)
            {
                unchanged++;
            }
        }

        return TypedResults.Ok(new PreviewView(new DraftView(id, current.Version), evaluated, opened, cleared, changed, unchanged, started.ElapsedMilliseconds));
    }

    /// <summary>The findings of one set's evaluation, by rule.</summary>
    private static Dictionary<string, Finding> FindingsOf(RuleEvaluation evaluation)
    {
        var findings = new Dictionary<string, Finding>(StringComparer.Ordinal);
        foreach (var (_, finding) in evaluation.Findings)
        {
            findings.TryAdd(finding.Rule, finding);
        }

        return findings;
    }
}

/// <summary>
/// The places for previews on this node (analytics.md, "Shadow replay"): at most <see cref="Count"/> run at once and
/// none waits for a place. A preview takes one once its caller may preview and its draft is valid, and gives it back
/// when it ends: answered, failed, or stopped because its client went away.
/// </summary>
internal sealed class PreviewPlaces : IDisposable
{
    /// <summary>How many previews run at once on a node.</summary>
    public const int Count = 2;

    /// <summary>How long a preview refused for want of a place is told to wait before it asks again.</summary>
    public const int RetryAfterSeconds = 1;

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions { PermitLimit = Count, QueueLimit = 0 });

    /// <summary>A place, to dispose when the preview ends; not acquired where every place is taken.</summary>
    public RateLimitLease TryTake() => _limiter.AttemptAcquire();

    /// <summary>The places no preview holds at this moment.</summary>
    public long Free => _limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;

    public void Dispose() => _limiter.Dispose();
}
