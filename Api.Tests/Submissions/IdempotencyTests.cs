using System.Net;
using System.Text;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Submissions;

/// <summary>The Idempotency-Key of <c>POST /submissions</c>: retries answer the first answer and store nothing new.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class IdempotencyTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private int _institutions;

    [OneTimeSetUp]
    public void StartServer() => _factory = new ComplianceApiFactory(database);

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task SameKeySameBody_AnswersTheFirstAnswerAgain_AndStoresNothingNew()
    {
        using var bank = await NewBankAsync();

        var first = await PostAsync(bank, "2022-12", Ledgers.Example, "key-1");
        var again = await PostAsync(bank, "2022-12", Ledgers.Example, "key-1");

        using var scope = new AssertionScope();
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        again.StatusCode.Should().Be(HttpStatusCode.Created);
        (await again.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync());
        again.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        again.Headers.Location.Should().Be(first.Headers.Location);
        first.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        (await bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(1);
    }

    [TestCase("2022-12", "different body")]
    [TestCase("2022-11", "same body, another period")]
    public async Task SameKeyAnotherRequest_Answers422Reused(string period, string what)
    {
        using var bank = await NewBankAsync();
        await PostAsync(bank, "2022-12", Ledgers.Example, "key-2");
        var body = what == "different body" ? Ledgers.Example.Replace("L0003", "L0004", StringComparison.Ordinal) : Ledgers.Example;

        var reused = await PostAsync(bank, period, body, "key-2");

        reused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await reused.JsonAsync())["type"]!.GetValue<string>().Should().Be("/problems/idempotency-key-reused");
        (await bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(1);
    }

    [Test]
    public async Task DryRunAndRealRun_WithOneKey_AreDifferentRequests()
    {
        using var bank = await NewBankAsync();
        await PostAsync(bank, "2022-12", Ledgers.Example, "key-3", "&dryRun=true");

        var real = await PostAsync(bank, "2022-12", Ledgers.Example, "key-3");

        real.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await real.JsonAsync())["type"]!.GetValue<string>().Should().Be("/problems/idempotency-key-reused");
    }

    [Test]
    public async Task RejectedLedger_IsReplayedAs422_WithTheSameSubmission()
    {
        using var bank = await NewBankAsync();

        var first = await PostAsync(bank, "2022-12", "not a ledger", "key-4");
        var again = await PostAsync(bank, "2022-12", "not a ledger", "key-4");

        again.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await again.JsonAsync())["submissionId"]!.GetValue<string>().Should().Be((await first.JsonAsync())["submissionId"]!.GetValue<string>());
        (await bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(1);
    }

    [Test]
    public async Task TwoConcurrentPosts_WithOneKey_StoreOneSubmission()
    {
        using var bank = await NewBankAsync();
        var big = Ledgers.Csv([.. Enumerable.Range(1, 5_000).Select(i => Ledgers.Row($"L{i}", borrowerId: $"B{i}"))]);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(bank, "2022-12", big, "key-5")));

        (await bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(1);
        answers.Select(a => a.StatusCode).Should().OnlyContain(s => s == HttpStatusCode.Created || s == HttpStatusCode.Conflict);
        answers.Count(a => a.StatusCode == HttpStatusCode.Created && !a.Headers.Contains("Idempotent-Replayed")).Should().Be(1);
        foreach (var conflict in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            (await conflict.JsonAsync())["type"]!.GetValue<string>().Should().Be("/problems/idempotency-key-in-use");
        }
    }

    [Test]
    public async Task Keys_AreScopedToTheInstitution()
    {
        using var one = await NewBankAsync();
        using var two = await NewBankAsync();

        var first = await PostAsync(one, "2022-12", Ledgers.Example, "shared-key");
        var second = await PostAsync(two, "2022-12", Ledgers.Example, "shared-key");

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        second.StatusCode.Should().Be(HttpStatusCode.Created);
        second.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
    }

    [TestCase("has space")]
    [TestCase("中文")]
    public async Task MalformedKey_Answers400_AndStoresNothing(string key)
    {
        using var bank = await NewBankAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Ledgers.Example));
        content.Headers.ContentType = new("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/submissions?period=2022-12") { Content = content };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await bank.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(0);
    }

    [Test]
    public async Task TooLongKey_Answers400()
    {
        using var bank = await NewBankAsync();

        var response = await PostAsync(bank, "2022-12", Ledgers.Example, new string('k', 256));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string period, string csv, string key, string query = "")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        content.Headers.ContentType = new("text/csv");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/submissions?period={period}{query}") { Content = content };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<HttpClient> NewBankAsync() =>
        _factory.ClientWithKey(await _factory.CreateInstitutionAsync($"I{Interlocked.Increment(ref _institutions):D3}", "110101"));
}
