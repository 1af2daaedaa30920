using System.Net;
using System.Text;
using Compliance.Api.Tests.Support;
using Compliance.Data.Postgres;
using Dapper;
using FluentAssertions.Execution;
using Npgsql;

namespace Compliance.Api.Tests.Postgres;

/// <summary>
/// How PostgreSQL stores what arrives whole (<c>COMPLIANCE_TEST_POSTGRES</c>; skipped without one): a ledger's body is
/// compressed by the server before it is written (PostgreSQL's own storage of the largest bodies takes it longer than
/// their rows), a deliverable's content by PostgreSQL with LZ4 (far less CPU than its default pglz); both come back
/// exactly as received.
/// </summary>
public sealed class BlobCompressionTests
{
    private ComplianceApiFactory _factory = null!;

    [OneTimeSetUp]
    public void StartServer() => _factory = new ComplianceApiFactory(TestDatabase.Postgres);

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task LedgerBody_IsStoredWithBrotli_AndDeliverable_WithLz4_AndBothComeBackAsReceived()
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("BLOB1", "371302", reportingFrom: "2022-01"));
        // Large enough that the server compresses it (beyond some 2 KB), and as repetitive as a ledger.
        var ledger = Ledgers.Csv([.. Enumerable.Range(1, 200).Select(i => Ledgers.Row($"L{i:D4}", borrowerId: $"B{i:D4}"))]);
        var submission = await bank.SubmitAcceptedAsync("2022-12", ledger);
        var document = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("梳理信贷政策，报送人民银行。Credit policy digest. ", 200)));
        var filed = await bank.FileDeliverableAsync("CREDIT_POLICY_DIGEST", 2022, document);
        var deliverable = (await filed.JsonAsync())["id"]!.GetValue<string>();

        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresDatabases.ConnectionString(_factory.Location)) { SearchPath = PostgresDialect.Schema }.ConnectionString);
        var bodies = (await connection.QueryAsync<(string? Encoding, string? Compression)>("SELECT encoding, pg_column_compression(body) FROM submission_bodies")).ToList();
        var contents = (await connection.QueryAsync<string?>("SELECT pg_column_compression(content) FROM deliverables")).ToList();
        var original = await bank.GetByteArrayAsync($"/api/v1/submissions/{submission}/original");
        var returned = await bank.GetByteArrayAsync($"/api/v1/deliverables/{deliverable}/content");

        using var scope = new AssertionScope();
        filed.StatusCode.Should().Be(HttpStatusCode.Created);
        bodies.Should().ContainSingle().Which.Should().Be(("br", (string?)null), "the server compressed it, and PostgreSQL stores it as it is");
        contents.Should().ContainSingle().Which.Should().Be("lz4");
        original.Should().Equal(Encoding.UTF8.GetBytes(ledger));
        returned.Should().Equal(document);
    }
}
