using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// Every endpoint of the OpenAPI document (read from the document, so a new endpoint cannot escape) × every kind of
/// caller × a resource owned by institution A: the answer is the one api.md prescribes (401, 403, 404 or 2xx), and
/// no answer to a caller who may not see A carries A's code or name, nor counts A's rows.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class AccessMatrixTests(TestDatabase database)
{
    private const string A = "MA-371302";
    private const string NameOfA = "矩阵甲银行";
    private const string B = "MB-110101";

    /// <summary>Callers in the order they ask: those that must be refused first, so no refusal depends on a change.</summary>
    private static readonly string[] Callers = ["no key", "revoked", "B", "regulator 41", "A", "regulator 37", "admin"];

    private static readonly Dictionary<string, Access> Matrix = new()
    {
        ["GET /health/live"] = Access.Public,
        ["GET /health/ready"] = Access.Public,
        ["GET /problems/{kind}"] = Access.Public,
        ["POST /api/v1/institutions"] = Access.Admin,
        ["PUT /api/v1/institutions/{code}"] = Access.Admin,
        ["GET /api/v1/institutions"] = Access.Anyone,
        ["GET /api/v1/institutions/{code}"] = Access.OfA,
        ["GET /api/v1/institutions/{code}/indicators"] = Access.OfA,
        ["GET /api/v1/institutions/{code}/support-tool"] = Access.OfA,
        ["GET /api/v1/institutions/{code}/headroom"] = Access.OfA,
        ["GET /api/v1/institutions/{code}/peers"] = Access.OfA,
        ["GET /api/v1/institutions/{code}/credit-plans"] = Access.OfA,
        ["PUT /api/v1/institutions/{code}/credit-plans/{year}"] = Access.Decide,
        ["DELETE /api/v1/institutions/{code}/credit-plans/{year}"] = Access.Decide,
        ["GET /api/v1/analytics/support-tool"] = Access.OverA,
        ["POST /api/v1/api-keys"] = Access.Admin,
        ["GET /api/v1/api-keys"] = Access.Admin,
        ["DELETE /api/v1/api-keys/{id}"] = Access.Admin,
        ["GET /api/v1/me"] = Access.Anyone,
        ["POST /api/v1/submissions"] = Access.ForA,
        ["GET /api/v1/submissions"] = Access.Anyone,
        ["GET /api/v1/submissions/{id}"] = Access.OfA,
        ["GET /api/v1/submissions/{id}/errors"] = Access.OfA,
        ["GET /api/v1/submissions/{id}/original"] = Access.OfA,
        ["GET /api/v1/exceptions"] = Access.Anyone,
        ["GET /api/v1/exceptions/export"] = Access.Anyone,
        ["GET /api/v1/exceptions/{id}"] = Access.OfA,
        ["POST /api/v1/exceptions/{id}/explanation"] = Access.Explain,
        ["POST /api/v1/exceptions/{id}/resolve"] = Access.Decide,
        ["POST /api/v1/exceptions/{id}/waive"] = Access.Decide,
        ["POST /api/v1/exceptions/{id}/reopen"] = Access.Decide,

        // 200 to every key: each id's refusal (forbidden, not-found, invalid-transition) is its item's (BulkActionTests).
        ["POST /api/v1/exceptions/bulk"] = Access.Anyone,
        ["GET /api/v1/rules"] = Access.Anyone,
        ["GET /api/v1/rule-sets"] = Access.Anyone,
        ["GET /api/v1/rule-sets/{id}"] = Access.Anyone,
        ["PUT /api/v1/rule-sets/{id}"] = Access.Admin,
        ["POST /api/v1/rule-sets/{id}/preview"] = Access.OverA,
        ["POST /api/v1/evaluations"] = Access.Admin,
        ["GET /api/v1/obligations"] = Access.Anyone,
        ["PUT /api/v1/obligations/{code}"] = Access.Admin,
        ["GET /api/v1/deadlines"] = Access.Anyone,
        ["POST /api/v1/deliverables"] = Access.ForA,
        ["GET /api/v1/deliverables"] = Access.Anyone,
        ["GET /api/v1/deliverables/{id}/content"] = Access.OfA,
        ["GET /api/v1/calendar/{year}"] = Access.Anyone,
        ["PUT /api/v1/calendar/{year}"] = Access.Admin,
        ["GET /api/v1/reminders"] = Access.Anyone,
        ["POST /api/v1/deadlines/sweep"] = Access.Admin,
        ["GET /api/v1/audit"] = Access.Admin,
        ["POST /api/v1/admin/backup"] = Access.Admin,
        ["GET /api/v1/analytics/summary"] = Access.OverA,
        ["GET /api/v1/analytics/heatmap"] = Access.OverA,
        ["GET /api/v1/analytics/filing"] = Access.OverA,
        ["GET /api/v1/analytics/ranking"] = Access.OverA,
        ["GET /api/v1/targets"] = Access.OverA,
        ["PUT /api/v1/targets/{id}"] = Access.Admin,
        ["GET /api/v1/targets/{id}/progress"] = Access.TargetOverA,
    };

    private readonly Dictionary<string, string> _keys = [];
    private readonly Dictionary<string, string> _ids = [];
    private ComplianceApiFactory _factory = null!;
    private List<string> _endpoints = null!;
    private int _created;

    /// <summary>Who may do what (api.md, "Who may do what").</summary>
    private enum Access
    {
        /// <summary>Anyone, with or without a key.</summary>
        Public,

        /// <summary>Any valid key; lists filtered to what the key may see.</summary>
        Anyone,

        /// <summary>A resource of A: A, a regulator over A and admins; 404 to the others.</summary>
        OfA,

        /// <summary>Acting for A: A itself and admins; 403 to B and regulators.</summary>
        ForA,

        /// <summary>Explaining A's exception: A and admins; 403 to a regulator over A; 404 to the others.</summary>
        Explain,

        /// <summary>Deciding on A's exception, or recording A's credit plan: a regulator over A and admins; 403 to A; 404 to the others.</summary>
        Decide,

        /// <summary>Admins only; 403 to every other key.</summary>
        Admin,

        /// <summary>
        /// The analytics of A's jurisdiction, and the preview of a set of it: admins and a regulator over A; 403 to
        /// institutions and to a regulator elsewhere.
        /// </summary>
        OverA,

        /// <summary>
        /// The progress of a target of A's jurisdiction: admins and a regulator over A; 403 to institutions; 404 to a
        /// regulator elsewhere, to whom the target does not exist.
        /// </summary>
        TargetOverA,
    }

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Limits:PermitsPerSecond"] = "0" });
        using var admin = _factory.Admin();
        (await admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code = A, name = NameOfA, category = "rural", localLegalPerson = true, regionCode = "371302", reportingFrom = "2021-01",
        })).EnsureSuccessStatusCode();
        await _factory.RegisterInstitutionAsync(B, "110101");
        _keys["A"] = (await _factory.IssueInstitutionKeyAsync(A)).Key;
        _keys["B"] = (await _factory.IssueInstitutionKeyAsync(B)).Key;
        _keys["regulator 37"] = (await _factory.IssueRegulatorKeyAsync("37")).Key;
        _keys["regulator 41"] = (await _factory.IssueRegulatorKeyAsync("41")).Key;
        _keys["admin"] = ComplianceApiFactory.AdminKey;
        var revoked = await _factory.IssueInstitutionKeyAsync(A);
        (await admin.DeleteAsync($"/api/v1/api-keys/{revoked.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        _keys["revoked"] = revoked.Key;
        _ids["{key}"] = (await _factory.IssueRegulatorKeyAsync("11")).Id;

        using var bank = _factory.ClientWithKey(_keys["A"]);
        _ids["{submission}"] = await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        await bank.WaitForEvaluationAsync(_ids["{submission}"]);
        _ids["{exception}"] = (await admin.ExceptionsAsync($"&institution={A}"))[0]["id"]!.GetValue<string>();
        var filed = await bank.PostAsync("/api/v1/deliverables?obligation=WORK_REPORT_YEAREND&year=2022", new ByteArrayContent("年度工作报告"u8.ToArray()));
        filed.StatusCode.Should().Be(HttpStatusCode.Created, await filed.Content.ReadAsStringAsync());
        _ids["{deliverable}"] = (await filed.JsonAsync())["id"]!.GetValue<string>();

        var document = await admin.GetJsonAsync("/swagger/v1/swagger.json");
        _endpoints = [.. document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))];
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public void Document_ListsOnlyEndpointsTheMatrixKnows()
    {
        using (new AssertionScope())
        {
            _endpoints.Should().HaveCountGreaterThan(30);
            _endpoints.Where(e => !Matrix.ContainsKey(e)).Should().BeEmpty("every endpoint needs a row in the access matrix");
            Matrix.Keys.Where(e => !_endpoints.Contains(e)).Should().BeEmpty("the matrix names only endpoints that exist");
        }
    }

    [Test]
    public async Task EveryEndpoint_ForEveryCaller_AnswersAsApiMdPrescribes_AndLeaksNothingOfA()
    {
        using var scope = new AssertionScope();
        foreach (var endpoint in _endpoints.Where(Matrix.ContainsKey))
        {
            foreach (var caller in Callers)
            {
                using var client = _factory.ClientWithKey(caller == "no key" ? null : _keys[caller]);
                using var request = Request(endpoint);
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                // SQL Server and PostgreSQL are backed up with their own tools: an admin's backup is answered 501 (BackupTests).
                var expected = endpoint == "POST /api/v1/admin/backup" && caller == "admin" && database != TestDatabase.Sqlite
                    ? 501
                    : Expected(Matrix[endpoint], caller);
                var what = $"{caller} → {endpoint} answered {status}: {Truncate(body)}";

                if (expected == 0)
                {
                    status.Should().BeInRange(200, 299, what);
                }
                else if (expected == 409)
                {
                    status.Should().Match(s => (s >= 200 && s <= 299) || s == 409, what);
                }
                else
                {
                    status.Should().Be(expected, what);
                }

                if (caller is "B" or "regulator 41")
                {
                    body.Should().NotContain(NameOfA, what);
                    if (!request.RequestUri!.ToString().Contains(A, StringComparison.Ordinal))
                    {
                        body.Should().NotContain(A, what); // a 404 may name the code the caller sent, as it would a code that does not exist
                    }

                    if (status == 200 && response.Content.Headers.ContentType?.MediaType == "application/json" && JsonNode.Parse(body) is JsonObject { } list
                        && list["total"] is { } total && list["items"] is JsonArray items)
                    {
                        total.GetValue<long>().Should().Be(items.Count, $"a list counts only what the caller sees: {what}");
                    }
                }
            }
        }
    }

    /// <summary>The status a caller must get: 0 for 2xx, 409 for 2xx or a state conflict, else the code.</summary>
    private static int Expected(Access access, string caller)
    {
        if (access == Access.Public)
        {
            return 0;
        }

        if (caller is "no key" or "revoked")
        {
            return 401;
        }

        return (access, caller) switch
        {
            (Access.Anyone, _) => 0,
            (Access.Admin, "admin") => 409,
            (Access.Admin, _) => 403,
            (Access.OverA, "admin" or "regulator 37") => 0,
            (Access.OverA, _) => 403,
            (Access.TargetOverA, "admin" or "regulator 37") => 0,
            (Access.TargetOverA, "regulator 41") => 404,
            (Access.TargetOverA, _) => 403,
            (_, "B" or "regulator 41") when access == Access.ForA => 403,
            (_, "B" or "regulator 41") => 404,
            (Access.OfA, _) => 0,
            (Access.ForA, "A" or "admin") => 0,
            (Access.ForA, _) => 403,
            (Access.Explain, "A" or "admin") => 409,
            (Access.Explain, _) => 403,
            (Access.Decide, "regulator 37" or "admin") => 409,
            (Access.Decide, _) => 403,
            _ => throw new ArgumentOutOfRangeException(nameof(access), access, caller),
        };
    }

    private HttpRequestMessage Request(string endpoint)
    {
        var space = endpoint.IndexOf(' ', StringComparison.Ordinal);
        var method = new HttpMethod(endpoint[..space]);
        var template = endpoint[(space + 1)..];
        var id = template switch
        {
            _ when template.StartsWith("/api/v1/submissions/", StringComparison.Ordinal) => _ids["{submission}"],
            _ when template.StartsWith("/api/v1/exceptions/", StringComparison.Ordinal) => _ids["{exception}"],
            _ when template.StartsWith("/api/v1/api-keys/", StringComparison.Ordinal) => _ids["{key}"],
            _ when template.StartsWith("/api/v1/deliverables/", StringComparison.Ordinal) => _ids["{deliverable}"],
            _ when template.StartsWith("/api/v1/targets/", StringComparison.Ordinal) => "shandong-operating-increase",
            _ => "shandong",
        };
        var code = template.StartsWith("/api/v1/obligations/", StringComparison.Ordinal) ? "FOUR_LISTS" : A;
        var path = template.Replace("{code}", code, StringComparison.Ordinal).Replace("{id}", id, StringComparison.Ordinal)
            .Replace("{kind}", "not-found", StringComparison.Ordinal).Replace("{year}", "2025", StringComparison.Ordinal);
        var (query, body) = endpoint switch
        {
            "POST /api/v1/institutions" => ("", Json(new { code = $"MN{Interlocked.Increment(ref _created)}", name = "新设银行", category = "rural", localLegalPerson = true, regionCode = "110101" })),
            "PUT /api/v1/institutions/{code}" => ("", Json(new { name = NameOfA, category = "rural", localLegalPerson = true, regionCode = "371302", reportingFrom = "2021-01" })),
            "POST /api/v1/api-keys" => ("", Json(new { name = "matrix", role = "regulator", jurisdiction = "37" })),
            "POST /api/v1/submissions" => ($"?period=2022-11&institution={A}", new StringContent(Ledgers.Example, Encoding.UTF8, "text/csv")),
            "POST /api/v1/deliverables" => ($"?obligation=WORK_REPORT_YEAREND&year=2023&institution={A}", new ByteArrayContent("报告"u8.ToArray())),
            "POST /api/v1/exceptions/{id}/explanation" => ("", Json(new { text = "已整改" })),
            "POST /api/v1/exceptions/{id}/resolve" or "POST /api/v1/exceptions/{id}/waive" or "POST /api/v1/exceptions/{id}/reopen" => ("", Json(new { note = "matrix" })),
            "POST /api/v1/exceptions/bulk" => ("", Json(new { ids = new[] { _ids["{exception}"] }, action = "resolve", note = "matrix" })),
            "PUT /api/v1/institutions/{code}/credit-plans/{year}" => ("", Json(new { inclusiveIncrease = 1_000_000m, note = "matrix" })),
            "DELETE /api/v1/institutions/{code}/credit-plans/{year}" => ("", Json(new { note = "matrix" })),
            "PUT /api/v1/rule-sets/{id}" => ("", Json(CurrentRuleSet(id))),
            "POST /api/v1/rule-sets/{id}/preview" => ("?from=2022-01&to=2022-12", Json(CurrentRuleSet(id))),
            "PUT /api/v1/obligations/{code}" => ("", new StringContent(CurrentObligation(code), Encoding.UTF8, "application/json")),
            "PUT /api/v1/calendar/{year}" => ("", new StringContent(CurrentCalendar(), Encoding.UTF8, "application/json")),
            "POST /api/v1/evaluations" => ($"?institution={A}&from=2022-01&to=2022-12", null),
            "POST /api/v1/deadlines/sweep" => ("?date=2023-01-20", null),
            "POST /api/v1/admin/backup" => ("", Json(new { path = "matrix.db", overwrite = true })),
            "GET /api/v1/analytics/filing" => ("?jurisdiction=37&year=2022", null),
            "GET /api/v1/targets" => ("?jurisdiction=37&year=2022", null),
            "GET /api/v1/targets/{id}/progress" => ("?year=2022", null),
            "PUT /api/v1/targets/{id}" => ("", Json(new
            {
                name = new { zh = "经营性贷款增加", en = "Operating loans up" }, jurisdiction = "37", year = 2022, population = new { },
                measure = "increase(operatingBalance)", op = ">=", value = 1_000_000,
            })),
            "GET /api/v1/institutions/{code}/support-tool" => ("?year=2022", null),
            "GET /api/v1/institutions/{code}/headroom" => ("?period=2022-12", null),
            "GET /api/v1/institutions/{code}/peers" => ("?period=2022-12", null),
            "GET /api/v1/analytics/ranking" => ("?jurisdiction=37&period=2022-12&measure=creditShare", null),
            "GET /api/v1/analytics/support-tool" => ("?jurisdiction=37&year=2022", null),
            "GET /api/v1/analytics/summary" or "GET /api/v1/analytics/heatmap" => ("?jurisdiction=37&period=2022-12", null),
            _ when method == HttpMethod.Get && !template.Contains('{', StringComparison.Ordinal) && template.StartsWith("/api", StringComparison.Ordinal)
                && template is not ("/api/v1/rules" or "/api/v1/obligations" or "/api/v1/deadlines" or "/api/v1/reminders" or "/api/v1/deliverables" or "/api/v1/rule-sets" or "/api/v1/exceptions/export")
                => ("?pageSize=500", null),
            _ => ("", (HttpContent?)null),
        };
        return new HttpRequestMessage(method, path + query) { Content = body };
    }

    private JsonObject CurrentRuleSet(string id)
    {
        using var admin = _factory.Admin();
        return admin.GetJsonAsync($"/api/v1/rule-sets/{id}").GetAwaiter().GetResult();
    }

    private string CurrentObligation(string code)
    {
        using var admin = _factory.Admin();
        return admin.GetJsonAsync("/api/v1/obligations").GetAwaiter().GetResult()["items"]!.AsArray()
            .Single(o => o!["code"]!.GetValue<string>() == code)!.ToJsonString();
    }

    private string CurrentCalendar()
    {
        using var admin = _factory.Admin();
        return admin.GetStringAsync("/api/v1/calendar/2025").GetAwaiter().GetResult();
    }

    private static JsonContent Json(object value) => JsonContent.Create(value);

    private static string Truncate(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
