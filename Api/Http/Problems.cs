using Compliance.Engine;
using Compliance.Engine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Compliance.Api.Http;

/// <summary>
/// The kinds of error of api.md, each answered as RFC 9457 problem details with the stable type
/// <c>/problems/&lt;kind&gt;</c>, and explained by <c>GET /problems/&lt;kind&gt;</c>.
/// </summary>
internal static class Problems
{
    public sealed record Kind(string Name, int Status, LocalizedText Title, LocalizedText Explanation);

    public static readonly Kind Unauthorized = new("unauthorized", 401, new("未认证", "Unauthorized"), new(
        "请求未带 X-Api-Key 请求头，或所带密钥不存在、已吊销。请使用有效的 API 密钥。",
        "The request has no X-Api-Key header, or its key is unknown or revoked. Send a valid API key."));

    public static readonly Kind Forbidden = new("forbidden", 403, new("无权操作", "Forbidden"), new(
        "该密钥的角色不能对此资源执行此操作（例如机构办结监测事项，或为其他机构报送）。",
        "The key's role may not take this action on this resource (for example an institution resolving an exception, or submitting for another institution)."));

    public static readonly Kind NotFound = new("not-found", 404, new("未找到", "Not found"), new(
        "该资源不存在，或该密钥无权查看；两者的答复相同，机构之间、辖区之间不泄露任何信息。",
        "The resource does not exist, or the key may not see it; the two are answered alike so nothing leaks across institutions or jurisdictions."));

    public static readonly Kind InvalidRequest = new("invalid-request", 400, new("请求无效", "Invalid request"), new(
        "有参数或字段缺失或格式不正确；errors 成员逐项列出出错的字段及其问题。",
        "A parameter or field is missing or malformed; the errors member names each field and what is wrong with it."));

    public static readonly Kind LedgerInvalid = new("ledger-invalid", 422, new("台账有误", "Ledger invalid"), new(
        "台账有错误，已整体退回。errors 成员列出前 1,000 条错误及其行号、列名和代码（ledger.md）；errorCount 为错误总数，可通过 GET /api/v1/submissions/{submissionId}/errors 分页查看全部错误。",
        "The ledger has errors and was rejected whole. The errors member lists the first 1,000 with their line, column and code (ledger.md); errorCount is the true total, and GET /api/v1/submissions/{submissionId}/errors pages through all of them."));

    public static readonly Kind IdempotencyKeyReused = new("idempotency-key-reused", 422, new("幂等键已被使用", "Idempotency key reused"), new(
        "该 Idempotency-Key 此前已用于正文、报告期、机构或 dryRun 不同的请求。不同的请求请使用新的幂等键。",
        "The Idempotency-Key was used before with a different body, period, institution or dryRun. Use a new key for a different request."));

    public static readonly Kind IdempotencyKeyInUse = new("idempotency-key-in-use", 409, new("幂等键处理中", "Idempotency key in use"), new(
        "使用该 Idempotency-Key 的首次请求仍在处理中，请待其完成后重试。",
        "The first request with this Idempotency-Key is still being processed. Retry after it completes."));

    public static readonly Kind InvalidTransition = new("invalid-transition", 409, new("状态不允许此操作", "Invalid transition"), new(
        "监测事项的当前状态不允许此操作（状态流转见 rules.md）。",
        "The exception's current status does not allow this action (see the lifecycle in rules.md)."));

    public static readonly Kind MethodNotAllowed = new("method-not-allowed", 405, new("不支持该请求方法", "Method not allowed"), new(
        "该路径存在，但不接受此 HTTP 方法；Allow 响应头列出其接受的方法。",
        "The path exists but does not take this HTTP method; the Allow header lists the methods it takes."));

    public static readonly Kind Conflict = new("conflict", 409, new("冲突", "Conflict"), new(
        "该资源已存在，或其状态不允许此变更（已删除的信贷计划不能再次删除）。",
        "The resource exists already, or its state does not allow the change (a credit plan deleted already cannot be deleted again)."));

