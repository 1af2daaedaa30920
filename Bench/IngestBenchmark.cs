using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Data.Submissions;
using Compliance.Engine;
using Microsoft.Data.Sqlite;

namespace Compliance.Bench;

/// <summary>
/// Starts the real server (Release build) on a fresh database of the store, posts a ledger over HTTP three times and
/// times each; in the same run, after each, times the floor: the database's own bulk load (the sqlite3 shell's
/// <c>.import</c>, psql's <c>\copy</c>) of a file holding the stored representation of the same rows, exported once
/// before any floor is timed, into a fresh table with the columns, types and indexes of <c>loans</c> as the migrations
/// leave it. On SQLite also the shell's <c>.import</c> of the posted CSV into a bare table. Prints each run, the medians,
/// the ratio against the budget (1.5×) and the server's peak resident set (budget 300 MB on SQLite).
/// </summary>
internal static class IngestBenchmark
{
    private const int Rounds = 3;
    private const double Budget = 1.5;
    private const double SqliteRssBudgetMb = 300;

    public static async Task<int> RunAsync(string root, string ledger, string period, string workDirectory, BenchStore store)
    {
        Directory.CreateDirectory(workDirectory);
        var database = await store.CreateForServerAsync("ingest");
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

        Console.WriteLine(Invariant($"{store.Name}: server started, peak RSS {server.PeakWorkingSetMb():F0} MB before the first ledger"));
        var bytes = new FileInfo(ledger).Length;
        var floor = store is PostgresBenchStore ? "psql \\copy of the stored rows" : "sqlite3 .import of the stored rows";
        List<double> ingests = [], floors = [], csvImports = [];
        string? stored = null;
        long rows = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var load = Shell.Load();
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
            ingests.Add(watch.Elapsed.TotalSeconds);
            var peak = server.PeakWorkingSetMb();

            // The stored representation of the rows, as the database gives them back: prepared once, before any floor is timed.
            stored ??= await ExportAsync(store, database, long.Parse(body["id"]!.GetValue<string>(), CultureInfo.InvariantCulture), workDirectory);
            floors.Add(await FloorAsync(store, database, stored, workDirectory, round));
            var line = Invariant($"round {round + 1} ({load}): ingest {ingests[^1]:F2} s, {floor} {floors[^1]:F2} s");
            if (store is SqliteBenchStore && await CsvImportSecondsAsync(ledger, workDirectory) is { } seconds)
            {
                csvImports.Add(seconds);
                line += Invariant($", .import of the posted CSV {seconds:F2} s");
            }

            Console.WriteLine(line + Invariant($"; server peak RSS so far {peak:F0} MB"));
        }

        var peakMb = server.PeakWorkingSetMb();
        var ingest = Replay.Median(ingests);
        Console.WriteLine(Invariant($"{store.Name} ledger           {rows:N0} rows, {bytes / 1e6:F1} MB"));
        Console.WriteLine(Invariant($"{store.Name} ingest over HTTP {Replay.Seconds(ingests)} s: median {ingest:F2} s ({rows / ingest:N0} rows/s)"));
        Console.WriteLine(Invariant($"{store.Name} floor ({floor}) {Replay.Seconds(floors)} s: median {Replay.Median(floors):F2} s"));
        Console.WriteLine(Invariant($"{store.Name} ingest / floor   {Replay.Ratio(ingest, Replay.Median(floors), Budget)}"));
        if (csvImports.Count > 0)
        {
            Console.WriteLine(Invariant($"{store.Name} .import of the posted CSV {Replay.Seconds(csvImports)} s: median {Replay.Median(csvImports):F2} s"));
            Console.WriteLine(Invariant($"{store.Name} ingest / .import of the CSV {Replay.Ratio(ingest, Replay.Median(csvImports), Budget)}"));
        }
        else if (store is SqliteBenchStore)
        {
            Console.WriteLine("sqlite3 .import skipped: no sqlite3 shell on PATH (apt-get install sqlite3)");
        }

