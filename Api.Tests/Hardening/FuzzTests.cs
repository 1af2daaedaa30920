using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Compliance.Api.Tests.Support;
using CsCheck;

namespace Compliance.Api.Tests.Hardening;

/// <summary>
/// Random input to every endpoint of the OpenAPI document (random JSON and query strings, random and mutated CSV,
/// huge numbers, the ends of <c>int</c> and of every accepted range, <c>NaN</c>, impossible dates, 10,000-column
/// headers, 1 MB lines): every answer is a 2xx, or a 4xx as problem+json, never a 5xx, and the server keeps serving.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class FuzzTests(TestDatabase database)
{
    private const string Institution = "FZ-371302";

    private static readonly string[] Weird =
    [
        "", " ", "NaN", "-NaN", "Infinity", "-1", "0", "1", "2", "500", "501", "2147483648", "-9223372036854775809", "99999999999999999999999999999",
        "1e309", "1.0000000001", "-0", "2022-02-30", "2022-13", "2022-00", "2022-12", "2021-01", "0000-00", "9999-12", "2022-12-31", "2022-02-29",
        "null", "true", "false", "%00", "%zz", "'; DROP TABLE submissions;--", "名称", "中国", "\t", "37", "371302", "110101", "", Institution, "national",
        "shandong", "LEDGER_MONTHLY", "WORK_REPORT_YEAREND", "open", "breach", "csv", "xlsx", "BASELINE_MISSING", "INCLUSIVE_GROWTH",
        "2147483647", "-2147483648", "2147483646", "4294967296", "1000000", "1000001", "1999", "2000", "2100", "2101", "0001-01", "1999-12",
        "2000-01", "2100-12", "2101-01", "0001-01-01", "1999-12-31", "2100-01-01", "2100-12-31", "9999-12-31", "2024-01-20", "2024-01-21",
    ];

    private static readonly string[] QueryNames =
    [
        "period", "institution", "from", "to", "pageSize", "page", "rule", "status", "severity", "region", "date", "year", "obligation", "dryRun",
        "format", "keyId", "jurisdiction", "id",
    ];

    private static readonly string[] Fields =
    [
        "code", "name", "category", "legalPerson", "level", "parent", "localLegalPerson", "regionCode", "reportingFrom", "webhookUrl", "role",
        "institution", "jurisdiction", "reasonCode", "text", "note", "until", "years", "rules", "workingDays", "holidays", "from", "to", "params", "loans",
    ];

    private static readonly string[] JsonValues =
    [
        "null", "true", "0", "-1", "1e999", "-1e999", "123456789012345678901234567890", "1.5", "\"\"", "\"NaN\"", "NaN", "\"2022-02-30\"",
        "\"2022-12\"", "\"371302\"", "\"37\"", "[]", "{}", "[1,2,3]", "{\"from\":2022}", "\"rural\"", "\"regulator\"", "\"institution\"", "\"admin\"",
        "\"head_office\"", "\"county\"", $"\"{Institution}\"", "\"\\u0000\"", "\"名称\"", "\"" + new string('x', 5000) + "\"",
        "2147483647", "-2147483648", "\"0001-01\"", "\"9999-12\"", "\"0001-01-01\"", "\"9999-12-31\"", "\"2101-01-01\"", "{\"from\":2147483647}",
        "{\"from\":2000,\"to\":-2147483648}", "\"=HYPERLINK(\\\"http://x\\\")\"", "\"a\\u001bb\"",
    ];

    private static readonly string[] ContentTypes =
    [
        "text/csv", "text/csv; charset=gb18030", "text/csv; charset=utf-16", "application/json", "application/x-ndjson", "application/octet-stream",
        "text/plain", "multipart/form-data; boundary=x", "application/json; charset=latin1",
    ];

    private ComplianceApiFactory _factory = null!;
    private List<(string Method, string Template)> _endpoints = null!;
    private readonly Dictionary<string, string> _keys = [];

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database, settings: new Dictionary<string, string?> { ["Compliance:Limits:PermitsPerSecond"] = "0" });
        _keys["institution"] = await _factory.CreateInstitutionAsync(Institution, "371302");
        _keys["regulator"] = await _factory.CreateRegulatorAsync("37");
        _keys["admin"] = ComplianceApiFactory.AdminKey;
        using var bank = _factory.ClientWithKey(_keys["institution"]);
        await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
        using var admin = _factory.Admin();
        var document = await admin.GetJsonAsync("/swagger/v1/swagger.json");
        _endpoints = [.. document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(operation => (operation.Key.ToUpperInvariant(), path.Key)))];
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task AnyEndpoint_WithRandomInput_AnswersTwoHundredsOrProblemFourHundreds_NeverFiveHundreds()
    {
        var gen = Gen.Select(Gen.Int[0, _endpoints.Count - 1], GenPath, GenQuery, GenBody, Gen.Int[0, 2]);
        var clients = _keys.Values.Select(_factory.ClientWithKey).ToArray();
        var statuses = new List<int>();
        try
        {
            await gen.SampleAsync(async sample =>
            {
                var (endpoint, pathValue, query, body, caller) = sample;
                var (method, template) = _endpoints[endpoint];
                using var request = new HttpRequestMessage(new HttpMethod(method), Fill(template, pathValue) + query);
                if (method is "POST" or "PUT")
                {
                    request.Content = body.Content();
                }

                using var response = await clients[caller].SendAsync(request);
                var status = (int)response.StatusCode;
                statuses.Add(status);
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                // SQL Server and PostgreSQL are backed up with their own tools: the backup endpoint answers 501, a problem, by design (BackupTests).
                var ownBackupTools = status == 501 && database != TestDatabase.Sqlite && method == "POST" && template == "/api/v1/admin/backup";
                if ((status >= 500 && !ownBackupTools) || (status >= 400 && mediaType != "application/problem+json"))
                {
                    var answer = await response.Content.ReadAsStringAsync();
                    throw new AssertionException($"{method} {request.RequestUri} ({body}) answered {status} {mediaType}: {answer[..Math.Min(answer.Length, 2000)]}");
                }
            }, iter: 500, threads: 1);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        statuses.Should().Contain(s => s >= 200 && s < 300, "some random requests are valid").And.Contain(s => s >= 400, "most are not");
        using var admin = _factory.Admin();
        (await admin.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK, "the server keeps serving");
        (await admin.GetJsonAsync($"/api/v1/institutions/{Institution}"))["code"]!.GetValue<string>().Should().Be(Institution);
    }

    [TestCase("wide header")]
    [TestCase("megabyte line")]
    [TestCase("huge numbers")]
    [TestCase("impossible dates")]
    [TestCase("random bytes")]
    public async Task Ledger_Malformed_IsAProblemFourHundred(string kind)
    {
        using var bank = _factory.ClientWithKey(_keys["institution"]);
        var body = kind switch
        {
            "wide header" => Encoding.UTF8.GetBytes(string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"c{i}")) + "\n"),
            "megabyte line" => Encoding.UTF8.GetBytes(Ledgers.Header + "\n" + new string('9', 1 << 20) + "\n"),
            "huge numbers" => Encoding.UTF8.GetBytes(Ledgers.Example.Replace("800000.00", "1" + new string('0', 400), StringComparison.Ordinal).Replace("4.35", "NaN", StringComparison.Ordinal)),
            "impossible dates" => Encoding.UTF8.GetBytes(Ledgers.Example.Replace("2022-01-15", "2022-02-30", StringComparison.Ordinal)),
            _ => [.. Enumerable.Range(0, 100_000).Select(i => unchecked((byte)((i * 7919) ^ (i >> 3))))],
        };

        var response = await bank.PostLedgerAsync("2022-11", body);

        ((int)response.StatusCode).Should().BeInRange(400, 499, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    private static Gen<string> GenText =>
        Gen.OneOf(Gen.Int[0, Weird.Length - 1].Select(i => Weird[i]), Gen.Char['\u0020', '\u007e'].Array[0, 40].Select(c => new string(c)));

    private static Gen<string> GenPath => Gen.OneOf(GenText, Gen.Long[0, 50].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static Gen<string> GenQuery =>
        Gen.Select(Gen.Int[0, QueryNames.Length - 1], GenText).Array[0, 5]
            .Select(pairs => pairs.Length == 0 ? "" : "?" + string.Join('&', pairs.Select(p => $"{QueryNames[p.Item1]}={Uri.EscapeDataString(p.Item2)}")));

    private static Gen<Body> GenBody => Gen.OneOf(
        Gen.Select(Gen.Int[0, Fields.Length - 1], Gen.Int[0, JsonValues.Length - 1]).Array[0, 8]
            .Select(fields => new Body("{" + string.Join(',', fields.Select(f => $"\"{Fields[f.Item1]}\":{JsonValues[f.Item2]}")) + "}", "application/json")),
        Gen.Int[0, JsonValues.Length - 1].Select(v => new Body(JsonValues[v], "application/json")),
        Gen.Int[1, 20_000].Select(depth => new Body(new string('[', depth) + new string(']', depth), "application/json")),
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, Weird.Length - 1], Gen.Int[0, ContentTypes.Length - 1])
            .Select(m => new Body(Mutate(Ledgers.Example, m.Item1, Weird[m.Item2]), ContentTypes[m.Item3])),
        Gen.Select(Gen.Byte.Array[0, 3000], Gen.Int[0, ContentTypes.Length - 1]).Select(b => new Body(b.Item1, ContentTypes[b.Item2])));

    private static string Mutate(string ledger, int line, string value)
    {
        var lines = ledger.Split('\n');
        var cells = lines[line + 1].Split(',');
        cells[(line * 5) % cells.Length] = value;
        lines[line + 1] = string.Join(',', cells);
        return string.Join('\n', lines);
    }

    private static string Fill(string template, string value)
    {
        if (template.StartsWith("/api/v1/api-keys/", StringComparison.Ordinal))
        {
            value += "000000"; // never a live key: revoking the keys this test sends with would only end the test early
        }

        var escaped = Uri.EscapeDataString(value.Length == 0 ? "x" : value);
        return template.Replace("{id}", escaped, StringComparison.Ordinal).Replace("{code}", escaped, StringComparison.Ordinal)
            .Replace("{kind}", escaped, StringComparison.Ordinal)
            .Replace("{year}", int.TryParse(value, out var year) ? year.ToString(System.Globalization.CultureInfo.InvariantCulture) : "2025", StringComparison.Ordinal);
    }

    /// <summary>A request body and its media type.</summary>
    private sealed record Body(byte[] Bytes, string MediaType)
    {
        public Body(string text, string mediaType)
            : this(Encoding.UTF8.GetBytes(text), mediaType)
        {
        }

        public ByteArrayContent Content()
        {
            var content = new ByteArrayContent(Bytes);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(MediaType);
            return content;
        }

        public override string ToString() => $"{MediaType}: {Encoding.UTF8.GetString(Bytes, 0, Math.Min(Bytes.Length, 200))}";
    }
}
