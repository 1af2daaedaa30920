using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Exceptions;
using Compliance.Data.Rules;
using Compliance.Data.Snapshots;
using Compliance.Engine.Calendar;
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
    public static void MapRuleSetPreview(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/rule-sets/{id}/preview", Preview).WithTags("Rules").RequireAuthorization().WithName("PreviewRuleSet")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .WithSummary("Preview a rule-set change")
            .WithDescription("Admins, and regulators whose jurisdiction is a prefix of the set's current and draft jurisdiction. Evaluates every stored "
                + "institution-period in [from, to] that the caller may see and that the set or the draft (the body of PUT /rule-sets/{id}) applies to, "
                + "with the draft in place of the set's current version, and lists the exceptions a re-evaluation would open, clear or change. Writes nothing.");
    }

    public sealed record PreviewQuery
    {
        [FromQuery(Name = "from")]
        [Required(ErrorMessage = "{0} is required: the first period, yyyy-MM.")]
        public Period? From { get; init; }

        [FromQuery(Name = "to")]
        [Required(ErrorMessage = "{0} is required: the last period, yyyy-MM.")]
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
        string id, [AsParameters] PreviewQuery query, RulesApi.RuleSetBody body, Caller caller, RuleSetStore ruleSets, SnapshotStore snapshots,
        ExceptionStore exceptions, IClock clock, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        if (caller.IsInstitution)
        {
            return Problems.ForbiddenResult("An institution key may not preview a rule set.");
        }

        if (RulesApi.Validate(body, out var spec) is { } invalid)
        {
            return invalid;
        }

        var from = query.From!.Value.Value;
        var to = query.To!.Value.Value;
        if (to < from)
        {
            return Problems.Invalid("to", "to is not before from.");
        }

        var sets = await ruleSets.CurrentAsync(ct);
        if (sets.FirstOrDefault(s => s.Id == id) is not { } current)
        {
            return Problems.NotFoundResult($"Rule set {id}");
        }

        var own = caller.IsRegulator ? caller.Jurisdiction ?? "" : "";
        if (!current.Spec.Jurisdiction.StartsWith(own, StringComparison.Ordinal) || !spec.Jurisdiction.StartsWith(own, StringComparison.Ordinal))
        {
            return Problems.ForbiddenResult($"This key's jurisdiction is '{own}'; it may preview a set whose jurisdiction, current and draft, lies inside it.");
        }

        var draft = new RuleSet(id, current.Version + 1, spec);
        var withDraft = sets.Where(s => s.Id != id).Append(draft).ToList();
        var scope = caller.Scope;
        var today = ReportingZone.DateOf(clock.GetCurrentInstant());
        var stored = await exceptions.StoredForEvaluationAsync(scope, from, to, ct);

        var opened = new List<OpenedView>();
        var cleared = new List<ClearedView>();
        var changed = new List<ChangedView>();
        var evaluated = 0;
        var unchanged = 0;
        foreach (var (regionCode, history) in await snapshots.LoadHistoriesAsync(scope, from, to, ct))
        {
            var year = history.Period.Year;
            if (RuleSet.Applying([current], regionCode, year).Count == 0 && RuleSet.Applying([draft], regionCode, year).Count == 0)
            {
                continue;
            }

            evaluated++;
            var before = opened.Count + cleared.Count + changed.Count;
            var evaluation = RuleEvaluation.Of(withDraft, regionCode, history);
            var existing = stored.GetValueOrDefault((history.Institution, history.Period)) ?? [];
            foreach (var (set, result, exception) in evaluation.Against(existing, e => (e.RuleSetId ?? "", e.Rule)))
            {
                var finding = result?.Finding;
                var severity = finding is null ? null : ExceptionStore.SeverityName(finding.Severity);
                var status = exception is null ? null : ExceptionLifecycle.ParseStatus(exception.Status);
                switch (Replay.Of(status, exception?.WaivedUntil, today, finding is not null, severity != exception?.Severity))
                {
                    case ReplayChange.Opened:
                        opened.Add(new OpenedView(history.Institution, history.Period, set!.Id, finding!.Rule, severity!, ExceptionStore.FiguresJson(finding.Figures)));
                        break;
                    case ReplayChange.Cleared:
                        cleared.Add(new ClearedView(Formats.Id(exception!.Id), exception.Institution, exception.Period, exception.RuleSetId ?? "", exception.Rule));
                        break;
                    case ReplayChange.Changed:
                        changed.Add(new ChangedView(Formats.Id(exception!.Id), exception.Institution, exception.Period, exception.RuleSetId ?? "", exception.Rule,
                            exception.Severity, severity!));
                        break;
                    default:
                        break;
                }
            }

            if (opened.Count + cleared.Count + changed.Count == before)
            {
                unchanged++;
            }
        }

        return TypedResults.Ok(new PreviewView(new DraftView(id, current.Version), evaluated, opened, cleared, changed, unchanged, started.ElapsedMilliseconds));
    }
}
