using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Compliance.Api.Http;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Deadlines;

/// <summary>
/// Where a webhook may go. Never to an address inside the server's own networks — loopback, link-local (cloud metadata
/// at 169.254.169.254 among them), private (RFC 1918, IPv6 unique local), shared (100.64.0.0/10), multicast, reserved
/// or unspecified, in IPv4 or IPv4-mapped IPv6 form — unless <c>Compliance:Webhooks:AllowedNetworks</c> allows it.
/// An IPv6 address that carries an IPv4 one, which a translator or relay on the way may deliver to, is judged by the
/// IPv4 addresses it carries (see <see cref="Carried"/>). A delivery resolves the host itself and connects only to an
/// allowed address, so a name that resolves (or comes to resolve) to a refused address is refused too.
/// </summary>
internal sealed class WebhookDestinations
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),       // "this network", 0.0.0.0 unspecified
        IPNetwork.Parse("10.0.0.0/8"),      // private
        IPNetwork.Parse("100.64.0.0/10"),   // shared address space (carrier-grade NAT)
        IPNetwork.Parse("127.0.0.0/8"),     // loopback
        IPNetwork.Parse("169.254.0.0/16"),  // link-local
        IPNetwork.Parse("172.16.0.0/12"),   // private
        IPNetwork.Parse("192.0.0.0/24"),    // IETF protocol assignments
        IPNetwork.Parse("192.168.0.0/16"),  // private
        IPNetwork.Parse("198.18.0.0/15"),   // benchmarking
        IPNetwork.Parse("224.0.0.0/4"),     // multicast
        IPNetwork.Parse("240.0.0.0/4"),     // reserved, and the broadcast address
        IPNetwork.Parse("::/128"),          // unspecified
        IPNetwork.Parse("::1/128"),         // loopback
        IPNetwork.Parse("64:ff9b:1::/48"),  // local-use IPv4/IPv6 translation (RFC 8215): where it carries IPv4 is the operator's choice
        IPNetwork.Parse("fc00::/7"),        // unique local
        IPNetwork.Parse("fe80::/10"),       // link-local
        IPNetwork.Parse("fec0::/10"),       // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"),        // multicast
    ];

    private readonly IReadOnlyList<IPNetwork> _allowed;

    // Reading the options validates them (NetworkListValidation): a malformed entry throws before this parse.
    public WebhookDestinations(IOptions<WebhookOptions> options) => _allowed = options.Value.ParseAllowedNetworks(out _) ?? [];

    // IPv6 prefixes whose addresses carry an IPv4 address in bits of their own.
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Teredo = IPNetwork.Parse("2001::/32");

    /// <summary>
    /// Whether a webhook may reach <paramref name="address"/>: it is allowed by <c>AllowedNetworks</c>, or it lies in
    /// no refused range and every IPv4 address it carries may be reached.
    /// </summary>
    public bool Allows(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (_allowed.Any(n => n.Contains(address) || n.Contains(plain)))
        {
            return true;
        }

        return !Refused.Any(n => n.Contains(plain)) && Carried(plain).All(Allows);
    }

    /// <summary>
    /// The IPv4 addresses an IPv6 address carries, where a translator or relay would take a packet sent to it: NAT64
    /// (<c>64:ff9b::/96</c>) and IPv4-compatible (<c>::/96</c>) addresses their last 32 bits, 6to4
    /// (<c>2002::/16</c>) bits 16 to 47, and Teredo (<c>2001::/32</c>) both its server's address, bits 32 to 63, and
    /// its client's, the last 32 bits inverted. None for any other address.
    /// </summary>
    private static IEnumerable<IPAddress> Carried(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return [];
        }

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address) || Compatible.Contains(address))
        {
            return [new IPAddress(bytes[12..16])];
        }

        if (SixToFour.Contains(address))
        {
            return [new IPAddress(bytes[2..6])];
        }

        if (Teredo.Contains(address))
        {
            return [new IPAddress(bytes[4..8]), new IPAddress(bytes[12..16].Select(b => (byte)(b ^ 0xFF)).ToArray())];
        }

        return [];
    }

    /// <summary>
    /// Why <paramref name="url"/> cannot be a webhook, or null: it is an absolute http or https URL without a user
    /// name or password, and if its host is an address (in any form <see cref="Uri"/> reads, such as
    /// <c>http://2130706433/</c> or <c>http://0x7f.1/</c>), a webhook may reach it. A name is checked when a delivery
    /// connects, since what it resolves to can change.
    /// </summary>
    public string? Refusal(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return Languages.Say("webhookUrl 应为绝对的 http 或 https 地址。", "webhookUrl is an absolute http or https URL.");
        }

        if (uri.UserInfo.Length > 0)
        {
            return Languages.Say(
                "webhookUrl 不得含有用户名或密码（user:pass@）：接收方凭签名验证推送。",
                "webhookUrl carries no user name or password (user:pass@): the receiver authenticates a delivery by its signature.");
        }

        return uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(uri.IdnHost, out var address) && !Allows(address)
            ? Languages.Say(
                "webhookUrl 指向回环、链路本地、私有、共享、组播、保留或未指定地址，或携带此类地址的 IPv6 地址（NAT64、IPv4 兼容、6to4、Teredo），推送不得访问。",
                "webhookUrl names a loopback, link-local, private, shared, multicast, reserved or unspecified address, or an IPv6 address that carries one (NAT64, IPv4-compatible, 6to4, Teredo), which webhooks may not reach.")
            : null;
    }

    /// <summary>
    /// <paramref name="url"/> without the user name and password a URL stored before they were refused may carry, for
    /// answers, logs and the delivery itself.
    /// </summary>
    [return: NotNullIfNotNull(nameof(url))]
    public static string? WithoutUserInfo(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped)
            : url;

    /// <summary>The handler webhooks are sent through: it connects only to allowed addresses and follows no redirect.</summary>
    public SocketsHttpHandler NewHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        // A proxy would be the address connected to, and the destination's would go unchecked.
        UseProxy = false,
        ConnectCallback = ConnectAsync,
    };

    /// <summary>
    /// Resolves the host, keeps the addresses a webhook may reach, and connects to the first of them that answers;
    /// with none allowed, fails as a refused connection does.
    /// </summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(Allows).ToList();
        if (allowed.Count == 0)
        {
            throw new DestinationRefusedException();
        }

        SocketException? failed = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failed = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw failed!;
    }
}

/// <summary>A webhook's host resolves to no address a webhook may reach.</summary>
internal sealed class DestinationRefusedException()
    : IOException("The webhook's host resolves to no address outside the refused ranges or inside Compliance:Webhooks:AllowedNetworks.");
