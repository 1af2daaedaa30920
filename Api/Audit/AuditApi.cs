using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Api.Jobs;
using Compliance.Data.Audit;
using Compliance.Engine;
using Compliance.Engine.Rules;
using Compliance.Engine.Calendar;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Period = Compliance.Api.Http.Period;

namespace Compliance.Api.Audit;

/// <summary>
/// The audit log: every state-changing request and every refused one (4xx) is recorded after it is answered, with the
/// key's id and role (never the key); admins read it at <c>GET /api/v1/audit</c>. A request with a valid key is a row
/// of its own; those without one are counted by source address, route, status and minute (<see cref="AuditStore"/>),
/// so that no caller without a key can make the log grow faster than <see cref="AuditStore.CountedRowsPerMinute"/>
/// rows a minute.
/// </summary>
internal static class AuditApi
{
    /// <summary>The route of a request that matched none.</summary>
    public const string Unmatched = "(unmatched)";

    public sealed record AuditView(
        Instant At, Instant LastAt, string? KeyId, string? Role, string Method, string Path, string? Route, string? Query, int Status, string? Target,
        string? Institution, long Count);

    /// <summary>What a handler knows of its request that the route does not say: what it made, and for whom.</summary>
    public sealed class Facts
    {
        public string? Target { get; set; }

        public string? Institution { get; set; }
    }

    /// <summary>Records in the request's audit row what it acted on and for which institution.</summary>
    public static void ActedOn(HttpContext context, string? target, string? institution)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(new Facts { Target = target, Institution = institution });
    }

    /// <summary>
    /// Records what passes through, once it is answered: every write, and every refused (4xx) request. Runs after
    /// routing, which names the route, and before authentication, so refusals are seen too.
    /// </summary>
    public static WebApplication UseComplianceAudit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var services = context.RequestServices;
            // When the request came, and the route it matched: an error handler clears the endpoint before it answers.
            var at = services.GetRequiredService<IClock>().GetCurrentInstant();
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Unmatched;
            await next(context);
            var status = context.Response.StatusCode;
            var write = !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method);
            // The job dashboard's posts (its actions, where they are enabled) are writes of their own, without a key.
            var dashboard = write && context.Request.Path.StartsWithSegments(Dashboard.Path);
            if (!(context.Request.Path.StartsWithSegments("/api") || dashboard) || (!write && status is not (>= 400 and < 500)))
            {
                return;
            }

            // The answer goes out first: a client never waits for the audit write.
            await context.Response.CompleteAsync();
            var caller = Caller.FromPrincipal(context.User);
            var (target, institution) = dashboard ? (await DashboardJobsAsync(context), null) : ActedOn(context, caller);
            route = dashboard ? Dashboard.Path : route;
            var entry = new AuditEntry
            {
                At = at,
                KeyId = caller?.KeyId,
                Role = caller?.Role,
                Method = context.Request.Method,
                Path = context.Request.Path.Value ?? "",
                Route = route,
                Query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value : null,
                Status = status,
                Target = target,
                Institution = institution,
            };
            try
            {
                var audit = services.GetRequiredService<AuditStore>();
                if (caller is null && !(dashboard && status < 400))
                {
                    // No valid key (none, unknown or revoked): counted, never a row per request.
                    await audit.CountAsync(entry, services.GetRequiredService<ClientAddresses>().SourceOf(context), CancellationToken.None);
                }
                else
                {
                    await audit.AppendAsync(entry, CancellationToken.None);
                }
            }
            catch (System.Data.Common.DbException e)
            {
                // The database refused the row (locked, out of reach): the log keeps what the table could not.
                services.GetRequiredService<ILogger<AuditEntry>>().AuditWriteFailed(entry.Method, entry.Path, entry.Status, entry.KeyId, e.Message);
            }
        });
        return app;
    }

    /// <summary>The jobs a dashboard post named (its form's <c>jobs[]</c>, read by the dashboard already), comma-separated.</summary>
    private static async Task<string?> DashboardJobsAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        try
        {
            var jobs = (await context.Request.ReadFormAsync()).TryGetValue("jobs[]", out var named) ? string.Join(",", named.ToArray()) : null;
            return jobs is { Length: > AuditStore.CountedTextLength } ? jobs[..AuditStore.CountedTextLength] : jobs;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return null; // a form the dashboard refused to read is audited without its jobs
        }
    }

    /// <summary>
    /// What a request acted on: what its handler said, else the resource its route names, else the one it created
    /// (the last segment of its Location); and the institution it acted for: what its handler said, else the one it
    /// named (<c>?institution=</c>, or an institution's own route), else the caller's own.
    /// </summary>
    private static (string? Target, string? Institution) ActedOn(HttpContext context, Caller? caller)
    {
        var facts = context.Features.Get<Facts>();
        var route = context.Request.RouteValues;
        var named = (route.TryGetValue("id", out var id) ? id : route.TryGetValue("code", out var code) ? code : null)?.ToString();
        var location = context.Response.Headers.Location.ToString();
        var created = location.Length > 0 ? location[(location.LastIndexOf('/') + 1)..] : null;
        var target = facts?.Target ?? named ?? created;
        var ofInstitutions = context.Request.Path.StartsWithSegments("/api/v1/institutions");
        var institution = facts?.Institution
            ?? (context.Request.Query.TryGetValue("institution", out var asked) ? asked.ToString() : null)
            ?? (ofInstitutions ? target : null)
            ?? caller?.Institution;
        return (target, institution);
    }

    public static void MapAudit(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/v1/audit", List).WithTags("Operations").WithName("ListAudit").WithSummary("Read the audit log").RequireAuthorization(AccessSetup.AdminPolicy)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403)
            .WithDescription($"Every write and every refused (4xx) request: {{at, lastAt, keyId, role, method, path, route, query, status, target, institution, count}}, newest first: route is the matched route template or {Unmatched}, target the resource acted on or created, institution the one acted for. A request with a valid key is a row of its own (count 1, lastAt = at); refused requests without one are counted in one row per source address, route, status and minute (at the first's time, lastAt the latest's, path and query the first's cut to {AuditStore.CountedTextLength} characters), and past {AuditStore.CountedRowsPerMinute} such rows in a minute in one {AuditStore.Overflow} row. from and to are periods (yyyy-MM) or dates, China Standard Time, both inclusive.");

    /// <summary>The filters of the audit log: <c>from</c> and <c>to</c> both inclusive.</summary>
    public sealed record AuditQuery
    {
        [FromQuery(Name = "from")]
        public Bound? From { get; init; }

        [FromQuery(Name = "to")]
        public Bound? To { get; init; }

        [FromQuery(Name = "keyId")]
        public string? KeyId { get; init; }
    }

    private static async Task<Results<Ok<ListAnswer<AuditView>>, ProblemHttpResult>> List(
        [AsParameters] AuditQuery query, [AsParameters] PageQuery paging, AuditStore audit, CancellationToken ct)
    {
        long? key = null;
        if (query.KeyId is not null)
        {
            if (!Formats.TryId(query.KeyId, out var parsed))
            {
                return Problems.Invalid("keyId", "keyId 应为 API 密钥的编号。", "keyId is the id of an API key.");
            }

            key = parsed;
        }

        var found = await audit.ListAsync(query.From?.Start, query.To?.End, key, paging.Request, ct);
        return TypedResults.Ok(PageQuery.Map(found, e => new AuditView(
            e.At, e.LastAt, e.KeyId is { } k ? Formats.Id(k) : null, e.Role, e.Method, e.Path, e.Route, e.Query, e.Status, e.Target, e.Institution, e.Count)));
    }
}

