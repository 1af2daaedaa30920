using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using Compliance.Data.Postgres;
using Compliance.Engine.Exceptions;
using Dapper;
using FluentAssertions.Execution;
using Npgsql;

namespace Compliance.Api.Tests.Nodes;

/// <summary>
/// stores.md, "Many nodes, proven": three real server processes on one PostgreSQL database, two with
/// <c>Compliance:Roles=api,worker</c> and one <c>worker</c>, each on its own port, driven from outside as a load balancer
/// would. The scenarios that need only those three share them, each on institutions of its own; the sweep (whose counts
/// cover every institution) and the kill (whose API nodes take no jobs) start three of their own on a fresh database.
/// Where a test fails, the output of every node it ran on is attached and its end printed.
/// </summary>
[NonParallelizable]
public sealed class ManyNodesTests
{
    private const string Region = "371302";

    /// <summary>The prefix of the institutions whose ledgers the single SQLite node runs (<see cref="Reference"/>).</summary>
    private const string ReferencePrefix = "MN";

    /// <summary>Hangfire's invisibility timeout in the scenario that kills a worker.</summary>
    private static readonly TimeSpan InvisibilityTimeout = TimeSpan.FromSeconds(20);

    /// <summary>13 months: the year-end the growth rules start from, and a year after it.</summary>
    private static readonly string[] Months = [.. Enumerable.Range(0, 13).Select(m => m == 0 ? "2021-12" : $"2022-{m:D2}")];

