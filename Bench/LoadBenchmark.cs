using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Compliance.Data;
using Compliance.Data.Exceptions;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Bench;

/// <summary>
/// Load over HTTP with wrk: <c>GET /api/v1/exceptions</c> (a page of 50 out of 100,000) at about 500 requests a
/// second for 30 s, against <c>GET /health/live</c> measured the same way in the same run (budget: p99 within 3×);
/// then ledgers from 20 institutions posted at once, every one accepted and every evaluation done.
/// </summary>
internal static partial class LoadBenchmark
{
    private const int Exceptions = 100_000;
    private const int Institutions = 1_000;
    private const int Connections = 20;
    private const int DelayMs = 40; // 20 connections × (1000 / 40) ≈ 500 requests a second

    public static async Task<int> RunAsync(string root, string workDirectory, int seconds)
    {
        if (!Shell.OnPath("wrk"))
        {
            Console.Error.WriteLine("wrk is not on PATH: run Bench/load.sh, which installs it (apt-get install wrk).");
            return 2;
        }

        var clock = new FixedClock(Instant.FromUtc(2024, 1, 20, 2, 0));
        var db = await FreshDatabase.CreateAsync(workDirectory, "load.db", clock);
        Console.WriteLine($"seeding {Exceptions:N0} exceptions over {Institutions:N0} institutions…");
        await SeedAsync(db, clock.GetCurrentInstant());

        await using var server = await BenchServer.StartAsync(root, db.DataSource, workDirectory, new()
        {
            ["Compliance__Limits__PermitsPerSecond"] = "0",
            ["Compliance__Deadlines__SweepAt"] = "off",
        });
        using (var http = server.Client())
        {
            var page = await http.GetFromJsonAsync<JsonObject>("/api/v1/exceptions");
            Console.WriteLine($"GET /api/v1/exceptions: {page!["items"]!.AsArray().Count} items of {page["total"]}");
        }

        var script = Path.Combine(workDirectory, "load.lua");
        await File.WriteAllTextAsync(script, $$"""
            wrk.headers["X-Api-Key"] = "{{BenchServer.AdminKey}}"
            function delay() return {{DelayMs}} end
            """);
        var health = await WrkAsync(server.Address, "/health/live", script, seconds, workDirectory);
        var list = await WrkAsync(server.Address, "/api/v1/exceptions", script, seconds, workDirectory);
        var ratio = list.P99Ms / health.P99Ms;
        Console.WriteLine(Invariant($"GET /health/live       {health.RequestsPerSecond,7:F0} req/s  p50 {health.P50Ms,6:F2} ms  p99 {health.P99Ms,6:F2} ms  errors {health.Errors}"));
        Console.WriteLine(Invariant($"GET /api/v1/exceptions {list.RequestsPerSecond,7:F0} req/s  p50 {list.P50Ms,6:F2} ms  p99 {list.P99Ms,6:F2} ms  errors {list.Errors}"));
        Console.WriteLine(Invariant($"p99 ratio              {ratio:F2}×  (budget 3×: {(ratio <= 3 ? "within" : "OVER")})"));

        var ingest = await IngestTwentyAsync(server);
        return ratio <= 3 && ingest && list.Errors == 0 ? 0 : 1;
    }

