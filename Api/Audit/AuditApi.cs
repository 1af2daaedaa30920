using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data.Audit;
using Compliance.Engine;
using Compliance.Engine.Calendar;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

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
        routes.MapGet("/api/v1/audit", List).WithTags("Operations").WithName("ListAudit").RequireAuthorization(AccessSetup.AdminPolicy)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403)
            .WithDescription("Every write and every refused request: {at, keyId, role, method, path, query, status, target, institution}, newest first: target is the resource acted on or created, institution the one acted for. from and to are periods (yyyy-MM) or dates, China Standard Time, both inclusive.");

    private static async Task<Results<Ok<ListAnswer<AuditView>>, ProblemHttpResult>> List(
        string? from, string? to, string? keyId, int? page, int? pageSize, AuditStore audit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var start = Bound(from, "from", upper: false, errors);
        var end = Bound(to, "to", upper: true, errors);
        long? key = null;
        if (keyId is not null)
        {
            if (Formats.TryId(keyId, out var parsed))
            {
                key = parsed;
            }
            else
            {
                errors["keyId"] = ["keyId is the id of an API key."];
            }
        }

        if (!Paging.TryRead(page, pageSize, errors, out var request))
        {
            return Problems.Invalid(errors);
        }

        var found = await audit.ListAsync(start, end, key, request, ct);
        return TypedResults.Ok(Paging.Map(found, e => new AuditView(e.At, e.KeyId is { } k ? Formats.Id(k) : null, e.Role, e.Method, e.Path, e.Query, e.Status, e.Target, e.Institution)));
    }

    /// <summary>The first instant of a period or date (or, as an upper bound, of the one after), in China Standard Time.</summary>
    private static Instant? Bound(string? text, string name, bool upper, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        LocalDate day;
        if (Periods.TryParse(text, out var period) && AcceptedRanges.Contains(period.Value))
        {
            day = upper ? period.Value.PlusMonths(1).OnDayOfMonth(1) : period.Value.OnDayOfMonth(1);
        }
        else if (NodaTime.Text.LocalDatePattern.Iso.Parse(text) is { Success: true } parsed && AcceptedRanges.Contains(parsed.Value))
        {
            day = upper ? parsed.Value.PlusDays(1) : parsed.Value;
        }
        else
        {
            errors[name] = [$"{name} is a period (yyyy-MM) or a date (yyyy-MM-dd), from {Periods.Format(AcceptedRanges.FirstPeriod)} to {Periods.Format(AcceptedRanges.LastPeriod)}."];
            return null;
        }

        return day.AtStartOfDayInZone(ReportingZone.Shanghai).ToInstant();
    }
}
