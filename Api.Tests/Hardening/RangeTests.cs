using System.Net;
using System.Net.Http.Json;
using System.Text;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// Every number, year, period and date a request carries has its accepted range (README, "Accepted ranges"): outside
/// it the answer is 400 <c>invalid-request</c> naming the parameter, never a 500 and never a write. The integer
/// parameters and the lists are read from the OpenAPI document, so a new one cannot escape.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class RangeTests(TestDatabase database)
{
    private const string Institution = "RG-371302";

    /// <summary>Out of range for every integer parameter: beyond int, at its ends, zero, negative, not a number.</summary>
    private static readonly string[] Outside = ["2147483647", "-2147483648", "99999999999", "0", "-1", "abc", "1.5", "1e3"];

    /// <summary>Just past the end of one parameter's range.</summary>
    private static readonly Dictionary<string, string[]> JustOutside = new()
    {
        ["page"] = ["1000001"],
        ["pageSize"] = ["501"],
        ["year"] = ["1999", "2101"],
    };

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private List<(string Method, string Template, List<(string Name, string In)> Integers)> _operations = null!;
    private string _submission = null!;
    private string _exception = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Limits:PermitsPerSecond"] = "0" });
        _admin = _factory.Admin();
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Institution, "371302"));
        _submission = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        await bank.WaitForEvaluationAsync(_submission);
        _exception = (await bank.ExceptionsAsync())[0]["id"]!.GetValue<string>();
        var document = await _admin.GetJsonAsync("/swagger/v1/swagger.json");
        _operations = [.. document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(operation => (
            operation.Key.ToUpperInvariant(),
            path.Key,
            (operation.Value!["parameters"]?.AsArray() ?? []).Select(p => p!.AsObject())
                .Where(p => p["schema"]?["type"]?.ToJsonString().Contains("integer", StringComparison.Ordinal) == true)
                .Select(p => (p["name"]!.GetValue<string>(), p["in"]!.GetValue<string>())).ToList())))];
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public void Document_HasTheIntegerParametersThisFixtureKnows()
    {
        var names = _operations.SelectMany(o => o.Integers.Select(i => i.Name)).Distinct().Order(StringComparer.Ordinal);

        names.Should().Equal("page", "pageSize", "year");
    }

    [Test]
    public async Task EveryIntegerParameter_OfEveryEndpoint_OutsideItsRange_Answers400NamingIt()
    {
        using var scope = new AssertionScope();
        foreach (var (method, template, integers) in _operations)
        {
            foreach (var (name, location) in integers)
            {
                foreach (var value in Outside.Concat(JustOutside.GetValueOrDefault(name, [])))
                {
                    using var request = Request(method, template, name, location, value);
                    using var response = await _admin.SendAsync(request);
                    var what = $"{method} {request.RequestUri}";

                    var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
                    problem.ErrorFields().Should().Contain(name, what);
                }
            }
        }
    }

    [Test]
    public async Task EveryList_AtItsLastPageOfTheLargestSize_AnswersAnEmptyPage()
    {
        var lists = _operations.Where(o => o.Integers.Any(i => i.Name == "page")).ToList();

        using var scope = new AssertionScope();
        lists.Select(o => o.Template).Should().Contain(["/api/v1/institutions", "/api/v1/submissions", "/api/v1/submissions/{id}/errors", "/api/v1/exceptions", "/api/v1/audit"]);
        foreach (var (method, template, _) in lists)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), Fill(template) + "?page=1000000&pageSize=500");
            var list = await (await _admin.SendAsync(request)).JsonAsync();

            list["page"]!.GetValue<int>().Should().Be(1_000_000, template);
            list["items"]!.AsArray().Should().BeEmpty(template);
        }
    }

    [TestCase("POST", "/api/v1/submissions?period=1999-12&institution=" + Institution, "period")]
    [TestCase("POST", "/api/v1/submissions?period=0001-01&institution=" + Institution, "period")]
    [TestCase("POST", "/api/v1/submissions?period=2023-02&institution=" + Institution, "period")]
    [TestCase("POST", "/api/v1/submissions?period=9999-12&institution=" + Institution, "period")]
    [TestCase("POST", "/api/v1/deadlines/sweep?date=9999-12-31", "date")]
    [TestCase("POST", "/api/v1/deadlines/sweep?date=2100-01-01", "date")]
    [TestCase("POST", "/api/v1/deadlines/sweep?date=2024-01-21", "date")]
    [TestCase("POST", "/api/v1/deadlines/sweep?date=1999-12-31", "date")]
    [TestCase("POST", "/api/v1/deadlines/sweep?date=0001-01-01", "date")]
    [TestCase("GET", "/api/v1/exceptions?period=0001-01", "period")]
    [TestCase("GET", "/api/v1/exceptions?from=1999-12", "from")]
    [TestCase("GET", "/api/v1/exceptions?to=2101-01", "to")]
    [TestCase("GET", "/api/v1/exceptions/export?from=9999-12", "from")]
    [TestCase("GET", "/api/v1/submissions?period=1999-12", "period")]
    [TestCase("GET", "/api/v1/institutions/" + Institution + "/indicators?from=0001-01", "from")]
    [TestCase("GET", "/api/v1/institutions/" + Institution + "/indicators?to=9999-12", "to")]
    [TestCase("POST", "/api/v1/evaluations?from=1999-12", "from")]
    [TestCase("POST", "/api/v1/evaluations?to=2101-01", "to")]
    [TestCase("GET", "/api/v1/audit?from=1999-12-31", "from")]
    [TestCase("GET", "/api/v1/audit?to=9999-12-31", "to")]
    [TestCase("GET", "/api/v1/audit?to=9999-12", "to")]
    [TestCase("GET", "/api/v1/deadlines?year=1999", "year")]
    [TestCase("GET", "/api/v1/reminders?year=2101", "year")]
    [TestCase("GET", "/api/v1/deliverables?year=1999", "year")]
    [TestCase("GET", "/api/v1/calendar/1999", "year")]
    [TestCase("PUT", "/api/v1/calendar/2101", "year")]
    public async Task PeriodDateOrYear_OutsideItsRange_Answers400NamingIt(string method, string url, string field)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method != "GET")
        {
            request.Content = new StringContent(Ledgers.Example, Encoding.UTF8, url.Contains("calendar", StringComparison.Ordinal) ? "application/json" : "text/csv");
        }

        var response = await _admin.SendAsync(request);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain(field);
    }

    [TestCase("reportingFrom", "1999-12")]
    [TestCase("reportingFrom", "0001-01")]
    [TestCase("reportingFrom", "2101-01")]
    public async Task Institution_WithReportingFromOutsideItsRange_Answers400NamingIt(string field, string value)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = "测试银行", ["category"] = "rural", ["localLegalPerson"] = true, ["regionCode"] = "371302", [field] = value,
        };

        var response = await _admin.PutAsJsonAsync($"/api/v1/institutions/{Institution}", body);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain(field);
    }

    [TestCase("0001-01-01")]
    [TestCase("1999-12-31")]
    [TestCase("2101-01-01")]
    public async Task Waive_UntilOutsideItsRange_Answers400NamingUntil(string until)
    {
        var response = await _admin.PostAsJsonAsync($"/api/v1/exceptions/{_exception}/waive", new { note = "豁免", until });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain("until");
    }

    [TestCase(1999, null)]
    [TestCase(2000, 2101)]
    [TestCase(2101, null)]
    public async Task RuleSet_WithYearsOutsideTheRange_Answers400NamingYears(int from, int? to)
    {
        var response = await _admin.PutAsJsonAsync("/api/v1/rule-sets/ranges", new { jurisdiction = "41", scope = "cbirc", years = new { from, to }, rules = new[] { new { rule = "NPL_TOLERANCE" } } });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain("years");
    }

    [Test]
    public async Task Sweep_AYearAfterToday_IsTheLastDateAccepted()
    {
        var response = await _admin.PostAsync("/api/v1/deadlines/sweep?date=2024-01-20", null);

        (await response.JsonAsync())["date"]!.GetValue<string>().Should().Be("2024-01-20");
    }

    [Test]
    public async Task Submission_OfPeriod2000_01_IsAcceptedAndEvaluated()
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateKeyAsync(new { name = "ranges", role = "institution", institution = Institution }));
        var ledger = Ledgers.Example.Replace("2021-", "1998-", StringComparison.Ordinal).Replace("2022-", "1999-", StringComparison.Ordinal)
            .Replace("2023-", "2000-", StringComparison.Ordinal);

        var receipt = await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2000-01", ledger));

        receipt["evaluation"]!["status"]!.GetValue<string>().Should().Be("done");
    }

    private HttpRequestMessage Request(string method, string template, string name, string location, string value)
    {
        var path = location == "path" ? Fill(template).Replace($"{{{name}}}", Uri.EscapeDataString(value), StringComparison.Ordinal) : Fill(template);
        var query = location == "query" ? $"?{name}={Uri.EscapeDataString(value)}" : "";
        return new HttpRequestMessage(new HttpMethod(method), path + query)
        {
            Content = method is "POST" or "PUT" ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
        };
    }

    private string Fill(string template)
    {
        var id = template.StartsWith("/api/v1/exceptions/", StringComparison.Ordinal) ? _exception : _submission;
        return template.Replace("{id}", id, StringComparison.Ordinal).Replace("{code}", Institution, StringComparison.Ordinal);
    }
}
