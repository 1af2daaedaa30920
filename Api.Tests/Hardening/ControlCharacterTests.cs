using System.Net;
using System.Net.Http.Json;
using System.Text;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// No control character (U+0000–U+001F, U+007F–U+009F), line or paragraph separator (U+2028, U+2029) nor bidirectional
/// formatting character (U+202A–U+202E, U+2066–U+2069) enters through a request: a name, code or identifier holds none,
/// free text none but tab, CR and LF. A JSON body answers 400 <c>invalid-request</c> naming the field and changes nothing;
/// a ledger is rejected with E002 on the identifier's line and column, in CSV, JSON and NDJSON.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ControlCharacterTests(TestDatabase database)
{
    private const string Institution = "CC-371302";

    private static readonly string[] NotInNames = ["\u0000", "\u0001", "\t", "\n", "\r", "\u001B", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F", "\u2028", "\u2029", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"];

    private static readonly string[] NotInText = ["\u0000", "\u0001", "\u0008", "\u001B", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F", "\u2028", "\u2029", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"];

    private static readonly string[] Names = ["institution name", "institution code", "institution name on update", "key name", "key institution", "holiday name"];

    private static readonly string[] Texts = ["explanation", "resolve", "waive", "reopen", "calendar notice"];

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private string _exception = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Limits:PermitsPerSecond"] = "0" });
        _admin = _factory.Admin();
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Institution, "371302"));
        await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        _exception = (await bank.ExceptionsAsync("&status=open"))[0]["id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    private static IEnumerable<TestCaseData> NamesTimesControls =>
        from name in Names
        from control in NotInNames
        select new TestCaseData(name, control).SetArgDisplayNames(name, Name(control));

    private static IEnumerable<TestCaseData> TextTimesControls =>
        from action in Texts
        from control in NotInText
        select new TestCaseData(action, control).SetArgDisplayNames(action, Name(control));

    [TestCaseSource(nameof(NamesTimesControls))]
    public async Task Name_WithAControlCharacter_Answers400NamingTheField(string what, string control)
    {
        var (method, url, body, field) = what switch
        {
            "institution name" => ("POST", "/api/v1/institutions", (object)InstitutionBody("CC-NEW", $"新银行{control}"), "name"),
            "institution code" => ("POST", "/api/v1/institutions", InstitutionBody($"CC{control}1", "新银行"), "code"),
            "institution name on update" => ("PUT", $"/api/v1/institutions/{Institution}", InstitutionBody(null, $"测试银行{control}"), "name"),
            "key name" => ("POST", "/api/v1/api-keys", new { name = $"key{control}", role = "admin" }, "name"),
            "key institution" => ("POST", "/api/v1/api-keys", new { name = "key", role = "institution", institution = Institution + control }, "institution"),
            _ => ("PUT", "/api/v1/calendar/2030", new { holidays = new[] { new { name = $"元旦{control}", dates = new[] { "2030-01-01" } } }, workdays = Array.Empty<string>() }, "holidays[0].name"),
        };

        var response = await _admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(body) });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain(field);
    }

    [TestCaseSource(nameof(TextTimesControls))]
    public async Task FreeText_WithAControlCharacterOtherThanTabCrLf_Answers400NamingTheField_AndChangesNothing(string action, string control)
    {
        var before = await _admin.GetStringAsync($"/api/v1/exceptions/{_exception}");
        var (url, body, field) = action switch
        {
            "explanation" => ($"/api/v1/exceptions/{_exception}/explanation", (object)new { text = $"已整改{control}完毕" }, "text"),
            "calendar notice" => ("/api/v1/calendar/2030", new { notice = $"通知{control}", holidays = Array.Empty<object>(), workdays = Array.Empty<string>() }, "notice"),
            _ => ($"/api/v1/exceptions/{_exception}/{action}", new { note = $"同意{control}处理" }, "note"),
        };
        var method = action == "calendar notice" ? HttpMethod.Put : HttpMethod.Post;

        var response = await _admin.SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) });

        using var scope = new AssertionScope();
        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Contain(field);
        (await _admin.GetStringAsync($"/api/v1/exceptions/{_exception}")).Should().Be(before);
    }

    [Test]
    public async Task FreeText_WithTabsAndLineBreaks_IsAccepted()
    {
        const string text = "第一行\r\n第二行\t完";

        var response = await _admin.PostAsJsonAsync($"/api/v1/exceptions/{_exception}/explanation", new { text });

        var events = (await response.JsonAsync())["events"]!.AsArray();
        events[^1]!["note"]!.GetValue<string>().Should().Be(text);
    }

    [TestCase("text/csv")]
    [TestCase("application/json")]
    [TestCase("application/x-ndjson")]
    public async Task Ledger_WithANulInALoanId_IsRejectedWithE002OnItsLineAndColumn(string mediaType)
    {
        var (body, line) = mediaType switch
        {
            "text/csv" => (Ledgers.Example.Replace("L0002", "L\u00002", StringComparison.Ordinal), 3),
            "application/json" => ("{\"loans\":[" + Loan("L0001") + "," + Loan("L\\u00002") + "]}", 1),
            _ => (Loan("L0001") + "\n" + Loan("L\\u00002") + "\n", 2),
        };
        using var bank = _factory.ClientWithKey(await _factory.CreateKeyAsync(new { name = "ledger", role = "institution", institution = Institution }));

        var response = await bank.PostLedgerAsync("2022-11", Encoding.UTF8.GetBytes(body), contentType: mediaType);

        var error = (await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "ledger-invalid"))["errors"]![0]!;
        using var scope = new AssertionScope();
        error["code"]!.GetValue<string>().Should().Be("E002");
        error["line"]!.GetValue<int>().Should().Be(line);
        error["column"]!.GetValue<string>().Should().Be("loan_id");
        error["message"]!.GetValue<string>().Should().Contain("U+0000");
    }

    private static object InstitutionBody(string? code, string name) =>
        new { code, name, category = "rural", localLegalPerson = true, regionCode = "371302", reportingFrom = "2021-01" };

    private static string Loan(string loanId) =>
        $$"""{"loan_id":"{{loanId}}","borrower_id":"C1","borrower_type":"micro","credit_line":3000000,"product":"loan","purpose":"business","guarantee":"credit","classification":"normal","amount":1000000,"balance":800000,"disbursed_on":"2022-01-15","matures_on":"2023-01-14","annual_rate":4.35,"first_loan":"Y"}""";

    private static string Name(string control) => $"U+{(int)control[0]:X4}";
}
