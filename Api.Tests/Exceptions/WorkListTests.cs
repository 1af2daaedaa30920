using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Api.Tests.Exceptions;

/// <summary>
/// The list as a supervisor's work list (api.md, "Exceptions"): <c>sort</c> in each of its orders, ties by creation
/// order, oldest first; <c>status</c> repeated for any of several; and each exception's <c>institutionName</c>. Two
/// institutions of Linyi, registered B before A, file the example ledger for two periods at four distinct times.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class WorkListTests(TestDatabase database)
{
    private static readonly Instant Start = Instant.FromUtc(2023, 1, 20, 2, 0);

    private ComplianceApiFactory _factory = null!;
    private HttpClient _regulator = null!;
    private readonly List<HttpClient> _banks = [];

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database, now: Start);
        _regulator = _factory.ClientWithKey((await _factory.IssueRegulatorKeyAsync("3713")).Key);
        foreach (var code in new[] { "WLB002", "WLA001" })
        {
            await _factory.RegisterInstitutionAsync(code, "371302");
            _banks.Add(_factory.ClientWithKey((await _factory.IssueInstitutionKeyAsync(code)).Key));
        }

        // Creation order crosses both the periods and the institutions' codes.
        foreach (var (bank, period) in new[] { (0, "2022-11"), (1, "2022-12"), (0, "2022-12"), (1, "2022-11") })
        {
            await _banks[bank].WaitForEvaluationAsync(await _banks[bank].SubmitAcceptedAsync(period, Ledgers.Example));
            _factory.Clock.Advance(Duration.FromMinutes(5));
        }
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        foreach (var bank in _banks)
        {
            bank.Dispose();
        }

        _regulator?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase(null)]
    [TestCase("-period")]
    [TestCase("period")]
    [TestCase("-severity")]
    [TestCase("institution")]
    [TestCase("createdAt")]
    [TestCase("-createdAt")]
    public async Task Sort_OrdersByItsKeys_ThenByCreationOldestFirst(string? sort)
    {
        var page = await _regulator.GetJsonAsync($"/api/v1/exceptions?pageSize=500{(sort is null ? "" : $"&sort={sort}")}");
        var items = page["items"]!.AsArray().Select(e => e!.AsObject()).ToList();

        var byCreation = items.OrderBy(Created);
        var expected = (sort ?? "-period") switch
        {
            "-period" => byCreation.OrderByDescending(e => Text(e, "period"), StringComparer.Ordinal),
            "period" => byCreation.OrderBy(e => Text(e, "period"), StringComparer.Ordinal),
            "-severity" => byCreation.OrderBy(e => Text(e, "severity") == "breach" ? 0 : 1),
            "institution" => byCreation.OrderByDescending(e => Text(e, "period"), StringComparer.Ordinal).OrderBy(e => Text(e, "institution"), StringComparer.Ordinal),
            "createdAt" => byCreation.OrderBy(e => Text(e, "createdAt"), StringComparer.Ordinal),
            _ => byCreation.OrderByDescending(e => Text(e, "createdAt"), StringComparer.Ordinal),
        };

        using var scope = new AssertionScope();
        items.Should().HaveCountGreaterThan(8, "both institutions' two periods have exceptions");
        items.Select(e => Text(e, "severity")).Distinct().Should().HaveCount(2, "breaches and warnings are both listed");
        items.Select(Id).Should().Equal(expected.Select(Id));
    }

    [Test]
    public async Task Sort_Paged_ContinuesTheSameOrder()
    {
        var whole = await IdsAsync("&sort=institution&pageSize=500");
        var first = await IdsAsync("&sort=institution&pageSize=5&page=1");
        var second = await IdsAsync("&sort=institution&pageSize=5&page=2");

        first.Concat(second).Should().Equal(whole.Take(10));
    }

    [TestCase("severity")]
    [TestCase("-institution")]
    [TestCase("period,institution")]
    [TestCase("Period")]
    public async Task Sort_Unknown_Answers400NamingSort(string sort)
    {
        var response = await _regulator.GetAsync($"/api/v1/exceptions?sort={Uri.EscapeDataString(sort)}");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("sort");
    }

    [Test]
    public async Task Export_FollowsTheSort()
    {
        var listed = await IdsAsync("&sort=-severity&pageSize=500");
        var byId = (await _regulator.ExceptionsAsync()).ToDictionary(Id, e => (Text(e, "institution"), Text(e, "period"), Text(e, "rule")));

        var csv = await _regulator.GetStringAsync("/api/v1/exceptions/export?format=csv&lang=en&sort=-severity");
        var rows = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();

        using var scope = new AssertionScope();
        rows.Select(c => (c[0], c[3], c[4])).Should().Equal(listed.Select(id => byId[id]));
        rows.Select(c => c[6]).Should().StartWith("Breach").And.EndWith("Warning").And.BeInAscendingOrder(StringComparer.Ordinal, "breaches come first");
    }

    [Test]
    public async Task Status_Repeated_ListsThoseInAnyOfThem()
    {
        var open = (await _regulator.ExceptionsAsync("&status=open&institution=WLA001")).Select(Id).ToList();
        (await _regulator.PostAsJsonAsync($"/api/v1/exceptions/{open[0]}/resolve", new { note = "已核实" })).EnsureSuccessStatusCode();
        (await _banks[1].PostAsJsonAsync($"/api/v1/exceptions/{open[1]}/explanation", new { text = "已说明" })).EnsureSuccessStatusCode();

        var either = await _regulator.GetJsonAsync("/api/v1/exceptions?pageSize=500&institution=WLA001&status=open&status=explained");
        var openOnes = await IdsAsync("&institution=WLA001&status=open&pageSize=500");
        var explainedOnes = await IdsAsync("&institution=WLA001&status=explained&pageSize=500");

        using var scope = new AssertionScope();
        either["items"]!.AsArray().Select(e => Id(e!.AsObject())).Should().BeEquivalentTo(openOnes.Concat(explainedOnes)).And.NotContain(open[0]).And.Contain(open[1]);
        either["total"]!.GetValue<long>().Should().Be(openOnes.Count + explainedOnes.Count);
        either["items"]!.AsArray().Select(e => Text(e!.AsObject(), "status")).Distinct().Should().BeEquivalentTo("open", "explained");
    }

    [Test]
    public async Task Status_Repeated_InTheExport_ListsThoseInAnyOfThem()
    {
        var listed = await IdsAsync("&status=open&status=resolved&pageSize=500");

        var csv = await _regulator.GetStringAsync("/api/v1/exceptions/export?format=csv&lang=en&status=open&status=resolved");

        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Should().HaveCount(listed.Count);
    }

    [TestCase("open,explained")]
    [TestCase("open%2Cexplained")]
    [TestCase("closed")]
    public async Task Status_WithACommaOrUnknown_Answers400NamingStatus(string status)
    {
        var response = await _regulator.GetAsync($"/api/v1/exceptions?status=open&status={status}");

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal("status");
    }

    [Test]
    public async Task InstitutionName_OnEveryExceptionListedAndAlone()
    {
        var listed = await _regulator.ExceptionsAsync();
        var alone = await _banks[1].GetJsonAsync($"/api/v1/exceptions/{Id(listed.First(e => Text(e, "institution") == "WLA001"))}");

        using var scope = new AssertionScope();
        listed.Select(e => (Text(e, "institution"), Text(e, "institutionName"))).Distinct()
            .Should().BeEquivalentTo([("WLA001", "测试银行 WLA001"), ("WLB002", "测试银行 WLB002")]);
        Text(alone, "institutionName").Should().Be("测试银行 WLA001");
    }

    private async Task<List<string>> IdsAsync(string query) =>
        [.. (await _regulator.GetJsonAsync($"/api/v1/exceptions?{query.TrimStart('&')}"))["items"]!.AsArray().Select(e => Id(e!.AsObject()))];

    private static string Id(JsonObject exception) => Text(exception, "id");

    // The store's ids grow with creation: the order in which exceptions were created.
    private static long Created(JsonObject exception) => long.Parse(Id(exception), CultureInfo.InvariantCulture);

    private static string Text(JsonObject exception, string name) => exception[name]!.GetValue<string>();
}
