using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Deadlines;

/// <summary>
/// Obligations as data (deadlines.md, "An obligation is data"): the table's populations and years, <c>PUT
/// /api/v1/obligations/{code}</c> and its refusals, <c>endOfMonth</c> within its month, and the sweep that clears a
/// missed deadline no longer owed and finds it again once it is owed again. Every date is worked out by hand from the
/// calendar of 2022–2024. A test that changes a built-in obligation runs on a server of its own; the others change
/// only obligations and institutions of regions no other test uses.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ObligationTests(TestDatabase database)
{
    private const string FourLists = """
        {"name": {"zh": "公开“四项清单”", "en": "Publication of the four lists"}, "regionPrefix": "1411", "populations": null,
         "years": {"from": 2022, "to": null}, "due": "endOfMonth(6)"}
        """;

    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task Obligations_AreTheTablesWithTheirPopulationsYearsOffsetsAndWhatFilesThem()
    {
        string[] table = ["LEDGER_MONTHLY", "CREDIT_POLICY_DIGEST", "MATCHMAKING_REPORT", "FOUR_LISTS", "WORK_REPORT_MIDYEAR", "WORK_REPORT_YEAREND"];

        // Other tests of this fixture put obligations of their own: the table's are these six.
        var items = (await _admin.GetJsonAsync("/api/v1/obligations"))["items"]!.AsArray().Select(o => o!.AsObject())
            .Where(o => table.Contains(o["code"]!.GetValue<string>())).ToDictionary(o => o["code"]!.GetValue<string>());

        using var scope = new AssertionScope();
        items.Keys.Should().BeEquivalentTo(table);
        items.Values.Select(o => (o["code"]!.GetValue<string>(), o["years"]!["from"]!.GetValue<int>(), o["years"]!["to"])).Should().BeEquivalentTo(
        [
            ("LEDGER_MONTHLY", 2000, (JsonNode?)null), ("CREDIT_POLICY_DIGEST", 2022, null), ("MATCHMAKING_REPORT", 2022, null), ("FOUR_LISTS", 2022, null),
            ("WORK_REPORT_MIDYEAR", 2022, null), ("WORK_REPORT_YEAREND", 2022, null),
        ]);
        items["WORK_REPORT_MIDYEAR"]["populations"]!.ToJsonString().Should().Be(
            """[{"levels":["provincial"]},{"legalPerson":true,"categories":["joint_stock","city_commercial"]}]""");
        items["WORK_REPORT_YEAREND"]["populations"]!.ToJsonString().Should().Be(items["WORK_REPORT_MIDYEAR"]["populations"]!.ToJsonString());
        items["WORK_REPORT_MIDYEAR"]["regionPrefix"]!.GetValue<string>().Should().Be("37");
        items["WORK_REPORT_MIDYEAR"]["due"]!.GetValue<string>().Should().Be("nthWorkingDay(7, 5)");
        items["CREDIT_POLICY_DIGEST"]["populations"].Should().BeNull();
        items["CREDIT_POLICY_DIGEST"].ContainsKey("populations").Should().BeTrue("null populations is every institution of the region, and is answered");
        items["LEDGER_MONTHLY"]["filedBy"]!.GetValue<string>().Should().Be("submission");
        items.Values.Where(o => o["code"]!.GetValue<string>() != "LEDGER_MONTHLY").Should().OnlyContain(o => o["filedBy"]!.GetValue<string>() == "deliverable");
        items.Values.Should().OnlyContain(o => o["reminderOffsets"]!.ToJsonString() == "[-14,-7,-3,-1,0,1,7]");
        items.Values.Should().OnlyContain(o => !o.ContainsKey("categories"));
    }

    // Shandong: a county rural bank (a legal person at head_office level), a provincial branch, a city commercial bank's
    // head office, a joint-stock bank's municipal branch and a joint-stock bank's head office.
    [TestCase("WR-RURAL", "rural", true, "head_office", "371302", false, TestName = "WorkReports_CountyRuralBankOfLinyi_AreNotItsDeadlines")]
    [TestCase("WR-PROV", "joint_stock", false, "provincial", "370102", true, TestName = "WorkReports_ProvincialBranch_AreItsDeadlines")]
    [TestCase("WR-CITY", "city_commercial", true, "head_office", "370202", true, TestName = "WorkReports_CityCommercialBanksHeadOffice_AreItsDeadlines")]
    [TestCase("WR-MUNI", "joint_stock", false, "municipal", "370102", false, TestName = "WorkReports_MunicipalBranch_AreNotItsDeadlines")]
    [TestCase("WR-JSHQ", "joint_stock", true, "head_office", "370102", true, TestName = "WorkReports_JointStockBanksHeadOffice_AreItsDeadlines")]
    public async Task WorkReports_BindTheirPopulationsOnly(string code, string category, bool legalPerson, string level, string region, bool bound)
    {
        await RegisterAsync(code, category, legalPerson, level, region);

        var codes = (await DeadlinesAsync(code, 2022)).Select(d => d["obligation"]!.GetValue<string>()).Distinct().ToList();

        using var scope = new AssertionScope();
        codes.Should().Contain("LEDGER_MONTHLY", "every institution owes its ledgers");
        if (bound)
        {
            codes.Should().Contain(["WORK_REPORT_MIDYEAR", "WORK_REPORT_YEAREND"]);
        }
        else
        {
            codes.Should().NotContain(["WORK_REPORT_MIDYEAR", "WORK_REPORT_YEAREND"]);
        }

        if (region.StartsWith("3713", StringComparison.Ordinal))
        {
            codes.Should().Contain(["CREDIT_POLICY_DIGEST", "MATCHMAKING_REPORT"], "the Linyi obligations bind every institution of Linyi");
        }
    }

    [Test]
    public async Task EndOfMonth_DueOnARestDay_IsTheMonthsLastWorkingDay_AndEveryOtherRuleMovesForward()
    {
        await RegisterAsync("EOM-PROV", "joint_stock", false, "provincial", "370102");

        var deadlines = await DeadlinesAsync("EOM-PROV", 2022);

        using var scope = new AssertionScope();
        DueOf(deadlines, "WORK_REPORT_YEAREND").Should().Be("2022-12-30", "2022-12-31 is a Saturday in the 元旦 holiday: the Friday before, never 2023-01-03");
        DueOf(deadlines, "WORK_REPORT_MIDYEAR").Should().Be("2022-07-07", "the 5th working day of July 2022");
        DueOf(deadlines, "LEDGER_MONTHLY", "2022-09").Should().Be("2022-10-17", "the 15th, a Saturday, moves forward (顺延) to Monday");
        (await DeadlinesAsync("EOM-PROV", 2023)).Where(d => d["obligation"]!.GetValue<string>() == "WORK_REPORT_YEAREND")
            .Select(d => d["dueDate"]!.GetValue<string>()).Should().Equal(["2023-12-29"], "2023-12-30 and 31 are a weekend");
    }

    [Test]
    public async Task Put_ANewCode_Answers201_TheSameAgain200_AndIsListedAndAudited()
    {
        const string body = """
            {"name": {"zh": "季度统计报告", "en": "Quarterly statistics report"}, "regionPrefix": "6301",
             "populations": [{"legalPerson": false}], "years": {"from": 2024, "to": 2026}, "due": "dayOfMonth(4, 10)", "reminderOffsets": [7, -3, 0]}
            """;

        var created = await PutAsync("QUARTERLY_STATS", body);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var again = await PutAsync("QUARTERLY_STATS", body);
        var listed = (await _admin.GetJsonAsync("/api/v1/obligations"))["items"]!.AsArray().Single(o => o!["code"]!.GetValue<string>() == "QUARTERLY_STATS")!;
        var audit = (await _admin.GetJsonAsync("/api/v1/audit"))["items"]!.AsArray()
            .Where(a => a!["method"]!.GetValue<string>() == "PUT" && a["path"]!.GetValue<string>() == "/api/v1/obligations/QUARTERLY_STATS").ToList();

        using var scope = new AssertionScope();
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Headers.Location!.ToString().Should().Be("/api/v1/obligations/QUARTERLY_STATS");
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await again.JsonAsync();
        answer.ToJsonString().Should().Be(listed.ToJsonString());
        listed["populations"]!.ToJsonString().Should().Be("""[{"legalPerson":false}]""");
        listed["years"]!.ToJsonString().Should().Be("""{"from":2024,"to":2026}""");
        listed["reminderOffsets"]!.ToJsonString().Should().Be("[-3,0,7]", "offsets are kept in order");
        listed["filedBy"]!.GetValue<string>().Should().Be("deliverable");
        audit.Select(a => (a!["status"]!.GetValue<int>(), a["target"]!.GetValue<string>())).Should().BeEquivalentTo([(201, "QUARTERLY_STATS"), (200, "QUARTERLY_STATS")]);
    }

    [Test]
    public async Task Put_AnObligationReadBack_IsAcceptedAsItIs_AndChangesNothing()
    {
        var before = (await _admin.GetJsonAsync("/api/v1/obligations"))["items"]!.AsArray().Single(o => o!["code"]!.GetValue<string>() == "LEDGER_MONTHLY")!;

        var put = await PutAsync("LEDGER_MONTHLY", before.ToJsonString());

        put.StatusCode.Should().Be(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        (await put.JsonAsync()).ToJsonString().Should().Be(before.ToJsonString());
    }

    [TestCase("four_lists", null, null, "code", TestName = "Put_LowerCaseCode_Answers400")]
    [TestCase("FOUR-LISTS", null, null, "code", TestName = "Put_CodeWithAHyphen_Answers400")]
    [TestCase("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", null, null, "code", TestName = "Put_CodeOf33Characters_Answers400")]
    [TestCase("FOUR_LISTS", "\"due\": \"endOfMonth(6)\"", "\"due\": \"endOfQuarter(2)\"", "due", TestName = "Put_UnknownDueDateRule_Answers400")]
    [TestCase("FOUR_LISTS", "\"due\": \"endOfMonth(6)\"", "\"due\": \"endOfMonth(13)\"", "due", TestName = "Put_EndOfMonth13_Answers400")]
    [TestCase("FOUR_LISTS", "\"due\": \"endOfMonth(6)\"", "\"due\": \"dayOfMonth(2, 32)\"", "due", TestName = "Put_DayOfMonth32_Answers400")]
    [TestCase("FOUR_LISTS", "\"due\": \"endOfMonth(6)\"", "\"due\": \"nthWorkingDay(7, 24)\"", "due", TestName = "Put_NthWorkingDay24_Answers400")]
    [TestCase("FOUR_LISTS", "\"due\": \"endOfMonth(6)\"", "\"due\": \"afterPeriod(29)\"", "due", TestName = "Put_AfterPeriod29_Answers400")]
    [TestCase("FOUR_LISTS", "\"populations\": null", "\"populations\": []", "populations", TestName = "Put_EmptyPopulations_Answers400")]
    [TestCase("FOUR_LISTS", "\"populations\": null", "\"populations\": [{\"categories\": []}]", "populations[0]", TestName = "Put_EmptyPopulationMember_Answers400")]
    [TestCase("FOUR_LISTS", "\"populations\": null", "\"populations\": [{\"levels\": [\"provincial\"]}, {\"levels\": [\"national\"]}]", "populations[1]", TestName = "Put_UnknownLevel_Answers400")]
    [TestCase("FOUR_LISTS", "\"populations\": null", "\"populations\": [{\"size\": \"small\"}]", "populations[0]", TestName = "Put_UnknownPopulationMember_Answers400")]
    [TestCase("FOUR_LISTS", "\"years\": {\"from\": 2022, \"to\": null}", "\"years\": {\"from\": 2023, \"to\": 2022}", "years", TestName = "Put_YearsToBeforeFrom_Answers400")]
    [TestCase("LEDGER_MONTHLY", null, null, "filedBy", TestName = "Put_LedgerMonthlyFiledByADeliverable_Answers400")]
    public async Task Put_Refused_Answers400NamingTheField_AndStoresNothing(string code, string? replace, string? with, string field)
    {
        var body = code == "LEDGER_MONTHLY"
            ? """
              {"name": {"zh": "月度贷款台账报送", "en": "Monthly loan ledger"}, "regionPrefix": "", "populations": null,
               "years": {"from": 2000, "to": null}, "due": "afterPeriod(15)", "filedBy": "deliverable"}
              """
            : replace is null ? FourLists : FourLists.Replace(replace, with, StringComparison.Ordinal);
        if (replace is not null)
        {
            body.Should().NotBe(FourLists, "the case changes one field");
        }

        var before = (await _admin.GetStringAsync("/api/v1/obligations"));

        var response = await PutAsync(code, body);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request")).ErrorFields().Should().Equal(field);
        (await _admin.GetStringAsync("/api/v1/obligations")).Should().Be(before);
    }

    [Test]
    public async Task Put_ByARegulator_Answers403()
    {
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("14"));

        var response = await regulator.PutAsync("/api/v1/obligations/FOUR_LISTS", new StringContent(FourLists, Encoding.UTF8, "application/json"));

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Test]
    public async Task Put_NthWorkingDayPastTheMonthsWorkingDays_IsDueOnItsLastWorkingDay()
    {
        // February 2024 has 18 working days: the Spring Festival rests from the 10th to the 17th, the 4th and 18th are worked.
        (await PutAsync("SPRING_REPORT", """
            {"name": {"zh": "春节后报告", "en": "Report after the Spring Festival"}, "regionPrefix": "6302", "populations": null,
             "years": {"from": 2024, "to": null}, "due": "nthWorkingDay(2, 23)"}
            """)).StatusCode.Should().Be(HttpStatusCode.Created);
        await RegisterAsync("SPRING-BANK", "rural", true, "head_office", "630202");

        var deadlines = await DeadlinesAsync("SPRING-BANK", 2024);

        DueOf(deadlines, "SPRING_REPORT").Should().Be("2024-02-29");
    }

    [Test]
    public async Task InstitutionNoLongerBound_ItsMissedDeadlineIsClearedSayingWhy_AndFoundAgainOnceCorrected()
    {
        // A provincial branch owes the half-year report, due 2022-07-07; a branch's default level is municipal.
        await RegisterAsync("FA-PROV", "joint_stock", false, "provincial", "370102");
        await _admin.SweepAsync("2022-07-12");
        var missed = await MissedAsync("FA-PROV", "WORK_REPORT_MIDYEAR", "2022-07");

        await UpdateLevelAsync("FA-PROV", "municipal");
        await _admin.SweepAsync("2022-07-13");
        var cleared = await _admin.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}");
        // Corrected the same day: the facts are those of 2022-07-12's sweep again, and its day owes the same reminder, but
        // the sweep in between cleared the exception, so this one plans every deadline anew.
        await UpdateLevelAsync("FA-PROV", "provincial");
        await _admin.SweepAsync("2022-07-13");
        var again = await _admin.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}");

        using var scope = new AssertionScope();
        missed["status"]!.GetValue<string>().Should().Be("open");
        cleared["status"]!.GetValue<string>().Should().Be("cleared");
        var clearing = cleared["events"]!.AsArray().Last()!;
        (clearing["kind"]!.GetValue<string>(), clearing["actor"]!["role"]!.GetValue<string>(), clearing["fromStatus"]!.GetValue<string>(), clearing["toStatus"]!.GetValue<string>())
            .Should().Be(("cleared", "system", "open", "cleared"));
        clearing["note"]!.GetValue<string>().Should().Be(
            "FA-PROV (joint_stock, municipal, a branch) is not among the institutions Half-year work report (to the PBoC Jinan branch) binds.",
            "a note the system writes is answered in the request's language, English without Accept-Language");
        again["status"]!.GetValue<string>().Should().Be("open");
        again["events"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).Should().Equal("created", "cleared", "foundAgain");
        again["events"]!.AsArray().Last()!["note"]!.GetValue<string>().Should().Contain("was due on 2022-07-07").And.NotContain("截止日");
    }

    [Test]
    public async Task DueDateMovedLater_ClearsTheMissedDeadline_WhichIsFoundAgainOnceTheNewDateHasPassed()
    {
        const string report = """
            {"name": {"zh": "三月报告", "en": "March report"}, "regionPrefix": "6303", "populations": null, "years": {"from": 2022, "to": null}, "due": "DUE"}
            """;
        (await PutAsync("MARCH_REPORT", report.Replace("DUE", "dayOfMonth(3, 10)", StringComparison.Ordinal))).StatusCode.Should().Be(HttpStatusCode.Created);
        await RegisterAsync("MR-BANK", "rural", true, "head_office", "630302");
        await _admin.SweepAsync("2022-03-15");
        var missed = await MissedAsync("MR-BANK", "MARCH_REPORT", "2022-03");

        (await PutAsync("MARCH_REPORT", report.Replace("DUE", "dayOfMonth(3, 31)", StringComparison.Ordinal))).StatusCode.Should().Be(HttpStatusCode.OK);
        await _admin.SweepAsync("2022-03-16");
        var cleared = await _admin.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}");
        await _admin.SweepAsync("2022-03-31");
        var stillCleared = await _admin.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}");
        await _admin.SweepAsync("2022-04-01");
        var again = await _admin.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}");

        using var scope = new AssertionScope();
        missed["figures"]!["dueDate"]!.GetValue<string>().Should().Be("2022-03-10", "a Thursday");
        cleared["status"]!.GetValue<string>().Should().Be("cleared");
        cleared["events"]!.AsArray().Last()!["note"]!.GetValue<string>().Should().Be("The due date is now 2022-03-31, which has not passed.");
        stillCleared["status"]!.GetValue<string>().Should().Be("cleared", "2022-03-31 is the due day itself");
        again["status"]!.GetValue<string>().Should().Be("open");
        again["events"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).Should().Equal("created", "cleared", "foundAgain");
        again["events"]!.AsArray().Last()!["figures"]!["dueDate"]!.GetValue<string>().Should().Be("2022-03-31");
    }

    [Test]
    public async Task ObligationEndedWithPut_ItsOpenMissedDeadlineIsClearedAtTheNextSweep_AResolvedOneAndTheRemindersStay()
    {
        using var factory = new ComplianceApiFactory(database);
        using var admin = factory.Admin();
        await factory.CreateInstitutionAsync("END-BANK", "371302", "2022-01");
        await admin.SweepAsync("2023-06-29");
        await admin.SweepAsync("2023-07-05");
        var digest2023 = await MissedAsync(admin, "END-BANK", "CREDIT_POLICY_DIGEST", "2023-05");
        var digest2022 = await MissedAsync(admin, "END-BANK", "CREDIT_POLICY_DIGEST", "2022-05");
        var matchmaking2023 = await MissedAsync(admin, "END-BANK", "MATCHMAKING_REPORT", "2023-06");
        (await admin.PostAsJsonAsync($"/api/v1/exceptions/{matchmaking2023["id"]}/resolve", new { note = "已报送纸质材料" })).EnsureSuccessStatusCode();
        var reminders = await RemindersAsync(admin, "END-BANK", "CREDIT_POLICY_DIGEST");

        foreach (var code in new[] { "CREDIT_POLICY_DIGEST", "MATCHMAKING_REPORT" })
        {
            var current = (await admin.GetJsonAsync("/api/v1/obligations"))["items"]!.AsArray().Single(o => o!["code"]!.GetValue<string>() == code)!.AsObject();
            current["years"] = new JsonObject { ["from"] = 2022, ["to"] = 2022 };
            (await admin.PutAsync($"/api/v1/obligations/{code}", new StringContent(current.ToJsonString(), Encoding.UTF8, "application/json")))
                .StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await admin.SweepAsync("2023-07-06");
        var ended = await admin.GetJsonAsync($"/api/v1/exceptions/{digest2023["id"]}");
        var kept = await admin.GetJsonAsync($"/api/v1/exceptions/{digest2022["id"]}");
        var resolved = await admin.GetJsonAsync($"/api/v1/exceptions/{matchmaking2023["id"]}");
        var deadlines2023 = (await admin.GetJsonAsync("/api/v1/deadlines?year=2023&institution=END-BANK"))["items"]!.AsArray();

        using var scope = new AssertionScope();
        digest2023["figures"]!["dueDate"]!.GetValue<string>().Should().Be("2023-05-31");
        ended["status"]!.GetValue<string>().Should().Be("cleared");
        var clearing = ended["events"]!.AsArray().Last()!;
        (clearing["kind"]!.GetValue<string>(), clearing["actor"]!["role"]!.GetValue<string>()).Should().Be(("cleared", "system"));
        clearing["note"]!.GetValue<string>().Should().Be("Credit policy digest to the PBoC is now in force 2022–2022, which leaves out 2023.");
        kept["status"]!.GetValue<string>().Should().Be("open", "2022 is still among its years");
        resolved["status"]!.GetValue<string>().Should().Be("resolved", "a regulator's decision stands");
        resolved["events"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).Should().Equal("created", "resolved");
        (await RemindersAsync(admin, "END-BANK", "CREDIT_POLICY_DIGEST")).Should().Equal(reminders, "reminders already sent stay in the history");
        reminders.Should().Contain(["2023-05-31 28", "2023-05-31 35"], "the sweeps of 2023-06-29 and 2023-07-05 sent them");
        deadlines2023.Should().NotContain(d => d!["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST");
        factory.DeleteDatabase();
    }

    [Test]
    public async Task DatabaseOfTheEarlierVersion_GetsTheTablesYearsAndPopulations_AndItsNextSweepClearsWhatTheyNoLongerOwe()
    {
        var path = await TestDatabases.SqliteBeforeAsync("0016_obligation_populations.sql", """
            INSERT INTO obligations (code, name_zh, name_en, region_prefix, categories, year_from, year_to, due, created_at) VALUES
                ('LEDGER_MONTHLY', '月度贷款台账报送', 'Monthly loan ledger', '', NULL, 2000, NULL, 'afterPeriod(15)', @now),
                ('CREDIT_POLICY_DIGEST', '梳理信贷政策报送人民银行', 'Credit policy digest to the PBoC', '3713', NULL, 2000, NULL, 'endOfMonth(5)', @now),
                ('MATCHMAKING_REPORT', '对接活动工作报告及照片', 'Matchmaking activity report and photos', '3713', NULL, 2000, NULL, 'endOfMonth(6)', @now),
                ('FOUR_LISTS', '公开“四项清单”', 'Publication of the four lists', '1411', NULL, 2000, NULL, 'endOfMonth(6)', @now),
                ('WORK_REPORT_MIDYEAR', '半年工作报告（报人民银行济南分行）', 'Half-year work report (to the PBoC Jinan branch)', '37', NULL, 2000, NULL, 'nthWorkingDay(7, 5)', @now),
                ('WORK_REPORT_YEAREND', '年度工作报告', 'Year-end work report', '37', NULL, 2000, NULL, 'endOfMonth(12)', @now);
            INSERT INTO institutions (code, name, category, local_legal_person, region_code, reporting_from, webhook_url, webhook_secret, created_at, updated_at,
                legal_person, level)
            VALUES ('OLD-RURAL', '老农商行', 'rural', 1, '371302', '2022-01', NULL, 's1', @now, @now, 1, 'head_office');
            INSERT INTO exceptions (institution, period, "rule", subject, severity, status, figures, baselines, message_zh, message_en, created_at, updated_at) VALUES
                ('OLD-RURAL', '2022-07', 'DEADLINE_MISSED', 'WORK_REPORT_MIDYEAR', 'breach', 'open', '{"obligation":"WORK_REPORT_MIDYEAR","dueDate":"2022-07-07"}', '{}',
                 '半年工作报告（2022-07）截止日 2022-07-07 已过，仍未报送。', 'Half-year work report (2022-07) was due on 2022-07-07 and has not been filed.', @now, @now),
                ('OLD-RURAL', '2022-12', 'DEADLINE_MISSED', 'WORK_REPORT_YEAREND', 'breach', 'resolved', '{"obligation":"WORK_REPORT_YEAREND","dueDate":"2023-01-03"}', '{}',
                 '年度工作报告（2022-12）截止日 2023-01-03 已过，仍未报送。', 'Year-end work report (2022-12) was due on 2023-01-03 and has not been filed.', @now, @now);
            """);
        using var factory = new ComplianceApiFactory(location: path);
        using var admin = factory.Admin();

        var obligations = (await admin.GetJsonAsync("/api/v1/obligations"))["items"]!.AsArray().Select(o => o!.AsObject()).ToDictionary(o => o["code"]!.GetValue<string>());
        await admin.SweepAsync("2023-01-20");
        var exceptions = (await admin.ExceptionsAsync("&rule=DEADLINE_MISSED&institution=OLD-RURAL"))
            .Where(e => e["figures"]!["obligation"]!.GetValue<string>() != "LEDGER_MONTHLY").ToDictionary(e => e["figures"]!["obligation"]!.GetValue<string>());

        using var scope = new AssertionScope();
        obligations.Values.Select(o => (o["code"]!.GetValue<string>(), o["years"]!["from"]!.GetValue<int>())).Should().BeEquivalentTo(
        [
            ("LEDGER_MONTHLY", 2000), ("CREDIT_POLICY_DIGEST", 2022), ("MATCHMAKING_REPORT", 2022), ("FOUR_LISTS", 2022), ("WORK_REPORT_MIDYEAR", 2022),
            ("WORK_REPORT_YEAREND", 2022),
        ]);
        obligations["WORK_REPORT_YEAREND"]["populations"]!.ToJsonString().Should().Be(
            """[{"levels":["provincial"]},{"legalPerson":true,"categories":["joint_stock","city_commercial"]}]""");
        obligations["FOUR_LISTS"]["populations"].Should().BeNull();
        obligations.Values.Should().OnlyContain(o => o["reminderOffsets"]!.ToJsonString() == "[-14,-7,-3,-1,0,1,7]");
        exceptions["WORK_REPORT_MIDYEAR"]["status"]!.GetValue<string>().Should().Be("cleared", "a county rural bank owes no work report");
        exceptions["WORK_REPORT_YEAREND"]["status"]!.GetValue<string>().Should().Be("resolved", "a resolved exception keeps its status");
        exceptions.Should().ContainKey("CREDIT_POLICY_DIGEST", "2022's digest, due 2022-05-31, is still owed and missed");
        factory.DeleteDatabase();
    }

    private static string DueOf(IEnumerable<JsonObject> deadlines, string obligation, string? period = null) =>
        deadlines.Single(d => d["obligation"]!.GetValue<string>() == obligation && (period is null || d["period"]!.GetValue<string>() == period))["dueDate"]!.GetValue<string>();

    private static async Task<JsonObject> MissedAsync(HttpClient admin, string institution, string obligation, string period) =>
        (await admin.ExceptionsAsync($"&rule=DEADLINE_MISSED&institution={institution}&period={period}"))
            .Single(e => e["figures"]!["obligation"]!.GetValue<string>() == obligation);

    private static async Task<List<string>> RemindersAsync(HttpClient admin, string institution, string obligation) =>
        [.. (await admin.GetJsonAsync($"/api/v1/reminders?institution={institution}"))["items"]!.AsArray()
            .Where(r => r!["obligation"]!.GetValue<string>() == obligation)
            .Select(r => $"{r!["dueDate"]!.GetValue<string>()} {r["offsetDays"]!.GetValue<int>()}").Order(StringComparer.Ordinal)];

    private Task<JsonObject> MissedAsync(string institution, string obligation, string period) => MissedAsync(_admin, institution, obligation, period);

    private async Task<List<JsonObject>> DeadlinesAsync(string institution, int year) =>
        [.. (await _admin.GetJsonAsync($"/api/v1/deadlines?year={year}&institution={institution}"))["items"]!.AsArray().Select(d => d!.AsObject())];

    private Task<HttpResponseMessage> PutAsync(string code, string body) =>
        _admin.PutAsync($"/api/v1/obligations/{code}", new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task RegisterAsync(string code, string category, bool legalPerson, string level, string region)
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/institutions", new
        {
            code, name = $"测试银行 {code}", category, legalPerson, level, localLegalPerson = legalPerson && category == "rural", regionCode = region, reportingFrom = "2022-01",
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task UpdateLevelAsync(string code, string level)
    {
        var response = await _admin.PutAsJsonAsync($"/api/v1/institutions/{code}", new
        {
            name = $"测试银行 {code}", category = "joint_stock", legalPerson = false, level, localLegalPerson = false, regionCode = "370102", reportingFrom = "2022-01",
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
