using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Compliance.Bench;

/// <summary>Child processes for the benchmarks.</summary>
internal static class Shell
{
    public static Process Start(string file, string arguments, string directory, Dictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, UseShellExecute = false };
        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
    }

    public static async Task RunAsync(string file, string arguments, string directory)
    {
        using var process = Start(file, arguments, directory);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}.");
        }
    }

    public static bool OnPath(string file) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, file)));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
