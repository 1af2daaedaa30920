using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;

namespace Compliance.Api.Tests.Support;

/// <summary>
/// The real server over HTTP: a database of its own (a temporary SQLite file, or a fresh SQL Server database, see
/// <see cref="TestDatabases"/>), a fake clock, and the real Hangfire pipeline (in-memory storage on SQLite, SQL Server
/// storage on SQL Server, with a server in the test host). Extra settings override the configuration.
/// </summary>
public sealed class ComplianceApiFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789abcdef0123456789";

    private readonly Dictionary<string, string?> _settings;

    /// <param name="database">The database to run on; a SQL Server one skips the test where none is configured.</param>
    /// <param name="location">An existing database to open again (the <see cref="Location"/> of an earlier factory).</param>
    /// <param name="settings">Configuration that overrides the defaults.</param>
    /// <param name="now">The fake clock's start.</param>
    public ComplianceApiFactory(TestDatabase database = TestDatabase.Sqlite, string? location = null, IDictionary<string, string?>? settings = null, Instant? now = null)
    {
        TestDatabases.RequireAvailable(database);
        Database = database;
        Clock = new FakeClock(now ?? Instant.FromUtc(2023, 1, 20, 2, 0));
        string connectionString;
        if (database == TestDatabase.SqlServer)
        {
            Location = location ?? $"compliance_test_{Guid.NewGuid():N}";
            connectionString = TestDatabases.CreateSqlServerDatabase(Location);
        }
        else if (database == TestDatabase.Postgres)
        {
            Location = location ?? $"compliance_test_{Guid.NewGuid():N}";
            connectionString = location is null ? PostgresDatabases.Create(Location) : PostgresDatabases.ConnectionString(Location);
        }
        else
        {
            Location = location ?? Path.Combine(Path.GetTempPath(), $"compliance-test-{Guid.NewGuid():N}.db");
            connectionString = $"Data Source={Location}";
        }

        BackupDirectory = Path.Combine(Path.GetTempPath(), $"compliance-backups-{Guid.NewGuid():N}");
        _settings = new Dictionary<string, string?>
        {
            // Backups over HTTP go to a temporary folder of the fixture's, never into the source tree (the content root).
            ["Compliance:Backup:Directory"] = BackupDirectory,
            // Bodies are spooled to a temporary folder too, not to data/spool in the source tree.
            ["Compliance:Ingest:SpoolDirectory"] = Path.Combine(Path.GetTempPath(), "compliance-test-spool"),
            ["Compliance:Database:Provider"] = database switch
            {
                TestDatabase.SqlServer => "SqlServer",
                TestDatabase.Postgres => "Postgres",
                _ => "Sqlite",
            },
            ["Compliance:Database:ConnectionString"] = connectionString,
            ["Compliance:BootstrapAdminKey"] = AdminKey,
            ["Compliance:Deadlines:SweepAt"] = "off",
            // Webhook tests deliver to receivers on the loopback address, which production refuses.
            ["Compliance:Webhooks:AllowedNetworks"] = "127.0.0.0/8",
            // A fixture drives one key faster than any client may: the rate limit is tested where it is switched on.
            ["Compliance:Limits:PermitsPerSecond"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public TestDatabase Database { get; }

    /// <summary>The SQLite file, or the SQL Server or PostgreSQL database's name.</summary>
    public string Location { get; }

    public FakeClock Clock { get; }

    /// <summary>The default <c>Compliance:Backup:Directory</c>: a temporary folder, deleted with the database.</summary>
    public string BackupDirectory { get; }

    /// <summary>Every log line the server wrote (with its exception), when <see cref="CaptureLogs"/> is set before the first client.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    public bool CaptureLogs { get; init; }

    /// <summary>The host's environment; <c>Testing</c> unless a test needs another.</summary>
    public string Environment { get; init; } = "Testing";

    /// <summary>Services that replace the server's own, for faults injected at a chosen point.</summary>
    public Action<IServiceCollection>? Replace { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (CaptureLogs)
        {
            builder.ConfigureLogging(logging => logging.AddFilter(_ => true).AddProvider(new CapturingLoggerProvider(Logs)));
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment(Environment);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IClock>(Clock);
            Replace?.Invoke(services);
        });
    }

    /// <summary>
    /// Serves over real Kestrel on a free loopback port (for what the in-memory server cannot show: timeouts and
    /// limits of the transport) and returns its address. Call before the first client.
    /// </summary>
    public Uri StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    /// <summary>A client sending the given API key (none for <c>null</c>).</summary>
    public HttpClient ClientWithKey(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    public HttpClient Admin() => ClientWithKey(AdminKey);

    /// <summary>
    /// Stops the server, if it still runs (a running one would write its lock file again), and deletes the database
    /// (the SQLite file, its WAL companions and its lock file, or the SQL Server database) and the backup folder.
    /// </summary>
    public void DeleteDatabase()
    {
        Dispose();
        if (Directory.Exists(BackupDirectory))
        {
            Directory.Delete(BackupDirectory, recursive: true);
        }

        if (Database == TestDatabase.SqlServer)
        {
            TestDatabases.DropSqlServerDatabase(Location);
            return;
        }

        if (Database == TestDatabase.Postgres)
        {
            PostgresDatabases.Drop(Location);
            return;
        }

        TestDatabases.DeleteSqliteFile(Location);
    }
}

/// <summary>Helpers that drive the API as a client would.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Creates an institution (admin) and returns an institution key for it.</summary>
    public static async Task<string> CreateInstitutionAsync(this ComplianceApiFactory factory, string code, string regionCode, string reportingFrom = "2021-01")
    {
        using var admin = factory.Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"测试银行 {code}", category = "rural", localLegalPerson = true, regionCode, reportingFrom,
        });
        created.EnsureSuccessStatusCode();
        return await factory.CreateKeyAsync(new { name = $"{code} key", role = "institution", institution = code });
    }

    /// <summary>Creates a regulator key for a jurisdiction.</summary>
    public static Task<string> CreateRegulatorAsync(this ComplianceApiFactory factory, string jurisdiction) =>
        factory.CreateKeyAsync(new { name = $"regulator {jurisdiction}", role = "regulator", jurisdiction });

    public static async Task<string> CreateKeyAsync(this ComplianceApiFactory factory, object body)
    {
        using var admin = factory.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/api-keys", body);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        return json!["key"]!.GetValue<string>();
    }

    /// <summary>Posts a CSV ledger.</summary>
    public static Task<HttpResponseMessage> PostLedgerAsync(this HttpClient client, string period, string csv, string query = "", string contentType = "text/csv") =>
        client.PostLedgerAsync(period, Encoding.UTF8.GetBytes(csv), query, contentType);

    public static Task<HttpResponseMessage> PostLedgerAsync(this HttpClient client, string period, byte[] body, string query = "", string contentType = "text/csv")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync($"/api/v1/submissions?period={period}{query}", content);
    }

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(Json))!;

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    /// <summary>Files a deliverable (<c>POST /deliverables</c>) and returns the answer, whatever it is.</summary>
    public static Task<HttpResponseMessage> FileDeliverableAsync(this HttpClient client, string obligation, int year, byte[] document, string mediaType = "application/pdf")
    {
        var content = new ByteArrayContent(document);
        content.Headers.ContentType = new(mediaType);
        return client.PostAsync($"/api/v1/deliverables?obligation={obligation}&year={year}", content);
    }

    /// <summary>Posts a ledger that must be accepted and returns the submission id.</summary>
    public static async Task<string> SubmitAcceptedAsync(this HttpClient client, string period, string csv)
    {
        var response = await client.PostLedgerAsync(period, csv);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync())["id"]!.GetValue<string>();
    }

    /// <summary>Waits until the submission's evaluation is done (or failed), polling the API.</summary>
    public static async Task<JsonObject> WaitForEvaluationAsync(this HttpClient client, string submissionId) =>
        await Eventually.UntilAsync(
            () => client.GetJsonAsync($"/api/v1/submissions/{submissionId}"),
            receipt => receipt["evaluation"]?["status"]?.GetValue<string>() is "done" or "failed",
            $"the evaluation of submission {submissionId}");

    /// <summary>
    /// Waits until every accepted submission the client sees has its evaluation done and no job is left. Acceptance
    /// marks every evaluation it makes due as pending in its own transaction, so this is the end of the cascade.
    /// </summary>
    public static async Task WaitForAllEvaluationsAsync(this HttpClient client)
    {
        await Eventually.UntilAsync(
            async () => (await client.GetJsonAsync("/api/v1/submissions?status=accepted&pageSize=500"))["items"]!.AsArray()
                .Count(s => s!["evaluation"]!["status"]!.GetValue<string>() != "done"),
            notDone => notDone == 0,
            "every evaluation to be done");
        await Eventually.JobsIdleAsync();
    }

    /// <summary>The exceptions a client sees, as a list of items.</summary>
    public static async Task<IReadOnlyList<JsonObject>> ExceptionsAsync(this HttpClient client, string query = "")
    {
        var page = await client.GetJsonAsync($"/api/v1/exceptions?pageSize=500{query}");
        return page["items"]!.AsArray().Select(n => n!.AsObject()).ToList();
    }
}

/// <summary>Keeps every log line, formatted, with its exception and the state's values.</summary>
internal sealed class CapturingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : Microsoft.Extensions.Logging.ILoggerProvider
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}
