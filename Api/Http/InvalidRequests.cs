using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Compliance.Engine.Rules;

namespace Compliance.Api.Http;

/// <summary>
/// The one place that turns a request the framework could not bind, or whose declared validation failed, into the
/// <c>errors: {field: [messages]}</c> of a 400 <c>invalid-request</c>: each field by the name a client sends, each
/// message naming it and what it takes.
/// </summary>
internal static partial class InvalidRequests
{
    /// <summary>What the text of a type is, completing "<c>name is …</c>": every <see cref="IAccepted{TSelf}"/>, and the numbers.</summary>
    private static readonly Dictionary<string, LocalizedText> Forms = typeof(InvalidRequests).Assembly.GetTypes()
        .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAccepted<>)))
        .ToDictionary(t => t.Name, t => (LocalizedText)t.GetProperty(nameof(Period.Accepted))!.GetValue(null)!, StringComparer.Ordinal)
        .Concat(new Dictionary<string, LocalizedText>
        {
            ["int"] = new("整数", "a whole number"), ["long"] = new("整数", "a whole number"), ["bool"] = new("true 或 false", "true or false"),
        })
        .ToDictionary(StringComparer.Ordinal);

    /// <summary>The errors of a request that failed binding or validation; <c>null</c> for any other problem.</summary>
    public static Dictionary<string, string[]>? ErrorsOf(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad)
        {
            var (field, message) = Describe(bad, context.AdditionalMetadata);
            return new Dictionary<string, string[]> { [field] = [message] };
        }

        return context.ProblemDetails is HttpValidationProblemDetails validation ? ByJsonName(validation.Errors) : null;
    }

    /// <summary>
    /// The errors of the attributes <paramref name="value"/> declares, or <c>null</c>: for a handler that must first
    /// answer what it may (a resource the caller cannot see is 404 whatever the request) and skips the validation
    /// that runs before it.
    /// </summary>
    public static Dictionary<string, string[]>? Validate(object value)
    {
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true) ? null
            : ByJsonName(results.SelectMany(r => r.MemberNames.Select(m => (m, r.ErrorMessage ?? ""))).GroupBy(e => e.Item1, e => e.Item2)
                .ToDictionary(g => g.Key, g => g.ToArray()));
    }

    /// <summary>Validation names a field by its property (Page, Years.From): a client knows it by its JSON name (page, years.from).</summary>
    private static Dictionary<string, string[]> ByJsonName(IDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => JsonName(e.Key), e => e.Value.Select(m => m.StartsWith(e.Key, StringComparison.Ordinal) ? JsonName(e.Key) + m[e.Key.Length..] : m).ToArray());

    private static (string Field, string Message) Describe(BadHttpRequestException exception, EndpointMetadataCollection? endpoint)
    {
        if (exception.InnerException is JsonException json)
        {
            // "$.regionCode" → regionCode; "$" or none: the body as a whole is not the JSON expected.
            var path = json.Path?.TrimStart('$').TrimStart('.');
            return string.IsNullOrEmpty(path)
                ? ("body", Languages.Say("请求正文不是所要求结构的 JSON 对象。", "The body is not a JSON object of the expected shape."))
                : (path, Languages.Say($"{path} 的 JSON 类型或格式不正确。", $"{path} has the wrong JSON type or format."));
        }

        var parameter = Parameter().Match(exception.Message);
        if (!parameter.Success)
        {
            return ("body", Languages.Say("请求无法读取：" + exception.Message, exception.Message));
        }

        var name = JsonName(parameter.Groups["name"].Value);
        return name == "body" ? ("body", Languages.Say("缺少 JSON 请求正文。", "A JSON body is required."))
            : Declared(endpoint, name) is { } declared ? (name, declared)
            : Forms.TryGetValue(parameter.Groups["type"].Value, out var form) ? (name, AcceptedRanges.Is(name, form))
            : (name, Languages.Say($"{name} 的类型或格式不正确。", $"{name} has the wrong type or format."));
    }

    /// <summary>The message of the range the handler declares for a parameter (one of its own, or of an <c>[AsParameters]</c> record).</summary>
    private static string? Declared(EndpointMetadataCollection? endpoint, string name)
    {
        var handler = endpoint?.GetMetadata<MethodInfo>();
        var members = (handler?.GetParameters() ?? []).SelectMany(p => p.GetCustomAttribute<AsParametersAttribute>() is null
            ? [(p.Name, (ICustomAttributeProvider)p)]
            : p.ParameterType.GetProperties().Select(q => ((string?)q.Name, (ICustomAttributeProvider)q)));
        return members.Where(m => string.Equals(m.Item1, name, StringComparison.OrdinalIgnoreCase))
            .SelectMany(m => m.Item2.GetCustomAttributes(typeof(RangeAttribute), inherit: true)).OfType<RangeAttribute>()
            .FirstOrDefault()?.FormatErrorMessage(name);
    }

    private static string JsonName(string path) => string.Join('.', path.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    // Messages such as: Failed to bind parameter "Nullable<int> Page" from "abc". / ... parameter "InstitutionBody body" ...
    [GeneratedRegex("parameter \"(?:(?:Nullable<)?(?<type>[A-Za-z0-9_]*)[^\" ]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex Parameter();
}