    public static readonly Kind PayloadTooLarge = new("payload-too-large", 413, new("请求正文过大", "Payload too large"), new(
        "请求正文超过服务器接受的大小（台账见 Compliance:Ingest:MaxBytes）。",
        "The body is larger than the server accepts (Compliance:Ingest:MaxBytes for ledgers)."));

    public static readonly Kind RequestTimeout = new("request-timeout", 408, new("请求超时", "Request timeout"), new(
        "请求正文的传输速度低于服务器接受的下限（5 秒后按 Compliance:Limits:MinUploadBytesPerSecond 计），已被中断；未保存任何内容。",
        "The body arrived slower than the server accepts (Compliance:Limits:MinUploadBytesPerSecond, after 5 s) and was cut off; nothing was stored."));

    public static readonly Kind UriTooLong = new("uri-too-long", 414, new("URI 过长", "URI too long"), new(
        "路径或查询字符串超过服务器接受的长度（Compliance:Limits:MaxPathBytes、Compliance:Limits:MaxQueryBytes）。",
        "The path or the query string is longer than the server accepts (Compliance:Limits:MaxPathBytes, Compliance:Limits:MaxQueryBytes)."));

    public static readonly Kind HeadersTooLarge = new("headers-too-large", 431, new("请求头过大", "Request headers too large"), new(
        "请求头字段的个数或字节数超过服务器接受的上限（Compliance:Limits:MaxHeaderCount、Compliance:Limits:MaxHeaderBytes）。",
        "The request has more header fields, or more header bytes, than the server accepts (Compliance:Limits:MaxHeaderCount, Compliance:Limits:MaxHeaderBytes)."));

    public static readonly Kind UnsupportedMediaType = new("unsupported-media-type", 415, new("不支持的媒体类型", "Unsupported media type"), new(
        "该接口不读取此 Content-Type：JSON 正文须为 application/json；台账须为 text/csv（字符集 utf-8、gb18030 或 gbk）。",
        "The Content-Type is not one this endpoint reads: application/json for JSON bodies; text/csv (charset utf-8, gb18030 or gbk) for ledgers."));

    public static readonly Kind RateLimited = new("rate-limited", 429, new("请求过于频繁", "Too many requests"), new(
        "该密钥的请求次数超过上限，或服务器正在运行的规则集变更预览已达同时运行的上限；请在 Retry-After 所示秒数后重试。",
        "The key sent more requests than it may, or the server already runs as many previews of a rule-set change as it runs at once; retry after the number of seconds in Retry-After."));

    public static readonly Kind Unavailable = new("unavailable", 503, new("服务暂不可用", "Service unavailable"), new(
        "数据库繁忙或无法连接；请在 Retry-After 所示秒数后重试。",
        "The database is busy or unreachable; retry after the number of seconds in Retry-After."));

    public static readonly Kind NotImplemented = new("not-implemented", 501, new("不支持此功能", "Not implemented"), new(
        "服务器在所配置的数据库上不提供此功能（例如 SQL Server 上不能通过 HTTP 备份，应使用 BACKUP DATABASE）；detail 说明应改用的方式。",
        "The server does not offer this on the database it is configured with (for example a backup over HTTP on SQL Server, which is backed up with BACKUP DATABASE); the detail says what to use instead."));

    public static readonly Kind Internal = new("internal", 500, new("服务器内部错误", "Internal error"), new(
        "服务器处理失败。traceId 成员标识服务器日志中的这次失败；报告问题时请附上该编号。",
        "The server failed. The traceId member identifies the failure in the server's logs; report it with that id."));

