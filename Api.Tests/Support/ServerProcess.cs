using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Compliance.Api.Tests.Support;

/// <summary>
/// The real server as a child process (<c>dotnet Compliance.Api.dll</c>) on a SQLite file, or on a PostgreSQL database
/// as one of several nodes, and a free loopback port, for what only a separate process can show: being killed
/// (<c>SIGKILL</c>) and started again, and several nodes sharing one database. What it writes is kept, for the report
/// of a test that failed (<see cref="ReportIfFailed"/>).
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    /// <summary>What the process wrote to its standard output and error, line by line, each with the time since its start.</summary>
    private readonly ConcurrentQueue<string> _output = new();

    private readonly Stopwatch _since = Stopwatch.StartNew();

    private ServerProcess(Process process, Uri address, string name)
    {
        _process = process;
        Address = address;
        Name = name;
    }

    public Uri Address { get; }

    /// <summary>The server's name in reports: what it was started as, its roles and its port.</summary>
    public string Name { get; }

    /// <summary>Everything the process wrote so far, standard output and error interleaved as they came.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Where the current test failed: writes the output of each server to a file of its own, attaches it to the test, and
    /// prints its last <paramref name="lines"/> lines, so the failure can be read beside what every process did.
    /// </summary>
    public static void ReportIfFailed(IEnumerable<ServerProcess> servers, int lines = 150)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            return;
        }

        foreach (var (server, index) in servers.Select((s, i) => (s, i)))
        {
            var file = Path.Combine(TestContext.CurrentContext.WorkDirectory,
                $"{TestContext.CurrentContext.Test.MethodName}-{index + 1}-{string.Concat(server.Name.Where(char.IsLetterOrDigit))}.log");
            File.WriteAllText(file, server.Output);
            TestContext.AddTestAttachment(file, server.Name);
            var tail = server._output.ToArray();
            TestContext.Out.WriteLine($"===== {server.Name}: the last {Math.Min(lines, tail.Length)} of {tail.Length} lines (all in {file}) =====");
            foreach (var line in tail.Skip(Math.Max(0, tail.Length - lines)))
            {
                TestContext.Out.WriteLine(line);
            }
        }
    }

    /// <summary>Starts the server and waits until it answers <c>/health/ready</c>.</summary>
    public static Task<ServerProcess> StartAsync(string databasePath, string roles = "api,worker", IDictionary<string, string>? settings = null) =>
        StartAsync(Path.GetFileName(databasePath), new Dictionary<string, string> { ["Compliance__Database__ConnectionString"] = $"Data Source={databasePath}" }, roles, settings);

    /// <summary>
    /// Starts the server on a PostgreSQL database (<paramref name="connectionString"/>, an Npgsql connection string), as
    /// one node of several with <paramref name="roles"/>, and waits until it answers <c>/health/ready</c> unless
    /// <paramref name="ready"/> is false (to watch what it does from its first moment). <paramref name="name"/> names it
    /// in its log.
    /// </summary>
    public static Task<ServerProcess> StartPostgresAsync(
        string connectionString, string name, string roles = "api,worker", IDictionary<string, string>? settings = null, bool ready = true) =>
        StartAsync(name, new Dictionary<string, string>
        {
            ["Compliance__Database__Provider"] = "Postgres",
            ["Compliance__Database__ConnectionString"] = connectionString,
        }, roles, settings, ready);

    private static async Task<ServerProcess> StartAsync(string name, IDictionary<string, string> database, string roles, IDictionary<string, string>? settings, bool ready = true)
    {
        var port = FreePort();
        var directory = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "Compliance.Api.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in database)
        {
            start.Environment[key] = value;
        }

        start.Environment["Compliance__BootstrapAdminKey"] = ComplianceApiFactory.AdminKey;
        start.Environment["Compliance__Deadlines__SweepAt"] = "off";
        start.Environment["Compliance__Roles"] = roles;
        start.Environment["Compliance__Limits__PermitsPerSecond"] = "0";
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"), $"{name} ({roles}, port {port})");
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("dotnet did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (ready)
            {
                await server.WaitUntilReadyAsync();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            server.Dispose();
            throw new InvalidOperationException($"{e.Message} It wrote:\n{server.Output}", e);
        }

        return server;
    }

    /// <summary>
    /// Runs a verb of the server's executable (<c>backup</c>, <c>restore</c>) on a SQLite file, configured through the
    /// environment as the server is, and returns its exit code and what it wrote.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string databasePath, params string[] args)
    {
        var directory = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "Compliance.Api.dll"), .. args])
        {
            WorkingDirectory = Path.GetDirectoryName(databasePath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Compliance__Database__ConnectionString"] = $"Data Source={databasePath}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>A client of this server with the given key.</summary>
    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{_since.Elapsed.TotalSeconds,8:0.000}] {line}"));
        }
    }

    /// <summary><c>kill -9</c>: the process ends at once, with no chance to finish anything.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = Client(null);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {_process.ExitCode} before it was ready.");
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The server was not ready within 60 s.");
    }
}
