using Compliance.Api.Tests.Support;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Tests.Nodes;

/// <summary>
/// <c>Compliance:Jobs:InvisibilityTimeout</c>: how long a job a dead worker held stays hidden from the others; a value
/// that is not a duration of at least a second stops the server at start, naming the key.
/// </summary>
public sealed class JobSettingsTests
{
    [TestCase("00:00:00")]
    [TestCase("-00:05:00")]
    [TestCase("00:00:00.5")]
    public void InvisibilityTimeout_UnderASecond_StopsTheServerAtStart_NamingTheKey(string value)
    {
        using var factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Jobs:InvisibilityTimeout"] = value });

        var start = () => factory.CreateClient();

        start.Should().Throw<OptionsValidationException>().WithMessage("*Compliance:Jobs:InvisibilityTimeout is a duration of at least 00:00:01*");
        factory.DeleteDatabase();
    }

    [TestCase("5 minutes")]
    [TestCase("abc")]
    public void InvisibilityTimeout_NotADuration_StopsTheServerAtStart_NamingTheKey(string value)
    {
        using var factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Jobs:InvisibilityTimeout"] = value });

        var start = () => factory.CreateClient();

        start.Should().Throw<InvalidOperationException>().WithMessage("*Compliance:Jobs:InvisibilityTimeout*");
        factory.DeleteDatabase();
    }
}