    public static IReadOnlyList<Kind> All { get; } =
    [
        Unauthorized, Forbidden, NotFound, MethodNotAllowed, InvalidRequest, LedgerInvalid, IdempotencyKeyReused, IdempotencyKeyInUse,
        InvalidTransition, Conflict, PayloadTooLarge, RequestTimeout, UriTooLong, HeadersTooLarge, UnsupportedMediaType, RateLimited, Unavailable, NotImplemented, Internal,
    ];

    public static string TypeOf(Kind kind) => $"/problems/{kind.Name}";

    /// <summary>The kind of a status code, for answers produced by the framework itself.</summary>
    public static Kind ForStatus(int status) => All.FirstOrDefault(k => k.Status == status && k != LedgerInvalid && k != IdempotencyKeyReused && k != IdempotencyKeyInUse && k != InvalidTransition)
        ?? (status >= 500 ? Internal : InvalidRequest);

    /// <summary>A problem of <paramref name="kind"/>: its title and <paramref name="detail"/> in the request's language.</summary>
    public static ProblemHttpResult Of(Kind kind, string detail, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return TypedResults.Problem(detail: detail, statusCode: kind.Status, title: Languages.Say(kind.Title), type: TypeOf(kind), extensions: extensions);
    }

    /// <summary>A problem of <paramref name="kind"/> whose detail is <paramref name="zh"/> or <paramref name="en"/>, by the request's language.</summary>
    public static ProblemHttpResult Of(Kind kind, string zh, string en, IDictionary<string, object?>? extensions = null) =>
        Of(kind, Languages.Say(zh, en), extensions);

    /// <summary>404 for <paramref name="zh"/> / <paramref name="en"/>, the thing asked for ("监测事项 5", "Exception 5").</summary>
    public static ProblemHttpResult NotFoundResult(string zh, string en) =>
        Of(NotFound, $"{zh}不存在，或本密钥无权查看。", $"{en} does not exist or is not visible to this key.");

    public static ProblemHttpResult ForbiddenResult(string zh, string en) => Of(Forbidden, zh, en);

    /// <summary>400 with <c>errors: {field: [messages]}</c>.</summary>
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        Of(InvalidRequest, InvalidDetail(errors), new Dictionary<string, object?> { ["errors"] = errors });

    /// <summary>The detail of a 400: every field at fault with its messages.</summary>
    public static string InvalidDetail(IDictionary<string, string[]> errors) =>
        Languages.Say("请求中有字段无效：", "The request has invalid fields: ") + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    /// <summary>400 for one field, its message <paramref name="zh"/> or <paramref name="en"/> by the request's language.</summary>
    public static ProblemHttpResult Invalid(string field, string zh, string en) =>
        Invalid(new Dictionary<string, string[]> { [field] = [Languages.Say(zh, en)] });

    /// <summary>Maps <c>GET /problems/{kind}</c>: a short page explaining each kind, in the request's language.</summary>
    public static void MapProblems(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/problems/{kind}", (string kind) =>
            All.FirstOrDefault(k => k.Name == kind) is { } found
                ? Results.Content(Page(found, Languages.Chosen), "text/html; charset=utf-8")
                : Problems.Of(NotFound, $"没有名为“{kind}”的问题类型。", $"There is no problem kind '{kind}'."))
            .WithTags("Operations").WithName("ExplainProblem").WithSummary("Explain a problem type").WithDescription("A short page explaining one problem type of the API (/problems/<kind>): its status and what to do, in the language of Accept-Language.").AllowAnonymous().Produces(200, contentType: "text/html").ProducesProblem(404);
    }

    private static string Page(Kind kind, Language language)
    {
        var title = System.Net.WebUtility.HtmlEncode(kind.Title.In(language));
        return $"<!doctype html><html lang=\"{Languages.Tag(language)}\"><meta charset=\"utf-8\"><title>{title}</title>" +
            $"<h1>{title} ({kind.Status})</h1><p><code>/problems/{kind.Name}</code></p><p>{System.Net.WebUtility.HtmlEncode(kind.Explanation.In(language))}</p></html>";
    }
}
