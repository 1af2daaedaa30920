using System.Diagnostics;
using System.Globalization;

namespace Compliance.Bench;

/// <summary>The real server (Release build) as a child process on a database, ready to answer.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key-0123456789abcdef0123456789";

    private BenchServer(Process process, Uri address)
    {
        Process = process;
        Address = address;
    }

    public Process Process { get; }

    public Uri Address { get; }

    /// <summary>Builds the server, starts it on the SQLite file <paramref name="database"/> and waits until it answers <c>/health/ready</c>.</summary>
    public static Task<BenchServer> StartAsync(string root, string database, string workDirectory, Dictionary<string, string>? settings = null) =>
        StartAsync(root, new Dictionary<string, string> { ["Compliance__Database__ConnectionString"] = $"Data Source={database}" }, workDirectory, settings);

    /// <summary>
    /// Builds the server, starts it on the database its <paramref name="database"/> settings name (provider and connection
    /// string) and waits until it answers <c>/health/ready</c>.
    /// </summary>
    public static async Task<BenchServer> StartAsync(string root, Dictionary<string, string> database, string workDirectory, Dictionary<string, string>? settings = null)
    {
        Console.WriteLine("building the server (Release)…");
        await Shell.RunAsync("dotnet", $"build \"{Path.Combine(root, "Api")}\" -c Release -nologo -v q", root);
        var port = Shell.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Compliance__BootstrapAdminKey"] = AdminKey,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Compliance__Ingest__SpoolDirectory"] = Path.Combine(workDirectory, "spool"),
        };
        foreach (var (key, value) in database.Concat(settings ?? []))
        {
            environment[key] = value;
        }

        var process = Shell.Start("dotnet", $"\"{Path.Combine(root, "Api", "bin", "Release", "net10.0", "Compliance.Api.dll")}\" --urls http://127.0.0.1:{port}", workDirectory, environment);
        var server = new BenchServer(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            using var http = server.Client(null);
            var watch = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                if (watch.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("The server did not become ready within 60 s.");
                }

                await Task.Delay(100);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the server, with a key (or none).</summary>
    public HttpClient Client(string? key = AdminKey)
    {
        var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(30) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return http;
    }

    /// <summary>VmHWM of the server: its peak resident set, in MB (Linux).</summary>
    public double PeakWorkingSetMb()
    {
        var status = $"/proc/{Process.Id}/status";
        if (!File.Exists(status))
        {
            return double.NaN;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
        Process.Dispose();
    }
}
