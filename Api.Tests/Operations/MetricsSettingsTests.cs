using System.Net;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Tests.Operations;

/// <summary><c>Compliance:Metrics</c>: the networks that may scrape besides this machine, the switch, and worker nodes.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class MetricsSettingsTests(TestDatabase database)
{
    [TestCase("203.0.113.0/24", "203.0.113.7")]
    [TestCase("10.0.0.0/8, 203.0.113.7/32", "::ffff:203.0.113.7")]
    [TestCase("2001:db8::/32", "2001:db8::5")]
    public async Task Scrape_FromAnAllowedNetwork_IsServed_AndFromOthersNot(string networks, string address)
    {
        using var factory = Factory(new() { ["Compliance:Metrics:AllowedNetworks"] = networks });

        var (allowed, body) = await factory.GetMetricsAsync(IPAddress.Parse(address));
        var (other, _) = await factory.GetMetricsAsync(IPAddress.Parse("198.51.100.1"));

        using var scope = new AssertionScope();
        allowed.StatusCode.Should().Be(StatusCodes.Status200OK);
        body.Should().Contain("# TYPE compliance_evaluation_queue_depth gauge");
        other.StatusCode.Should().Be(StatusCodes.Status403Forbidden);
        factory.Dispose();
        factory.DeleteDatabase();
    }

    [TestCase("10.0.0.0/33")]
    [TestCase("127.0.0.1")]
    [TestCase("127.0.0.0/8,prometheus")]
    public void AllowedNetworks_Malformed_StopsTheServerAtStart_NamingTheEntry(string networks)
    {
        using var factory = Factory(new() { ["Compliance:Metrics:AllowedNetworks"] = networks });

        var start = () => factory.CreateClient();

        start.Should().Throw<OptionsValidationException>()
            .WithMessage($"*Compliance:Metrics:AllowedNetworks*'{networks.Split(',')[^1]}' is not a CIDR range*");
        factory.DeleteDatabase();
    }

    [Test]
    public async Task Disabled_MetricsIs404_EvenLocally_AndTheApiRunsAsBefore()
    {
        using var factory = Factory(new() { ["Compliance:Metrics:Enabled"] = "false" });

        var (response, body) = await factory.GetMetricsAsync(IPAddress.Loopback);
        using var admin = factory.Admin();
        var institutions = await admin.GetAsync("/api/v1/institutions");

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(StatusCodes.Status404NotFound);
        body.Should().NotContain("compliance_");
        institutions.StatusCode.Should().Be(HttpStatusCode.OK);
        factory.Dispose();
        factory.DeleteDatabase();
    }

    [Test]
    public async Task WorkerNode_ServesMetrics()
    {
        using var factory = Factory(new() { ["Compliance:Roles"] = "worker" });

        var (response, body) = await factory.GetMetricsAsync(IPAddress.Loopback);

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(StatusCodes.Status200OK, "a worker's evaluations and deliveries are measured where they run");
        body.Should().Contain("# TYPE compliance_evaluation_queue_depth gauge");
        factory.Dispose();
        factory.DeleteDatabase();
    }

    private ComplianceApiFactory Factory(Dictionary<string, string?> settings) => new(database, settings: settings);
}
