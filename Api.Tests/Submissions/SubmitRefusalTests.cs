using System.Net;
using System.Text;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Submissions;

/// <summary>
/// Every refusal of <c>POST /submissions</c> before a ledger is read (who may submit, the institution, the period,
/// the Idempotency-Key, the media type, the size), each with its exact problem, in the order api.md gives them, and
/// nothing stored.
/// </summary>
public sealed class SubmitRefusalTests
{
    private const string KeyError = "Idempotency-Key is 1–255 visible ASCII characters.";
    private const string PeriodError = "period is a period, yyyy-MM, from 2000-01 to 2023-01.";
    private const string InstitutionError = "An admin key names the institution: &institution=CODE.";
    private const string MaxBytes = "4000";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;
    private HttpClient _admin = null!;
    private HttpClient _regulator = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(settings: new Dictionary<string, string?> { ["Compliance:Ingest:MaxBytes"] = MaxBytes });
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("R1", "110101"));
        await _factory.CreateInstitutionAsync("R2", "110101");
        _admin = _factory.Admin();
        _regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("11"));
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _bank?.Dispose();
        _admin?.Dispose();
        _regulator?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task RegulatorKey_WithNothingElseRight_Answers403First()
    {
        var response = await PostAsync(_regulator, "", key: "has space", contentType: "application/xml");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        problem["detail"]!.GetValue<string>().Should().Be("A regulator key cannot submit ledgers.");
        await NothingStoredAsync();
    }

    [Test]
    public async Task InstitutionKey_ForAnotherInstitution_Answers403BeforeItsFields()
    {
        var response = await PostAsync(_bank, "?institution=R2", key: "has space");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        problem["detail"]!.GetValue<string>().Should().Be("An institution key submits only for its own institution.");
        await NothingStoredAsync();
    }

    [Test]
    public async Task AdminKey_WithoutInstitutionPeriodOrValidKey_Answers400NamingEachField()
    {
        var response = await PostAsync(_admin, "", key: "has space");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        using var scope = new AssertionScope();
        problem.ErrorFields().Should().Equal("institution", "period", "Idempotency-Key");
        problem["errors"]!.AsObject().Select(e => e.Value!.AsArray().Single()!.GetValue<string>()).Should().Equal(InstitutionError, PeriodError, KeyError);
        problem["detail"]!.GetValue<string>().Should().Be(
            $"The request has invalid fields: institution: {InstitutionError}; period: {PeriodError}; Idempotency-Key: {KeyError}");
        await NothingStoredAsync();
    }

    [TestCase("has space")]
    [TestCase("中文")]
    [TestCase("tab\tinside")]
    [TestCase("del\u007f")]
    [TestCase(256)]
    public async Task MalformedIdempotencyKey_Answers400NamingTheHeader(object key)
    {
        var response = await PostAsync(_bank, "?period=2022-12", key: key is int length ? new string('k', length) : (string)key);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        using var scope = new AssertionScope();
        problem.ErrorFields().Should().Equal("Idempotency-Key");
        problem["errors"]!["Idempotency-Key"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal(KeyError);
        problem["detail"]!.GetValue<string>().Should().Be($"The request has invalid fields: Idempotency-Key: {KeyError}");
        await NothingStoredAsync();
    }

    [Test]
    public async Task EmptyIdempotencyKey_OverTheWire_Answers400NamingTheHeader()
    {
        // The in-memory server drops a header without a value; Kestrel keeps it, as a proxy or client may send it.
        using var factory = new ComplianceApiFactory();
        factory.StartKestrel();
        using var bank = factory.ClientWithKey(await factory.CreateInstitutionAsync("E1", "110101"));

        var response = await PostAsync(bank, "?period=2022-12", key: "", body: Ledgers.Example);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem["errors"]!["Idempotency-Key"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal(KeyError);
        factory.DeleteDatabase();
    }

    [TestCase("!")]
    [TestCase("~")]
    [TestCase(255)]
    public async Task IdempotencyKey_AtTheEndsOfItsForm_IsAccepted(object key)
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync($"K{Guid.NewGuid():N}"[..8], "110101"));

        var response = await PostAsync(bank, "?period=2022-12", key: key is int length ? new string('k', length) : (string)key, body: Ledgers.Example);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task AdminKey_ForAnUnknownInstitution_Answers404()
    {
        var response = await PostAsync(_admin, "?period=2022-12&institution=NOPE");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        problem["detail"]!.GetValue<string>().Should().Be("Institution NOPE does not exist or is not visible to this key.");
    }

    [TestCase(null)]
    [TestCase("application/xml")]
    [TestCase("not a media type")]
    [TestCase("text/csv; charset=latin1")]
    [TestCase("application/json; charset=gb18030")]
    [TestCase("application/x-ndjson; charset=gbk")]
    [TestCase("text/csv; note=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task UnreadMediaType_Answers415NamingIt(string? contentType)
    {
        var response = await PostAsync(_bank, "?period=2022-12", contentType: contentType);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        problem["detail"]!.GetValue<string>().Should().Be(
            $"Content-Type '{contentType}' is not accepted; send text/csv (charset utf-8, the default, gb18030 or gbk), application/json or application/x-ndjson (UTF-8).");
        await NothingStoredAsync();
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task BodyOverTheLimit_WithOrWithoutItsLength_Answers413NamingTheLimit(bool withLength)
    {
        var bytes = Encoding.UTF8.GetBytes(Ledgers.Csv([.. Enumerable.Range(1, 60).Select(i => Ledgers.Row($"L{i}", borrowerId: $"B{i}"))]));
        using HttpContent content = withLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("text/csv");

        var response = await _bank.PostAsync("/api/v1/submissions?period=2022-12", content);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        problem["detail"]!.GetValue<string>().Should().Be($"The body is larger than {MaxBytes} bytes (Compliance:Ingest:MaxBytes).");
        await NothingStoredAsync();
    }

    [Test]
    public async Task IdempotencyKey_ReusedForAnotherPeriod_Answers422SayingSo()
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("R3", "110101"));
        (await PostAsync(bank, "?period=2022-12", key: "reused", body: Ledgers.Example)).StatusCode.Should().Be(HttpStatusCode.Created);

        var response = await PostAsync(bank, "?period=2022-11", key: "reused", body: Ledgers.Example);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        problem["detail"]!.GetValue<string>().Should().Be(
            "This Idempotency-Key was used with a different body, period, institution or dryRun; use a new key for a different request.");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string query, string? key = null, string? contentType = "text/csv", string body = "loan_id\n")
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/submissions{query}") { Content = content };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return await client.SendAsync(request);
    }

    private async Task NothingStoredAsync() =>
        (await _admin.GetJsonAsync("/api/v1/submissions?institution=R1"))["total"]!.GetValue<long>().Should().Be(0);

    /// <summary>A body sent without a Content-Length: the limit is found while it is read.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
