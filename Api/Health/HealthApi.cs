using Compliance.Api.Http;
using Compliance.Data;

namespace Compliance.Api.Health;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (the database answers); no key needed.</summary>
internal static class HealthApi
{
    public sealed record HealthView(string Status);

    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Operations").AllowAnonymous();
        group.MapGet("/live", () => TypedResults.Ok(new HealthView("live"))).WithName("Live").WithSummary("Liveness").WithDescription("The process answers; no key needed.");
        group.MapGet("/ready", Ready).WithName("Ready").WithSummary("Readiness").WithDescription("The database answers; 503 while it does not. No key needed.").Produces<HealthView>(200).ProducesProblem(503);
    }

    private static async Task<IResult> Ready(Db db, ILogger<HealthView> log, CancellationToken ct)
    {
        try
        {
            await db.PingAsync(ct);
            return TypedResults.Ok(new HealthView("ready"));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            // The database's own words (a file, a server name) go to the log: anyone may ask this without a key.
            log.DatabaseUnavailable(e.GetType().Name, e.Message);
            return Problems.Of(Problems.Unavailable, "数据库无应答，服务暂不能处理请求。", "The database does not answer; the service cannot serve requests for now.");
        }
    }
}
