using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Compliance.Api.Tests.Operations;

/// <summary>
/// <c>dotnet run --project Api</c> runs in the environment <c>ASPNETCORE_ENVIRONMENT</c> names (Production when none),
/// the launch profile's <c>Development</c> only when asked for; and a Development server shows a remote client no
/// stack trace.
/// </summary>
public sealed class LaunchTests
{
    [TestCase("Staging", "Staging")]
    [TestCase(null, "Production")]
    public async Task DotnetRun_RunsInTheEnvironmentTheVariableNames(string? variable, string expected)
    {
        var output = await RunUntilStartedAsync(variable, []);

        output.Should().Contain($"Hosting environment: {expected}");
    }

    [Test]
    public async Task DotnetRun_WithTheDevelopmentProfile_RunsAsDevelopment()
    {
        var output = await RunUntilStartedAsync(null, ["--launch-profile", "Development"]);

        output.Should().Contain("Hosting environment: Development");
    }

    [Test]
    public async Task Development_AFailureAnswersARemoteClientWithProblemDetails_NotAStackTrace()
    {
        using var factory = new ComplianceApiFactory
        {
            Environment = Environments.Development,
            Replace = services => services.AddSingleton<IBackgroundJobClient, FailingJobClient>(),
        };
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync("B0001", "371302"));
        (await bank.PostLedgerAsync("2022-12", Ledgers.Example)).StatusCode.Should().Be(HttpStatusCode.Created, "a ledger is stored although its evaluation cannot be queued");
        using var admin = factory.Admin();

        var response = await admin.PostAsync("/api/v1/evaluations?from=2000-01&to=2100-12", null);
        var body = await response.Content.ReadAsStringAsync();

        using var scope = new AssertionScope();
        factory.Services.GetRequiredService<IWebHostEnvironment>().EnvironmentName.Should().Be(Environments.Development);
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        body.Should().Contain("traceId").And.NotContain(nameof(FailingJobClient)).And.NotContain(" at ");
        factory.Dispose();
        factory.DeleteDatabase();
    }

    /// <summary><c>dotnet run --project Api --no-build</c> until the host says it started; what it wrote.</summary>
    private static async Task<string> RunUntilStartedAsync(string? environment, string[] arguments)
    {
        var database = Path.Combine(Path.GetTempPath(), $"compliance-launch-{Guid.NewGuid():N}.db");
        var configuration = new DirectoryInfo(TestContext.CurrentContext.TestDirectory).Parent!.Name;
        var start = new ProcessStartInfo("dotnet", ["run", "--project", Path.Combine(Repository.Root(), "Api"), "--no-build", "-c", configuration, .. arguments, "--urls", $"http://127.0.0.1:{FreePort()}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        if (environment is not null)
        {
            start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        }

        start.Environment["Compliance__Database__ConnectionString"] = $"Data Source={database}";
        start.Environment["Compliance__BootstrapAdminKey"] = ComplianceApiFactory.AdminKey;
        start.Environment["Compliance__Deadlines__SweepAt"] = "off";
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var started = new SemaphoreSlim(0);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                // The host's last line at start, after "Application started" and "Hosting environment".
                if (line.Contains("Content root path", StringComparison.Ordinal))
                {
                    started.Release();
                }
            }
        };
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            (await started.WaitAsync(TimeSpan.FromSeconds(90))).Should().BeTrue($"the server starts; it wrote:\n{string.Join('\n', output)}");
            return string.Join('\n', output);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            TestDatabases.DeleteSqliteFile(database);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A job client that fails: no evaluation can be queued.</summary>
    private sealed class FailingJobClient : IBackgroundJobClient
    {
        public string Create(Job job, IState state) => throw new InvalidOperationException("the job store failed");

        public bool ChangeState(string jobId, IState state, string expectedState) => throw new InvalidOperationException("the job store failed");
    }
}
