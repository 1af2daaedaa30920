using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Compliance.Api.Tests.Support;
using Compliance.Data.Evaluations;
using Compliance.Data.Submissions;
using Compliance.Engine.Analytics;
using FluentAssertions.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>
/// The evaluation stored with a submission is one record, <see cref="StoredEvaluation"/>: what the job writes reads into
/// it with no member unknown and writes back unchanged; the heat map's forward-only reader finds the same outcomes in
/// it; and the receipt answers exactly its members beside the status and time.
/// </summary>
public sealed class StoredEvaluationContractTests
{
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private ComplianceApiFactory _factory = null!;

    [OneTimeSetUp]
    public void Start() => _factory = new ComplianceApiFactory();

    [OneTimeTearDown]
    public void Stop()
    {
        _factory.Dispose();
        _factory.DeleteDatabase();
    }

    [Test]
    public async Task StoredEvaluation_AsTheJobWritesIt_IsExactlyTheRecord_AndTheHeatMapsReaderFindsItsOutcomes()
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("SE-110101", "110101"));
        var id = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Csv(Ledgers.Row("L1"), Ledgers.Row("L2", borrowerId: "B2", classification: "substandard")));
        await bank.WaitForAllEvaluationsAsync();

        var written = await Stored(id);
        var read = JsonSerializer.Deserialize<StoredEvaluation>(written, Strict)!;
        var receipt = (await bank.GetJsonAsync($"/api/v1/submissions/{id}"))["evaluation"]!.AsObject();

        using var scope = new AssertionScope();
        read.Rules.Should().NotBeEmpty();
        read.Exceptions.Should().NotBeEmpty("the ledger's bad loans make the set find something");
        JsonNode.DeepEquals(JsonNode.Parse(written), JsonSerializer.SerializeToNode(read, Strict)).Should().BeTrue("the record, written back, is what was stored:\n{0}", written);
        StoredEvaluation.RulesOf(written, []).Should().Equal(read.Rules!.Select(r => new StoredOutcome(r.RuleSet, r.Rule, r.Outcome)));
        receipt.Select(m => m.Key).Should().Equal(["status", "evaluatedAt", .. JsonNode.Parse(written)!.AsObject().Select(m => m.Key)]);
    }

    [Test]
    public async Task StoredEvaluation_OfAFailedEvaluation_IsTheRecordsErrorAlone_AndTheReceiptShowsIt()
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("SE-110102", "110101"));
        var id = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Csv(Ledgers.Row("L1")));
        await bank.WaitForAllEvaluationsAsync();

        await _factory.Services.GetRequiredService<SubmissionStore>().MarkEvaluationAsync(
            [long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)], SubmissionStore.EvaluationFailed, "the database went away", CancellationToken.None);

        var read = JsonSerializer.Deserialize<StoredEvaluation>(await Stored(id), Strict)!;
        var receipt = (await bank.GetJsonAsync($"/api/v1/submissions/{id}"))["evaluation"]!;
        using var scope = new AssertionScope();
        read.Should().BeEquivalentTo(StoredEvaluation.Failed("the database went away"));
        receipt["status"]!.GetValue<string>().Should().Be("failed");
        receipt["error"]!.GetValue<string>().Should().Be("the database went away");
    }

    private Task<string> Stored(string submissionId) =>
        TestDatabases.QuerySqliteScalarAsync<string>(_factory.Location, "SELECT evaluation FROM submissions WHERE id = @id", new { id = long.Parse(submissionId, System.Globalization.CultureInfo.InvariantCulture) });
}
