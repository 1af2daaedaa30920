using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.Http;

namespace Compliance.Api.Tests.Operations;

/// <summary>
/// <c>/metrics</c> after a ledger and a sweep: requests by route template, the product's own meter, valid Prometheus
/// text that never names a key, an institution, a loan or a period, and served to this machine only.
/// </summary>
/// <remarks>
/// OpenTelemetry listens to meters by name, process-wide: a second server started and stopped in this process while
/// this one runs would add to and then end its series. So this fixture starts no other; the settings are tested in
/// <see cref="MetricsSettingsTests"/>, each on a server of its own.
/// </remarks>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed partial class MetricsTests(TestDatabase database)
{
    private const string Code = "METRICS-371302";
    private const string HookedCode = "METRICS-HOOK";
    private const string Period = "2022-12";

    private ComplianceApiFactory _factory = null!;
    private CountingReceiver _receiver = null!;
    private HttpClient _admin = null!;
    private HttpClient _hooked = null!;
    private string _key = null!;
    private int _firstSweep;

    [OneTimeSetUp]
    public async Task SubmitALedgerAndSweep()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
        _receiver = await CountingReceiver.StartAsync();
        _key = await _factory.CreateInstitutionAsync(Code, "371302");
        (_hooked, _) = await _factory.CreateInstitutionWithWebhookAsync(HookedCode, _receiver.Url + "/hook");
        using var bank = _factory.ClientWithKey(_key);

        var id = await bank.SubmitAcceptedAsync(Period, Ledgers.Example);
        await bank.WaitForEvaluationAsync(id);
        _firstSweep = await _admin.SweepAsync("2022-05-17");
        await _hooked.AttemptedRemindersAsync(HookedCode);
        await Eventually.JobsIdleAsync();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _hooked?.Dispose();
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    [Test]
    public async Task Scrape_AfterALedger_ShowsRequestsByRouteTemplate_TheIngestAndTheEvaluation()
    {
        var samples = PrometheusText.Samples(await _factory.ScrapeAsync());

        using var scope = new AssertionScope();
        samples.Value("http_server_request_duration_seconds_count", ("http_route", "/api/v1/submissions/"), ("http_request_method", "POST"), ("http_response_status_code", "201"))
            .Should().Be(1);
        samples.Value("http_server_request_duration_seconds_count", ("http_route", "/api/v1/submissions/{id}"), ("http_request_method", "GET"), ("http_response_status_code", "200"))
            .Should().BeGreaterThanOrEqualTo(1, "the evaluation was awaited by reading the submission");
        samples.Value("compliance_ingest_rows_total", ("outcome", "accepted")).Should().Be(3, "the example ledger has three loans");
        samples.Value("compliance_ingest_bytes_total", ("outcome", "accepted")).Should().Be(Encoding.UTF8.GetByteCount(Ledgers.Example));
        samples.Value("compliance_ingest_duration_seconds_count", ("outcome", "accepted")).Should().Be(1);
        samples.Value("compliance_ingest_duration_seconds_bucket", ("outcome", "accepted"), ("le", "+Inf")).Should().Be(1);
        samples.Value("compliance_ingest_duration_seconds_sum", ("outcome", "accepted")).Should().BeGreaterThan(0).And.BeLessThan(30);
        samples.Value("compliance_evaluation_duration_seconds_count").Should().BeGreaterThanOrEqualTo(1);
        samples.Value("compliance_evaluation_duration_seconds_sum").Should().BeGreaterThan(0).And.BeLessThan(30);
        samples.Value("compliance_evaluation_queue_depth", ("queue", "default")).Should().Be(0, "every job is done");
        samples.Where(s => s.Labels.ContainsKey("http_route")).Select(s => s.Labels["http_route"])
            .Should().OnlyContain(route => !IdInPath().IsMatch(route), "a route is its template, never a path with an id");
    }

    [Test]
    public async Task Scrape_AfterASweep_ShowsItsDuration_TheRemindersSent_AndTheWebhookDeliveries()
    {
        var samples = PrometheusText.Samples(await _factory.ScrapeAsync());

        using var scope = new AssertionScope();
        _firstSweep.Should().BeGreaterThan(0);
        samples.Value("compliance_sweep_duration_seconds_count").Should().BeGreaterThanOrEqualTo(1);
        samples.Value("compliance_reminders_sent_total").Should().BeGreaterThanOrEqualTo(_firstSweep);
        samples.Value("compliance_webhook_deliveries_total", ("outcome", "delivered")).Should().BeGreaterThanOrEqualTo(1);
    }

    [Test]
    public async Task Scrape_IsValidPrometheusText()
    {
        var text = await _factory.ScrapeAsync();

        PrometheusText.Problems(text).Should().BeEmpty();
        text.Should().Contain("# TYPE compliance_ingest_duration_seconds histogram").And.Contain("# TYPE compliance_ingest_rows_total counter");
    }

    [Test]
    public async Task Scrape_NamesNoKeyInstitutionLoanOrPeriod()
    {
        var text = await _factory.ScrapeAsync();

        using var scope = new AssertionScope();
        text.Should().NotContain(_key);
        text.Should().NotContain(_key[..8], "not even a key's prefix");
        text.Should().NotContain(ComplianceApiFactory.AdminKey[..8]);
        text.Should().NotContain(Code).And.NotContain(HookedCode);
        text.Should().NotContain("L0001").And.NotContain("L0002").And.NotContain("L0003");
        text.Should().NotContain(Period).And.NotContain("2022-05-17");
    }

    [TestCase("203.0.113.7")]
    [TestCase("10.1.2.3")]
    [TestCase("::ffff:192.0.2.1")]
    [TestCase(null)]
    public async Task Scrape_FromAnotherMachine_Is403ProblemJson(string? address)
    {
        var (response, body) = await _factory.GetMetricsAsync(address is null ? null : IPAddress.Parse(address));

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(StatusCodes.Status403Forbidden);
        response.ContentType.Should().StartWith("application/problem+json");
        body.Should().Contain("/problems/forbidden").And.NotContain("compliance_");
    }

    [TestCase("127.0.0.1")]
    [TestCase("127.8.9.10")]
    [TestCase("::1")]
    [TestCase("::ffff:127.0.0.1")]
    public async Task Scrape_FromThisMachine_IsServedWithoutAKey(string address)
    {
        var (response, body) = await _factory.GetMetricsAsync(IPAddress.Parse(address));

        response.StatusCode.Should().Be(StatusCodes.Status200OK);
        body.Should().Contain("compliance_ingest_rows_total");
    }

    [Test]
    public async Task Sweep_MovesTheSweepDuration_TheRemindersSent_AndTheWebhookDeliveries()
    {
        var before = PrometheusText.Samples(await _factory.ScrapeAsync());
        var delivered = _receiver.Requests;

        var written = await _admin.SweepAsync("2022-05-24");
        await _hooked.AttemptedRemindersAsync(HookedCode);
        var after = PrometheusText.Samples(await _factory.ScrapeAsync());

        using var scope = new AssertionScope();
        written.Should().BeGreaterThan(0);
        (after.Value("compliance_sweep_duration_seconds_count") - before.Value("compliance_sweep_duration_seconds_count")).Should().Be(1);
        (after.Value("compliance_reminders_sent_total") - before.Value("compliance_reminders_sent_total")).Should().Be(written);
        (after.Value("compliance_webhook_deliveries_total", ("outcome", "delivered")) - before.Value("compliance_webhook_deliveries_total", ("outcome", "delivered")))
            .Should().Be(_receiver.Requests - delivered).And.BeGreaterThan(0);
    }

    [Test]
    public void Checker_AcceptsValidText()
    {
        const string text = """
            # HELP requests_total Requests, by "route" \\ and a line\nbreak.
            # TYPE requests_total counter
            requests_total{route="/a/{id}",note="quote \" backslash \\ newline \n"} 3
            requests_total{route="/b"} 1.5e3 1700000000000
            # TYPE depth gauge
            depth NaN
            # TYPE latency_seconds histogram
            latency_seconds_bucket{op="x",le="0.1"} 1
            latency_seconds_bucket{op="x",le="1"} 2
            latency_seconds_bucket{op="x",le="+Inf"} 2
            latency_seconds_sum{op="x"} 0.7
            latency_seconds_count{op="x"} 2

            """;

        PrometheusText.Problems(text).Should().BeEmpty();
        PrometheusText.Samples(text).Should().HaveCount(8);
    }

    [TestCase("m 1", "newline")]
    [TestCase("1m 1\n", "not a metric name")]
    [TestCase("m-x 1\n", "not a metric name")]
    [TestCase("m{1a=\"b\"} 1\n", "not a label name")]
    [TestCase("m{a=b} 1\n", "not quoted")]
    [TestCase("m{a=\"b} 1\n", "not closed")]
    [TestCase("m{a=\"b\\q\"} 1\n", "escape")]
    [TestCase("m{a=\"b\",a=\"c\"} 1\n", "appears twice")]
    [TestCase("m{a=\"b\" c=\"d\"} 1\n", "separated by commas")]
    [TestCase("m one\n", "not a float")]
    [TestCase("m 1,5\n", "not a float")]
    [TestCase("m\n", "no value")]
    [TestCase("m 1 2 3\n", "no value")]
    [TestCase("m 1 soon\n", "not an integer")]
    [TestCase("# TYPE m gauge\n# TYPE m gauge\nm 1\n", "second TYPE")]
    [TestCase("# HELP m a\n# HELP m b\nm 1\n", "second HELP")]
    [TestCase("# HELP m bad \\t escape\nm 1\n", "escape other than")]
    [TestCase("# TYPE m meter\nm 1\n", "not a metric type")]
    [TestCase("m 1\n# TYPE m gauge\n", "after its samples")]
    [TestCase("# TYPE m counter\nm 1\n", "_total")]
    [TestCase("m 1\nm 2\n", "appears twice")]
    [TestCase("a 1\nb 1\na{x=\"y\"} 1\n", "not together")]
    [TestCase("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "+Inf")]
    [TestCase("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", "not cumulative")]
    [TestCase("# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", "does not follow")]
    [TestCase("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "is not the +Inf bucket")]
    [TestCase("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\n", "no _count")]
    [TestCase("# TYPE h histogram\nh_bucket 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", "no le")]
    [TestCase("# TYPE h histogram\nh_bucket{le=\"one\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", "le 'one'")]
    [TestCase("# TYPE h histogram\nh 1\n", "without _bucket")]
    public void Checker_RejectsBrokenText(string text, string problem)
    {
        var problems = PrometheusText.Problems(text);

        problems.Should().Contain(p => p.Contains(problem, StringComparison.Ordinal), string.Join("; ", problems));
    }

    [GeneratedRegex(@"/\d+(/|$)")]
    private static partial Regex IdInPath();
}