    /// <summary>
    /// The exceptions other than <c>cleared</c> of the ledgers of <see cref="LedgerOf"/>, every institution's in period
    /// order on one SQLite node: what every many-node run of the same ledgers must end with. Made once, by the first
    /// test that asks.
    /// </summary>
    private static readonly Lazy<Task<IReadOnlySet<ExceptionKey>>> Reference = new(ReferenceAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The three nodes of the spec (two <c>api,worker</c> and one <c>worker</c>) on one database, shared by the scenarios
    /// that need nothing else, each on institutions of its own: started by the first that asks, stopped after the last.
    /// </summary>
    private Cluster? _shared;

    /// <summary>The nodes of a scenario that needs a database of its own (the sweep's counts, the kill's roles).</summary>
    private Cluster? _own;

    /// <summary>The cluster the current scenario ran on, for the report of a failure.</summary>
    private Cluster? _used;

    [OneTimeSetUp]
    public void RequirePostgres() => TestDatabases.RequireAvailable(TestDatabase.Postgres);

    [TearDown]
    public void ReportAndDropOwnDatabase()
    {
        if (_used is not null)
        {
            ServerProcess.ReportIfFailed(_used.Nodes);
        }

        _own?.Dispose();
        (_own, _used) = (null, null);
    }

    [OneTimeTearDown]
    public void DropSharedDatabase() => _shared?.Dispose();

    /// <summary>The shared three nodes (<see cref="_shared"/>), started where no scenario has yet.</summary>
    private async Task<(Cluster Cluster, ServerProcess A, ServerProcess B)> SharedAsync()
    {
        _shared ??= new Cluster();
        _used = _shared;
        if (_shared.Nodes.Count == 0)
        {
            await _shared.StartThreeAsync();
        }

        return (_shared, _shared.Nodes.Single(n => n.Name.StartsWith("api-worker-1", StringComparison.Ordinal)),
            _shared.Nodes.Single(n => n.Name.StartsWith("api-worker-2", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A database of the scenario's own (<see cref="_own"/>), dropped after it. The shared nodes stop first (a later
    /// scenario starts them again): the server's connections are shared with every other test database.
    /// </summary>
    private Cluster Own()
    {
        _shared?.Dispose();
        _shared = null;
        return _used = _own = new Cluster();
    }

    [Test]
    public async Task LedgersPostedToOneNodeAndRetriedOnTheOther_OneVersionEach_AndTheExceptionsOfOneSqliteNode()
    {
        // The single SQLite node runs the same ledgers meanwhile.
        var reference = Reference.Value;
        var (cluster, a, b) = await SharedAsync();
        const int institutions = 50;
        var keys = await CreateInstitutionsAsync(a, institutions, ReferencePrefix);
        var ledgers = Shuffled(institutions, seed: 20240611);
        cluster.Step("three nodes ready, institutions created");

        await Parallel.ForEachAsync(ledgers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (ledger, _) =>
        {
            var (first, other) = ledger.Index % 2 == 0 ? (a, b) : (b, a);
            await PostAndRetryAsync(first, other, keys[ledger.Institution], ledger);
        });
        cluster.Step($"{ledgers.Count} ledgers posted and retried");
        await cluster.WaitUntilSettledAsync(TimeSpan.FromSeconds(120));
        cluster.Step("every evaluation done");

        var expected = await reference;
        await cluster.ShouldHoldOneAcceptedVersionOfEachAsync(ReferencePrefix, ledgers);
        await cluster.ShouldHoldEventsOnceEachAsync();
        ShouldEqual(await NonClearedAsync(a, ReferencePrefix), expected);
    }

    [Test]
    public async Task SameIdempotencyKeyOnBothApiNodesAtOnce_OneIsStored_TheOtherReplaysOrIsInUse()
    {
        var (cluster, a, b) = await SharedAsync();
        var key = (await CreateInstitutionsAsync(a, 1, "ID"))[1];
        using var atA = a.Client(key);
        using var atB = b.Client(key);
        (await atA.GetAsync("/health/ready")).EnsureSuccessStatusCode();
        (await atB.GetAsync("/health/ready")).EnsureSuccessStatusCode();

        for (var trial = 1; trial <= 20; trial++)
        {
            var idempotencyKey = $"same-moment-{trial}-{Guid.NewGuid():N}";
            var body = LedgerOf(1, trial);
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var posts = new[] { atA, atB }.Select(client => Task.Run(async () =>
            {
                await go.Task;
                return await PostLedgerAsync(client, "2022-12", body, idempotencyKey);
            })).ToList();
            go.SetResult();
            var answers = await Task.WhenAll(posts);

            using var scope = new AssertionScope($"trial {trial}");
            var stored = answers.Where(r => r.Status == HttpStatusCode.Created && !r.Replayed).ToList();
            stored.Should().ContainSingle("exactly one of the two requests stores the ledger");
            var other = answers.Single(r => r != stored.FirstOrDefault());
            if (other.Status == HttpStatusCode.Created)
            {
                other.Replayed.Should().BeTrue();
                other.Body.Should().Be(stored.FirstOrDefault()?.Body, "a replay answers the first answer byte for byte");
            }
            else
            {
                other.Status.Should().Be(HttpStatusCode.Conflict, other.Body);
                other.Body.Should().Contain("/idempotency-key-in-use");
            }

            JsonNode.Parse(stored.FirstOrDefault()?.Body ?? "{}")!["version"]?.GetValue<int>().Should().Be(trial, "each trial stores one version more");
        }

        var versions = await cluster.QueryAsync<long>("SELECT version FROM submissions WHERE institution = @code AND period = '2022-12' AND status = 'accepted' ORDER BY version", new { code = Code("ID", 1) });
        versions.Should().Equal(Enumerable.Range(1, 20).Select(v => (long)v));
    }

    [Test]
    public async Task WorkerKilledHoldingEvaluations_ASecondWorkerEndsEveryOneDone_WithinTheInvisibilityTimeoutAndHalfAMinute()
    {
        var settings = new Dictionary<string, string> { ["Compliance__Jobs__InvisibilityTimeout"] = InvisibilityTimeout.ToString("c", CultureInfo.InvariantCulture) };
        var reference = Reference.Value;
        var cluster = Own();
        var started = await Task.WhenAll(cluster.StartAsync("api-1", "api", settings), cluster.StartAsync("api-2", "api", settings));
        var (a, b) = (started[0], started[1]);
        const int institutions = 10;
        var keys = await CreateInstitutionsAsync(a, institutions, ReferencePrefix);
        var ledgers = Shuffled(institutions, seed: 7);
        await Parallel.ForEachAsync(ledgers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (ledger, _) =>
        {
            var (first, other) = ledger.Index % 2 == 0 ? (a, b) : (b, a);
            await PostAndRetryAsync(first, other, keys[ledger.Institution], ledger);
        });
        (await cluster.ScalarAsync(PendingSql)).Should().Be(ledgers.Count, "no node takes jobs yet");
        cluster.Step($"{ledgers.Count} ledgers posted to the API nodes");

        var worker = await cluster.StartAsync("worker-1", "worker", settings, ready: false);
        await Eventually.UntilAsync(() => cluster.ScalarAsync(HeldSql), held => held > 0, "the worker to hold evaluations", TimeSpan.FromSeconds(60));
        worker.Kill();
        var killedAt = Stopwatch.StartNew();
        cluster.Step("the worker killed");
        var held = await cluster.ScalarAsync(HeldSql);
        held.Should().BePositive("the worker died holding jobs");
        (await cluster.ScalarAsync(PendingSql)).Should().BePositive("evaluations were owed when the worker died");
        await cluster.StartAsync("worker-2", "worker", settings);
        await cluster.WaitUntilSettledAsync(InvisibilityTimeout + TimeSpan.FromSeconds(30) - killedAt.Elapsed);
        cluster.Step($"every evaluation done, {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");

        var expected = await reference;
        await cluster.ShouldHoldOneAcceptedVersionOfEachAsync(ReferencePrefix, ledgers);
        await cluster.ShouldHoldEventsOnceEachAsync();
        ShouldEqual(await NonClearedAsync(a, ReferencePrefix), expected.Where(e => string.CompareOrdinal(e.Institution, Code(ReferencePrefix, institutions)) <= 0).ToHashSet());
    }

    [Test]
    public async Task SweepOnTwoNodesForTheSameDateAtOnce_WritesEachReminderAndMissedDeadlineOnce()
    {
        var cluster = Own();
        var (a, b, _) = await cluster.StartThreeAsync();
        const int institutions = 12;
        var keys = await CreateInstitutionsAsync(a, institutions, "SW", reportingFrom: "2022-01");
        // Some ledgers filed on time, so that the sweeps owe some deadlines and not others.
        foreach (var institution in Enumerable.Range(1, institutions).Where(i => i % 3 == 0))
        {
            using var bank = a.Client(keys[institution]);
            await bank.SubmitAcceptedAsync("2022-01", LedgerOf(institution, 1));
        }

        string[] dates = ["2022-02-01", "2022-02-15", "2022-02-16", "2022-03-01", "2022-03-18", "2022-04-20"];
        using var atA = a.Client(ComplianceApiFactory.AdminKey);
        using var atB = b.Client(ComplianceApiFactory.AdminKey);
        var counted = (Reminders: 0L, Exceptions: 0L);
        foreach (var date in dates)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var sweeps = new[] { atA, atB }.Select(client => Task.Run(async () =>
            {
                await go.Task;
                return await client.PostAsync($"/api/v1/deadlines/sweep?date={date}", null);
            })).ToList();
            go.SetResult();
            foreach (var answer in await Task.WhenAll(sweeps))
            {
                answer.StatusCode.Should().Be(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
                var counts = await answer.JsonAsync();
                counted = (counted.Reminders + counts["reminders"]!.GetValue<long>(), counted.Exceptions + counts["exceptions"]!.GetValue<long>());
            }
        }

        var single = await SweepOnOneSqliteNodeAsync(institutions, dates);
        var written = (Reminders: await cluster.ScalarAsync("SELECT COUNT(*) FROM reminders"),
            Exceptions: await cluster.ScalarAsync("SELECT COUNT(*) FROM exceptions WHERE \"rule\" = 'DEADLINE_MISSED'"));
        using var scope = new AssertionScope();
        written.Reminders.Should().BePositive("the sweeps owed reminders");
        written.Exceptions.Should().BePositive("the sweeps found missed deadlines");
        written.Should().Be(counted, "the two sweeps of each date together wrote what they answered");
        written.Should().Be(single, "each reminder and missed deadline is written once, as one node sweeping each date once writes them");
        (await cluster.ScalarAsync("""
            SELECT COUNT(*) FROM (SELECT obligation, institution, period, offset_days FROM reminders GROUP BY obligation, institution, period, offset_days HAVING COUNT(*) > 1) d
            """)).Should().Be(0);
        (await cluster.ScalarAsync("""
            SELECT COUNT(*) FROM (SELECT institution, period, subject FROM exceptions WHERE "rule" = 'DEADLINE_MISSED' GROUP BY institution, period, subject HAVING COUNT(*) > 1) d
            """)).Should().Be(0);
        await cluster.ShouldHoldEventsOnceEachAsync();
    }

    [Test]
    public async Task ExceptionExplainedOnOneNodeAndResolvedOnTheOther_WhileItsPeriodIsEvaluatedAgain_EndsAsSomeSerialOrder()
    {
        var (cluster, a, b) = await SharedAsync();
        const int institutions = 3;
        var keys = await CreateInstitutionsAsync(a, institutions, "WK");
        using (var admin = a.Client(ComplianceApiFactory.AdminKey))
        {
            var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "regulator 37", role = "regulator", jurisdiction = "37" });
            created.EnsureSuccessStatusCode();
            keys[0] = (await created.JsonAsync())["key"]!.GetValue<string>();
        }

        foreach (var month in Enumerable.Range(0, Months.Length))
        {
            await Task.WhenAll(Enumerable.Range(1, institutions).Select(async institution =>
            {
                using var bank = a.Client(keys[institution]);
                await bank.SubmitAcceptedAsync(Months[month], LedgerOf(institution, month));
            }));
        }

        await cluster.WaitUntilSettledAsync(TimeSpan.FromSeconds(60));
        using var regulatorAtB = b.Client(keys[0]);
        var worked = new List<Worked>();
        for (var institution = 1; institution <= institutions; institution++)
        {
            using var bankAtA = a.Client(keys[institution]);
            var open = (await bankAtA.ExceptionsAsync("&status=open")).Where(e => e["period"]!.GetValue<string>() != Months[0]).ToList();
            open.Should().NotBeEmpty();

            // A new year-end ledger: every later period of the year is evaluated again against it, in one job, while each
            // of its open exceptions is explained at one node and resolved at the other.
            var again = await bankAtA.PostLedgerAsync(Months[0], YearEndAgain(institution));
            again.StatusCode.Should().Be(HttpStatusCode.Created, await again.Content.ReadAsStringAsync());
            using var inFlight = new SemaphoreSlim(8);
            var actions = open.Select(async exception =>
            {
                await inFlight.WaitAsync();
                using var release = new Release(inFlight);
                var id = exception["id"]!.GetValue<string>();
                var explain = bankAtA.PostAsJsonAsync($"/api/v1/exceptions/{id}/explanation", new { text = "数据已核实。" });
                var resolve = regulatorAtB.PostAsJsonAsync($"/api/v1/exceptions/{id}/resolve", new { note = "已核查，予以办结。" });
                var answers = await Task.WhenAll(explain, resolve);
                return new Worked(id, Code("WK", institution), exception["period"]!.GetValue<string>(), exception["ruleSet"]?["id"]?.GetValue<string>(),
                    exception["rule"]!.GetValue<string>(), answers[0].StatusCode, answers[1].StatusCode);
            });
            worked.AddRange(await Task.WhenAll(actions));
        }

        await cluster.WaitUntilSettledAsync(TimeSpan.FromSeconds(60));

        using var admin2 = a.Client(ComplianceApiFactory.AdminKey);
        using var scope = new AssertionScope();
        foreach (var exception in worked)
        {
            exception.Explain.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.Conflict], $"explaining {exception.Id}");
            exception.Resolve.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.Conflict], $"resolving {exception.Id}");
            var detail = await admin2.GetJsonAsync($"/api/v1/exceptions/{exception.Id}");
            var events = detail["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
            events.Count(e => e["kind"]!.GetValue<string>() == "explained" && e["actor"]!["role"]!.GetValue<string>() == "institution")
                .Should().Be(exception.Explain == HttpStatusCode.OK ? 1 : 0, $"the explanation of {exception.Id} answered {(int)exception.Explain}");
            events.Count(e => e["kind"]!.GetValue<string>() == "resolved" && e["actor"]!["role"]!.GetValue<string>() == "regulator")
                .Should().Be(exception.Resolve == HttpStatusCode.OK ? 1 : 0, $"the resolution of {exception.Id} answered {(int)exception.Resolve}");
            var found = await FoundAsync(admin2, exception);
            var status = ExceptionLifecycle.ParseStatus(detail["status"]!.GetValue<string>())!.Value;
            SerialOrders(exception, found).Should().Contain(status,
                $"{exception.Id} ({exception.Rule}, {exception.Period}) ends as the answered actions (explain {(int)exception.Explain}, resolve {(int)exception.Resolve}) "
                + $"and an evaluation that {(found ? "finds" : "no longer finds")} it leave it in some serial order; its events: "
                + string.Join(", ", events.Select(e => $"{e["kind"]} {e["fromStatus"]}→{e["toStatus"]} ({e["actor"]!["role"]})")));
        }

        await cluster.ShouldHoldEventsOnceEachAsync();
    }

