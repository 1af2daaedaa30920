using System.Globalization;
using System.Text;
using Compliance.Bench;

// dotnet run --project Bench -c Release -- generate --rows 1000000 --out ledger.csv [--encoding gb18030] [--seed N] [--period yyyy-MM]
// dotnet run --project Bench -c Release -- ingest [--rows 1000000 | --ledger file.csv] [--period yyyy-MM] [--store sqlite|postgres]
// dotnet run --project Bench -c Release -- evaluate [--periods 5000] [--province 2000x36 | --province off] [--store sqlite|postgres]
// dotnet run --project Bench -c Release -- sweep [--institutions 10000] [--store sqlite|postgres]
// --store postgres runs on COMPLIANCE_BENCH_POSTGRES (a role that may create databases), or on the local cluster that
// Bench/postgres.sh prepares (as root); each run creates its databases and drops them.
// dotnet run --project Bench -c Release -- analytics [--institutions 1000] [--months 24]
// Bench/load.sh [--seconds 30]   (installs wrk, then: dotnet run --project Bench -c Release -- load)
var command = args.FirstOrDefault();
var options = Options(args.Skip(1).ToArray());
var root = FindRoot();
var period = options.GetValueOrDefault("period", "2024-12");
var (year, month) = (int.Parse(period[..4], CultureInfo.InvariantCulture), int.Parse(period[5..], CultureInfo.InvariantCulture));
var rows = int.Parse(options.GetValueOrDefault("rows", "1000000"), CultureInfo.InvariantCulture);
var seed = int.Parse(options.GetValueOrDefault("seed", "20221231"), CultureInfo.InvariantCulture);
var work = Path.Combine(root, "bench-out");
var storeName = options.GetValueOrDefault("store", "sqlite");

switch (command)
{
    case "generate":
    {
        var output = Path.GetFullPath(options.GetValueOrDefault("out", "ledger.csv"));
        var encoding = Encoding(options.GetValueOrDefault("encoding", "utf-8"));
        await using (var file = File.Create(output))
        {
            new LedgerGenerator(rows, seed, year, month).Write(file, encoding);
        }

        Console.WriteLine($"wrote {rows:N0} rows for {period} to {output} ({new FileInfo(output).Length / 1e6:F1} MB)");
        return 0;
    }

    case "ingest":
    {
        var ledger = options.GetValueOrDefault("ledger");
        if (ledger is null)
        {
            Directory.CreateDirectory(work);
            ledger = Path.Combine(work, $"ledger-{rows}.csv");
            if (!File.Exists(ledger))
            {
                await using var file = File.Create(ledger);
                new LedgerGenerator(rows, seed, year, month).Write(file, new UTF8Encoding(false));
            }
        }

        await using var store = await BenchStore.OpenAsync(storeName, root, work);
        return await IngestBenchmark.RunAsync(root, Path.GetFullPath(ledger), period, work, store);
    }

    case "evaluate":
    {
        var province = options.GetValueOrDefault("province", "2000x36");
        var (provinceInstitutions, provinceMonths) = province == "off" ? (0, 0)
            : (int.Parse(province[..province.IndexOf('x', StringComparison.Ordinal)], CultureInfo.InvariantCulture), int.Parse(province[(province.IndexOf('x', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture));
        await using var store = await BenchStore.OpenAsync(storeName, root, work);
        return await EvaluationBenchmark.RunAsync(store, int.Parse(options.GetValueOrDefault("periods", "5000"), CultureInfo.InvariantCulture), provinceInstitutions, provinceMonths);
    }

    case "sweep":
    {
        await using var store = await BenchStore.OpenAsync(storeName, root, work);
        return await SweepBenchmark.RunAsync(store, int.Parse(options.GetValueOrDefault("institutions", "10000"), CultureInfo.InvariantCulture));
    }

    case "analytics":
        return await AnalyticsBenchmark.RunAsync(
            root,
            work,
            int.Parse(options.GetValueOrDefault("institutions", "1000"), CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("months", "24"), CultureInfo.InvariantCulture));

    case "load":
        return await LoadBenchmark.RunAsync(root, work, int.Parse(options.GetValueOrDefault("seconds", "30"), CultureInfo.InvariantCulture));

    default:
        Console.Error.WriteLine("usage: Bench generate --rows N --out FILE [--encoding utf-8|gb18030] [--seed N] [--period yyyy-MM]");
        Console.Error.WriteLine("       Bench ingest [--rows N | --ledger FILE] [--period yyyy-MM] [--store sqlite|postgres]");
        Console.Error.WriteLine("       Bench evaluate [--periods 5000] [--province 2000x36 | --province off] [--store sqlite|postgres]");
        Console.Error.WriteLine("       Bench sweep [--institutions 10000] [--store sqlite|postgres]");
        Console.Error.WriteLine("       Bench analytics [--institutions 1000] [--months 24]");
        Console.Error.WriteLine("       Bench load [--seconds 30]  (needs wrk: Bench/load.sh installs it)");
        return 2;
}

static Dictionary<string, string> Options(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        options[args[i].TrimStart('-')] = args[i + 1];
    }

    return options;
}

static Encoding Encoding(string name)
{
    System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    return name.Equals("gb18030", StringComparison.OrdinalIgnoreCase) ? System.Text.Encoding.GetEncoding("GB18030") : new UTF8Encoding(false);
}

static string FindRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Compliance.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? Directory.GetCurrentDirectory();
}