/// <summary>A bound of the audit log: a period (<c>yyyy-MM</c>) or a date (<c>yyyy-MM-dd</c>), in China Standard Time.</summary>
public readonly record struct Bound(LocalDate First, LocalDate Last) : IAccepted<Bound>
{
    public static LocalizedText Accepted { get; } = new(
        $"报告期（yyyy-MM）或日期（yyyy-MM-dd），从 {Periods.Format(AcceptedRanges.FirstPeriod)} 至 {Periods.Format(AcceptedRanges.LastPeriod)}",
        $"a period (yyyy-MM) or a date (yyyy-MM-dd), from {Periods.Format(AcceptedRanges.FirstPeriod)} to {Periods.Format(AcceptedRanges.LastPeriod)}");

    /// <summary>The first instant of the bound.</summary>
    public Instant Start => First.AtStartOfDayInZone(ReportingZone.Shanghai).ToInstant();

    /// <summary>The first instant after the bound.</summary>
    public Instant End => Last.PlusDays(1).AtStartOfDayInZone(ReportingZone.Shanghai).ToInstant();

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Bound result)
    {
        result = Period.TryParse(s, provider, out var period) ? new Bound(period.Value.OnDayOfMonth(1), Periods.LastDay(period.Value))
            : Day.TryParse(s, provider, out var day) ? new Bound(day.Value, day.Value)
            : default;
        return result != default;
    }
}
