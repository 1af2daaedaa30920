using System.Net;

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

