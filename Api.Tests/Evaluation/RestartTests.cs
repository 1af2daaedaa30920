using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>The database, not Hangfire, is the source of truth: evaluations owed are enqueued again at start.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class RestartTests(TestDatabase database)
{
    [Test]
    public async Task AcceptedButNotEvaluated_WhenTheServerRestarts_IsEvaluated()
    {
        string submission;
        string key;
        string path;
        using (var apiOnly = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Roles"] = "api" }))
        {
            key = await apiOnly.CreateInstitutionAsync("R1", "110101");
            using var bank = apiOnly.ClientWithKey(key);
            submission = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example);
            (await bank.GetJsonAsync($"/api/v1/submissions/{submission}"))["evaluation"]!["status"]!.GetValue<string>().Should().Be("pending");
            path = apiOnly.Location;
        }

        using var restarted = new ComplianceApiFactory(database, location: path);
        using var client = restarted.ClientWithKey(key);
        var receipt = await client.WaitForEvaluationAsync(submission);

        receipt["evaluation"]!["status"]!.GetValue<string>().Should().Be("done");
        (await client.ExceptionsAsync()).Should().NotBeEmpty();
        restarted.DeleteDatabase();
    }
}
