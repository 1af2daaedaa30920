using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using Compliance.Data.Sqlite;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Operations;

/// <summary>
/// Backup and restore of the SQLite database: a backup taken over HTTP while a 100,000-row ledger is being stored
/// holds every submission accepted before it, whole; the destination is checked (a folder that exists, inside the
/// backup folder, never the live database under any spelling); the command-line verbs back up while a server serves,
/// and restore only when none holds the database.
/// </summary>
[NonParallelizable]
public sealed class BackupTests
{
    private static readonly string[] DatabaseFiles = ["", "-wal", "-shm", "-journal"];

    private readonly List<string> _files = [];
    private readonly List<ComplianceApiFactory> _factories = [];

    [TearDown]
    public void DeleteEverything()
    {
        ComplianceApiFactory[] factories = [.. _factories];
        string[] files = [.. _files];
        _factories.Clear();
        _files.Clear();
        foreach (var factory in factories)
        {
            factory.Dispose();
            factory.DeleteDatabase();
        }

        foreach (var file in files)
        {
            TestDatabases.DeleteSqliteFile(file);
        }
    }

    [Test]
    public async Task BackupDuringA100kRowIngest_HoldsEverySubmissionAcceptedBefore_WithOriginalsSnapshotsAndExceptions()
    {
        var live = Track(new ComplianceApiFactory());
        var bankKey = await live.CreateInstitutionAsync("BK-371302", "371302");
        var bigKey = await live.CreateInstitutionAsync("BG-371311", "371311");
        using var bank = live.ClientWithKey(bankKey);
        using var admin = live.Admin();
        var posted = new Dictionary<string, byte[]>();
        foreach (var (period, balance) in new[] { ("2022-10", 700_000m), ("2022-11", 800_000m), ("2022-12", 900_000m) })
        {
            var csv = Ledgers.Csv(Ledgers.Row("L1", balance: balance), Ledgers.Row("L2", borrowerId: "B2", classification: "substandard"),
                Ledgers.Row("L3", borrowerId: "B3", borrowerType: "large", creditLine: 50_000_000m, amount: 20_000_000m, balance: 20_000_000m));
            posted[await bank.SubmitAcceptedAsync(period, csv)] = Encoding.UTF8.GetBytes(csv);
        }

        await bank.WaitForAllEvaluationsAsync();
        var receipts = new Dictionary<string, string>();
        foreach (var id in posted.Keys)
        {
            receipts[id] = (await admin.GetJsonAsync($"/api/v1/submissions/{id}")).ToJsonString();
        }

        var exceptions = await ExceptionsOfAsync(admin, "BK-371302");
        exceptions.Should().NotBeEmpty("the ledgers breach rules, so the copy must carry exceptions");

        var big = Encoding.UTF8.GetBytes(Ledgers.Csv([.. Enumerable.Range(1, 100_000).Select(i => Ledgers.Row($"L{i}", borrowerId: $"B{i % 5000}"))]));
        using var bigBank = live.ClientWithKey(bigKey);
        var walBefore = WalBytes(live.Location);
        var ingest = bigBank.PostLedgerAsync("2022-12", big);

        // The ledger's transaction is under way once its pages spill into the write-ahead log; back up then.
        var clock = Stopwatch.StartNew();
        while (WalBytes(live.Location) < walBefore + (2 << 20) && !ingest.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(2);
        }

        var ingestUnderWay = !ingest.IsCompleted;
        var backup = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path = "during-ingest.db" });
        var bigReceipt = await ingest;

        ingestUnderWay.Should().BeTrue("the backup must be taken while the ledger is being stored");
        backup.StatusCode.Should().Be(HttpStatusCode.OK, await backup.Content.ReadAsStringAsync());
        bigReceipt.StatusCode.Should().Be(HttpStatusCode.Created, await bigReceipt.Content.ReadAsStringAsync());
        var written = await backup.JsonAsync();
        var file = written["path"]!.GetValue<string>();
        using (new AssertionScope())
        {
            file.Should().Be(Path.Combine(live.BackupDirectory, "during-ingest.db"));
            written["bytes"]!.GetValue<long>().Should().Be(new FileInfo(file).Length);
            written["sha256"]!.GetValue<string>().Should().Be(Sha256(File.ReadAllBytes(file)));
            File.Exists(file + "-wal").Should().BeFalse("a backup is one self-contained file");
        }

        var bigInCopy = await LoansOfAsync(file, "BG-371311");
        await TestContext.Out.WriteLineAsync($"Loans of the 100,000-row ledger in the backup: {bigInCopy}");
        var copy = Track(new ComplianceApiFactory(location: CopyOf(file)));
        using var restored = copy.Admin();
        using var scope = new AssertionScope();
        foreach (var (id, body) in posted)
        {
            var receipt = await restored.GetJsonAsync($"/api/v1/submissions/{id}");
            receipt.ToJsonString().Should().Be(receipts[id], $"submission {id}: its receipt, snapshot and evaluation as before the backup");
            receipt["evaluation"]!["status"]!.GetValue<string>().Should().Be("done");
            receipt["indicators"].Should().NotBeNull();
            var original = await restored.GetByteArrayAsync($"/api/v1/submissions/{id}/original");
            original.Should().Equal(body);
            Sha256(original).Should().Be(receipt["sha256"]!.GetValue<string>());
        }

        (await ExceptionsOfAsync(restored, "BK-371302")).Should().Equal(exceptions);
        var bigSubmissions = (await restored.GetJsonAsync("/api/v1/submissions?institution=BG-371311"))["items"]!.AsArray();
        if (bigSubmissions.Count == 0)
        {
            bigInCopy.Should().Be(0, "without its submission, none of the ledger's loans is in the copy");
        }
        else
        {
            // Committed before the backup's read began: then it is in the copy whole.
            bigSubmissions.Should().ContainSingle();
            var id = bigSubmissions[0]!["id"]!.GetValue<string>();
            bigSubmissions[0]!["rows"]!.GetValue<long>().Should().Be(100_000);
            bigInCopy.Should().Be(100_000);
            Sha256(await restored.GetByteArrayAsync($"/api/v1/submissions/{id}/original")).Should().Be(Sha256(big));
        }
    }

    [Test]
    public async Task Backup_WithoutABody_WritesATimeNamedFileInTheBackupFolder_AndAnExistingFileOnlyWithOverwrite()
    {
        var live = Track(new ComplianceApiFactory());
        using var admin = live.Admin();

        var first = await admin.PostAsync("/api/v1/admin/backup", null);
        var again = await admin.PostAsync("/api/v1/admin/backup", null);
        var replaced = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { overwrite = true });

        first.StatusCode.Should().Be(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var written = await first.JsonAsync();
        using var scope = new AssertionScope();
        written["path"]!.GetValue<string>().Should().Be(Path.Combine(live.BackupDirectory, "compliance-20230120T020000Z.db"));
        written["startedAt"]!.GetValue<string>().Should().Be("2023-01-20T02:00:00Z");
        written["finishedAt"].Should().NotBeNull();
        (await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, "conflict"))["detail"]!.GetValue<string>().Should().Contain("overwrite");
        replaced.StatusCode.Should().Be(HttpStatusCode.OK, await replaced.Content.ReadAsStringAsync());
        SqliteBackup.Refusal(written["path"]!.GetValue<string>()).Should().BeNull("the backup is a whole database of this product");
    }

    [Test]
    public async Task Backup_ToAFolderThatDoesNotExist_Answers400NamingPath_AndWritesNothing()
    {
        var live = Track(new ComplianceApiFactory());
        using var admin = live.Admin();
        var before = await admin.GetJsonAsync("/api/v1/institutions");

        var response = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path = "missing/x.db" });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem["errors"]!["path"]![0]!.GetValue<string>().Should().Contain("does not exist");
        Directory.GetFileSystemEntries(live.BackupDirectory).Should().BeEmpty();
        (await admin.GetJsonAsync("/api/v1/institutions")).ToJsonString().Should().Be(before.ToJsonString());
    }

    [TestCase("live.db")]
    [TestCase("./live.db")]
    [TestCase("sub/../live.db")]
    [TestCase("link.db")]
    [TestCase("linked-folder/live.db")]
    [TestCase("live.db-wal")]
    [TestCase("{folder}/live.db")]
    public async Task Backup_OntoTheLiveDatabase_UnderAnySpelling_IsRefused_AndTheDatabaseServesOn(string path)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"compliance-live-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        var database = Path.Combine(folder, "live.db");
        File.CreateSymbolicLink(Path.Combine(folder, "link.db"), database);
        Directory.CreateSymbolicLink(Path.Combine(folder, "linked-folder"), folder);
        var live = new ComplianceApiFactory(location: database, settings: new Dictionary<string, string?> { ["Compliance:Backup:Directory"] = folder });
        try
        {
            using var admin = live.Admin();
            var key = await live.CreateInstitutionAsync("LV-371302", "371302");
            var id = await live.ClientWithKey(key).SubmitAcceptedAsync("2022-12", Ledgers.Example);

            var response = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path = path.Replace("{folder}", folder, StringComparison.Ordinal), overwrite = true });

            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
            problem["errors"]!["path"]![0]!.GetValue<string>().Should().Contain("live database");
            (await admin.GetJsonAsync($"/api/v1/submissions/{id}"))["status"]!.GetValue<string>().Should().Be("accepted");
            SqliteBackup.Refusal(database).Should().BeNull();
        }
        finally
        {
            live.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("../elsewhere.db")]
    [TestCase("/tmp/elsewhere.db")]
    public async Task Backup_OutsideTheBackupFolder_IsRefused(string path)
    {
        var live = Track(new ComplianceApiFactory());
        using var admin = live.Admin();

        var response = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem["errors"]!["path"]![0]!.GetValue<string>().Should().Contain("outside the backup folder");
        File.Exists(Path.GetFullPath(path, live.BackupDirectory)).Should().BeFalse();
    }

    [Test]
    public async Task Backup_ByAnInstitutionOrARegulator_Is403()
    {
        var live = Track(new ComplianceApiFactory());
        var institution = await live.CreateInstitutionAsync("NA-371302", "371302");
        var regulator = await live.CreateRegulatorAsync("37");

        foreach (var key in new[] { institution, regulator })
        {
            using var client = live.ClientWithKey(key);
            var response = await client.PostAsJsonAsync("/api/v1/admin/backup", new { path = "x.db" });
            await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        Directory.Exists(live.BackupDirectory).Should().BeFalse();
    }

    [Test]
    public async Task Backup_OnSqlServer_Answers501_NamingBackupDatabase()
    {
        var live = Track(new ComplianceApiFactory(TestDatabase.SqlServer));
        using var admin = live.Admin();

        var response = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path = "x.db" });

        (await response.ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "not-implemented"))["detail"]!.GetValue<string>().Should().Contain("BACKUP DATABASE");
    }

    [Test]
    public async Task Backup_OnPostgres_Answers501_NamingPgDumpAndPgRestore()
    {
        var live = Track(new ComplianceApiFactory(TestDatabase.Postgres));
        using var admin = live.Admin();

        var response = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path = "x.db" });

        (await response.ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "not-implemented"))["detail"]!.GetValue<string>()
            .Should().Contain("pg_dump").And.Contain("pg_restore");
    }

    [Test]
    public async Task Server_DoesNotStart_WhileARestoreHoldsTheDatabase()
    {
        var database = Track(Path.Combine(Path.GetTempPath(), $"compliance-restoring-{Guid.NewGuid():N}.db"));
        var factory = Track(new ComplianceApiFactory(location: database));

        using (DatabaseFileLock.Exclusive(database))
        {
            factory.Invoking(f => f.CreateClient()).Should().Throw<DatabaseLockedException>().WithMessage("*being restored*");
        }

        await Task.CompletedTask;
    }

    [Test]
    public async Task CommandLine_BacksUpWhileAServerServes_RefusesToRestoreUnderIt_ThenRestoresForTheNextServer()
    {
        var database = Track(Path.Combine(Path.GetTempPath(), $"compliance-cli-{Guid.NewGuid():N}.db"));
        var folder = Path.GetDirectoryName(database)!;
        var backup = Track(Path.Combine(folder, $"compliance-cli-backup-{Guid.NewGuid():N}.db"));
        var junk = Track(Path.Combine(folder, $"compliance-cli-junk-{Guid.NewGuid():N}.db"));
        await File.WriteAllTextAsync(junk, "loan_id,borrower_id\nL1,B1\n");
        string before;
        string after;
        byte[] original = Encoding.UTF8.GetBytes(Ledgers.Example);
        using (var server = await ServerProcess.StartAsync(database))
        {
            var key = await CreateInstitutionAsync(server, "CL-371302");
            using var bank = server.Client(key);
            before = await SubmitAsync(bank, "2022-11");

            var backedUp = await ServerProcess.RunAsync(database, "backup", Path.GetFileName(backup));
            after = await SubmitAsync(bank, "2022-12");
            var refused = await ServerProcess.RunAsync(database, "restore", backup);
            var ontoLive = await ServerProcess.RunAsync(database, "backup", $"./{Path.GetFileName(database)}", "--force");
            var noFolder = await ServerProcess.RunAsync(database, "backup", "no-such-folder/x.db");

            using var scope = new AssertionScope();
            backedUp.ExitCode.Should().Be(0, backedUp.Error);
            backedUp.Output.Should().Contain($"to {backup}").And.Contain("bytes in").And.Contain("sha256");
            refused.ExitCode.Should().Be(3, refused.Output);
            refused.Error.Should().Contain("A server is running on").And.Contain("was not touched");
            ontoLive.ExitCode.Should().Be(1);
            ontoLive.Error.Should().Contain("is the live database");
            noFolder.ExitCode.Should().Be(1);
            noFolder.Error.Should().Contain("does not exist");
            using var admin = server.Client(ComplianceApiFactory.AdminKey);
            (await admin.GetAsync($"/api/v1/submissions/{after}")).StatusCode.Should().Be(HttpStatusCode.OK, "the refused restore left the database as it was");
        }

        var notADatabase = await ServerProcess.RunAsync(database, "restore", junk);
        var submissionsAfterRefusal = await CountAsync(database, "submissions");
        var restoredNow = await ServerProcess.RunAsync(database, "restore", backup);

        using (new AssertionScope())
        {
            notADatabase.ExitCode.Should().Be(1);
            notADatabase.Error.Should().Contain("not a SQLite database");
            submissionsAfterRefusal.Should().Be(2, "the refused restore left the database as it was");
            restoredNow.ExitCode.Should().Be(0, restoredNow.Error);
            restoredNow.Output.Should().Contain("Restored");
        }

        var next = Track(new ComplianceApiFactory(location: database));
        using var restored = next.Admin();
        var receipt = await restored.GetJsonAsync($"/api/v1/submissions/{before}");
        receipt["sha256"]!.GetValue<string>().Should().Be(Sha256(original));
        (await restored.GetByteArrayAsync($"/api/v1/submissions/{before}/original")).Should().Equal(original);
        (await restored.GetAsync($"/api/v1/submissions/{after}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "it was accepted after the backup");
    }

    [TestCase("backup")]
    [TestCase("restore")]
    public async Task BackupCommands_OnSqlServer_RefuseNamingItsOwnTools_WithoutReachingIt(string verb)
    {
        var folder = Path.GetTempPath();
        var backup = Path.Combine(folder, $"compliance-backup-sqlserver-{Guid.NewGuid():N}.bak");
        _files.Add(backup);

        // No server listens there: the refusal comes from the provider's entry, before any connection.
        var refused = await ServerProcess.RunAsync(Path.Combine(folder, "unused.db"), verb, backup,
            "--Compliance:Database:Provider=SqlServer", "--Compliance:Database:ConnectionString=Server=127.0.0.1,1;Database=compliance;Connect Timeout=1");

        using var scope = new AssertionScope();
        refused.ExitCode.Should().Be(1, refused.Output);
        refused.Error.Should().Contain("BACKUP DATABASE").And.Contain("RESTORE DATABASE").And.Contain("was not touched");
        File.Exists(backup).Should().BeFalse();
    }

    [TestCase("backup")]
    [TestCase("restore")]
    public async Task BackupCommands_OnPostgres_RefuseNamingItsOwnTools_WithoutReachingIt(string verb)
    {
        var folder = Path.GetTempPath();
        var backup = Path.Combine(folder, $"compliance-backup-postgres-{Guid.NewGuid():N}.dump");
        _files.Add(backup);

        // No server listens there: the refusal comes from the provider's entry, before any connection.
        var refused = await ServerProcess.RunAsync(Path.Combine(folder, "unused.db"), verb, backup,
            "--Compliance:Database:Provider=Postgres", "--Compliance:Database:ConnectionString=Host=127.0.0.1;Port=1;Database=compliance;Timeout=1");

        using var scope = new AssertionScope();
        refused.ExitCode.Should().Be(1, refused.Output);
        refused.Error.Should().Contain("pg_dump").And.Contain("pg_restore").And.Contain("was not touched");
        File.Exists(backup).Should().BeFalse();
    }

    [TestCase("--Compliance:Database:BusyTimeoutSeconds=0", "BusyTimeoutSeconds must be positive")]
    [TestCase("--Compliance:Database:ConnectionString= ", "ConnectionString is required")]
    public async Task BackupCommand_WithSettingsTheServerRefuses_RefusesThemAlike_AndWritesNothing(string setting, string message)
    {
        var database = Path.Combine(Path.GetTempPath(), $"compliance-backup-settings-{Guid.NewGuid():N}.db");
        var backup = Path.Combine(Path.GetTempPath(), $"compliance-backup-settings-{Guid.NewGuid():N}.bak");
        _files.Add(database);
        _files.Add(backup);

        var refused = await ServerProcess.RunAsync(database, "backup", backup, setting);

        using var scope = new AssertionScope();
        refused.ExitCode.Should().Be(1, refused.Output);
        refused.Error.Should().Contain(message);
        File.Exists(backup).Should().BeFalse();
    }

    [TestCase("CREATE TRIGGER audit_grants AFTER INSERT ON audit_log BEGIN INSERT INTO api_keys (name, prefix, key_hash, role, created_at) VALUES ('maintenance', 'mnt', hex(randomblob(32)), 'admin', NEW.at); END;", "trigger audit_grants")]
    [TestCase("CREATE VIEW key_hashes AS SELECT name, key_hash FROM api_keys;", "view key_hashes")]
    [TestCase("CREATE TABLE notes (body TEXT NOT NULL);", "table notes")]
    [TestCase("INSERT INTO schema_migrations (id, applied_at) VALUES ('0999_later.sql', '2030-01-01T00:00:00Z');", "0999_later.sql")]
    [TestCase("ALTER TABLE api_keys ADD COLUMN note TEXT NULL;", "column note")]
    [TestCase("ALTER TABLE audit_log DROP COLUMN target;", "column target")]
    [TestCase("DROP INDEX ix_audit_log_at;", "index ix_audit_log_at")]
    [TestCase("CREATE INDEX ix_api_keys_name ON api_keys (name);", "index ix_api_keys_name")]
    [TestCase("DROP INDEX ix_audit_log_at; CREATE INDEX ix_audit_log_at ON audit_log (path);", "index ix_audit_log_at")]
    [TestCase("DELETE FROM schema_migrations WHERE id = '0003_audit.sql';", "0003_audit.sql")]
    public async Task Restore_OfABackupWhoseSchemaIsNotTheMigrations_IsRefusedNamingWhatDiffers_AndTheLiveDatabaseIsUntouched(string tampering, string named)
    {
        var (database, genuine) = await StoppedDatabaseWithABackupAsync();
        var tampered = Path.Combine(Path.GetDirectoryName(genuine)!, "tampered.db");
        File.Copy(genuine, tampered);
        await TestDatabases.ExecuteSqliteAsync(tampered, tampering);
        var before = LiveFiles(database);

        var refused = await ServerProcess.RunAsync(database, "restore", tampered);

        using (new AssertionScope())
        {
            refused.ExitCode.Should().Be(1, refused.Output + refused.Error);
            refused.Error.Should().Contain(named).And.Contain("was not touched");
            LiveFiles(database).Should().Equal(before, "a refused restore leaves the live database as it was, byte for byte");
        }

        var genuineRestored = await ServerProcess.RunAsync(database, "restore", genuine);
        genuineRestored.ExitCode.Should().Be(0, genuineRestored.Error);
    }

    [Test]
    public async Task Restore_OfABackupOfAnEarlierVersion_IsAccepted_AndTheNextStartMigratesItForward()
    {
        var (database, _) = await StoppedDatabaseWithABackupAsync();
        var scripts = Compliance.Data.Migrations.Scripts(SqliteDialect.Instance);
        var older = Track(Path.Combine(Path.GetTempPath(), $"compliance-older-{Guid.NewGuid():N}.db"));
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={older};Pooling=False"))
        {
            await connection.OpenAsync();
            await Dapper.SqlMapper.ExecuteAsync(connection, SqliteDialect.Instance.JournalSql);
            foreach (var (name, sql) in scripts.Take(scripts.Count - 2))
            {
                await Dapper.SqlMapper.ExecuteAsync(connection, sql, new { now = "2022-06-01T00:00:00Z" });
                await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO schema_migrations (id, applied_at) VALUES (@name, '2022-06-01T00:00:00Z')", new { name });
            }
        }

        var restored = await ServerProcess.RunAsync(database, "restore", older);

        restored.ExitCode.Should().Be(0, restored.Error);
        var next = Track(new ComplianceApiFactory(location: database));
        using var admin = next.Admin();
        (await admin.GetAsync("/api/v1/institutions")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await CountAsync(database, "schema_migrations")).Should().Be(scripts.Count, "the server applied the migrations the backup predates");
        (await CountAsync(database, "submissions")).Should().Be(0, "the backup's content replaced the database's");
    }

    [Test]
    public async Task Restore_OfAHardLinkToTheLiveDatabase_IsRefusedAsTheLiveDatabase_AndTheDatabaseServesOn()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("The test makes the hard link with ln.");
        }

        var (database, _) = await StoppedDatabaseWithABackupAsync();
        var link = Track(Path.Combine(Path.GetDirectoryName(database)!, $"compliance-hardlink-{Guid.NewGuid():N}.db"));
        using (var ln = Process.Start("ln", [database, link]))
        {
            await ln.WaitForExitAsync();
            ln.ExitCode.Should().Be(0);
        }

        var before = LiveFiles(database);

        var refused = await ServerProcess.RunAsync(database, "restore", link);

        using (new AssertionScope())
        {
            refused.ExitCode.Should().Be(1, refused.Output + refused.Error);
            refused.Error.Should().Contain("is the live database").And.Contain("was not touched");
            LiveFiles(database).Should().Equal(before, "a refused restore leaves the live database as it was, byte for byte");
            (await TestDatabases.QuerySqliteScalarAsync<string>(database, "PRAGMA journal_mode")).Should().Be("wal");
        }

        var next = Track(new ComplianceApiFactory(location: database));
        using var admin = next.Admin();
        (await admin.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(1);
    }

    [Test]
    public async Task Backup_ToANameTheFileSystemCannotTake_Answers400NamingPath_AndWritesNothing()
    {
        var live = Track(new ComplianceApiFactory());
        using var admin = live.Admin();

        var response = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path = new string('b', 297) + ".db" });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem["errors"]!["path"]![0]!.GetValue<string>().Should().Contain("not a usable file path");
        Directory.GetFileSystemEntries(live.BackupDirectory).Should().BeEmpty();
    }

    [Test]
    public async Task Backup_ToTheLongestNameTheFileSystemTakes_IsWritten()
    {
        var live = Track(new ComplianceApiFactory());
        using var admin = live.Admin();
        var name = new string('b', 252) + ".db";

        var response = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path = name });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Directory.GetFileSystemEntries(live.BackupDirectory).Should().Equal(Path.Combine(live.BackupDirectory, name));
        SqliteBackup.Refusal(Path.Combine(live.BackupDirectory, name)).Should().BeNull();
    }

    /// <summary>
    /// A database of a server that was stopped, holding one institution and one accepted submission, and a backup of
    /// it taken over HTTP while it served.
    /// </summary>
    private async Task<(string Database, string Backup)> StoppedDatabaseWithABackupAsync()
    {
        var live = Track(new ComplianceApiFactory());
        using (var admin = live.Admin())
        {
            var key = await live.CreateInstitutionAsync("RS-371302", "371302");
            using var bank = live.ClientWithKey(key);
            await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example);
            var response = await admin.PostAsJsonAsync("/api/v1/admin/backup", new { path = "genuine.db" });
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        live.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return (live.Location, Path.Combine(live.BackupDirectory, "genuine.db"));
    }

    /// <summary>The database file and its companions as they are on disk: each one's name and SHA-256.</summary>
    private static List<string> LiveFiles(string database) =>
        [.. DatabaseFiles.Select(suffix => database + suffix).Where(File.Exists).Select(file => $"{Path.GetFileName(file)} {Sha256(File.ReadAllBytes(file))}")];

    private ComplianceApiFactory Track(ComplianceApiFactory factory)
    {
        _factories.Add(factory);
        return factory;
    }

    private string Track(string file)
    {
        _files.Add(file);
        return file;
    }

    /// <summary>A copy of a backup to open a server on, so the backup itself stays as written.</summary>
    private string CopyOf(string backup)
    {
        var copy = Track(Path.Combine(Path.GetTempPath(), $"compliance-copy-{Guid.NewGuid():N}.db"));
        File.Copy(backup, copy);
        return copy;
    }

    private static async Task<List<string>> ExceptionsOfAsync(HttpClient client, string institution) =>
        [.. (await client.ExceptionsAsync($"&institution={institution}")).Select(e => e.ToJsonString()).Order(StringComparer.Ordinal)];

    private static async Task<string> CreateInstitutionAsync(ServerProcess server, string code)
    {
        using var admin = server.Client(ComplianceApiFactory.AdminKey);
        (await admin.PostAsJsonAsync("/api/v1/institutions", new { code, name = "命令行银行", category = "rural", localLegalPerson = true, regionCode = "371302", reportingFrom = "2021-01" }))
            .EnsureSuccessStatusCode();
        var key = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "cli", role = "institution", institution = code });
        key.EnsureSuccessStatusCode();
        return (await key.JsonAsync())["key"]!.GetValue<string>();
    }

    private static async Task<string> SubmitAsync(HttpClient bank, string period)
    {
        var response = await bank.PostAsync($"/api/v1/submissions?period={period}", new StringContent(Ledgers.Example, Encoding.UTF8, "text/csv"));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync())["id"]!.GetValue<string>();
    }

    private static Task<long> LoansOfAsync(string database, string institution) => TestDatabases.QuerySqliteScalarAsync<long>(
        database, "SELECT COUNT(*) FROM loans JOIN submissions s ON s.id = loans.submission_id WHERE s.institution = @institution", new { institution });

    private static Task<long> CountAsync(string database, string table) => TestDatabases.QuerySqliteScalarAsync<long>(database, $"SELECT COUNT(*) FROM {table}");

    private static long WalBytes(string database) => File.Exists(database + "-wal") ? new FileInfo(database + "-wal").Length : 0;

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
