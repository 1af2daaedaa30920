using Compliance.Api.Jobs;
using Compliance.Api.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// An evaluation that fails half-way (a fault injected into the database after its first exception is written) and is
/// retried leaves exactly what a clean run leaves: here, institution F1's exceptions equal those of F2, which has the
/// same ledgers and was evaluated without a fault.
/// </summary>
public sealed class FailedEvaluationTests
{
    [Test]
    public async Task EvaluationThatThrowsHalfWay_WhenRetried_LeavesExactlyTheExceptionsOfACleanRun()
    {
        using var factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Roles"] = "api" });
        using var faulty = factory.ClientWithKey(await factory.CreateInstitutionAsync("F1", "371302"));
        using var clean = factory.ClientWithKey(await factory.CreateInstitutionAsync("F2", "371302"));
        var faultySubmission = await faulty.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        var cleanSubmission = await clean.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        await TestDatabases.ExecuteSqliteAsync(factory.Location, """
            CREATE TABLE fault_armed (armed INTEGER);
            INSERT INTO fault_armed VALUES (1);
            CREATE TRIGGER inject_fault BEFORE INSERT ON exception_events
            WHEN (SELECT COUNT(*) FROM fault_armed) > 0 AND NEW.exception_id IN (SELECT id FROM exceptions WHERE institution = 'F1')
            BEGIN SELECT RAISE(ABORT, 'injected fault half-way through the evaluation'); END;
            """);
        var job = factory.Services.GetRequiredService<EvaluateSubmissionJob>();

        var first = () => job.RunAsync(long.Parse(faultySubmission, System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
        await first.Should().ThrowAsync<SqliteException>().WithMessage("*injected fault*");
        (await faulty.ExceptionsAsync()).Should().BeEmpty("the failed run's writes rolled back, the first exception with them");
        (await faulty.GetJsonAsync($"/api/v1/submissions/{faultySubmission}"))["evaluation"]!["status"]!.GetValue<string>().Should().Be("failed");

        await TestDatabases.ExecuteSqliteAsync(factory.Location, "DELETE FROM fault_armed;");
        await job.RunAsync(long.Parse(faultySubmission, System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
        await job.RunAsync(long.Parse(cleanSubmission, System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);

        var retried = await Describe(faulty);
        var expected = await Describe(clean);
        retried.Should().NotBeEmpty().And.Equal(expected);
        (await faulty.GetJsonAsync($"/api/v1/submissions/{faultySubmission}"))["evaluation"]!["status"]!.GetValue<string>().Should().Be("done");
        factory.DeleteDatabase();
    }

    private static async Task<List<string>> Describe(HttpClient client) =>
        [.. (await client.ExceptionsAsync()).Select(e =>
            $"{e["rule"]} {e["severity"]} {e["status"]} {e["figures"]!.ToJsonString()}").Order(StringComparer.Ordinal)];
}
