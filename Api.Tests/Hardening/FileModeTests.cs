using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text;
using Compliance.Api.Submissions;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// What the server writes to disk holds every institution's data, so only the server's own user may read it: the
/// database and its companion files are created 0600 in a folder created 0700, and so are spool files and backups.
/// </summary>
[NonParallelizable]
[UnsupportedOSPlatform("windows")]
public sealed class FileModeTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private string _root = "";

    [SetUp]
    public void MakeRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes: Windows grants access by the folder's ACL.");
        }

        _root = Path.Combine(Path.GetTempPath(), $"compliance-modes-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void DeleteRoot()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Test]
    public async Task Database_ItsCompanionsAndItsFolder_AreCreatedForTheServersUserOnly()
    {
        var folder = Path.Combine(_root, "srv", "data");
        var database = Path.Combine(folder, "compliance.db");
        using var factory = new ComplianceApiFactory(location: database);

        await factory.CreateInstitutionAsync("FM-371302", "371302");

        using (new AssertionScope())
        {
            File.GetUnixFileMode(folder).Should().Be(OwnerFolder);
            File.GetUnixFileMode(Path.GetDirectoryName(folder)!).Should().Be(OwnerFolder);
            foreach (var file in new[] { database, database + "-wal", database + "-shm", database + ".lock" })
            {
                File.Exists(file).Should().BeTrue(file);
                File.GetUnixFileMode(file).Should().Be(OwnerFile, file);
            }
        }

        factory.DeleteDatabase();
    }

    [Test]
    public async Task SpoolFileOfAnUploadInProgress_AndTheSpoolFolder_AreForTheServersUserOnly()
    {
        var spool = Path.Combine(_root, "spool");
        using var factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Ingest:SpoolDirectory"] = spool });
        // Real Kestrel: the in-memory server hands the application a body only once it has arrived whole.
        var address = factory.StartKestrel();
        var key = await factory.CreateInstitutionAsync("FM-371303", "371302");
        using var bank = new HttpClient { BaseAddress = address };
        bank.DefaultRequestHeaders.Add("X-Api-Key", key);
        var body = Encoding.UTF8.GetBytes(Ledgers.Example);
        var release = new TaskCompletionSource();
        using var content = new HeldContent(body, holdAfter: body.Length / 2, release.Task);
        content.Headers.ContentType = new("text/csv");

        var upload = bank.PostAsync("/api/v1/submissions?period=2022-12", content);
        var files = await Eventually.UntilAsync(() => Task.FromResult(Directory.Exists(spool) ? Directory.GetFiles(spool) : []), found => found.Length == 1, "the upload's spool file");
        var (folderMode, fileMode) = (File.GetUnixFileMode(spool), File.GetUnixFileMode(files[0]));
        release.SetResult();
        var response = await upload;

        using (new AssertionScope())
        {
            folderMode.Should().Be(OwnerFolder);
            fileMode.Should().Be(OwnerFile);
            response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        factory.DeleteDatabase();
    }

    [Test]
    public void SpoolFolder_ByDefault_IsTheDataFolderOfTheContentRoot_NotTheSharedTemporaryFolder()
    {
        var contentRoot = Path.Combine(_root, "app");

        var spool = new IngestOptions().SpoolPath(contentRoot);

        spool.Should().Be(Path.Combine(contentRoot, "data", "spool"));
    }

    [Test]
    public async Task Backups_OverHttpAndOnTheCommandLine_AndTheBackupFolder_AreForTheServersUserOnly()
    {
        var backups = Path.Combine(_root, "backups", "nightly");
        var database = Path.Combine(_root, "compliance.db");
        var factory = new ComplianceApiFactory(location: database, settings: new Dictionary<string, string?> { ["Compliance:Backup:Directory"] = backups });
        try
        {
            using var admin = factory.Admin();
            var response = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path = "over-http.db" });
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var commandLine = Path.Combine(_root, "command-line.db");

            var backedUp = await ServerProcess.RunAsync(database, "backup", commandLine);

            using var scope = new AssertionScope();
            backedUp.ExitCode.Should().Be(0, backedUp.Error);
            File.GetUnixFileMode(backups).Should().Be(OwnerFolder);
            File.GetUnixFileMode(Path.GetDirectoryName(backups)!).Should().Be(OwnerFolder, "every folder the server makes is its user's only");
            File.GetUnixFileMode(Path.Combine(backups, "over-http.db")).Should().Be(OwnerFile);
            File.GetUnixFileMode(commandLine).Should().Be(OwnerFile);
        }
        finally
        {
            factory.DeleteDatabase();
        }
    }

    [Test]
    public async Task Restore_IntoAFolderThatDoesNotExistYet_MakesTheFolderAndTheDatabaseForTheServersUserOnly()
    {
        var source = Path.Combine(_root, "source.db");
        var backup = Path.Combine(_root, "backup.db");
        using (var factory = new ComplianceApiFactory(location: source))
        using (var admin = factory.Admin())
        {
            await factory.CreateInstitutionAsync("FM-371304", "371302");
            (await ServerProcess.RunAsync(source, "backup", backup)).ExitCode.Should().Be(0);
        }

        var folder = Path.Combine(_root, "new-machine", "data");
        var database = Path.Combine(folder, "compliance.db");

        // Run from the source's folder: the new one is not there to be the working directory.
        var restored = await ServerProcess.RunAsync(source, "restore", backup, $"--Compliance:Database:ConnectionString=Data Source={database}");

        restored.ExitCode.Should().Be(0, restored.Output + restored.Error);
        using (new AssertionScope())
        {
            File.GetUnixFileMode(folder).Should().Be(OwnerFolder);
            File.GetUnixFileMode(Path.GetDirectoryName(folder)!).Should().Be(OwnerFolder);
            File.GetUnixFileMode(database).Should().Be(OwnerFile);
            File.GetUnixFileMode(database + ".lock").Should().Be(OwnerFile);
        }

        using var restarted = new ComplianceApiFactory(location: database);
        using var again = restarted.Admin();
        (await again.GetJsonAsync("/api/v1/institutions/FM-371304"))["code"]!.GetValue<string>().Should().Be("FM-371304");
    }

    /// <summary>Sends the first bytes of a body, then waits for a signal before sending the rest: an upload in progress.</summary>
    private sealed class HeldContent(byte[] bytes, int holdAfter, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, holdAfter));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(bytes.AsMemory(holdAfter));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
