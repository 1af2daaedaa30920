using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Http;

/// <summary><c>Compliance:Http</c>: how requests reach the server.</summary>
public sealed class HttpOptions
{
    public const string Section = "Compliance:Http";

    /// <summary>
    /// Comma-separated addresses and CIDR ranges (<c>10.20.0.5, fd00:1::/64</c>) of the reverse proxies whose
    /// <c>X-Forwarded-For</c> names the client; none by default, so the connection's peer is the client.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>The ranges of <see cref="TrustedProxies"/>, or null with the first entry that is not one.</summary>
    internal List<IPNetwork>? ParseTrustedProxies(out string? malformed) => Networks.Parse(TrustedProxies, out malformed, addresses: true);
}

/// <summary>
/// Where a request comes from: the connection's peer, or the client a trusted proxy forwards. The audit log counts,
/// and the rate limiter holds, requests without a valid key by their <see cref="SourceOf">source</see>.
/// </summary>
internal sealed class ClientAddresses(IOptions<HttpOptions> options)
{
    public const string ForwardedFor = "X-Forwarded-For";

    /// <summary>The source of a request whose peer the server does not know.</summary>
    public const string Unknown = "(unknown)";

    /// <summary>An IPv6 client is known by its /64: one network is given that many addresses at once.</summary>
    private const int Ipv6SourcePrefix = 64;

    private readonly List<IPNetwork> _trusted = options.Value.ParseTrustedProxies(out _) ?? [];

    /// <summary>
    /// The client's address: the peer's; where the peer is a trusted proxy, the right-most address of
    /// <c>X-Forwarded-For</c> that is not itself a trusted proxy (what lies left of it, the client wrote itself). An
    /// entry that is no address ends the walk at the proxy that sent it. Null where the peer is unknown.
    /// </summary>
    public IPAddress? ClientOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Connection.RemoteIpAddress is not { } peer)
        {
            return null;
        }

        var client = Networks.Unmapped(peer);
        if (_trusted.Count == 0 || !_trusted.Holds(client))
        {
            return client;
        }

        var forwarded = string.Join(',', context.Request.Headers[ForwardedFor].ToArray())
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = forwarded.Length - 1; i >= 0 && _trusted.Holds(client); i--)
        {
            if (!IPEndPoint.TryParse(forwarded[i], out var endPoint))
            {
                break;
            }

            client = Networks.Unmapped(endPoint.Address);
        }

        return client;
    }

    /// <summary>The source a request is counted and limited by: its client's address, an IPv6 one as its /64.</summary>
    public string SourceOf(HttpContext context) => ClientOf(context) switch
    {
        null => Unknown,
        { AddressFamily: AddressFamily.InterNetworkV6 } v6 => new IPNetwork(Prefix(v6, Ipv6SourcePrefix), Ipv6SourcePrefix).ToString(),
        var v4 => v4.ToString(),
    };

    private static IPAddress Prefix(IPAddress address, int bits)
    {
        var bytes = address.GetAddressBytes();
        for (var i = bits / 8; i < bytes.Length; i++)
        {
            bytes[i] = 0;
        }

        return new IPAddress(bytes);
    }
}
