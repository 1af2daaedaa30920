using System.Net;
using Compliance.Api.Deadlines;
using Compliance.Api.Tests.Support;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Tests.Deadlines;

/// <summary>
/// Which addresses a webhook may reach, by default and with <c>Compliance:Webhooks:AllowedNetworks</c>; a malformed
/// setting stops the server at start.
/// </summary>
public sealed class WebhookDestinationsTests
{
    [TestCase("0.0.0.0")]
    [TestCase("0.1.2.3")]
    [TestCase("10.1.2.3")]
    [TestCase("100.64.0.1")]
    [TestCase("127.0.0.1")]
    [TestCase("127.255.255.254")]
    [TestCase("169.254.169.254")]
    [TestCase("172.16.0.1")]
    [TestCase("172.31.255.255")]
    [TestCase("192.168.1.1")]
    [TestCase("224.0.0.1")]
    [TestCase("255.255.255.255")]
    [TestCase("::")]
    [TestCase("::1")]
    [TestCase("fc00::1")]
    [TestCase("fd12:3456::1")]
    [TestCase("fe80::1%2")]
    [TestCase("ff02::1")]
    [TestCase("::ffff:127.0.0.1")]
    [TestCase("::ffff:10.0.0.1")]
    [TestCase("::ffff:169.254.169.254")]
    public void Address_InARefusedRange_IsNotAllowed(string address)
    {
        var destinations = Destinations("");

        destinations.Allows(IPAddress.Parse(address)).Should().BeFalse();
    }

    [TestCase("93.184.216.34")]
    [TestCase("8.8.8.8")]
    [TestCase("172.32.0.1")]
    [TestCase("100.128.0.1")]
    [TestCase("2606:4700:4700::1111")]
    [TestCase("::ffff:8.8.8.8")]
    public void PublicAddress_IsAllowed(string address)
    {
        var destinations = Destinations("");

        destinations.Allows(IPAddress.Parse(address)).Should().BeTrue();
    }

    [TestCase("10.20.0.0/16", "10.20.3.4", true)]
    [TestCase("10.20.0.0/16", "::ffff:10.20.3.4", true)]
    [TestCase("10.20.0.0/16", "10.21.0.1", false)]
    [TestCase("127.0.0.0/8, fd00:1::/64", "fd00:1::5", true)]
    [TestCase("127.0.0.0/8, fd00:1::/64", "::1", false)]
    [TestCase("169.254.169.0/24", "169.254.169.254", true)]
    public void AllowedNetworks_AllowExactlyTheirRanges(string allowedNetworks, string address, bool allowed)
    {
        var destinations = Destinations(allowedNetworks);

        destinations.Allows(IPAddress.Parse(address)).Should().Be(allowed);
    }

    [TestCase("10.0.0.0/33")]
    [TestCase("127.0.0.1")]
    [TestCase("127.0.0.0/8,localhost")]
    public void AllowedNetworks_Malformed_StopsTheServerAtStart_NamingTheEntry(string allowedNetworks)
    {
        using var factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Webhooks:AllowedNetworks"] = allowedNetworks });

        var start = () => factory.CreateClient();

        start.Should().Throw<OptionsValidationException>()
            .WithMessage($"*Compliance:Webhooks:AllowedNetworks*'{allowedNetworks.Split(',')[^1]}' is not a CIDR range*");
        factory.DeleteDatabase();
    }

    private static WebhookDestinations Destinations(string allowedNetworks) =>
        new(Options.Create(new WebhookOptions { AllowedNetworks = allowedNetworks }));
}
