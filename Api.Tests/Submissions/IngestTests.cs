using System.Net;
using System.Text;
using Compliance.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using FluentAssertions.Execution;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Submissions;

/// <summary>Posting ledgers: receipts, versions, originals, and every validation code through HTTP.</summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class IngestTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;
    private int _institutions;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("C3713001", "371302"));
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _bank?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task ExampleLedger_Posted_AnswersReceiptWithIndicators()
    {
        using var bank = await NewBankAsync();

        var response = await bank.PostLedgerAsync("2022-12", Example);
        var receipt = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.Location!.ToString().Should().Be($"/api/v1/submissions/{receipt["id"]}");
        receipt["status"]!.GetValue<string>().Should().Be("accepted");
        receipt["version"]!.GetValue<int>().Should().Be(1);
        receipt["period"]!.GetValue<string>().Should().Be("2022-12");
        receipt["rows"]!.GetValue<long>().Should().Be(3);
        receipt["sha256"]!.GetValue<string>().Should().Be(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Example))));
        receipt["receivedAt"]!.GetValue<string>().Should().StartWith("2023-01-20T02:00:00");
        receipt["evaluation"]!["status"]!.GetValue<string>().Should().Be("pending");
        var indicators = receipt["indicators"]!;
        indicators["totalBalance"]!.GetValue<decimal>().Should().Be(21_100_000m);
        indicators["inclusiveBalance"]!.GetValue<decimal>().Should().Be(1_100_000m);
        indicators["inclusiveNplBalance"]!.GetValue<decimal>().Should().Be(300_000m);
        indicators["inclusiveCreditBalance"]!.GetValue<decimal>().Should().Be(800_000m);
        indicators["inclusiveBorrowers"]!.GetValue<long>().Should().Be(2);
        indicators["totalNplBalance"]!.GetValue<decimal>().Should().Be(300_000m);
        indicators["individualBusinessBalance"]!.GetValue<decimal>().Should().Be(300_000m);
        indicators["operatingBalance"]!.GetValue<decimal>().Should().Be(300_000m);
        indicators.AsObject().Select(p => p.Key).Should().BeEquivalentTo(
            "totalBalance", "totalNplBalance", "inclusiveBalance", "inclusiveNplBalance", "inclusiveCreditBalance", "inclusiveBorrowers",
            "newFirstLoanBorrowers", "newFirstLoanEnterprises", "newInclusiveAmount", "newInclusiveRateWeight", "individualBusinessBalance",
            "individualBusinessBorrowers", "operatingBalance", "pboc");
        indicators["newFirstLoanEnterprises"]!.GetValue<long>().Should().Be(0, "the example's first loan was disbursed in January");
        indicators["pboc"]!.AsObject().Select(p => p.Key).Should().Equal(
            "inclusiveBalance", "inclusiveNplBalance", "inclusiveCreditBalance", "inclusiveBorrowers", "newFirstLoanBorrowers",
            "newInclusiveAmount", "newInclusiveRateWeight", "inclusiveNplRatio", "creditShare");
        indicators["pboc"]!["inclusiveBalance"]!.GetValue<decimal>().Should().Be(1_100_000m, "no borrower of the example is at the cap");
        indicators["pboc"]!["inclusiveNplRatio"]!.GetValue<decimal>().Should().Be(27.2727m);
    }

    [Test]
    public async Task SubmissionList_OfManyPeriodsAndVersions_AnswersEachReceiptWithItsOwnIndicators()
    {
        using var first = await NewBankAsync();
        using var second = await NewBankAsync();
        using var admin = _factory.Admin();
        var posted = new Dictionary<HttpClient, List<string>> { [first] = [], [second] = [] };
        for (var month = 0; month < 24; month++)
        {
            var period = $"{2021 + (month / 12)}-{(month % 12) + 1:D2}";
            foreach (var (bank, offset) in new[] { (first, 0m), (second, 0.5m) })
            {
                var csv = Csv(Row("L1", balance: 1_000m + month + offset, disbursedOn: "2020-06-01"), Row("L2", borrowerId: "B2", borrowerType: "individual_business", balance: (10m * month) + offset, disbursedOn: "2020-06-01"));
                posted[bank].Add(await IdOfAsync(bank.PostLedgerAsync(period, csv)));
            }

            if (month % 12 == 0)
            {
                posted[first].Add(await IdOfAsync(first.PostLedgerAsync(period, Csv(Row("L1", balance: 7m * month, disbursedOn: "2020-06-01")))));
                posted[second].Add(await IdOfAsync(second.PostLedgerAsync(period, "loan_id\nL1\n")));
            }
        }

        var institution = (await second.GetJsonAsync($"/api/v1/submissions/{posted[second][0]}"))["institution"]!.GetValue<string>();
        var own = await first.GetJsonAsync("/api/v1/submissions?pageSize=500");
        var paged = new List<System.Text.Json.Nodes.JsonNode?>();
        for (var page = 1; page <= 4; page++)
        {
            paged.AddRange((await admin.GetJsonAsync($"/api/v1/submissions?institution={institution}&pageSize=7&page={page}"))["items"]!.AsArray());
        }

        var receipts = own["items"]!.AsArray().Concat(paged).Select(r => r!.AsObject()).ToList();
        receipts.Select(r => r["id"]!.GetValue<string>()).Should().BeEquivalentTo(posted[first].Concat(posted[second]));
        using var scope = new AssertionScope();
        foreach (var receipt in receipts)
        {
            var one = await admin.GetJsonAsync($"/api/v1/submissions/{receipt["id"]}");
            receipt["indicators"]?.ToJsonString().Should().Be(one["indicators"]?.ToJsonString(), $"submission {receipt["id"]} lists its own snapshot");
        }

        receipts.Count(r => r["indicators"] is null).Should().Be(2, "a rejected ledger lists no snapshot");
    }

    [Test]
    public async Task SamePeriod_PostedTwice_CountsVersions_AndKeepsBoth()
    {
        using var bank = await NewBankAsync();

        var first = await bank.SubmitAcceptedAsync("2022-11", Example.Replace("2022-06-10", "2022-06-01", StringComparison.Ordinal));
        var second = await (await bank.PostLedgerAsync("2022-11", Example.Replace("2022-06-10", "2022-06-02", StringComparison.Ordinal))).JsonAsync();

        second["version"]!.GetValue<int>().Should().Be(2);
        (await bank.GetJsonAsync($"/api/v1/submissions/{first}"))["version"]!.GetValue<int>().Should().Be(1);
        var indicators = await bank.GetJsonAsync($"/api/v1/institutions/{InstitutionOf(second)}/indicators?from=2022-11&to=2022-11");
        indicators["items"]!.AsArray().Should().ContainSingle().Which!["version"]!.GetValue<int>().Should().Be(2);
    }

    [Test]
    public async Task Original_OfAcceptedAndRejected_ReturnsTheExactBytesAndContentType()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Example.Replace("\n", "\r\n", StringComparison.Ordinal))).ToArray();
        var accepted = await (await _bank.PostLedgerAsync("2022-10", body, contentType: "text/csv; charset=utf-8")).JsonAsync();
        var rejected = await (await _bank.PostLedgerAsync("2022-10", Encoding.UTF8.GetBytes("nonsense"))).JsonAsync();

        foreach (var id in new[] { accepted["id"]!.GetValue<string>(), rejected["submissionId"]!.GetValue<string>() })
        {
            var original = await _bank.GetAsync($"/api/v1/submissions/{id}/original");
            original.StatusCode.Should().Be(HttpStatusCode.OK);
            var expected = id == accepted["id"]!.GetValue<string>() ? body : Encoding.UTF8.GetBytes("nonsense");
            (await original.Content.ReadAsByteArrayAsync()).Should().Equal(expected);
            original.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        }
    }

    [TestCase("E001", 1L, "balance", "loan_id,borrower_id,borrower_type,credit_line,product,purpose,guarantee,classification,amount,disbursed_on,matures_on,annual_rate,first_loan\nL1,B1,micro,100,loan,business,credit,normal,100,2022-01-01,2023-01-01,4,Y\n")]
    [TestCase("E002", 2L, "amount", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100.001,100,2022-01-01,2023-01-01,4,Y,,\n")]
    [TestCase("E002", 2L, "disbursed_on", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-02-30,2023-01-01,4,Y,,\n")]
    [TestCase("E002", 2L, "borrower_type", Header + "\nL1,B1,,tiny,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y,,\n")]
    [TestCase("E002", 2L, "first_loan", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,maybe,,\n")]
    [TestCase("E002", 2L, "loan_id", Header + "\n,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y,,\n")]
    [TestCase("E003", 3L, "loan_id", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y,,\nL1,B2,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y,,\n")]
    [TestCase("E004", 2L, "balance", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,-1,2022-01-01,2023-01-01,4,Y,,\n")]
    [TestCase("E004", 2L, "amount", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,0,0,2022-01-01,2023-01-01,4,Y,,\n")]
    [TestCase("E005", 2L, "disbursed_on", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2023-01-01,2023-02-01,4,Y,,\n")]
    [TestCase("E005", 2L, "matures_on", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-05-01,2022-04-30,4,Y,,\n")]
    [TestCase("E006", 3L, "credit_line", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y,,\nL2,B1,,micro,2000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y,,\n")]
    [TestCase("E007", 2L, "credit_code", Header + "\nL1,B1,91371300MA3C1XY40X,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y,,\n")]
    [TestCase("E008", null, null, Header + "\n")]
    [TestCase("E008", null, null, "")]
    [TestCase("E002", 2L, "annual_rate", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4.1234567,Y,,\n")]
    [TestCase("E010", 2L, "annual_rate", Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,36.01,Y,,\n")]
    [TestCase("E011", 2L, null, Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y\n")]
    [TestCase("E012", 1L, "loan_id", Header + ",借据号\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y,,,L1\n")]
    public async Task InvalidLedger_Posted_Answers422WithTheCodeLineAndColumn(string code, long? line, string? column, string csv)
    {
        var response = await _bank.PostLedgerAsync("2022-12", csv);
        var problem = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem["type"]!.GetValue<string>().Should().Be("/problems/ledger-invalid");
        problem["errorCount"]!.GetValue<long>().Should().BeGreaterThan(0);
        var error = problem["errors"]!.AsArray().Select(e => e!.AsObject()).First(e => e["code"]!.GetValue<string>() == code);
        error["line"]?.GetValue<long>().Should().Be(line);
        error["column"]?.GetValue<string>().Should().Be(column);
        error["message"]!.GetValue<string>().Should().NotBeEmpty();
        var id = problem["submissionId"]!.GetValue<string>();
        var stored = await _bank.GetJsonAsync($"/api/v1/submissions/{id}");
        stored["status"]!.GetValue<string>().Should().Be("rejected");
        stored["indicators"].Should().BeNull("a rejected ledger leaves no snapshot");
        stored["errorCount"]!.GetValue<long>().Should().Be(problem["errorCount"]!.GetValue<long>());
        var errors = await _bank.GetJsonAsync($"/api/v1/submissions/{id}/errors");
        errors["total"]!.GetValue<long>().Should().Be(problem["errorCount"]!.GetValue<long>());
    }

    [Test]
    public async Task AcceptedLedger_StoresEveryLoanExactly()
    {
        using var bank = await NewBankAsync();

        var id = await bank.SubmitAcceptedAsync("2022-12", Example);

        // Read as stored, through the server's own connection (either database); integers and flags compared as long.
        var db = _factory.Services.GetRequiredService<Compliance.Data.Db>();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await using var query = connection.CreateCommand();
        query.CommandText = db.Dialect.Statement(
            "SELECT line, loan_id, borrower_id, credit_code, borrower_type, credit_line, amount, balance, disbursed_on, matures_on, annual_rate, first_loan, industry, region FROM loans WHERE submission_id = @id ORDER BY line");
        var parameter = query.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = long.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
        query.Parameters.Add(parameter);
        var rows = new List<object[]>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var row = new object[reader.FieldCount];
                reader.GetValues(row);
                rows.Add([.. row.Select(v => v switch { bool flag => flag ? 1L : 0L, int number => (long)number, _ => v })]);
            }
        }

        rows.Should().HaveCount(3);
        rows[0].Should().Equal(2L, "L0001", "C001", "91371300MA3C1XY40W", 2L, 300_000_000L, 100_000_000L, 80_000_000L, 20220115L, 20230114L, 4_350_000L, 1L, "F", "371302");
        rows[1][3].Should().Be(DBNull.Value);
        rows[2][1].Should().Be("L0003");
    }

    [Test]
    public async Task InvalidUtf8_Posted_IsE009()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "\nL1,B1,,micro,1000000,loan,business,credit,normal,100,100,2022-01-01,2023-01-01,4,Y,,\n").Append((byte)0xFF).ToArray();

        var response = await _bank.PostLedgerAsync("2022-12", bytes);
        var problem = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        problem["errors"]!.AsArray().Select(e => e!["code"]!.GetValue<string>()).Should().Contain("E009");
    }

    [Test]
    public async Task RejectedLedger_LeavesNoRowsSnapshotOrEvaluation()
    {
        using var bank = await NewBankAsync();
        var csv = Csv(Row("L1"), Row("L2", amount: -5m));

        var response = await bank.PostLedgerAsync("2022-09", csv);
        var problem = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var institution = (await bank.GetJsonAsync("/api/v1/institutions"))["items"]![0]!["code"]!.GetValue<string>();
        (await bank.GetJsonAsync($"/api/v1/institutions/{institution}/indicators"))["items"]!.AsArray().Should().BeEmpty();
        (await bank.GetJsonAsync($"/api/v1/submissions/{problem["submissionId"]}"))["evaluation"].Should().BeNull();
        (await bank.GetJsonAsync("/api/v1/exceptions"))["total"]!.GetValue<long>().Should().Be(0);
    }

    [Test]
    public async Task ManyErrors_Answer1000_WithTheTrueCount_AndAllArePaged()
    {
        var rows = Enumerable.Range(1, 1_200).Select(i => Row($"L{i}", borrowerId: $"B{i}", rate: 40m)).ToArray();

        var response = await _bank.PostLedgerAsync("2022-12", Csv(rows));
        var problem = await response.JsonAsync();

        problem["errorCount"]!.GetValue<long>().Should().Be(1_200);
        problem["errors"]!.AsArray().Should().HaveCount(1_000);
        var last = await _bank.GetJsonAsync($"/api/v1/submissions/{problem["submissionId"]}/errors?page=3&pageSize=500");
        last["total"]!.GetValue<long>().Should().Be(1_200);
        last["items"]!.AsArray().Should().HaveCount(200);
        last["items"]![199]!["line"]!.GetValue<long>().Should().Be(1_201);
    }

    [Test]
    public async Task Warnings_BalanceAboveAmountAndUnknownColumn_AreKeptWithTheAcceptedSubmission()
    {
        var csv = Header + ",备注\n" + Row("L1", amount: 100m, balance: 150m) + ",x\n" + Row("L2") + ",y\n";

        var response = await _bank.PostLedgerAsync("2022-08", csv);
        var receipt = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        receipt["warningCount"]!.GetValue<long>().Should().Be(2);
        receipt["warnings"]!.AsArray().Select(w => (w!["code"]!.GetValue<string>(), w["line"]!.GetValue<long>()))
            .Should().BeEquivalentTo(new[] { ("W002", 1L), ("W001", 2L) });
        var stored = await _bank.GetJsonAsync($"/api/v1/submissions/{receipt["id"]}");
        stored["warnings"]!.AsArray().Should().HaveCount(2);
    }

    [Test]
    public async Task TotalBalanceMovedOverHalf_AgainstThePreviousMonth_WarnsW003()
    {
        using var bank = await NewBankAsync();
        await bank.SubmitAcceptedAsync("2022-06", Csv(Row("L1", balance: 100_000m)));

        var receipt = await (await bank.PostLedgerAsync("2022-07", Csv(Row("L1", balance: 100_000m), Row("L2", borrowerId: "B2", balance: 60_000m, amount: 60_000m)))).JsonAsync();

        receipt["warnings"]!.AsArray().Select(w => w!["code"]!.GetValue<string>()).Should().Equal("W003");
    }

    [TestCase("2022-13")]
    [TestCase("22-12")]
    [TestCase("")]
    [TestCase("2023-02")]
    public async Task BadOrFuturePeriod_Answers400_AndStoresNothing(string period)
    {
        var before = (await _bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>();

        var response = await _bank.PostLedgerAsync(period, Example);
        var problem = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem["type"]!.GetValue<string>().Should().Be("/problems/invalid-request");
        problem["errors"]!["period"].Should().NotBeNull();
        (await _bank.GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(before);
    }

    [TestCase("application/xml")]
    [TestCase("text/plain")]
    [TestCase("application/json; charset=gb18030")]
    [TestCase("text/csv; charset=latin1")]
    public async Task OtherMediaType_Answers415(string contentType)
    {
        var response = await _bank.PostLedgerAsync("2022-12", Example, contentType: contentType);

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await response.JsonAsync())["type"]!.GetValue<string>().Should().Be("/problems/unsupported-media-type");
    }

    [Test]
    public async Task ChineseHeadersInGb18030_AreReadLikeTheEnglishOnes()
    {
        var chinese = "借据号,客户号,统一社会信用代码,客户类型,单户授信总额,业务品种,贷款用途,担保方式,五级分类,发放金额,贷款余额,发放日期,到期日期,执行年利率,首贷户标识,行业,地区代码\n" +
            "L0001,C001,91371300MA3C1XY40W,微型企业,3000000,贷款,经营,信用,正常,1000000,800000.00,2022-01-15,2023-01-14,4.35,是,F,371302\n" +
            "L0002,C002,,个体工商户,500000,贷款,经营,保证,次级,300000,300000,2021-11-02,2022-11-01,5.10,否,H,371311\n" +
            "L0003,C003,,大型企业,500000000,票据贴现,经营,质押,正常,20000000,20000000,2022-06-10,2022-12-10,1.90,否,C,371302\n";
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GB18030").GetBytes(chinese);

        var gb = await (await _bank.PostLedgerAsync("2022-12", bytes, contentType: "text/csv; charset=gb18030")).JsonAsync();
        var utf8 = await (await _bank.PostLedgerAsync("2022-12", Example)).JsonAsync();

        gb["indicators"]!.ToJsonString().Should().Be(utf8["indicators"]!.ToJsonString());
    }

    [Test]
    public async Task Gb18030SentAsUtf8_IsRefusedNamingTheCharset_AndAcceptedSentAgainSoDeclared()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GB18030").GetBytes(Example.Replace("loan_id", "借据号", StringComparison.Ordinal));
        var first = new HttpRequestMessage(HttpMethod.Post, "/api/v1/submissions?period=2022-11") { Content = new ByteArrayContent(bytes) };
        first.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        first.Headers.Add("Idempotency-Key", "gb-first");

        var refused = await _bank.SendAsync(first);
        var problem = await refused.JsonAsync();
        var again = await _bank.PostLedgerAsync("2022-11", bytes, contentType: "text/csv; charset=gb18030");

        using (new AssertionScope())
        {
            refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
            problem["detectedCharset"]!.GetValue<string>().Should().Be("gb18030");
            problem["errors"]![0]!["code"]!.GetValue<string>().Should().Be("E009");
            problem["errors"]![0]!["message"]!.GetValue<string>().Should().Contain("charset=gb18030");
            again.StatusCode.Should().Be(HttpStatusCode.Created);
        }
    }

    [Test]
    public async Task MalformedUtf8ThatIsNoGb18030Either_IsRefusedWithoutADetectedCharset()
    {
        var bytes = Encoding.UTF8.GetBytes(Example).Concat(new byte[] { 0xFF, 0x81, 0x20 }).ToArray();

        var problem = await (await _bank.PostLedgerAsync("2022-11", bytes)).JsonAsync();

        using (new AssertionScope())
        {
            problem["errors"]![0]!["code"]!.GetValue<string>().Should().Be("E009");
            problem.ContainsKey("detectedCharset").Should().BeFalse();
        }
    }

    [TestCase("application/json")]
    [TestCase("application/x-ndjson")]
    public async Task JsonFormats_GiveTheSameSnapshotAsCsv(string mediaType)
    {
        const string loan1 = """{"loan_id":"L0001","borrower_id":"C001","credit_code":"91371300MA3C1XY40W","borrower_type":"micro","credit_line":3000000,"product":"loan","purpose":"business","guarantee":"credit","classification":"normal","amount":1000000,"balance":"800000.00","disbursed_on":"2022-01-15","matures_on":"2023-01-14","annual_rate":4.35,"first_loan":"Y","industry":"F","region":"371302"}""";
        const string loan2 = """{"借据号":"L0002","客户号":"C002","客户类型":"个体工商户","单户授信总额":"500000","业务品种":"loan","贷款用途":"business","担保方式":"guarantee","五级分类":"substandard","发放金额":300000,"贷款余额":300000,"发放日期":"2021-11-02","到期日期":"2022-11-01","执行年利率":5.10,"首贷户标识":false,"行业":"H","地区代码":"371311"}""";
        const string loan3 = """{"loan_id":"L0003","borrower_id":"C003","credit_code":null,"borrower_type":"large","credit_line":500000000,"product":"discount","purpose":"business","guarantee":"pledge","classification":"normal","amount":20000000,"balance":20000000,"disbursed_on":"2022-06-10","matures_on":"2022-12-10","annual_rate":"1.90","first_loan":"N","industry":"C","region":"371302"}""";
        var body = mediaType == "application/json" ? $"{{\"loans\":[{loan1},{loan2},{loan3}]}}" : $"{loan1}\n{loan2}\n{loan3}\n";

        var json = await (await _bank.PostLedgerAsync("2022-12", body, contentType: mediaType)).JsonAsync();
        var csv = await (await _bank.PostLedgerAsync("2022-12", Example)).JsonAsync();

        json["status"]!.GetValue<string>().Should().Be("accepted");
        json["indicators"]!.ToJsonString().Should().Be(csv["indicators"]!.ToJsonString());
    }

    [TestCase("application/json", """{"loans":[{"loan_id":"L1"},{"loan_id":"L2","amount":-1}]}""", 1L)]
    [TestCase("application/x-ndjson", "{\"loan_id\":\"L1\"}\n{\"loan_id\":\"L2\",\"amount\":-1}\n", 2L)]
    public async Task JsonFormats_ReportErrorsByIndexOrLine(string mediaType, string body, long secondPosition)
    {
        var response = await _bank.PostLedgerAsync("2022-12", body, contentType: mediaType);
        var problem = await response.JsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        problem["errors"]!.AsArray().Should().Contain(e => e!["code"]!.GetValue<string>() == "E004" && e["line"]!.GetValue<long>() == secondPosition && e["column"]!.GetValue<string>() == "amount");
    }

    [Test]
    public async Task DryRun_Evaluates_AndStoresNothing()
    {
        using var bank = await NewBankAsync();
        var before = (await _factory.Admin().GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>();

        var response = await bank.PostLedgerAsync("2022-12", Example, "&dryRun=true");
        var receipt = await response.JsonAsync();

        using var scope = new AssertionScope();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        receipt["id"].Should().BeNull();
        receipt["findings"]!.AsArray().Select(f => f!["rule"]!.GetValue<string>()).Should().Contain(["NPL_TOLERANCE", "BASELINE_MISSING"]);
        (await _factory.Admin().GetJsonAsync("/api/v1/submissions"))["total"]!.GetValue<long>().Should().Be(before);
        (await bank.GetJsonAsync("/api/v1/exceptions"))["total"]!.GetValue<long>().Should().Be(0);
    }

    [Test]
    public async Task DryRun_AnswersTheEvaluationAndWarningsTheStoredRunThenMakes()
    {
        using var bank = await NewBankAsync();
        await bank.SubmitAcceptedAsync("2022-11", Ledgers.Csv(Ledgers.Row("N1", balance: 10_000m)));
        // Every row's balance above its amount (W001), more rows than warnings are kept, and the total moved (W003).
        var december = Ledgers.Csv([.. Enumerable.Range(1, LedgerValidatorKeptWarnings + 5).Select(i => Ledgers.Row($"D{i}", borrowerId: $"B{i}", amount: 1_000m, balance: 2_000m))]);

        var dry = await (await bank.PostLedgerAsync("2022-12", december, "&dryRun=true")).JsonAsync();
        var stored = await bank.WaitForEvaluationAsync(await bank.SubmitAcceptedAsync("2022-12", december));
        var exceptions = await bank.ExceptionsAsync("&period=2022-12");

        using var scope = new AssertionScope();
        dry["warningCount"]!.GetValue<long>().Should().Be(LedgerValidatorKeptWarnings + 6).And.Be(stored["warningCount"]!.GetValue<long>());
        dry["warnings"]!.AsArray().Count.Should().Be(LedgerValidatorKeptWarnings).And.Be(stored["warnings"]!.AsArray().Count);
        dry["evaluation"]!["status"]!.GetValue<string>().Should().Be("done");
        dry["evaluation"]!["ruleSets"]!.ToJsonString().Should().Be(stored["evaluation"]!["ruleSets"]!.ToJsonString());
        dry["evaluation"]!["rules"]!.ToJsonString().Should().Be(stored["evaluation"]!["rules"]!.ToJsonString());
        dry["findings"]!.AsArray().Select(f => f!["rule"]!.GetValue<string>()).Should().BeEquivalentTo(exceptions.Select(e => e["rule"]!.GetValue<string>()));
    }

    private const int LedgerValidatorKeptWarnings = Compliance.Engine.Ledger.LedgerValidator.KeptWarnings;

    [Test]
    public async Task AdminSubmission_NamesTheInstitution_OrIsRefused()
    {
        using var admin = _factory.Admin();

        var missing = await admin.PostLedgerAsync("2022-12", Example);
        var unknown = await admin.PostLedgerAsync("2022-12", Example, "&institution=NOPE");
        var named = await admin.PostLedgerAsync("2022-12", Example, "&institution=C3713001");

        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        named.StatusCode.Should().Be(HttpStatusCode.Created);
        (await named.JsonAsync())["institution"]!.GetValue<string>().Should().Be("C3713001");
    }

    private async Task<HttpClient> NewBankAsync()
    {
        var code = $"T{Interlocked.Increment(ref _institutions):D4}";
        return _factory.ClientWithKey(await _factory.CreateInstitutionAsync(code, "110101"));
    }

    /// <summary>The id of the submission a post stored, accepted (its receipt's) or rejected (its problem's).</summary>
    private static async Task<string> IdOfAsync(Task<HttpResponseMessage> posting)
    {
        var answer = await (await posting).JsonAsync();
        return (answer["id"] ?? answer["submissionId"])!.GetValue<string>();
    }

    private static string InstitutionOf(System.Text.Json.Nodes.JsonObject receipt) => receipt["institution"]!.GetValue<string>();
}
