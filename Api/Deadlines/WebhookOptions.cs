using System.Net;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Deadlines;

/// <summary><c>Compliance:Webhooks</c>: where webhooks may go.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Compliance:Webhooks";

    /// <summary>
    /// Comma-separated CIDR ranges (<c>10.20.0.0/16, fd00:1::/64</c>) a webhook may reach although they lie in a
    /// range refused by default (<see cref="WebhookDestinations"/>); empty by default.
    /// </summary>
    public string AllowedNetworks { get; set; } = "";

    /// <summary>The ranges of <see cref="AllowedNetworks"/>, or null with the first entry that is not one.</summary>
    internal List<IPNetwork>? ParseAllowedNetworks(out string? malformed) => Http.Networks.Parse(AllowedNetworks, out malformed);
}

/// <summary>A malformed <c>Compliance:Webhooks:AllowedNetworks</c> stops the server at start, naming the entry.</summary>
internal sealed class WebhookOptionsValidation : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options) =>
        options.ParseAllowedNetworks(out var malformed) is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(Http.Networks.Malformed($"{WebhookOptions.Section}:AllowedNetworks", malformed));
}
