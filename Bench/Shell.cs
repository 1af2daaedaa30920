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

    public static async Task RunAsync(string file, string arguments, string directory, Dictionary<string, string>? environment = null)
    {
        using var process = Start(file, arguments, directory, environment);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}.");
        }
    }

    /// <summary>What a command writes to its standard output; throws where it fails.</summary>
    public static async Task<string> OutputAsync(string file, string arguments, string directory)
    {
        var info = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}.");
    }

    /// <summary>The load average of the last minute (Linux), to print beside a figure of a shared machine.</summary>
    public static string Load() =>
        File.Exists("/proc/loadavg") ? $"load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}" : "load ?";

    public static bool OnPath(string file) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, file)));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
