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
    internal List<IPNetwork>? ParseAllowedNetworks(out string? malformed)
    {
        var networks = new List<IPNetwork>();
        malformed = null;
        foreach (var entry in AllowedNetworks.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IPNetwork.TryParse(entry, out var network))
            {
                malformed = entry;
                return null;
            }

            networks.Add(network);
        }

        return networks;
    }
}

/// <summary>A malformed <c>Compliance:Webhooks:AllowedNetworks</c> stops the server at start, naming the entry.</summary>
internal sealed class WebhookOptionsValidation : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options) =>
        options.ParseAllowedNetworks(out var malformed) is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{WebhookOptions.Section}:AllowedNetworks: '{malformed}' is not a CIDR range; give an address and a prefix length, such as 10.20.0.0/16 or fd00::/8, separated by commas.");
}