    private const string PendingSql = $"""
        SELECT COUNT(*) FROM submissions s JOIN latest_submissions l ON l.id = s.id
        WHERE s.evaluation_status IS NOT NULL AND s.evaluation_status <> 'done'
        """;

    /// <summary>Jobs a worker took from the queue and has not finished (or died holding).</summary>
    private const string HeldSql = "SELECT COUNT(*) FROM hangfire.jobqueue WHERE fetchedat IS NOT NULL";

    /// <summary>
    /// What is left to do, by kind: evaluations not done, jobs queued (and of those, held by a worker), and jobs enqueued,
    /// processing, scheduled (for a retry) or awaiting, by state.
    /// </summary>
    private const string OwedSql = $"""
        SELECT 'evaluations not done' AS What, ({PendingSql}) AS Count
        UNION ALL SELECT 'jobs queued', COUNT(*) FROM hangfire.jobqueue
        UNION ALL SELECT 'jobs held', COUNT(*) FROM hangfire.jobqueue WHERE fetchedat IS NOT NULL
        UNION ALL SELECT 'jobs ' || statename, COUNT(*) FROM hangfire.job WHERE statename IN ('Enqueued', 'Processing', 'Scheduled', 'Awaiting') GROUP BY statename
        """;

    /// <summary>
    /// The statuses an exception ends in when the actions answered 200 and the evaluation are applied one after the
    /// other in some order in which each action answered 409 is refused where it stands: every order of the three is tried.
    /// </summary>
    private static HashSet<ExceptionStatus> SerialOrders(Worked exception, bool found)
    {
        var ends = new HashSet<ExceptionStatus>();
        string[] steps = ["explain", "resolve", "evaluate"];
        foreach (var order in Permutations(steps))
        {
            ExceptionStatus? status = ExceptionStatus.Open;
            foreach (var step in order)
            {
                if (status is null)
                {
                    break;
                }

                status = step switch
                {
                    "explain" => Act(status.Value, LifecycleEvent.Explain, exception.Explain),
                    "resolve" => Act(status.Value, LifecycleEvent.Resolve, exception.Resolve),
                    _ => ExceptionLifecycle.OnEvaluation(status, null, new NodaTime.LocalDate(2022, 12, 31), found, changed: true).Transition?.To ?? status,
                };
            }

            if (status is { } end)
            {
                ends.Add(end);
            }
        }

        return ends;

        // The status after an action that answered as it did, or null where this order would have answered otherwise.
        static ExceptionStatus? Act(ExceptionStatus from, LifecycleEvent action, HttpStatusCode answered) =>
            (ExceptionLifecycle.Next(from, action), answered) switch
            {
                ({ } transition, HttpStatusCode.OK) => transition.To,
                (null, HttpStatusCode.Conflict) => from,
                _ => null,
            };
    }

