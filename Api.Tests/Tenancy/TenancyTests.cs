using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Tenancy;

/// <summary>
/// api.md, "Who may do what": what a caller may not see answers 404 exactly as what does not exist, lists count
/// only what the caller may see, and nobody submits for somebody else.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class TenancyTests(TestDatabase database)
{
    private const string A = "TA-371302";
    private const string B = "TB-110101";

    private static readonly string[] ReadPaths =
    [
        "/api/v1/submissions/{accepted}",
        "/api/v1/submissions/{rejected}",
        "/api/v1/submissions/{rejected}/errors",
        "/api/v1/submissions/{accepted}/original",
        "/api/v1/exceptions/{exception}",
        "/api/v1/institutions/{A}",
        "/api/v1/institutions/{A}/indicators",
    ];

    private readonly Dictionary<string, string> _keys = [];
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private string _accepted = null!;
    private string _rejected = null!;
    private string _exception = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
        await _factory.RegisterInstitutionAsync(A, "371302");
        await _factory.RegisterInstitutionAsync(B, "110101");
        _keys["A"] = (await _factory.IssueInstitutionKeyAsync(A)).Key;
        _keys["B"] = (await _factory.IssueInstitutionKeyAsync(B)).Key;
        _keys["regulator 37"] = (await _factory.IssueRegulatorKeyAsync("37")).Key;
        _keys["regulator 41"] = (await _factory.IssueRegulatorKeyAsync("41")).Key;
        _keys["admin"] = ComplianceApiFactory.AdminKey;

        using var bankA = _factory.ClientWithKey(_keys["A"]);
        using var bankB = _factory.ClientWithKey(_keys["B"]);
        _accepted = await bankA.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        var rejected = await bankA.PostLedgerAsync("2022-11", "nonsense");
        rejected.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        _rejected = (await rejected.JsonAsync())["submissionId"]!.GetValue<string>();
        var ownB = await bankB.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        await bankA.WaitForEvaluationAsync(_accepted);
        await bankB.WaitForEvaluationAsync(ownB);
        _exception = (await _admin.ExceptionsAsync($"&institution={A}"))[0]["id"]!.GetValue<string>();
        (await _admin.ExceptionsAsync($"&institution={B}")).Should().NotBeEmpty("B has exceptions of its own");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task ForeignCaller_ReadingAResourceOfA_Answers404NotFound(
        [Values("B", "regulator 41")] string caller, [ValueSource(nameof(ReadPaths))] string path)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);

        var response = await client.GetAsync(Resolve(path));

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task OwnerOrInsideCaller_ReadingAResourceOfA_Answers200(
        [Values("A", "regulator 37", "admin")] string caller, [ValueSource(nameof(ReadPaths))] string path)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);

        var response = await client.GetAsync(Resolve(path));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task ForeignCaller_Lists_ShowAndCountNoItemOfA(
        [Values("B", "regulator 41")] string caller, [Values("/api/v1/submissions", "/api/v1/exceptions", "/api/v1/institutions")] string list)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);
        var member = list.EndsWith("institutions", StringComparison.Ordinal) ? "code" : "institution";
        var filter = list.EndsWith("institutions", StringComparison.Ordinal) ? "region=371302" : $"institution={A}";

        var all = await client.GetJsonAsync($"{list}?pageSize=500");
        var onlyA = await client.GetJsonAsync($"{list}?{filter}");

        using var scope = new AssertionScope();
        var owners = all["items"]!.AsArray().Select(i => i![member]!.GetValue<string>()).ToList();
        owners.Should().NotContain(A);
        owners.Should().Equal(caller == "B" ? owners.Select(_ => B) : [], "B sees only its own, a regulator of 41 nothing at all");
        if (caller == "B")
        {
            owners.Should().NotBeEmpty("B sees its own items");
        }

        all["total"]!.GetValue<long>().Should().Be(owners.Count, "total counts only what the caller may see");
        onlyA["total"]!.GetValue<long>().Should().Be(0);
        onlyA["items"]!.AsArray().Should().BeEmpty();
    }

    [Test]
    public async Task OwnerOrInsideCaller_Lists_ShowTheItemsOfA(
        [Values("A", "regulator 37", "admin")] string caller, [Values("/api/v1/submissions", "/api/v1/exceptions", "/api/v1/institutions")] string list)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);
        var member = list.EndsWith("institutions", StringComparison.Ordinal) ? "code" : "institution";
        var filter = list.EndsWith("institutions", StringComparison.Ordinal) ? "region=371302" : $"institution={A}";
        var expected = (await _admin.GetJsonAsync($"{list}?{filter}"))["total"]!.GetValue<long>();

        var onlyA = await client.GetJsonAsync($"{list}?{filter}&pageSize=500");

        using var scope = new AssertionScope();
        expected.Should().BePositive();
        onlyA["total"]!.GetValue<long>().Should().Be(expected);
        onlyA["items"]!.AsArray().Select(i => i![member]!.GetValue<string>()).Should().HaveCount((int)expected).And.OnlyContain(o => o == A);
    }

    [Test]
    public async Task Submissions_OfA_AreTheAcceptedAndTheRejected()
    {
        var page = await _admin.GetJsonAsync($"/api/v1/submissions?institution={A}");

        page["items"]!.AsArray().Select(i => (i!["id"]!.GetValue<string>(), i["status"]!.GetValue<string>()))
            .Should().BeEquivalentTo([(_accepted, "accepted"), (_rejected, "rejected")]);
    }

    [TestCase(B)]
    [TestCase("NO-SUCH-BANK")]
    [TestCase(B, "&dryRun=true")]
    public async Task InstitutionKey_PostingForAnotherInstitution_Answers403AndStoresNothing(string other, string extra = "")
    {
        using var bankA = _factory.ClientWithKey(_keys["A"]);
        var before = await StoredAsync();

        var response = await bankA.PostLedgerAsync("2022-10", Ledgers.Example, $"&institution={other}{extra}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        (await StoredAsync()).Should().Equal(before);
    }

    [TestCase("regulator 37", "")]
    [TestCase("regulator 37", "&institution=" + A)]
    [TestCase("regulator 41", "&institution=" + A)]
    [TestCase("regulator 41", "&institution=" + B)]
    public async Task RegulatorKey_PostingALedger_Answers403AndStoresNothing(string caller, string query)
    {
        using var regulator = _factory.ClientWithKey(_keys[caller]);
        var before = await StoredAsync();

        var response = await regulator.PostLedgerAsync("2022-10", Ledgers.Example, query);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        (await StoredAsync()).Should().Equal(before);
    }

    [Test]
    public async Task UnknownId_AnswersExactlyLikeAForeignOne(
        [Values("B", "regulator 41")] string caller,
        [Values(
            "/api/v1/submissions/{accepted}|/api/v1/submissions/987654",
            "/api/v1/submissions/{rejected}/errors|/api/v1/submissions/987654/errors",
            "/api/v1/submissions/{accepted}/original|/api/v1/submissions/987654/original",
            "/api/v1/exceptions/{exception}|/api/v1/exceptions/987654",
            "/api/v1/exceptions/{exception}|/api/v1/exceptions/not-an-id",
            "/api/v1/institutions/{A}|/api/v1/institutions/NO-SUCH-BANK",
            "/api/v1/institutions/{A}/indicators|/api/v1/institutions/NO-SUCH-BANK/indicators")] string paths)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);
        var (foreignPath, unknownPath) = (Resolve(paths.Split('|')[0]), paths.Split('|')[1]);

        var foreign = await client.GetAsync(foreignPath);
        var unknown = await client.GetAsync(unknownPath);

        var foreignProblem = await foreign.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        var unknownProblem = await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        using var scope = new AssertionScope();
        foreign.Content.Headers.ContentType!.ToString().Should().Be(unknown.Content.Headers.ContentType!.ToString());
        Shape(foreignProblem, foreignPath).Should().Be(Shape(unknownProblem, unknownPath), "nothing tells a foreign resource from a missing one");
    }

    [Test]
    public async Task ForeignCaller_ReadingAResourceOfAWithAMalformedQuery_StillAnswers404NotFound(
        [Values("B", "regulator 41")] string caller,
        [Values("/api/v1/submissions/{rejected}/errors?page=0", "/api/v1/institutions/{A}/indicators?from=2022-13")] string path)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);

        var response = await client.GetAsync(Resolve(path));

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task ForeignCaller_ExceptionsFilteredToTheRegionOfA_CountsNone([Values("B", "regulator 41")] string caller)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);

        var page = await client.GetJsonAsync("/api/v1/exceptions?region=3713");

        page["total"]!.GetValue<long>().Should().Be(0);
        page["items"]!.AsArray().Should().BeEmpty();
    }

    [Test]
    public async Task ForeignCaller_ActingOnAnExceptionOfA_Answers404AndChangesNothing(
        [Values("B", "regulator 41")] string caller, [Values("explanation", "resolve", "waive", "reopen")] string action)
    {
        using var client = _factory.ClientWithKey(_keys[caller]);
        var before = await _admin.GetJsonAsync($"/api/v1/exceptions/{_exception}");

        var response = await client.PostAsJsonAsync($"/api/v1/exceptions/{_exception}/{action}", new { text = "不是我的", note = "not mine" });

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        (await _admin.GetJsonAsync($"/api/v1/exceptions/{_exception}")).ToJsonString().Should().Be(before.ToJsonString());
    }

    private string Resolve(string path) => path
        .Replace("{accepted}", _accepted, StringComparison.Ordinal)
        .Replace("{rejected}", _rejected, StringComparison.Ordinal)
        .Replace("{exception}", _exception, StringComparison.Ordinal)
        .Replace("{A}", A, StringComparison.Ordinal);

    /// <summary>The problem with the id or code of the path replaced, so a foreign and a missing one compare.</summary>
    private static string Shape(JsonObject problem, string path)
    {
        var segment = path.Split('/')[4];
        var copy = problem.DeepClone().AsObject();
        copy["detail"] = copy["detail"]!.GetValue<string>().Replace($" {segment} ", " {id} ", StringComparison.Ordinal);
        copy.Remove("traceId");
        return copy.ToJsonString();
    }

    /// <summary>Every submission stored, as the admin sees them.</summary>
    private async Task<List<string>> StoredAsync() =>
        (await _admin.GetJsonAsync("/api/v1/submissions?pageSize=500"))["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();
}
