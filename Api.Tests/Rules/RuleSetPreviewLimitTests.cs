using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Rules;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using Compliance.Data;
using Compliance.Data.Institutions;
using Compliance.Data.Snapshots;
using Compliance.Engine.Indicators;
using Dapper;
using FluentAssertions.Execution;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Compliance.Api.Tests.Rules;

/// <summary>
/// At most two previews of a rule-set change run at once on a node (analytics.md, "Shadow replay"): a third is
/// answered 429 while two run, and a preview whose client goes away stops within a second and frees its place. The
/// server is real Kestrel, so a client that gives up closes its connection. It holds 500 institutions × 120 months of
/// snapshots, so that a preview of all of them runs for seconds, in its reading and in its evaluation, while a preview
/// of the first month answers at once.
/// </summary>
public sealed class RuleSetPreviewLimitTests
{
    private const string SetId = "preview-limit";
    private const int Institutions = 500;
    private const int Months = 120;
    private const string Template = "PL0000";

    // Accepted and evaluated, as the ingest and the job leave a submission; its snapshot is written by its store.
    private const string InsertSubmissionSql = """
        INSERT INTO submissions (institution, period, version, status, received_at, sha256, content_type, byte_count, row_count, error_count,
                                 warning_count, warnings, evaluation_status, evaluated_at)
        VALUES (@institution, @period, 1, 'accepted', @receivedAt, @sha256, 'text/csv', 1, 1, 0, 0, '[]', 'done', @receivedAt);
        SELECT last_insert_rowid();
        """;

    private static readonly YearMonth First = new(2013, 1);
    private static readonly YearMonth Last = First.PlusMonths(Months - 1);

    /// <summary>Every stored institution-period: seconds of reading, then seconds of evaluating.</summary>
    private static readonly string Everything = $"/api/v1/rule-sets/{SetId}/preview?from={First:yyyy-MM}&to={Last:yyyy-MM}";

    /// <summary>The first month, which has no month before it to read: answered at once.</summary>
    private static readonly string FirstMonth = $"/api/v1/rule-sets/{SetId}/preview?from={First:yyyy-MM}&to={First:yyyy-MM}";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private JsonObject _draft = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _factory = new ComplianceApiFactory(TestDatabase.Sqlite) { CaptureLogs = true };
        var address = _factory.StartKestrel();
        _admin = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        _admin.DefaultRequestHeaders.Add("X-Api-Key", ComplianceApiFactory.AdminKey);

        // The national set's rules, for Hunan (43) from 2000; the draft tightens the NPL tolerance.
        var national = await _admin.GetJsonAsync("/api/v1/rule-sets/national");
        var set = new JsonObject
        {
            ["jurisdiction"] = "43", ["years"] = new JsonObject { ["from"] = 2000 }, ["scope"] = "cbirc", ["rules"] = national["rules"]!.DeepClone(),
        };
        (await _admin.PutAsJsonAsync($"/api/v1/rule-sets/{SetId}", set)).EnsureSuccessStatusCode();
        _draft = set.DeepClone().AsObject();
        foreach (var rule in _draft["rules"]!.AsArray().Where(r => r!["rule"]!.GetValue<string>() == "NPL_TOLERANCE"))
        {
            rule!["parameters"] = new JsonObject { ["tolerancePp"] = 1 };
        }

        await _factory.Services.GetRequiredService<InstitutionStore>().CreateAsync(
            new Institution { Code = Template, Name = "测试银行", Category = "rural", RegionCode = "430102", ReportingFrom = First.PlusMonths(-1) },
            "secret",
            CancellationToken.None);