    private static IEnumerable<string[]> Permutations(string[] items) =>
        items.Length <= 1 ? [items] : items.SelectMany((item, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (string[])[item, .. rest]));

    /// <summary>Whether the latest evaluation of the exception's period finds its rule (a warning or a breach).</summary>
    private static async Task<bool> FoundAsync(HttpClient admin, Worked exception)
    {
        var receipts = await admin.GetJsonAsync($"/api/v1/submissions?institution={exception.Institution}&period={exception.Period}&status=accepted");
        var latest = receipts["items"]!.AsArray().Select(r => r!.AsObject()).MaxBy(r => r["version"]!.GetValue<int>())!;
        var outcome = latest["evaluation"]!["rules"]!.AsArray()
            .Single(r => r!["rule"]!.GetValue<string>() == exception.Rule && r["ruleSet"]!.GetValue<string>() == exception.RuleSet)!["outcome"]!.GetValue<string>();
        return outcome is "warning" or "breach";
    }

    /// <summary>Posts a ledger with an Idempotency-Key to one node, then the same again to the other, as a client retrying.</summary>
    private static async Task PostAndRetryAsync(ServerProcess first, ServerProcess other, string key, Ledger ledger)
    {
        var idempotencyKey = $"ledger-{ledger.Institution}-{ledger.Period}-{Guid.NewGuid():N}";
        var body = LedgerOf(ledger.Institution, ledger.Month);
        using var atFirst = first.Client(key);
        using var atOther = other.Client(key);
        var posted = await PostLedgerAsync(atFirst, ledger.Period, body, idempotencyKey);
        var retried = await PostLedgerAsync(atOther, ledger.Period, body, idempotencyKey);

        posted.Status.Should().Be(HttpStatusCode.Created, posted.Body);
        posted.Replayed.Should().BeFalse();
        retried.Status.Should().Be(HttpStatusCode.Created, retried.Body);
        retried.Replayed.Should().BeTrue("the retry on the other node replays the answer the first node kept");
        retried.Body.Should().Be(posted.Body);
    }

