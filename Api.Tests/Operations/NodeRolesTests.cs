using System.Net;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Operations;

/// <summary><c>Compliance:Roles</c>: a worker node runs jobs and answers only its health checks.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class NodeRolesTests(TestDatabase database)
{
    [TestCase("/api/v1/institutions")]
    [TestCase("/api/v1/exceptions")]
    [TestCase("/swagger/v1/swagger.json")]
    [TestCase("/hangfire")]
    public async Task WorkerNode_AnswersNoApi(string path)
    {
        using var factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Roles"] = "worker" });
        using var admin = factory.Admin();

        var api = await admin.GetAsync(path);
        var live = await admin.GetAsync("/health/live");

        api.StatusCode.Should().Be(HttpStatusCode.NotFound);
        live.StatusCode.Should().Be(HttpStatusCode.OK);
        factory.DeleteDatabase();
    }
}
