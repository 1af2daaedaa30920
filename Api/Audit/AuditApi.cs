using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Audit;
using Compliance.Engine;
using Compliance.Engine.Calendar;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Period = Compliance.Api.Http.Period;

namespace Compliance.Api.Audit;

/// <summary>
/// The audit log: every state-changing request and every refused one (401, 403) is recorded after it is answered,
/// with the key's id and role (never the key); admins read it at <c>GET /api/v1/audit</c>.
/// </summary>
internal static class AuditApi
{
    public sealed record AuditView(Instant At, string? KeyId, string? Role, string Method, string Path, string? Query, int Status, string? Target, string? Institution);

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

    /// <summary>Records what passes through, once it is answered. Runs before authentication, so refusals are seen too.</summary>
    public static WebApplication UseComplianceAudit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            var status = context.Response.StatusCode;
            var write = !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method);
            if (!context.Request.Path.StartsWithSegments("/api") || (!write && status is not (401 or 403)))
            {
                return;
            }

            // The answer goes out first: a client never waits for the audit write.
            await context.Response.CompleteAsync();
            var caller = Caller.FromPrincipal(context.User);
            var (target, institution) = ActedOn(context, caller);
            var services = context.RequestServices;
            var entry = new AuditEntry
            {
                At = services.GetRequiredService<IClock>().GetCurrentInstant(),
                KeyId = caller?.KeyId,
                Role = caller?.Role,
                Method = context.Request.Method,
                Path = context.Request.Path.Value ?? "",
                Query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value : null,
                Status = status,
                Target = target,
                Institution = institution,
            };
            try
            {
                await services.GetRequiredService<AuditStore>().AppendAsync(entry, CancellationToken.None);
            }
            catch (System.Data.Common.DbException e)
            {
                // The database refused the row (locked, out of reach): the log keeps what the table could not.
                services.GetRequiredService<ILogger<AuditEntry>>().AuditWriteFailed(entry.Method, entry.Path, entry.Status, entry.KeyId, e.Message);
            }
        });
        return app;
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
            .WithDescription("Every write and every refused request: {at, keyId, role, method, path, query, status, target, institution}, newest first: target is the resource acted on or created, institution the one acted for. from and to are periods (yyyy-MM) or dates, China Standard Time, both inclusive.");

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
                return Problems.Invalid("keyId", "keyId is the id of an API key.");
            }

            key = parsed;
        }

        var found = await audit.ListAsync(query.From?.Start, query.To?.End, key, paging.Request, ct);
        return TypedResults.Ok(PageQuery.Map(found, e => new AuditView(e.At, e.KeyId is { } k ? Formats.Id(k) : null, e.Role, e.Method, e.Path, e.Query, e.Status, e.Target, e.Institution)));
    }
}

/// <summary>A bound of the audit log: a period (<c>yyyy-MM</c>) or a date (<c>yyyy-MM-dd</c>), in China Standard Time.</summary>
public readonly record struct Bound(LocalDate First, LocalDate Last) : IAccepted<Bound>
{
    public static string Accepted { get; } = $"a period (yyyy-MM) or a date (yyyy-MM-dd), from {Periods.Format(AcceptedRanges.FirstPeriod)} to {Periods.Format(AcceptedRanges.LastPeriod)}";

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