    private static async Task<Answer> PostLedgerAsync(HttpClient client, string period, string csv, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/submissions?period={period}")
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request);
        return new Answer(response.StatusCode, response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"),
            await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates institutions 1 to <paramref name="count"/> (admin) and answers a key of each, by number.</summary>
    private static Task<Dictionary<int, string>> CreateInstitutionsAsync(ServerProcess node, int count, string prefix, string reportingFrom = "2021-01") =>
        CreateInstitutionsAsync(node.Client, count, prefix, reportingFrom);

    private static async Task<Dictionary<int, string>> CreateInstitutionsAsync(Func<string?, HttpClient> clientWithKey, int count, string prefix, string reportingFrom = "2021-01")
    {
        using var admin = clientWithKey(ComplianceApiFactory.AdminKey);
        var keys = new ConcurrentDictionary<int, string>();
        await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var code = Code(prefix, i);
            (await admin.PostAsJsonAsync("/api/v1/institutions", new
            {
                code, name = $"测试银行 {code}", category = "rural", localLegalPerson = true, regionCode = Region, reportingFrom,
            }, ct)).EnsureSuccessStatusCode();
            var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = code, role = "institution", institution = code }, ct);
            created.EnsureSuccessStatusCode();
            keys[i] = (await created.JsonAsync())["key"]!.GetValue<string>();
        });
        return new Dictionary<int, string>(keys);
    }

    /// <summary>The code of a scenario's institution: its prefix and number.</summary>
    private static string Code(string prefix, int institution) => $"{prefix}{institution:D3}";

    /// <summary>Every (institution, month) of institutions 1 to <paramref name="institutions"/>, in an order shuffled by the seed.</summary>
    private static List<Ledger> Shuffled(int institutions, int seed)
    {
        var ledgers = Enumerable.Range(1, institutions).SelectMany(i => Enumerable.Range(0, Months.Length).Select(m => (i, m))).ToArray();
        new Random(seed).Shuffle(ledgers);
        return [.. ledgers.Select((l, index) => new Ledger(index, l.i, l.m, Months[l.m]))];
    }

    /// <summary>
    /// The ledger of an institution's month: a few loans whose balances, classes, guarantees and first loans vary with
    /// both, so that periods differ and their rules come out differently; the same every time it is asked for.
    /// </summary>
    private static string LedgerOf(int institution, int month)
    {
        var random = new Random((institution * 1009) + month);
        var period = Months[Math.Min(month, Months.Length - 1)];
        var rows = new List<string>();
        var micro = 2 + random.Next(3);
        for (var i = 0; i < micro; i++)
        {
            var balance = 50_000m * (1 + random.Next(8 + month));
            var isNew = random.Next(3) == 0;
            rows.Add(Ledgers.Row($"M{i}", borrowerId: $"B{i}", creditLine: 2_000_000m, guarantee: random.Next(2) == 0 ? "credit" : "guarantee",
                classification: random.Next(7) == 0 ? "substandard" : "normal", amount: balance, balance: balance,
                disbursedOn: isNew ? $"{period}-01" : "2021-06-01", rate: 3.5m + random.Next(20) / 10m, firstLoan: isNew && random.Next(2) == 0 ? "Y" : "N"));
        }

        var business = 100_000m * (1 + random.Next(5));
        rows.Add(Ledgers.Row("IB", borrowerId: "IB1", borrowerType: "individual_business", creditLine: 1_000_000m, amount: business, balance: business));
        var large = 10_000_000m + (200_000m * random.Next(20));
        rows.Add(Ledgers.Row("LARGE", borrowerId: "BIG", borrowerType: "large", creditLine: 500_000_000m, guarantee: "pledge", amount: 30_000_000m, balance: large,
            classification: random.Next(12) == 0 ? "substandard" : "normal"));
        return Ledgers.Csv([.. rows]);
    }

    /// <summary>A year-end ledger other than <see cref="LedgerOf"/>'s: the start every growth rule of the next year compares with moves.</summary>
    private static string YearEndAgain(int institution) => Ledgers.Csv(
        Ledgers.Row("M0", borrowerId: "B0", creditLine: 2_000_000m, amount: 150_000m * institution, balance: 150_000m * institution),
        Ledgers.Row("LARGE", borrowerId: "BIG", borrowerType: "large", creditLine: 500_000_000m, guarantee: "pledge", amount: 30_000_000m, balance: 25_000_000m));

    /// <summary>The exceptions other than <c>cleared</c> that a node answers, every page of them.</summary>
    private static Task<IReadOnlySet<ExceptionKey>> NonClearedAsync(ServerProcess node, string prefix) => NonClearedAsync(node.Client, prefix);

    private static async Task<IReadOnlySet<ExceptionKey>> NonClearedAsync(Func<string?, HttpClient> clientWithKey, string prefix)
    {
        using var admin = clientWithKey(ComplianceApiFactory.AdminKey);
        var keys = new HashSet<ExceptionKey>();
        for (var page = 1; ; page++)
        {
            var answer = await admin.GetJsonAsync($"/api/v1/exceptions?status=open&status=explained&status=resolved&status=waived&pageSize=500&page={page}");
            var items = answer["items"]!.AsArray();
            foreach (var e in items.Select(i => i!).Where(i => i["institution"]!.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal)))
            {
                keys.Add(new ExceptionKey(e["institution"]!.GetValue<string>(), e["period"]!.GetValue<string>(), e["ruleSet"]?["id"]?.GetValue<string>(),
                    e["rule"]!.GetValue<string>(), e["severity"]!.GetValue<string>(), e["status"]!.GetValue<string>()));
            }

            if (items.Count < 500)
            {
                return keys;
            }
        }
    }

    private static void ShouldEqual(IReadOnlySet<ExceptionKey> actual, IReadOnlySet<ExceptionKey> expected)
    {
        var missing = expected.Except(actual).Order().ToList();
        var extra = actual.Except(expected).Order().ToList();
        using var scope = new AssertionScope();
        expected.Should().NotBeEmpty("the ledgers breach rules");
        missing.Should().BeEmpty($"every exception of the single SQLite node is there ({expected.Count} of them); missing, the first 20: {string.Join("; ", missing.Take(20))}");
        extra.Should().BeEmpty($"no other exception is; extra, the first 20: {string.Join("; ", extra.Take(20))}");
    }

    /// <summary>The reference: every institution's ledgers in period order on one SQLite node, the server in this process.</summary>
    private static async Task<IReadOnlySet<ExceptionKey>> ReferenceAsync()
    {
        var watch = Stopwatch.StartNew();
        using var node = new ComplianceApiFactory();
        try
        {
            const int institutions = 50;
            var keys = await CreateInstitutionsAsync(node.ClientWithKey, institutions, ReferencePrefix);
            foreach (var month in Enumerable.Range(0, Months.Length))
            {
                await Parallel.ForEachAsync(Enumerable.Range(1, institutions), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (institution, _) =>
                {
                    using var bank = node.ClientWithKey(keys[institution]);
                    await bank.SubmitAcceptedAsync(Months[month], LedgerOf(institution, month));
                });
            }

            await Eventually.UntilAsync(() => TestDatabases.QuerySqliteScalarAsync<long>(node.Location, PendingSql), pending => pending == 0,
                "the SQLite node's evaluations", TimeSpan.FromSeconds(120));
            var reference = await NonClearedAsync(node.ClientWithKey, ReferencePrefix);
            TestContext.Progress.WriteLine($"[{watch.Elapsed:mm\\:ss\\.f}] the reference on one SQLite node: {reference.Count} exceptions");
            return reference;
        }
        finally
        {
            node.DeleteDatabase();
        }
    }

    /// <summary>The reminders and DEADLINE_MISSED exceptions one SQLite node writes sweeping each date once, for the same institutions and filings.</summary>
    private static async Task<(long Reminders, long Exceptions)> SweepOnOneSqliteNodeAsync(int institutions, IEnumerable<string> dates)
    {
        var path = Path.Combine(Path.GetTempPath(), $"compliance-nodes-sweep-{Guid.NewGuid():N}.db");
        try
        {
            using (var node = await ServerProcess.StartAsync(path))
            {
                var keys = await CreateInstitutionsAsync(node, institutions, "SW", reportingFrom: "2022-01");
                foreach (var institution in Enumerable.Range(1, institutions).Where(i => i % 3 == 0))
                {
                    using var bank = node.Client(keys[institution]);
                    await bank.SubmitAcceptedAsync("2022-01", LedgerOf(institution, 1));
                }

                using var admin = node.Client(ComplianceApiFactory.AdminKey);
                foreach (var date in dates)
                {
                    (await admin.PostAsync($"/api/v1/deadlines/sweep?date={date}", null)).EnsureSuccessStatusCode();
                }
            }

            return (await TestDatabases.QuerySqliteScalarAsync<long>(path, "SELECT COUNT(*) FROM reminders"),
                await TestDatabases.QuerySqliteScalarAsync<long>(path, "SELECT COUNT(*) FROM exceptions WHERE \"rule\" = 'DEADLINE_MISSED'"));
        }
        finally
        {
            TestDatabases.DeleteSqliteFile(path);
        }
    }

    /// <summary>What is left to do (<see cref="OwedSql"/>), and the locks Hangfire holds meanwhile, for the message of a wait that timed out.</summary>
    private sealed record Owed(string What, long Locks)
    {
        public override string ToString() => $"{What} (Hangfire's locks: {Locks})";
    }

    /// <summary>Releases a semaphore's slot when disposed.</summary>
    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }

    /// <summary>One ledger to post: its place in the posting order, institution number, month index and period.</summary>
    private sealed record Ledger(int Index, int Institution, int Month, string Period);

    private sealed record Answer(HttpStatusCode Status, bool Replayed, string Body);

    /// <summary>An exception as the spec compares them: institution, period, rule set, rule, severity and status.</summary>
    private sealed record ExceptionKey(string Institution, string Period, string? RuleSet, string Rule, string Severity, string Status) : IComparable<ExceptionKey>
    {
        public int CompareTo(ExceptionKey? other) => string.CompareOrdinal(ToString(), other?.ToString());
    }

    /// <summary>An exception worked while its period was evaluated again, and what its two actions answered.</summary>
    private sealed record Worked(string Id, string Institution, string Period, string? RuleSet, string Rule, HttpStatusCode Explain, HttpStatusCode Resolve);

    private sealed class EventRow
    {
        public long ExceptionId { get; init; }

        public string Kind { get; init; } = "";

        public string? FromStatus { get; init; }

        public string ToStatus { get; init; } = "";

        public string? Figures { get; init; }
    }

    /// <summary>A fresh PostgreSQL database and the nodes started on it; dropped with them.</summary>
    private sealed class Cluster : IDisposable
    {
        private readonly string _database = $"compliance_nodes_{Guid.NewGuid():N}";

        // Each node's two pools (its own and Hangfire's) kept small: the server's connections are shared with every other
        // test database, and three nodes with the default pools could take them all.
        public Cluster() => ConnectionString = new NpgsqlConnectionStringBuilder(PostgresDatabases.Create(_database)) { MaxPoolSize = 8 }.ConnectionString;

        public string ConnectionString { get; }

        private readonly Stopwatch _since = Stopwatch.StartNew();

        /// <summary>Every node started, in order, those killed included.</summary>
        public List<ServerProcess> Nodes { get; } = [];

        /// <summary>Two nodes with the API and a worker, and one worker: the three of the spec.</summary>
        public async Task<(ServerProcess A, ServerProcess B, ServerProcess Worker)> StartThreeAsync()
        {
            var nodes = await Task.WhenAll(StartAsync("api-worker-1", "api,worker"), StartAsync("api-worker-2", "api,worker"), StartAsync("worker", "worker"));
            return (nodes[0], nodes[1], nodes[2]);
        }

        public async Task<ServerProcess> StartAsync(string name, string roles, IDictionary<string, string>? settings = null, bool ready = true)
        {
            var node = await ServerProcess.StartPostgresAsync(ConnectionString, name, roles, settings, ready);
            lock (Nodes)
            {
                Nodes.Add(node);
            }

            return node;
        }

        /// <summary>Says how far the scenario got, and when.</summary>
        public void Step(string what) =>
            TestContext.Progress.WriteLine($"[{_since.Elapsed:mm\\:ss\\.f}] {TestContext.CurrentContext.Test.MethodName}: {what}");

        /// <summary>Waits until every evaluation is done and no job is queued, held, running or waiting for a retry.</summary>
        public async Task WaitUntilSettledAsync(TimeSpan timeout) =>
            await Eventually.UntilAsync(
                async () => new Owed(
                    string.Join(", ", (await QueryAsync<(string What, long Count)>(OwedSql)).Where(o => o.Count > 0).Select(o => $"{o.What}: {o.Count}")),
                    await ScalarAsync("SELECT COUNT(*) FROM hangfire.lock")),
                owed => owed.What.Length == 0, "every evaluation to be done and every job to be finished", timeout);

        public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = PostgresDialect.Schema, Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            return [.. await connection.QueryAsync<T>(sql, parameters)];
        }

        public async Task<long> ScalarAsync(string sql) => (await QueryAsync<long>(sql)).Single();

        /// <summary>Each (institution, period) posted has exactly one accepted version, and no other has any.</summary>
        public async Task ShouldHoldOneAcceptedVersionOfEachAsync(string prefix, IEnumerable<Ledger> ledgers)
        {
            var versions = await QueryAsync<(string Institution, string Period, long Count)>(
                "SELECT institution, period, COUNT(*) FROM submissions WHERE status = 'accepted' AND institution LIKE @prefix GROUP BY institution, period",
                new { prefix = prefix + "%" });
            versions.Where(v => v.Count != 1).Should().BeEmpty("each (institution, period) has exactly one accepted version");
            versions.Select(v => (v.Institution, v.Period)).Should().BeEquivalentTo(ledgers.Select(l => (Code(prefix, l.Institution), l.Period)));
        }

        /// <summary>No exception has two <c>created</c> events, or two consecutive events of equal kind, statuses and figures.</summary>
        public async Task ShouldHoldEventsOnceEachAsync()
        {
            var events = await QueryAsync<EventRow>("""
                SELECT exception_id AS ExceptionId, kind AS Kind, from_status AS FromStatus, to_status AS ToStatus, figures AS Figures
                FROM exception_events ORDER BY exception_id, id
                """);
            var twiceCreated = events.Where(e => e.Kind == "created").GroupBy(e => e.ExceptionId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            var repeated = events.Zip(events.Skip(1)).Where(p => p.First.ExceptionId == p.Second.ExceptionId && p.First.Kind == p.Second.Kind
                && p.First.FromStatus == p.Second.FromStatus && p.First.ToStatus == p.Second.ToStatus && p.First.Figures == p.Second.Figures)
                .Select(p => $"{p.First.ExceptionId} {p.First.Kind} {p.First.FromStatus}→{p.First.ToStatus}").ToList();
            events.Should().NotBeEmpty();
            twiceCreated.Should().BeEmpty("no exception is created twice");
            repeated.Should().BeEmpty("no exception records the same event twice in a row");
        }

        public void Dispose()
        {
            foreach (var node in Nodes)
            {
                node.Dispose();
            }

            PostgresDatabases.Drop(_database);
        }
    }
}
