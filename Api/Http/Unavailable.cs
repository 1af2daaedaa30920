using Compliance.Data;
using Microsoft.AspNetCore.Diagnostics;

namespace Compliance.Api.Http;

/// <summary>
/// A database that is busy or out of reach for now (locked by another process, a deadlock, a failover) answers 503
/// with <c>Retry-After</c>, not 500: the request changed nothing, and the same request may be sent again.
/// </summary>
internal sealed class Unavailable(Db db, ILogger<Unavailable> log) : IExceptionHandler
{
    /// <summary>The seconds a client is asked to wait.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!db.Dialect.IsTransient(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        log.DatabaseUnavailable(exception.GetType().Name, exception.Message);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problems.Of(Problems.Unavailable, $"数据库繁忙或无法连接；未作任何更改。请在 {RetryAfterSeconds} 秒后重试。", $"The database is busy or out of reach; nothing was changed. Retry after {RetryAfterSeconds} s.")
            .ExecuteAsync(httpContext);
        return true;
    }
}
