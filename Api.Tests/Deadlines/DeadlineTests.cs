using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Deadlines;

/// <summary>Obligations, deadlines, the sweep, DEADLINE_MISSED, deliverables and webhooks (deadlines.md).</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class DeadlineTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private int _institutions;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Obligations_AreTheSixOfTheSpec()
    {
        var items = (await _admin.GetJsonAsync("/api/v1/obligations"))["items"]!.AsArray();

        items.Select(o => o!["code"]!.GetValue<string>()).Should().BeEquivalentTo(
            "LEDGER_MONTHLY", "CREDIT_POLICY_DIGEST", "MATCHMAKING_REPORT", "FOUR_LISTS", "WORK_REPORT_MIDYEAR", "WORK_REPORT_YEAREND");
        items.Single(o => o!["code"]!.GetValue<string>() == "WORK_REPORT_MIDYEAR")!["due"]!.GetValue<string>().Should().Be("nthWorkingDay(7, 5)");
    }

    [Test]
    public async Task Deadlines_OfALinyiInstitution_FollowTheWorkingDayCalendar()
    {
        var (code, bank) = await NewInstitutionAsync("371302", "2022-01");

        var items = (await bank.GetJsonAsync($"/api/v1/deadlines?year=2022"))["items"]!.AsArray().Select(i => i!.AsObject()).ToList();

        using var scope = new AssertionScope();
        DueOf(items, "CREDIT_POLICY_DIGEST").Should().Be("2022-05-31");
        DueOf(items, "MATCHMAKING_REPORT").Should().Be("2022-06-30");
        items.Where(i => i["obligation"]!.GetValue<string>() == "LEDGER_MONTHLY").Select(i => i["period"]!.GetValue<string>())
            .Should().Equal("2022-01", "2022-02", "2022-03", "2022-04", "2022-05", "2022-06", "2022-07", "2022-08", "2022-09", "2022-10", "2022-11");
        items.Should().OnlyContain(i => i["institution"]!.GetValue<string>() == code);
        items.Should().OnlyContain(i => i["status"]!.GetValue<string>() == "overdue", "the clock is at 2023-01-20 and nothing is filed");
        items.Should().NotContain(i => i["obligation"]!.GetValue<string>() == "FOUR_LISTS", "FOUR_LISTS binds Lüliang only");
        items.Should().NotContain(i => i["obligation"]!.GetValue<string>().StartsWith("WORK_REPORT_", StringComparison.Ordinal),
            "the work reports bind Shandong's provincial-level institutions and joint-stock and city commercial head offices, not a rural bank");
    }

    [Test]
    public async Task Sweep_TwiceOnOneDay_SendsOnce_AndRacingSweepsSendOnce()
    {
        var (code, bank) = await NewInstitutionAsync("371302", "2022-01");

        var first = await SweepAsync("2022-05-17");
        var second = await SweepAsync("2022-05-17");
        var racing = await Task.WhenAll(SweepAsync("2022-05-24"), SweepAsync("2022-05-24"));
        var reminders = (await bank.GetJsonAsync($"/api/v1/reminders?institution={code}"))["items"]!.AsArray();

        using var scope = new AssertionScope();
        first.Should().BeGreaterThan(0);
        second.Should().Be(0);
        racing.Sum().Should().Be(racing.Max(), "one of the racing sweeps writes, the other finds it written");
        reminders.Where(r => r!["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST").Select(r => (r!["kind"]!.GetValue<string>(), r["offsetDays"]!.GetValue<int>()))
            .Should().BeEquivalentTo(new[] { ("upcoming", -14), ("upcoming", -7) });
        reminders.GroupBy(r => (r!["obligation"]!.GetValue<string>(), r["period"]!.GetValue<string>(), r["offsetDays"]!.GetValue<int>())).Should().OnlyContain(g => g.Count() == 1);
    }

    [Test]
    public async Task Filing_StopsReminders_AndAMissedDeadline_IsAnExceptionThatRecordsTheLateFiling()
    {
        var (code, bank) = await NewInstitutionAsync("371302", "2022-01");
        await SweepAsync("2022-06-02");
        var missed = (await bank.ExceptionsAsync("&rule=DEADLINE_MISSED")).Where(e => e["figures"]!["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST").ToList();

        var filed = await bank.FileDeliverableAsync("CREDIT_POLICY_DIGEST", 2022, "梳理报告"u8.ToArray());
        await SweepAsync("2022-06-08");
        var digestReminders = (await bank.GetJsonAsync($"/api/v1/reminders?institution={code}"))["items"]!.AsArray()
            .Where(r => r!["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST").ToList();
        var exception = await bank.GetJsonAsync($"/api/v1/exceptions/{missed.Single()["id"]}");

        using var scope = new AssertionScope();
        missed.Should().ContainSingle().Which["period"]!.GetValue<string>().Should().Be("2022-05");
        missed[0]["severity"]!.GetValue<string>().Should().Be("breach");
        missed[0]["figures"]!["dueDate"]!.GetValue<string>().Should().Be("2022-05-31");
        filed.StatusCode.Should().Be(HttpStatusCode.Created);
        digestReminders.Select(r => r!["offsetDays"]!.GetValue<int>()).Should().Equal([1], "only the reminder owed on 2022-06-02; none once it is filed");
        exception["events"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).Should().Equal("created", "filedLate");
        exception["events"]![1]!["note"]!.GetValue<string>().Should().Be("filed 234 days late", "filed on 2023-01-20 (the clock), due 2022-05-31");
        exception["status"]!.GetValue<string>().Should().Be("open", "resolving it is the regulator's");
    }

    [Test]
    public async Task AfterDowntime_OnlyTheMostRecentMissedReminderIsSent()
    {
        var (code, bank) = await NewInstitutionAsync("371302", "2022-01");

        await SweepAsync("2022-06-29");
        var reminders = (await bank.GetJsonAsync($"/api/v1/reminders?institution={code}"))["items"]!.AsArray()
            .Where(r => r!["obligation"]!.GetValue<string>() == "MATCHMAKING_REPORT").Select(r => r!["offsetDays"]!.GetValue<int>());

        reminders.Should().Equal([-1]);
    }

    [Test]
    public async Task Deliverable_IsKeptExactly_AndListedToWhoMaySeeIt()
    {
        var (code, bank) = await NewInstitutionAsync("371302", "2022-01");
        using var outsider = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("41"));
        var document = Enumerable.Range(0, 70_000).Select(i => (byte)(i % 251)).ToArray();

        var response = await bank.FileDeliverableAsync("MATCHMAKING_REPORT", 2022, document, "image/jpeg");
        var receipt = await response.JsonAsync();
        var content = await bank.GetAsync($"/api/v1/deliverables/{receipt["id"]}/content");

        using var scope = new AssertionScope();
        receipt["sha256"]!.GetValue<string>().Should().Be(Convert.ToHexStringLower(SHA256.HashData(document)));
        receipt["bytes"]!.GetValue<long>().Should().Be(70_000);
        (await content.Content.ReadAsByteArrayAsync()).Should().Equal(document);
        content.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        (await outsider.GetJsonAsync("/api/v1/deliverables"))["items"]!.AsArray().Should().BeEmpty();
        (await outsider.GetAsync($"/api/v1/deliverables/{receipt["id"]}/content")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await bank.GetJsonAsync("/api/v1/deadlines?year=2022"))["items"]!.AsArray()
            .Single(d => d!["obligation"]!.GetValue<string>() == "MATCHMAKING_REPORT")!["status"]!.GetValue<string>().Should().Be("filed");
        (await bank.FileDeliverableAsync("NO_SUCH", 2022, [1])).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await outsider.FileDeliverableAsync("MATCHMAKING_REPORT", 2022, [1])).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _ = code;
    }

    [Test]
    public async Task Webhook_IsSignedWithTheSecret_AndRetriedAfterA500()
    {
        var received = new ConcurrentQueue<(string Body, string Timestamp, string Signature)>();
        var calls = new ConcurrentDictionary<string, int>();
        await using var receiver = await Webhooks.StartReceiverAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            received.Enqueue((body, context.Request.Headers["X-Compliance-Timestamp"].ToString(), context.Request.Headers["X-Compliance-Signature"].ToString()));
            var reminder = System.Text.Json.Nodes.JsonNode.Parse(body)!["reminderId"]!.GetValue<string>();
            context.Response.StatusCode = calls.AddOrUpdate(reminder, 1, (_, n) => n + 1) == 1 ? 500 : 200; // each fails once
        });
        var (code, bank, secret) = await NewInstitutionWithWebhookAsync(receiver.Urls.First() + "/hook");

        await SweepAsync("2022-05-24");
        var reminder = (await bank.RemindersAsync(code, items => items.Single(Digest)["delivery"]!["status"]!.GetValue<string>() == "delivered", "the webhook delivery"))
            .Single(Digest);

        using var scope = new AssertionScope();
        reminder["delivery"]!["attempts"]!.GetValue<int>().Should().Be(2);
        reminder["delivery"]!["lastError"].Should().BeNull();
        var (body, timestamp, signature) = received.Last(r => r.Body.Contains("CREDIT_POLICY_DIGEST", StringComparison.Ordinal));
        signature.Should().Be(Webhooks.ExpectedSignature(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        var payload = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        payload["event"]!.GetValue<string>().Should().Be("reminder");
        payload["institution"]!.GetValue<string>().Should().Be(code);
        payload["dueDate"]!.GetValue<string>().Should().Be("2022-05-31");
    }

    [Test]
    public async Task WebhookThatNeverAnswers_DoesNotHoldTheSweep()
    {
        var hold = new TaskCompletionSource();
        await using var receiver = await Webhooks.StartReceiverAsync(_ => hold.Task);
        await NewInstitutionWithWebhookAsync(receiver.Urls.First() + "/hook");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var written = await SweepAsync("2022-05-24");

        written.Should().BeGreaterThan(0);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        hold.SetResult();
    }

    [Test]
    public async Task WaiverOfAMissedDeadline_ThatEnded_IsReopenedByTheSweep_IfStillNotFiled()
    {
        var (_, bank) = await NewInstitutionAsync("371302", "2022-01");
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3713"));
        await SweepAsync("2022-06-02");
        var missed = (await bank.ExceptionsAsync("&rule=DEADLINE_MISSED")).Single(e => e["figures"]!["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST");
        (await regulator.PostAsJsonAsync($"/api/v1/exceptions/{missed["id"]}/waive", new { note = "延期至6月15日", until = "2022-06-15" })).EnsureSuccessStatusCode();

        await SweepAsync("2022-06-15");
        var during = await bank.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}");
        await SweepAsync("2022-06-16");
        var after = await bank.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}");

        during["status"]!.GetValue<string>().Should().Be("waived");
        after["status"]!.GetValue<string>().Should().Be("open");
        var reopened = after["events"]!.AsArray().Last()!;
        (reopened["kind"]!.GetValue<string>(), reopened["actor"]!["role"]!.GetValue<string>()).Should().Be(("reopened", "system"));
    }

    [Test]
    public async Task LedgerDeadline_IsFiledByAnAcceptedSubmission()
    {
        var (_, bank) = await NewInstitutionAsync("110101", "2022-10");

        await bank.SubmitAcceptedAsync("2022-10", Ledgers.Csv(Ledgers.Row("L1")));
        var items = (await bank.GetJsonAsync("/api/v1/deadlines?year=2022"))["items"]!.AsArray();

        items.Select(i => (i!["period"]!.GetValue<string>(), i["status"]!.GetValue<string>())).Should().Equal(("2022-10", "filed"), ("2022-11", "overdue"));
        items[0]!["filedAt"]!.GetValue<string>().Should().StartWith("2023-01-20");
    }

    [Test]
    public async Task YearTheCalendarLacks_CountsWeekendsOnly_WithAWarning()
    {
        var (_, bank) = await NewInstitutionAsync("371302", "2022-01");

        var answer = await bank.GetJsonAsync("/api/v1/deadlines?year=2027");
        var missing = await bank.GetAsync("/api/v1/calendar/2027");

        answer["warnings"]!.AsArray().Should().ContainSingle().Which!.GetValue<string>().Should().Contain("2027");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Calendar_IsServedAsTheSeedHasIt_AndAnAdminAddsAYear()
    {
        var year2024 = await _admin.GetJsonAsync("/api/v1/calendar/2024");
        using var content = new StringContent("""{"notice":"国办发明电〔2026〕1号","holidays":[{"name":"元旦","dates":["2028-01-01","2028-01-03"]}],"workdays":["2028-01-08"]}""", Encoding.UTF8, "application/json");

        var put = await _admin.PutAsync("/api/v1/calendar/2028", content);
        var year2028 = await _admin.GetJsonAsync("/api/v1/calendar/2028");
        using var bad = new StringContent("""{"holidays":[{"name":"x","dates":["2028-02-30"]}]}""", Encoding.UTF8, "application/json");
        var invalid = await _admin.PutAsync("/api/v1/calendar/2028", bad);
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("37"));
        using var again = new StringContent("{}", Encoding.UTF8, "application/json");

        year2024["holidays"]!.AsArray().Select(h => h!["name"]!.GetValue<string>()).Should().Contain("春节");
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        year2028["workdays"]!.AsArray().Select(d => d!.GetValue<string>()).Should().Equal("2028-01-08");
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await regulator.PutAsync("/api/v1/calendar/2029", again)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task LedgerReminder_NamesTheFigureClosestToAThreshold_FromTheLatestSnapshot()
    {
        var (code, bank) = await NewInstitutionAsync("110101", "2021-12");
        await bank.SubmitAcceptedAsync("2021-12", Ledgers.Csv(
            Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit", amount: 500_000m, balance: 500_000m),
            Ledgers.Row("L2", borrowerId: "B2", guarantee: "guarantee", amount: 500_000m, balance: 500_000m),
            Ledgers.Row("L9", borrowerId: "B9", borrowerType: "large", creditLine: 50_000_000m, amount: 1_000_000m, balance: 1_000_000m)));
        await bank.SubmitAcceptedAsync("2022-05", Ledgers.Csv(
            Ledgers.Row("L1", borrowerId: "B1", guarantee: "credit", amount: 504_000m, balance: 504_000m),
            Ledgers.Row("L2", borrowerId: "B2", guarantee: "guarantee", amount: 496_000m, balance: 496_000m),
            Ledgers.Row("L9", borrowerId: "B9", borrowerType: "large", creditLine: 50_000_000m, amount: 1_000_000m, balance: 1_000_000m)));

        await SweepAsync("2022-07-01");
        var reminder = (await bank.GetJsonAsync($"/api/v1/reminders?institution={code}"))["items"]!.AsArray()
            .Single(r => r!["obligation"]!.GetValue<string>() == "LEDGER_MONTHLY" && r["period"]!.GetValue<string>() == "2022-06")!;

        reminder["message"]!["zh"]!.GetValue<string>().Should().Be("月度贷款台账报送（2022-06）截止日为 2022-07-15，还有 14 天到期。最近一期（2022-05）：普惠型小微企业信用贷款占比 0.40pp，阈值 1.00pp，余量 -0.60pp（规则集 national）。");
        reminder["message"]!["en"]!.GetValue<string>().Should().EndWith("Latest (2022-05): Credit-loan share 0.40 pp against a threshold of 1.00 pp, margin -0.60 pp (rule set national).");
    }

    private static bool Digest(System.Text.Json.Nodes.JsonObject reminder) => reminder["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST";

    private static string DueOf(IEnumerable<System.Text.Json.Nodes.JsonObject> items, string obligation) =>
        items.Single(i => i["obligation"]!.GetValue<string>() == obligation)["dueDate"]!.GetValue<string>();

    private Task<int> SweepAsync(string date) => _admin.SweepAsync(date);

    private async Task<(string Code, HttpClient Bank)> NewInstitutionAsync(string region, string reportingFrom)
    {
        var code = $"DL{Interlocked.Increment(ref _institutions):D3}";
        return (code, _factory.ClientWithKey(await _factory.CreateInstitutionAsync(code, region, reportingFrom)));
    }

    private async Task<(string Code, HttpClient Bank, string Secret)> NewInstitutionWithWebhookAsync(string url)
    {
        var code = $"WH{Interlocked.Increment(ref _institutions):D3}";
        var (bank, secret) = await _factory.CreateInstitutionWithWebhookAsync(code, url);
        return (code, bank, secret);
    }
}
