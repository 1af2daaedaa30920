using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Engine;

namespace Compliance.Bench;

/// <summary>
/// Starts the real server (Release build) on a fresh SQLite file, posts a ledger over HTTP and times it; in the
/// same run times the sqlite3 shell's <c>.import</c> of the same CSV into a bare table, and reports the ratio
/// against the DESIGN.md budget (1.5×) and the server's peak working set (budget 400 MB).
/// </summary>
internal static class IngestBenchmark
{
    private const int Rounds = 3;

    public static async Task<int> RunAsync(string root, string ledger, string period, string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var database = Path.Combine(workDirectory, "bench.db");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(database + suffix);
        }

        await using var server = await BenchServer.StartAsync(root, database, workDirectory);
        using var http = server.Client();
        (await http.PostAsJsonAsync("/api/v1/institutions", new { code = "BENCH", name = "Bench bank", category = "city_commercial", localLegalPerson = true, regionCode = "110101" }))
            .EnsureSuccessStatusCode();

        // One small ledger first, for another period, so the timed request meets a warm server (JIT, pools).
        using (var warmUp = new StringContent(LedgerGenerator.Header + "\nW1,W1,,micro,100000,loan,business,credit,normal,1000,1000,2020-01-01,2021-01-01,4,N,C,110101\n"))
        {
            warmUp.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
            (await http.PostAsync("/api/v1/submissions?period=2020-01&institution=BENCH", warmUp)).EnsureSuccessStatusCode();
        }

        // The machine is shared and noisy: three rounds, alternating the server and the sqlite3 shell, and the
        // best time of each (each round posts to a new period, and imports into a new file).
        var bytes = new FileInfo(ledger).Length;
        var ingest = double.MaxValue;
        double? import = null;
        long rows = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            await using var file = File.OpenRead(ledger);
            using var content = new StreamContent(file, 1 << 16);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
            var roundPeriod = Periods.Format(Periods.Parse(period).PlusMonths(round));
            using var response = await http.PostAsync($"/api/v1/submissions?period={roundPeriod}&institution=BENCH", content);
            watch.Stop();
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"ingest answered {(int)response.StatusCode}: {body}");
                return 1;
            }

            rows = body!["rows"]!.GetValue<long>();
            ingest = Math.Min(ingest, watch.Elapsed.TotalSeconds);
            Console.WriteLine(Invariant($"round {round + 1}: ingest {watch.Elapsed.TotalSeconds:F2} s, server peak RSS so far {server.PeakWorkingSetMb():F0} MB"));
            if (await SqliteImportSecondsAsync(ledger, workDirectory) is { } seconds)
            {
                import = Math.Min(import ?? double.MaxValue, seconds);
                Console.WriteLine(Invariant($"round {round + 1}: .import {seconds:F2} s"));
            }
        }

        var peakMb = server.PeakWorkingSetMb();
        Console.WriteLine(Invariant($"ledger            {rows:N0} rows, {bytes / 1e6:F1} MB"));
        Console.WriteLine(Invariant($"ingest over HTTP  {ingest:F2} s  ({rows / ingest:N0} rows/s, best of {Rounds})"));
        Console.WriteLine(Invariant($"server peak RSS   {peakMb:F0} MB  (budget 400 MB: {(peakMb <= 400 ? "within" : "OVER")})"));
        if (import is { } reference)
        {
            var ratio = ingest / reference;
            Console.WriteLine(Invariant($"sqlite3 .import   {reference:F2} s  (best of {Rounds})"));
            Console.WriteLine(Invariant($"ratio             {ratio:F2}×  (budget 1.5×: {(ratio <= 1.5 ? "within" : "OVER")})"));
        }
        else
        {
            Console.WriteLine("sqlite3 .import   skipped: no sqlite3 shell on PATH (apt-get install sqlite3)");
        }

        return 0;
    }

    /// <summary>Times the sqlite3 shell loading the CSV into a bare table (no validation), or null without sqlite3.</summary>
    private static async Task<double?> SqliteImportSecondsAsync(string ledger, string workDirectory)
    {
        if (!Shell.OnPath("sqlite3"))
        {
            return null;
        }

        var reference = Path.Combine(workDirectory, "import.db");
        File.Delete(reference);
        var watch = Stopwatch.StartNew();
        await Shell.RunAsync("sqlite3", $"\"{reference}\" -cmd \".mode csv\" \".import '{ledger}' loans\"", workDirectory);
        watch.Stop();
        File.Delete(reference);
        return watch.Elapsed.TotalSeconds;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
