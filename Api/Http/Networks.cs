using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Http;

/// <summary>Lists of CIDR ranges in settings (<c>10.20.0.0/16, fd00:1::/64</c>), and which addresses are local.</summary>
internal static class Networks
{
    /// <summary>
    /// The ranges of a comma-separated list, or null with the first entry that is not one; with
    /// <paramref name="addresses"/>, an address alone is a range of that one address.
    /// </summary>
    public static List<IPNetwork>? Parse(string list, out string? malformed, bool addresses = false)
    {
        var networks = new List<IPNetwork>();
        malformed = null;
        foreach (var entry in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (addresses && !entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address))
            {
                address = Unmapped(address);
                networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                malformed = entry;
                return null;
            }
        }

        return networks;
    }

    /// <summary>What a start stopped by a malformed list says, naming the setting and the entry.</summary>
    public static string Malformed(string key, string? entry, bool addresses = false) => addresses
        ? $"{key}: '{entry}' is neither an address nor a CIDR range; give addresses or an address and a prefix length, such as 10.20.0.5 or 10.20.0.0/16 or fd00::/8, separated by commas."
        : $"{key}: '{entry}' is not a CIDR range; give an address and a prefix length, such as 10.20.0.0/16 or fd00::/8, separated by commas.";

    /// <summary>Whether any of the ranges holds the address (an IPv4-mapped IPv6 address as the IPv4 address it carries).</summary>
    public static bool Holds(this IEnumerable<IPNetwork> networks, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(networks);
        var unmapped = Unmapped(address);
        return networks.Any(n => n.Contains(unmapped));
    }

    /// <summary>
    /// A request from this machine, as the Hangfire dashboard's <c>LocalRequestsOnlyAuthorizationFilter</c> judges it:
    /// from a loopback address, or from the address it arrived on. An unknown address is not local.
    /// </summary>
    public static bool IsLocal(ConnectionInfo connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.RemoteIpAddress is not { } remote)
        {
            return false;
        }

        return IPAddress.IsLoopback(Unmapped(remote)) || remote.Equals(connection.LocalIpAddress);
    }

    /// <summary>A request from this machine (<see cref="IsLocal"/>) or from one of the allowed ranges.</summary>
    public static bool IsLocalOrIn(ConnectionInfo connection, IReadOnlyList<IPNetwork> allowed)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(allowed);
        return IsLocal(connection) || (connection.RemoteIpAddress is { } remote && allowed.Holds(remote));
    }

    /// <summary>An IPv4-mapped IPv6 address (<c>::ffff:10.0.0.1</c>) as the IPv4 address it carries.</summary>
    public static IPAddress Unmapped(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}

/// <summary>A setting that lists ranges (<see cref="Networks.Parse"/>): malformed, it stops the server at start, naming the setting and the entry.</summary>
internal sealed class NetworkListValidation<T>(string key, Func<T, string> list, bool addresses = false) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options) =>
        Networks.Parse(list(options), out var malformed, addresses) is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(Networks.Malformed(key, malformed, addresses));
}
