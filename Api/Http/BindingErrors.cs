using System.Text.Json;
using System.Text.RegularExpressions;

namespace Compliance.Api.Http;

/// <summary>Names the field at fault when the framework cannot bind a request, for the <c>errors</c> of a 400.</summary>
internal static partial class BindingErrors
{
    public static (string Field, string Message) Describe(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json)
        {
            // "$.regionCode" → regionCode; "$" or none: the body as a whole is not the JSON expected.
            var path = json.Path?.TrimStart('$').TrimStart('.');
            return string.IsNullOrEmpty(path)
                ? ("body", "The body is not a JSON object of the expected shape.")
                : (path, $"{path} has the wrong JSON type or format.");
        }

        var parameter = ParameterName().Match(exception.Message);
        if (parameter.Success)
        {
            var name = parameter.Groups["name"].Value;
            return name == "body" ? ("body", "A JSON body is required.") : (name, $"{name} has the wrong type or format.");
        }

        return ("body", exception.Message);
    }

    // Messages such as: Failed to bind parameter "int? page" from "abc". / ... parameter "InstitutionBody body" ...
    [GeneratedRegex("parameter \"(?:[^\"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex ParameterName();
}
