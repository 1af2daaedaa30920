using System.Net;
using Compliance.Api.Tests.Support;

namespace Compliance.Api.Tests.Submissions;

/// <summary>A client whose connection drops in the middle of its body leaves nothing behind.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class DroppedConnectionTests(TestDatabase database)
{
    [Test]
    public async Task BodyBrokenOffHalfway_StoresNoSubmissionRowsOrSnapshot_AndLeavesNoSpoolFile()
    {
        var spool = Path.Combine(Path.GetTempPath(), $"compliance-spool-test-{Guid.NewGuid():N}");
        using var factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Ingest:SpoolDirectory"] = spool });
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync("D1", "110101"));
        var ledger = Ledgers.Csv([.. Enumerable.Range(1, 20_000).Select(i => Ledgers.Row($"L{i}", borrowerId: $"B{i}"))]);
        using var content = new BrokenContent(System.Text.Encoding.UTF8.GetBytes(ledger), breakAfter: 200_000);
        content.Headers.ContentType = new("text/csv");

        var send = () => bank.PostAsync("/api/v1/submissions?period=2022-12", content);

        await send.Should().ThrowAsync<Exception>();
        (await bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(0);
        (await bank.GetJsonAsync("/api/v1/institutions/D1/indicators"))["items"]!.AsArray().Should().BeEmpty();
        await Eventually.UntilAsync(() => Task.FromResult(Directory.Exists(spool) ? Directory.GetFiles(spool).Length : 0), files => files == 0, "no spool file to be left");
        var retry = await bank.PostLedgerAsync("2022-12", ledger);
        retry.StatusCode.Should().Be(HttpStatusCode.Created, "the same ledger is accepted once it arrives whole");
        factory.DeleteDatabase();
        if (Directory.Exists(spool))
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    [Test]
    public async Task Start_DeletesSpoolFilesNoRunningRequestOwns_AndKeepsTheRest()
    {
        TestDatabases.RequireAvailable(database); // before the folder is made: a skipped run leaves nothing behind
        var spool = Path.Combine(Path.GetTempPath(), $"compliance-spool-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(spool);
        var abandoned = Path.Combine(spool, $"ledger-{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(abandoned, new byte[100_000]);
        var unrelated = Path.Combine(spool, "notes.txt");
        await File.WriteAllTextAsync(unrelated, "not a spool file");
        await using var running = await Compliance.Api.Submissions.SpooledBody.SpoolAsync(new MemoryStream(new byte[50_000]), spool, long.MaxValue, CancellationToken.None);

        using (var factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Ingest:SpoolDirectory"] = spool }))
        using (var admin = factory.Admin())
        {
            (await admin.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
            factory.DeleteDatabase();
        }

        File.Exists(abandoned).Should().BeFalse("no request owned it: a stopped process left it");
        File.Exists(running!.Path).Should().BeTrue("a running request holds it");
        await using (var stream = running.Open())
        {
            stream.Length.Should().Be(50_000);
        }

        File.Exists(unrelated).Should().BeTrue("only spool files are the server's to delete");
        await running.DisposeAsync();
        Directory.Delete(spool, recursive: true);
    }

    [Test]
    public async Task Spooling_WhenTheBodyBreaksOff_DeletesItsFile()
    {
        var spool = Path.Combine(Path.GetTempPath(), $"compliance-spool-test-{Guid.NewGuid():N}");
        await using var broken = new BrokenStream(new byte[300_000], breakAfter: 100_000);

        var spooling = () => Compliance.Api.Submissions.SpooledBody.SpoolAsync(broken, spool, long.MaxValue, CancellationToken.None);

        await spooling.Should().ThrowAsync<IOException>();
        Directory.GetFiles(spool).Should().BeEmpty();
        Directory.Delete(spool);
    }

    [Test]
    public async Task Spooling_OverTheLimit_StopsAndDeletesItsFile()
    {
        var spool = Path.Combine(Path.GetTempPath(), $"compliance-spool-test-{Guid.NewGuid():N}");
        await using var body = new MemoryStream(new byte[300_000]);

        var spooled = await Compliance.Api.Submissions.SpooledBody.SpoolAsync(body, spool, 100_000, CancellationToken.None);

        spooled.Should().BeNull();
        body.Position.Should().BeLessThan(300_000, "reading stops at the limit, not at the end");
        Directory.GetFiles(spool).Should().BeEmpty();
        Directory.Delete(spool);
    }

    /// <summary>Reads some bytes, then fails as a dropped connection does.</summary>
    private sealed class BrokenStream(byte[] bytes, int breakAfter) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= breakAfter ? throw new IOException("The connection was reset.") : base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, breakAfter - Position)], cancellationToken);
    }

    /// <summary>Sends the first bytes of a body, then fails as a dropped connection does.</summary>
    private sealed class BrokenContent(byte[] bytes, int breakAfter) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, breakAfter));
            await stream.FlushAsync();
            throw new IOException("The connection was reset.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
