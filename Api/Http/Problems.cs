using Microsoft.AspNetCore.Http.HttpResults;

namespace Compliance.Api.Http;

/// <summary>
/// The kinds of error of api.md, each answered as RFC 9457 problem details with the stable type
/// <c>/problems/&lt;kind&gt;</c>, and explained by <c>GET /problems/&lt;kind&gt;</c>.
/// </summary>
internal static class Problems
{
    public sealed record Kind(string Name, int Status, string Title, string Explanation);

    public static readonly Kind Unauthorized = new("unauthorized", 401, "Unauthorized", "The request has no X-Api-Key header, or its key is unknown or revoked. Send a valid API key.");
    public static readonly Kind Forbidden = new("forbidden", 403, "Forbidden", "The key's role may not take this action on this resource (for example an institution resolving an exception, or submitting for another institution).");
    public static readonly Kind NotFound = new("not-found", 404, "Not found", "The resource does not exist, or the key may not see it; the two are answered alike so nothing leaks across institutions or jurisdictions.");
    public static readonly Kind InvalidRequest = new("invalid-request", 400, "Invalid request", "A parameter or field is missing or malformed; the errors member names each field and what is wrong with it.");
    public static readonly Kind LedgerInvalid = new("ledger-invalid", 422, "Ledger invalid", "The ledger has errors and was rejected whole. The errors member lists the first 1,000 with their line, column and code (ledger.md); errorCount is the true total, and GET /api/v1/submissions/{submissionId}/errors pages through all of them.");
    public static readonly Kind IdempotencyKeyReused = new("idempotency-key-reused", 422, "Idempotency key reused", "The Idempotency-Key was used before with a different body, period, institution or dryRun. Use a new key for a different request.");
    public static readonly Kind IdempotencyKeyInUse = new("idempotency-key-in-use", 409, "Idempotency key in use", "The first request with this Idempotency-Key is still being processed. Retry after it completes.");
    public static readonly Kind InvalidTransition = new("invalid-transition", 409, "Invalid transition", "The exception's current status does not allow this action (see the lifecycle in rules.md).");
    public static readonly Kind MethodNotAllowed = new("method-not-allowed", 405, "Method not allowed", "The path exists but does not take this HTTP method; the Allow header lists the methods it takes.");
    public static readonly Kind Conflict = new("conflict", 409, "Conflict", "The resource exists already, or its state does not allow the change (a credit plan deleted already cannot be deleted again).");
    public static readonly Kind PayloadTooLarge = new("payload-too-large", 413, "Payload too large", "The body is larger than the server accepts (Compliance:Ingest:MaxBytes for ledgers).");
    public static readonly Kind RequestTimeout = new("request-timeout", 408, "Request timeout", "The body arrived slower than the server accepts (Compliance:Limits:MinUploadBytesPerSecond, after 5 s) and was cut off; nothing was stored.");
    public static readonly Kind UriTooLong = new("uri-too-long", 414, "URI too long", "The path or the query string is longer than the server accepts (Compliance:Limits:MaxPathBytes, Compliance:Limits:MaxQueryBytes).");
    public static readonly Kind HeadersTooLarge = new("headers-too-large", 431, "Request headers too large", "The request has more header fields, or more header bytes, than the server accepts (Compliance:Limits:MaxHeaderCount, Compliance:Limits:MaxHeaderBytes).");
    public static readonly Kind UnsupportedMediaType = new("unsupported-media-type", 415, "Unsupported media type", "The Content-Type is not one this endpoint reads: application/json for JSON bodies; text/csv (charset utf-8, gb18030 or gbk) for ledgers.");
    public static readonly Kind RateLimited = new("rate-limited", 429, "Too many requests", "The key sent more requests than it may, or the server already runs as many previews of a rule-set change as it runs at once; retry after the number of seconds in Retry-After.");
    public static readonly Kind Unavailable = new("unavailable", 503, "Service unavailable", "The database is busy or unreachable; retry after the number of seconds in Retry-After.");
    public static readonly Kind NotImplemented = new("not-implemented", 501, "Not implemented", "The server does not offer this on the database it is configured with (for example a backup over HTTP on SQL Server, which is backed up with BACKUP DATABASE); the detail says what to use instead.");
    public static readonly Kind Internal = new("internal", 500, "Internal error", "The server failed. The traceId member identifies the failure in the server's logs; report it with that id.");

    public static IReadOnlyList<Kind> All { get; } =
    [
        Unauthorized, Forbidden, NotFound, MethodNotAllowed, InvalidRequest, LedgerInvalid, IdempotencyKeyReused, IdempotencyKeyInUse,
        InvalidTransition, Conflict, PayloadTooLarge, RequestTimeout, UriTooLong, HeadersTooLarge, UnsupportedMediaType, RateLimited, Unavailable, NotImplemented, Internal,
    ];

    public static string TypeOf(Kind kind) => $"/problems/{kind.Name}";

    /// <summary>The kind of a status code, for answers produced by the framework itself.</summary>
    public static Kind ForStatus(int status) => All.FirstOrDefault(k => k.Status == status && k != LedgerInvalid && k != IdempotencyKeyReused && k != IdempotencyKeyInUse && k != InvalidTransition)
        ?? (status >= 500 ? Internal : InvalidRequest);

    public static ProblemHttpResult Of(Kind kind, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: kind.Status, title: kind.Title, type: TypeOf(kind), extensions: extensions);

    public static ProblemHttpResult NotFoundResult(string what) => Of(NotFound, $"{what} does not exist or is not visible to this key.");

    public static ProblemHttpResult ForbiddenResult(string detail) => Of(Forbidden, detail);

    /// <summary>400 with <c>errors: {field: [messages]}</c>.</summary>
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        Of(InvalidRequest, InvalidDetail(errors), new Dictionary<string, object?> { ["errors"] = errors });

    /// <summary>The detail of a 400: every field at fault with its messages.</summary>
    public static string InvalidDetail(IDictionary<string, string[]> errors) =>
        "The request has invalid fields: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    public static ProblemHttpResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Maps <c>GET /problems/{kind}</c>: a short page explaining each kind.</summary>
    public static void MapProblems(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/problems/{kind}", (string kind) =>
            All.FirstOrDefault(k => k.Name == kind) is { } found
                ? Results.Content(Page(found), "text/html; charset=utf-8")
                : Results.Problem(detail: $"There is no problem kind '{kind}'.", statusCode: 404, title: NotFound.Title, type: TypeOf(NotFound)))
            .WithTags("Operations").WithName("ExplainProblem").WithSummary("Explain a problem type").WithDescription("A short page explaining one problem type of the API (/problems/<kind>): its status and what to do.").AllowAnonymous().Produces(200, contentType: "text/html").ProducesProblem(404);
    }

    private static string Page(Kind kind) =>
        $"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{kind.Title}</title>" +
        $"<h1>{kind.Title} ({kind.Status})</h1><p><code>/problems/{kind.Name}</code></p><p>{System.Net.WebUtility.HtmlEncode(kind.Explanation)}</p></html>";
}
