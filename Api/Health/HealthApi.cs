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

    private static async Task<IResult> Ready(Db db, CancellationToken ct)
    {
        try
        {
            await db.PingAsync(ct);
            return TypedResults.Ok(new HealthView("ready"));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            return Results.Problem(detail: "The database does not answer: " + e.Message, statusCode: 503, title: "Service unavailable", type: "/problems/unavailable");
        }
    }
}
