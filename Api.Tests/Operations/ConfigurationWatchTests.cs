using Compliance.Api.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests.Operations;

/// <summary>
/// The configuration is read once, at start. A watch on its files would cover the whole content root and, beneath it,
/// the database and the spool: every page SQLite writes would raise an event, megabytes of garbage a ledger.
/// </summary>
public sealed class ConfigurationWatchTests
{
    [Test]
    public void Server_WatchesNoFileOfItsConfiguration()
    {
        using var factory = new ComplianceApiFactory();
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<FileConfigurationProvider>().ToList();

        files.Should().NotBeEmpty("appsettings.json is read");
        files.Should().AllSatisfy(file => file.Source.ReloadOnChange.Should().BeFalse($"{file.Source.Path} is read once"));
        factory.DeleteDatabase();
    }
}
