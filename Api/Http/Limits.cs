using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Compliance.Api.Access;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Http;

/// <summary><c>Compliance:Limits</c>: what one client may send, and how fast.</summary>
public sealed class LimitOptions
{
    public const string Section = "Compliance:Limits";

    /// <summary>Requests a key may make per second, sustained (0 turns rate limiting off).</summary>
    [Range(0, int.MaxValue)]
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>Requests a key may make at once, before the sustained rate applies.</summary>
    [Range(0, int.MaxValue)]
    public int Burst { get; set; } = 200;

    /// <summary>The longest query string, in bytes; longer answers 414.</summary>
    [Range(1, int.MaxValue)]
    public int MaxQueryBytes { get; set; } = 4096;

    /// <summary>The longest path, in bytes; longer answers 414.</summary>
    [Range(1, 64 * 1024)]
    public int MaxPathBytes { get; set; } = 4096;

    /// <summary>The most header bytes (names and values); more answers 431.</summary>
    [Range(1, int.MaxValue)]
    public int MaxHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>The most header fields, a repeated field counting once for each of its values; more answers 431.</summary>
    [Range(1, 10_000)]
    public int MaxHeaderCount { get; set; } = 100;

    /// <summary>The largest JSON body (ledgers and deliverables have limits of their own); larger answers 413.</summary>
    [Range(1, long.MaxValue)]
    public long MaxJsonBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The slowest upload tolerated, in bytes per second after a grace period of 5 s; slower is cut off.</summary>
    [Range(0, double.MaxValue)]
    public double MinUploadBytesPerSecond { get; set; } = 240;
}

/// <summary>Marks an endpoint that reads its body as a stream and counts it against a limit of its own.</summary>
internal sealed record StreamedBody;

/// <summary>Rate limiting per API key, and size limits on what a request may carry.</summary>
internal static class Limits
{
    /// <summary>The least of Kestrel's own header limit, behind those of <see cref="LimitOptions"/>.</summary>
    private const int BackstopBytes = 64 * 1024;

    /// <summary>
    /// The least of Kestrel's own request-line limit, which must fit its request buffer (1 MiB): a path or query string
    /// far beyond ours is still answered by the middleware below.
    /// </summary>
    private const int RequestLineBackstopBytes = 256 * 1024;

    public static WebApplicationBuilder AddComplianceLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitOptions>>((kestrel, options) =>
        {
            // Kestrel answers its own limits with a bare status and no body, so its limits sit well above ours: what
            // passes ours by a little is answered by the middleware below as problem+json, and only a request far
            // beyond them meets Kestrel's.
            var limits = options.Value;
            kestrel.Limits.MaxRequestHeadersTotalSize = Math.Max(4 * limits.MaxHeaderBytes, BackstopBytes);
            kestrel.Limits.MaxRequestHeaderCount = 4 * limits.MaxHeaderCount;
            kestrel.Limits.MaxRequestLineSize = Math.Max(4 * (limits.MaxPathBytes + limits.MaxQueryBytes), RequestLineBackstopBytes);
            kestrel.Limits.MaxRequestBodySize = limits.MaxJsonBodyBytes;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinUploadBytesPerSecond, TimeSpan.FromSeconds(5));
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitOptions>, ClientAddresses>((options, limitOptions, clients) =>
        {
            var limits = limitOptions.Value;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits, clients));
            options.OnRejected = async (rejected, ct) =>
            {
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                var response = rejected.HttpContext.Response;
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Of(Problems.RateLimited, $"该密钥每秒最多可发 {limits.PermitsPerSecond} 个请求（突发 {limits.Burst} 个）；请在 {seconds} 秒后重试。", $"This key may make {limits.PermitsPerSecond} requests a second (bursts of {limits.Burst}); retry after {seconds} s.")
                    .ExecuteAsync(rejected.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>After authentication: the size checks, then the rate limiter (per key, or per client address without one).</summary>
    public static WebApplication UseComplianceLimits(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<IOptions<LimitOptions>>().Value;
        app.Use(async (context, next) =>
        {
            if (Refusal(context, limits) is { } refusal)
            {
                await refusal.ExecuteAsync(context);
                return;
            }

            if (context.GetEndpoint()?.Metadata.GetMetadata<StreamedBody>() is null
                && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = limits.MaxJsonBodyBytes;
            }

            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, LimitOptions limits, ClientAddresses clients)
    {
        if (limits.PermitsPerSecond <= 0 || context.Request.Path.StartsWithSegments("/health"))
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }

        // Without a key, by the source the audit log counts it by: the client behind a trusted proxy, not the proxy
        // that all its clients would share; an IPv6 client by its /64, not by each of the addresses it may take.
        var key = context.User.FindFirstValue(Caller.KeyIdClaim) is { } id
            ? "key:" + id
            : "address:" + clients.SourceOf(context);
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, limits.Burst),
            TokensPerPeriod = limits.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>The answer to a request that carries too much before it is read, or null.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Refusal(HttpContext context, LimitOptions limits)
    {
        var request = context.Request;
        if (System.Text.Encoding.UTF8.GetByteCount(request.PathBase.Value + request.Path.Value) > limits.MaxPathBytes)
        {
            return Problems.Of(Problems.UriTooLong, $"路径超过 {limits.MaxPathBytes} 字节。", $"The path is longer than {limits.MaxPathBytes} bytes.");
        }

        if (request.QueryString.HasValue && System.Text.Encoding.UTF8.GetByteCount(request.QueryString.Value!) > limits.MaxQueryBytes)
        {
            return Problems.Of(Problems.UriTooLong, $"查询字符串超过 {limits.MaxQueryBytes} 字节。", $"The query string is longer than {limits.MaxQueryBytes} bytes.");
        }

        var (headerBytes, headerCount) = (0L, 0L);
        foreach (var (name, values) in request.Headers)
        {
            headerBytes += name.Length + values.Sum(v => (long)(v?.Length ?? 0));
            headerCount += Math.Max(1, values.Count);
        }

        if (headerCount > limits.MaxHeaderCount)
        {
            return Problems.Of(Problems.HeadersTooLarge, $"请求头字段超过 {limits.MaxHeaderCount} 个。", $"The request has more than {limits.MaxHeaderCount} header fields.");
        }

        if (headerBytes > limits.MaxHeaderBytes)
        {
            return Problems.Of(Problems.HeadersTooLarge, $"请求头超过 {limits.MaxHeaderBytes} 字节。", $"The headers carry more than {limits.MaxHeaderBytes} bytes.");
        }

        if (request.ContentLength > limits.MaxJsonBodyBytes && context.GetEndpoint()?.Metadata.GetMetadata<StreamedBody>() is null)
        {
            return Problems.Of(Problems.PayloadTooLarge, $"请求正文超过该接口接受的 {limits.MaxJsonBodyBytes} 字节。", $"The body is larger than the {limits.MaxJsonBodyBytes} bytes this endpoint accepts.");
        }

        return null;
    }
}