        // One institution's months through the snapshots' writer, then copied as the others in a few statements: stored
        // one ledger at a time, each a commit, they would take minutes.
        await using var connection = await _factory.Services.GetRequiredService<Db>().OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var random = new Random(430102);
        for (var month = 0; month < Months; month++)
        {
            var period = First.PlusMonths(month);
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSubmissionSql, new
            {
                institution = Template, period = $"{period:yyyy-MM}", receivedAt = _factory.Clock.GetCurrentInstant(), sha256 = new string('0', 64),
            }, transaction));
            await SnapshotStore.InsertAsync(connection, transaction, id, Template, period, 1, Snapshot(random, month), CancellationToken.None);
        }

        await CopyTemplateAsync(connection, transaction);
        await transaction.CommitAsync();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [SetUp]
    public Task BothPlacesFree() =>
        Eventually.UntilAsync(
            async () => (await Task.WhenAll(PreviewAsync(FirstMonth), PreviewAsync(FirstMonth))).Select(r => r.StatusCode).ToList(),
            statuses => statuses.All(s => s == HttpStatusCode.OK),
            "no preview to be running");

    [Test]
    public async Task Preview_AThirdWhileTwoRun_Answers429WithRetryAfter()
    {
        using var cancel = new CancellationTokenSource();
        try
        {
            var previews = Enumerable.Range(0, 3).Select(_ => PreviewAsync(Everything, cancel.Token)).ToList();

            var refused = await await Task.WhenAny(previews);
            var running = previews.Count(p => !p.IsCompleted);

            refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "a third preview is refused while two run");
            await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
            using var scope = new AssertionScope();
            running.Should().Be(2, "the first answer is the refusal, while the two others run");
            (refused.Headers.RetryAfter?.Delta).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await cancel.CancelAsync();
        }
    }

    /// <summary>The client goes away while the preview reads the snapshots, or once it evaluates them (its log says so).</summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task Preview_WhoseClientGoesAway_StopsAndFreesItsPlaceWithinASecond(bool whileEvaluating)
    {
        var cancels = Enumerable.Range(0, 3).Select(_ => new CancellationTokenSource()).ToList();
        try
        {
            var evaluatingBefore = EvaluatingLogged();
            var previews = cancels.Select(c => PreviewAsync(Everything, c.Token)).ToList();
            var refused = await await Task.WhenAny(previews);
            refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "two previews run, so a third is refused");
            if (whileEvaluating)
            {
                await Eventually.UntilAsync(() => Task.FromResult(EvaluatingLogged() - evaluatingBefore), n => n == 2, "both previews to evaluate",
                    TimeSpan.FromMinutes(2));
            }

            var leaving = previews.FindIndex(p => !p.IsCompleted);
            var places = _factory.Services.GetRequiredService<PreviewPlaces>();
            places.Free.Should().Be(0, "two previews hold both places");
            await cancels[leaving].CancelAsync();
            var cancelled = Stopwatch.StartNew();
            // The server's own release is what is timed: a client's next request, on a busy machine, may be sent late.
            await Eventually.UntilAsync(() => Task.FromResult(places.Free), free => free > 0, "the preview's place to be given back", TimeSpan.FromMinutes(2));
            var freedAfter = cancelled.Elapsed;
            var next = await Eventually.UntilAsync(() => PreviewAsync(FirstMonth), r => r.StatusCode != HttpStatusCode.TooManyRequests, "a place to be free",
                TimeSpan.FromMinutes(2));
            var answer = await next.Content.ReadFromJsonAsync<JsonObject>();

            using var scope = new AssertionScope();
            next.StatusCode.Should().Be(HttpStatusCode.OK);
            answer?["evaluated"]?.GetValue<int>().Should().Be(Institutions);
            freedAfter.Should().BeLessThan(TimeSpan.FromSeconds(1), "a preview whose client went away stops within a second");
            previews.Count(p => !p.IsCompleted).Should().Be(1, "the other preview still runs");
        }
        finally
        {
            foreach (var cancel in cancels)
            {
                await cancel.CancelAsync();
                cancel.Dispose();
            }
        }
    }

    /// <summary>The answer to a preview of the draft; a request given up ends in a cancelled task.</summary>
    private Task<HttpResponseMessage> PreviewAsync(string url, CancellationToken ct = default) => _admin.PostAsJsonAsync(url, _draft, ct);

    private int EvaluatingLogged() => _factory.Logs.Count(line => line.Contains($"Preview of rule set {SetId} from", StringComparison.Ordinal));

    /// <summary>
    /// The template institution, its submissions and their snapshots, copied as the other institutions (each column as
    /// the table has it, but the institution's code and the submission's id).
    /// </summary>
    private static async Task CopyTemplateAsync(DbConnection connection, DbTransaction transaction)
    {
        async Task<string[]> ColumnsAsync(string table) =>
            [.. await connection.QueryAsync<string>("SELECT name FROM pragma_table_info(@table)", new { table }, transaction)];
        string Select(IEnumerable<string> columns, string alias, Dictionary<string, string> replaced) =>
            string.Join(", ", columns.Select(c => replaced.GetValueOrDefault(c, $"{alias}.{c}")));
        const string copies = "WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < @last)";
        var parameters = new { last = Institutions - 1, template = Template };
        const string code = "printf('PL%04d', copies.n)";

        var institutions = await ColumnsAsync("institutions");
        await connection.ExecuteAsync(
            $"{copies} INSERT INTO institutions ({string.Join(", ", institutions)}) SELECT {Select(institutions, "i", new() { ["code"] = code })} "
            + "FROM institutions i CROSS JOIN copies WHERE i.code = @template",
            parameters, transaction);
        var submissions = (await ColumnsAsync("submissions")).Where(c => c != "id").ToList();
        await connection.ExecuteAsync(
            $"{copies} INSERT INTO submissions ({string.Join(", ", submissions)}) SELECT {Select(submissions, "s", new() { ["institution"] = code })} "
            + "FROM submissions s CROSS JOIN copies WHERE s.institution = @template",
            parameters, transaction);
        var snapshots = await ColumnsAsync("snapshots");
        await connection.ExecuteAsync(
            $"INSERT INTO snapshots ({string.Join(", ", snapshots)}) "
            + $"SELECT {Select(snapshots, "t", new() { ["submission_id"] = "c.id", ["institution"] = "c.institution" })} "
            + "FROM snapshots t JOIN submissions c ON c.period = t.period AND c.institution <> t.institution WHERE t.institution = @template",
            parameters, transaction);
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM snapshots", transaction: transaction)).Should().Be(Institutions * Months);
    }

    private static IndicatorSnapshot Snapshot(Random random, int month)
    {
        var inclusive = 1_000_000m + (10_000m * month) + random.Next(0, 100_000);
        var other = 3_000_000m + random.Next(0, 500_000);
        var npl = decimal.Round(inclusive * random.Next(0, 6) / 100m, 2);
        var snapshot = new IndicatorSnapshot
        {
            InclusiveBalance = inclusive,
            TotalBalance = inclusive + other,
            InclusiveNplBalance = npl,
            TotalNplBalance = npl + decimal.Round(other * random.Next(0, 3) / 100m, 2),
            InclusiveCreditBalance = decimal.Round(inclusive * random.Next(20, 60) / 100m, 2),
            InclusiveBorrowers = random.Next(100, 1_000),
            NewFirstLoanBorrowers = random.Next(0, 40),
            NewInclusiveAmount = 50_000m,
            NewInclusiveRateWeight = 50_000m * 4.5m,
            IndividualBusinessBalance = 200_000m,
            IndividualBusinessBorrowers = 30,
            OperatingBalance = 300_000m,
        };
        return snapshot with { Pboc = snapshot };
    }
}
