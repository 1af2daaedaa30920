using System.Text.Json;
using System.Text.Json.Serialization;

namespace Compliance.Api.Http;

/// <summary>
/// Text of a JSON body where absent and <c>null</c> differ: absent (<see cref="IsGiven"/> false) keeps what is stored,
/// <c>null</c> removes it, a string sets it. Any other JSON fails binding, and the 400 names the field
/// (<see cref="InvalidRequests"/>).
/// </summary>
[JsonConverter(typeof(OptionalTextConverter))]
public readonly record struct OptionalText(bool IsGiven, string? Value)
{
    /// <summary>The text given (or <c>null</c> given), else <paramref name="stored"/>.</summary>
    public string? Or(string? stored) => IsGiven ? Value : stored;
}

/// <summary>Reads <see cref="OptionalText"/>: the converter is called for a field that is present, <c>null</c> included.</summary>
internal sealed class OptionalTextConverter : JsonConverter<OptionalText>
{
    public override bool HandleNull => true;

    public override OptionalText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => new OptionalText(true, null),
        JsonTokenType.String => new OptionalText(true, reader.GetString()),
        _ => throw new JsonException("Expected a string or null."),
    };

    public override void Write(Utf8JsonWriter writer, OptionalText value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.Value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value.Value);
        }
    }
}