    /// <summary>20 institutions post a ledger each at once; each must be accepted and evaluated.</summary>
    private static async Task<bool> IngestTwentyAsync(BenchServer server)
    {
        using var admin = server.Client();
        var ledger = new MemoryStream();
        new LedgerGenerator(20_000, 7, 2023, 12).Write(ledger, new UTF8Encoding(false));
        var bytes = ledger.ToArray();
        var keys = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var code = $"LOAD{i:D2}";
            (await admin.PostAsJsonAsync("/api/v1/institutions", new { code, name = $"负载银行{i}", category = "rural", localLegalPerson = true, regionCode = "371302", reportingFrom = "2023-01" }))
                .EnsureSuccessStatusCode();
            var key = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = code, role = "institution", institution = code });
            keys.Add((await key.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>());
        }

        var watch = Stopwatch.StartNew();
        var answers = await Task.WhenAll(keys.Select(async key =>
        {
            using var bank = server.Client(key);
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
            using var response = await bank.PostAsync("/api/v1/submissions?period=2023-12", content);
            return ((int)response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())?["id"]?.GetValue<string>());
        }));
        var accepted = answers.Count(a => a.Item1 == 201);
        var ingested = watch.Elapsed;

        var pending = answers.Where(a => a.Item2 is not null).Select(a => a.Item2!).ToList();
        while (pending.Count > 0 && watch.Elapsed < TimeSpan.FromMinutes(5))
        {
            var still = new List<string>();
            foreach (var id in pending)
            {
                var receipt = await admin.GetFromJsonAsync<JsonObject>($"/api/v1/submissions/{id}");
                if (receipt!["evaluation"]!["status"]!.GetValue<string>() != "done")
                {
                    still.Add(id);
                }
            }

            pending = still;
            await Task.Delay(pending.Count > 0 ? 200 : 0);
        }

        Console.WriteLine(Invariant($"20 ledgers at once     {accepted}/20 accepted (20,000 rows each) in {ingested.TotalSeconds:F1} s; all evaluated after {watch.Elapsed.TotalSeconds:F1} s{(pending.Count > 0 ? $", {pending.Count} NOT evaluated" : "")}"));
        return accepted == 20 && pending.Count == 0;
    }

    private static async Task SeedAsync(Db db, Instant now)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var stamp = NodaTime.Text.InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'").Format(now);
        string[] rules = ["INCLUSIVE_GROWTH", "NPL_TOLERANCE", "CREDIT_SHARE", "FIRST_LOAN_GROWTH"];
        for (var i = 0; i < Institutions; i++)
        {
            await connection.ExecuteAsync(
                "INSERT INTO institutions (code, name, category, legal_person, level, local_legal_person, region_code, reporting_from, webhook_secret, created_at, updated_at) VALUES (@code, @name, 'rural', 1, 'head_office', 1, @region, '2015-01', 's', @stamp, @stamp)",
                new { code = $"I{i:D4}", name = $"银行{i}", region = i % 2 == 0 ? "371302" : "110101", stamp }, transaction);
        }

        // The exceptions go through their one writer, the exception store, as an evaluation's findings.
        var perInstitution = Exceptions / Institutions;
        var set = new RuleSet("national", 1, new RuleSetSpec("", new YearRange(2000, null), []));
        var figures = new Dictionary<string, object> { ["gapPp"] = 1.5m };
        var message = new LocalizedText("普惠型小微企业贷款增速低于各项贷款增速", "Inclusive growth below total growth");
        for (var i = 0; i < Institutions; i++)
        {
            for (var j = 0; j < perInstitution; j += rules.Length)
            {
                var period = new YearMonth(2016, 1).PlusMonths(j / rules.Length);
                var results = rules.Take(perInstitution - j).Select(rule => RuleResult.Failed(new Finding(rule, Severity.Breach, figures, new Dictionary<string, object>(), message))).ToList();
                await ExceptionStore.ApplyAsync(connection, transaction, [new Evaluation(0, $"I{i:D4}", period, new RuleEvaluation([new SetEvaluation(set, results)]))], now, CancellationToken.None);
            }
        }

        await transaction.CommitAsync();
    }

    private static async Task<Wrk> WrkAsync(Uri address, string path, string script, int seconds, string workDirectory)
    {
        var info = new ProcessStartInfo("wrk", $"-t2 -c{Connections} -d{seconds}s --latency -s \"{script}\" {new Uri(address, path)}")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var wrk = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start.");
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        return new Wrk(
            Percentile(output, "50%"),
            Percentile(output, "99%"),
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            ErrorCount(output));
    }

    private static double Percentile(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    private static long ErrorCount(string output)
    {
        var non2xx = Regex.Match(output, @"Non-2xx or 3xx responses:\s*(\d+)");
        var socket = Regex.Match(output, @"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)");
        return (non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0)
            + (socket.Success ? Enumerable.Range(1, 4).Sum(g => long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture)) : 0);
    }

    [GeneratedRegex(@"Requests/sec:\s*([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Wrk(double P50Ms, double P99Ms, double RequestsPerSecond, long Errors);
}
