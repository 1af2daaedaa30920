using System.Net;
using System.Text;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Compliance.Api.Tests.Submissions;

/// <summary>
/// A fault right after a ledger commits (the client drops its connection, or the next step fails) never releases
/// its Idempotency-Key: the retry replays the first answer and stores no second version. The fault is injected at
/// that point, deterministically: the evaluation is queued right after the commit, so the job client is where it hits.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class IdempotencyFaultTests(TestDatabase database)
{
    private readonly FaultAfterCommit _fault = new();
    private ComplianceApiFactory _factory = null!;
    private int _institutions;

    [OneTimeSetUp]
    public void StartServer() => _factory = new ComplianceApiFactory(database)
    {
        Replace = services =>
        {
            services.AddSingleton<IBackgroundJobClient>(provider => _fault.Around(new BackgroundJobClient(provider.GetRequiredService<JobStorage>())));
            services.AddSingleton<ILoggerProvider>(_fault);
        },
    };

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task ClientDropsRightAfterTheCommit_RetryReplaysTheReceipt_AndStoresOneVersion()
    {
        using var bank = await NewBankAsync();
        using var dropped = new CancellationTokenSource();
        _fault.Next = dropped.Cancel;

        var first = async () => await PostAsync(bank, "2022-12", Ledgers.Example, "drop-1", dropped.Token);
        await first.Should().ThrowAsync<OperationCanceledException>();
        var retry = await PostAsync(bank, "2022-12", Ledgers.Example, "drop-1");

        using var scope = new AssertionScope();
        retry.StatusCode.Should().Be(HttpStatusCode.Created);
        retry.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        var receipt = await retry.JsonAsync();
        receipt["version"]!.GetValue<int>().Should().Be(1);
        var stored = await bank.GetJsonAsync("/api/v1/submissions");
        stored["total"]!.GetValue<long>().Should().Be(1);
        stored["items"]![0]!["id"]!.GetValue<string>().Should().Be(receipt["id"]!.GetValue<string>());
    }

    [Test]
    public async Task StepAfterTheCommitFails_AnswersTheReceipt_NotAnErrorThatSaysNothingChanged_AndRetryReplaysIt()
    {
        using var bank = await NewBankAsync();
        _fault.Next = () => throw new InvalidOperationException("the job store is out of reach");

        var first = await PostAsync(bank, "2022-12", Ledgers.Example, "fail-1");
        var retry = await PostAsync(bank, "2022-12", Ledgers.Example, "fail-1");

        using var scope = new AssertionScope();
        first.StatusCode.Should().Be(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        retry.StatusCode.Should().Be(HttpStatusCode.Created);
        retry.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        (await retry.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync());
        (await bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(1);
    }

    [Test]
    public async Task RejectedLedger_ClientDropsRightAfterTheCommit_RetryReplaysThe422_AndStoresOneSubmission()
    {
        using var bank = await NewBankAsync();
        using var dropped = new CancellationTokenSource();
        _fault.OnReject = dropped.Cancel;

        var first = async () => await PostAsync(bank, "2022-12", "not a ledger", "drop-2", dropped.Token);
        await first.Should().ThrowAsync<OperationCanceledException>();
        var retry = await PostAsync(bank, "2022-12", "not a ledger", "drop-2");

        using var scope = new AssertionScope();
        retry.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        retry.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        (await bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(1);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string period, string csv, string key, CancellationToken ct = default)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        content.Headers.ContentType = new("text/csv");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/submissions?period={period}") { Content = content };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request, ct);
    }

    private async Task<HttpClient> NewBankAsync() =>
        _factory.ClientWithKey(await _factory.CreateInstitutionAsync($"F{Interlocked.Increment(ref _institutions):D3}", "110101"));

    /// <summary>
    /// Runs a fault once, right after a ledger's commit: when the next evaluation is queued (an accepted ledger), or when
    /// the rejection is logged (a rejected one).
    /// </summary>
    private sealed class FaultAfterCommit : ILoggerProvider
    {
        private Action? _next;
        private Action? _onReject;

        public Action Next { set => _next = value; }

        public Action OnReject { set => _onReject = value; }

        public IBackgroundJobClient Around(IBackgroundJobClient inner) => new Client(inner, this);

        public ILogger CreateLogger(string categoryName) => new RejectionLogger(this);

        public void Dispose()
        {
        }

        private sealed class Client(IBackgroundJobClient inner, FaultAfterCommit fault) : IBackgroundJobClient
        {
            public string Create(Job job, IState state)
            {
                Interlocked.Exchange(ref fault._next, null)?.Invoke();
                return inner.Create(job, state);
            }

            public bool ChangeState(string jobId, IState state, string expectedState) => inner.ChangeState(jobId, state, expectedState);
        }

        private sealed class RejectionLogger(FaultAfterCommit fault) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Name == "LedgerRejected")
                {
                    Interlocked.Exchange(ref fault._onReject, null)?.Invoke();
                }
            }
        }
    }
}