        Console.WriteLine(store is SqliteBenchStore
            ? Invariant($"{store.Name} server peak RSS {peakMb:F0} MB (budget {SqliteRssBudgetMb:F0} MB: {(peakMb <= SqliteRssBudgetMb ? "within" : $"OVER by {peakMb - SqliteRssBudgetMb:F0} MB")})")
            : Invariant($"{store.Name} server peak RSS {peakMb:F0} MB (no budget on PostgreSQL)"));
        var within = ingest / Replay.Median(floors) <= Budget
            && (csvImports.Count == 0 || ingest / Replay.Median(csvImports) <= Budget)
            && (store is not SqliteBenchStore || peakMb <= SqliteRssBudgetMb);
        return within ? 0 : 1;
    }

    /// <summary>
    /// Writes the rows of the submission as the database stores them to a CSV file, with the database's own tools: the
    /// columns of <c>loans</c> in order, in ledger order, no header.
    /// </summary>
    private static async Task<string> ExportAsync(BenchStore store, Dictionary<string, string> database, long submissionId, string workDirectory)
    {
        var path = Path.Combine(workDirectory, $"stored-{store.Name.ToLowerInvariant()}.csv");
        File.Delete(path);
        var select = Invariant($"SELECT {string.Join(", ", LoanWriter.Columns)} FROM loans WHERE submission_id = {submissionId} ORDER BY line");
        if (store is PostgresBenchStore postgres)
        {
            await Shell.RunAsync("psql", $"-q -v ON_ERROR_STOP=1 -c \"\\copy ({select.Replace("loans", "compliance.loans", StringComparison.Ordinal)}) TO '{path}' WITH (FORMAT csv)\"",
                workDirectory, postgres.PsqlEnvironment(DatabaseOf(database)));
        }
        else
        {
            await Shell.RunAsync("sqlite3", $"-readonly -csv -cmd \".once '{path}'\" \"{SqliteFile(database)}\" \"{select}\"", workDirectory);
        }

        Console.WriteLine(Invariant($"stored rows exported to {path} ({new FileInfo(path).Length / 1e6:F1} MB), before any floor is timed"));
        return path;
    }

    /// <summary>
    /// Times the database's own bulk load of the stored rows into a fresh table made as <c>loans</c> is: on PostgreSQL a
    /// table <c>LIKE loans INCLUDING ALL</c> (columns, types, defaults, indexes); on SQLite a new file with the table and
    /// indexes of <c>loans</c> as the migrated database declares them.
    /// </summary>
    private static async Task<double> FloorAsync(BenchStore store, Dictionary<string, string> database, string stored, string workDirectory, int round)
    {
        if (store is PostgresBenchStore postgres)
        {
            var environment = postgres.PsqlEnvironment(DatabaseOf(database));
            var table = Invariant($"compliance.loans_floor_{round + 1}");
            await Shell.RunAsync("psql", $"-q -v ON_ERROR_STOP=1 -c \"CREATE TABLE {table} (LIKE compliance.loans INCLUDING ALL)\"", workDirectory, environment);
            var watch = Stopwatch.StartNew();
            await Shell.RunAsync("psql", $"-q -v ON_ERROR_STOP=1 -c \"\\copy {table} FROM '{stored}' WITH (FORMAT csv)\"", workDirectory, environment);
            watch.Stop();
            await Shell.RunAsync("psql", $"-q -v ON_ERROR_STOP=1 -c \"DROP TABLE {table}\"", workDirectory, environment);
            return watch.Elapsed.TotalSeconds;
        }

        var floor = Path.Combine(workDirectory, "floor.db");
        File.Delete(floor);
        await using (var source = new SqliteConnection($"Data Source={SqliteFile(database)};Mode=ReadOnly"))
        await using (var target = new SqliteConnection($"Data Source={floor}"))
        {
            await source.OpenAsync();
            await target.OpenAsync();
            await using var schema = source.CreateCommand();
            schema.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name = 'loans' AND sql IS NOT NULL ORDER BY type DESC";
            await using var reader = await schema.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                await using var create = target.CreateCommand();
                create.CommandText = reader.GetString(0);
                await create.ExecuteNonQueryAsync();
            }
        }

        SqliteConnection.ClearAllPools();
        var timer = Stopwatch.StartNew();
        await Shell.RunAsync("sqlite3", $"\"{floor}\" \".import --csv '{stored}' loans\"", workDirectory);
        timer.Stop();
        File.Delete(floor);
        return timer.Elapsed.TotalSeconds;
    }

    /// <summary>Times the sqlite3 shell loading the posted CSV into a bare table (no validation), or null without sqlite3.</summary>
    private static async Task<double?> CsvImportSecondsAsync(string ledger, string workDirectory)
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

    private static string SqliteFile(Dictionary<string, string> database) =>
        new SqliteConnectionStringBuilder(database["Compliance__Database__ConnectionString"]).DataSource;

    private static string DatabaseOf(Dictionary<string, string> database) =>
        new Npgsql.NpgsqlConnectionStringBuilder(database["Compliance__Database__ConnectionString"]).Database!;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
