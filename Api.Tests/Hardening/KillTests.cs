using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// The server killed with <c>kill -9</c> (a child process, SQLite): in the middle of an ingest it leaves nothing,
/// and the same ledger is accepted after a restart; between acceptance and evaluation, the restart evaluates it.
/// </summary>
[NonParallelizable]
public sealed class KillTests
{
    private string _path = null!;

    [SetUp]
    public void NewDatabase() => _path = Path.Combine(Path.GetTempPath(), $"compliance-kill-{Guid.NewGuid():N}.db");

    [TearDown]
    public void DeleteDatabase()
    {
        TestDatabases.DeleteSqliteFile(_path);
    }

    [Test]
    public async Task KilledMidIngest_LeavesNoSubmissionRowsOrSnapshot_AndTheLedgerIsAcceptedAfterRestart()
    {
        var ledger = Encoding.UTF8.GetBytes(Ledgers.Csv([.. Enumerable.Range(1, 300_000).Select(i => Ledgers.Row($"L{i}", borrowerId: $"B{i % 5000}"))]));
        string key;
        long walAtKill;
        var spool = Path.Combine(Path.GetTempPath(), $"compliance-spool-kill-{Guid.NewGuid():N}");
        var settings = new Dictionary<string, string> { ["Compliance__Ingest__SpoolDirectory"] = spool };
        using (var server = await ServerProcess.StartAsync(_path, settings: settings))
        {
            key = await CreateInstitutionAsync(server, "KILL1");
            using var bank = server.Client(key);
            var walBefore = WalBytes();
            var posting = bank.PostAsync("/api/v1/submissions?period=2022-12", new ByteArrayContent(ledger) { Headers = { ContentType = new("text/csv") } });

            // The ledger's transaction is under way once its pages spill into the write-ahead log; kill it then.
            var clock = Stopwatch.StartNew();
            while (WalBytes() < walBefore + (4 << 20) && !posting.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(5);
            }

            posting.IsCompleted.Should().BeFalse("the kill must land while the ledger is being stored");
            server.Kill();
            walAtKill = WalBytes();
            await posting.Invoking(p => p).Should().ThrowAsync<HttpRequestException>();
        }

        walAtKill.Should().BeGreaterThan(4 << 20, "the transaction had written to the log when the process died");
        (await CountAsync("submissions")).Should().Be(0);
        (await CountAsync("loans")).Should().Be(0);
        (await CountAsync("snapshots")).Should().Be(0);
        (await CountAsync("submission_bodies")).Should().Be(0);
        Directory.GetFiles(spool).Should().ContainSingle("the killed upload left its spool file");

        using (var restarted = await ServerProcess.StartAsync(_path, settings: settings))
        using (var bank = restarted.Client(key))
        {
            var again = await bank.PostAsync("/api/v1/submissions?period=2022-12", new ByteArrayContent(ledger) { Headers = { ContentType = new("text/csv") } });
            again.StatusCode.Should().Be(HttpStatusCode.Created, await again.Content.ReadAsStringAsync());
            var receipt = await again.JsonAsync();
            receipt["version"]!.GetValue<int>().Should().Be(1);
            receipt["rows"]!.GetValue<long>().Should().Be(300_000);
        }

        Directory.GetFiles(spool).Should().BeEmpty("the restart deleted what the killed upload left, and the new upload its own");
        Directory.Delete(spool);
    }

    [Test]
    public async Task KilledBetweenAcceptanceAndEvaluation_TheRestartEvaluatesIt()
    {
        string key;
        string submission;
        using (var apiOnly = await ServerProcess.StartAsync(_path, roles: "api"))
        {
            key = await CreateInstitutionAsync(apiOnly, "KILL2");
            using var bank = apiOnly.Client(key);
            submission = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example);
            (await bank.GetJsonAsync($"/api/v1/submissions/{submission}"))["evaluation"]!["status"]!.GetValue<string>().Should().Be("pending");
            apiOnly.Kill();
        }

        using var restarted = await ServerProcess.StartAsync(_path);
        using var client = restarted.Client(key);
        var receipt = await client.WaitForEvaluationAsync(submission);

        receipt["evaluation"]!["status"]!.GetValue<string>().Should().Be("done");
        (await client.ExceptionsAsync()).Should().NotBeEmpty("the example ledger breaches rules");
    }

    private static async Task<string> CreateInstitutionAsync(ServerProcess server, string code)
    {
        using var admin = server.Client(ComplianceApiFactory.AdminKey);
        (await admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"测试银行 {code}", category = "rural", localLegalPerson = true, regionCode = "371302", reportingFrom = "2021-01",
        })).EnsureSuccessStatusCode();
        var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = code, role = "institution", institution = code });
        created.EnsureSuccessStatusCode();
        return (await created.JsonAsync())["key"]!.GetValue<string>();
    }

    private long WalBytes() => File.Exists(_path + "-wal") ? new FileInfo(_path + "-wal").Length : 0;

    private Task<long> CountAsync(string table) => TestDatabases.QuerySqliteScalarAsync<long>(_path, $"SELECT COUNT(*) FROM {table}");
}
