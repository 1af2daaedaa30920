using System.Text.Json;
using Compliance.Engine.Calendar;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>An obligation as data (deadlines.md, "An obligation is data"), read from its JSON field by field.</summary>
public sealed class ObligationReaderTests
{
    private const string WorkReport = """
        {"name": {"zh": "半年工作报告（报人民银行济南分行）", "en": "Half-year work report"}, "regionPrefix": "37",
         "populations": [{"levels": ["provincial"]}, {"legalPerson": true, "categories": ["joint_stock", "city_commercial"]}],
         "years": {"from": 2022, "to": null}, "due": "nthWorkingDay(7, 5)"}
        """;

    [Test]
    public void Read_TheHalfYearReport_IsTheObligationOfTheTable_WithTheDefaultReminders()
    {
        var obligation = Read("WORK_REPORT_MIDYEAR", WorkReport, out var errors);

        using (new AssertionScope())
        {
            errors.Should().BeEmpty();
            obligation!.Code.Should().Be("WORK_REPORT_MIDYEAR");
            obligation.Name.Should().Be(new LocalizedText("半年工作报告（报人民银行济南分行）", "Half-year work report"));
            obligation.RegionPrefix.Should().Be("37");
            obligation.Populations.Should().BeEquivalentTo([new Population(Levels: ["provincial"]), new Population(true, ["joint_stock", "city_commercial"])]);
            obligation.Years.Should().Be(new YearRange(2022, null));
            obligation.Due.Should().Be(new DueDateRule.NthWorkingDay(7, 5));
            obligation.ReminderOffsets.Should().Equal(-14, -7, -3, -1, 0, 1, 7);
            obligation.FiledBy.Should().Be("deliverable");
        }
    }

    [Test]
    public void Read_OffsetsCodeAndFiledByGiven_AreKeptInOrder()
    {
        var body = WorkReport.Replace("\"due\"", "\"code\": \"WORK_REPORT_MIDYEAR\", \"filedBy\": \"deliverable\", \"reminderOffsets\": [3, -30, 0], \"due\"", StringComparison.Ordinal);

        var obligation = Read("WORK_REPORT_MIDYEAR", body, out var errors);

        errors.Should().BeEmpty();
        obligation!.ReminderOffsets.Should().Equal(-30, 0, 3);
    }

    [Test]
    public void Read_NullPopulations_IsEveryInstitutionOfTheRegion()
    {
        var obligation = Read("FOUR_LISTS", """
            {"name": {"zh": "公开“四项清单”", "en": "Four lists"}, "regionPrefix": "1411", "populations": null, "years": {"from": 2022}, "due": "endOfMonth(6)"}
            """, out var errors);

        errors.Should().BeEmpty();
        obligation!.Populations.Should().BeNull();
        obligation.AppliesTo(new InstitutionProfile("141102", "other", false, "county")).Should().BeTrue();
    }

    [TestCase("work_report", "code")]
    [TestCase("WORK-REPORT", "code")]
    [TestCase("", "code")]
    [TestCase("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "code")]
    [TestCase("WORK_REPORT\n", "code")]
    public void Read_MalformedCode_NamesCode(string code, string field)
    {
        Read(code, WorkReport, out var errors).Should().BeNull();

        errors.Keys.Should().Equal(field);
        errors[field].Single().ShouldBeInBothLanguages();
    }

    [TestCase("\"due\": \"nthWorkingDay(7, 5)\"", "\"due\": \"endOfQuarter(2)\"", "due")]
    [TestCase("\"due\": \"nthWorkingDay(7, 5)\"", "\"due\": \"endOfMonth(0)\"", "due")]
    [TestCase("\"due\": \"nthWorkingDay(7, 5)\"", "\"due\": \"nthWorkingDay(7, 24)\"", "due")]
    [TestCase("\"due\": \"nthWorkingDay(7, 5)\"", "\"due\": \"dayOfMonth(13, 1)\"", "due")]
    [TestCase("\"due\": \"nthWorkingDay(7, 5)\"", "\"due\": 5", "due")]
    [TestCase("\"due\": \"nthWorkingDay(7, 5)\"", "\"due\": \"afterPeriod(15)\"", "due")]
    [TestCase("\"populations\": [", "\"populations\": [{}, ", null)]
    [TestCase("\"populations\": [{\"levels\": [\"provincial\"]}, ", "\"populations\": [{\"levels\": []}, ", "populations[0]")]
    [TestCase("\"populations\": [{\"levels\": [\"provincial\"]}, ", "\"populations\": [{\"levels\": [\"national\"]}, ", "populations[0]")]
    [TestCase("\"populations\": [{\"levels\": [\"provincial\"]}, ", "\"populations\": [{\"region\": \"37\"}, ", "populations[0]")]
    [TestCase("\"categories\": [\"joint_stock\", \"city_commercial\"]", "\"categories\": [\"joint_stock\", \"joint_stock\"]", "populations[1]")]
    [TestCase("\"legalPerson\": true", "\"legalPerson\": \"yes\"", "populations[1]")]
    [TestCase("\"years\": {\"from\": 2022, \"to\": null}", "\"years\": {\"from\": 2023, \"to\": 2022}", "years")]
    [TestCase("\"years\": {\"from\": 2022, \"to\": null}", "\"years\": {\"from\": 1999}", "years")]
    [TestCase("\"years\": {\"from\": 2022, \"to\": null}", "\"years\": {\"from\": 2022, \"to\": 2101}", "years")]
    [TestCase("\"years\": {\"from\": 2022, \"to\": null}", "\"years\": {\"to\": 2030}", "years")]
    [TestCase("\"years\": {\"from\": 2022, \"to\": null}", "\"years\": {\"from\": 2022, \"until\": 2030}", "years")]
    [TestCase("\"regionPrefix\": \"37\"", "\"regionPrefix\": \"371\"", "regionPrefix")]
    [TestCase("\"regionPrefix\": \"37\"", "\"regionPrefix\": \"3713011\"", "regionPrefix")]
    [TestCase("\"regionPrefix\": \"37\"", "\"regionPrefix\": null", "regionPrefix")]
    [TestCase("\"en\": \"Half-year work report\"", "\"en\": \" \"", "name")]
    [TestCase("\"en\": \"Half-year work report\"", "\"en\": \"Half-year\\u202Ereport\"", "name")]
    [TestCase("\"en\": \"Half-year work report\"", "\"en\": \"Half-year work report\", \"fr\": \"rapport\"", "name")]
    [TestCase("\"due\"", "\"reminderOffsets\": [], \"due\"", "reminderOffsets")]
    [TestCase("\"due\"", "\"reminderOffsets\": [-7, -7], \"due\"", "reminderOffsets")]
    [TestCase("\"due\"", "\"reminderOffsets\": [400], \"due\"", "reminderOffsets")]
    [TestCase("\"due\"", "\"reminderOffsets\": [1.5], \"due\"", "reminderOffsets")]
    [TestCase("\"due\"", "\"filedBy\": \"submission\", \"due\"", "filedBy")]
    [TestCase("\"due\"", "\"filedBy\": \"email\", \"due\"", "filedBy")]
    [TestCase("\"due\"", "\"code\": \"OTHER\", \"due\"", "code")]
    [TestCase("\"due\"", "\"categories\": [\"rural\"], \"due\"", "categories")]
    public void Read_OneFieldChanged_RefusesExactlyThatField(string replace, string with, string? field)
    {
        var body = WorkReport.Replace(replace, with, StringComparison.Ordinal);
        body.Should().NotBe(WorkReport, "the case changes the body");

        var obligation = Read("WORK_REPORT_MIDYEAR", body, out var errors);

        if (field is null)
        {
            errors.Should().BeEmpty();
            obligation.Should().NotBeNull();
            return;
        }

        obligation.Should().BeNull();
        errors.Keys.Should().Equal(field);
        errors[field].Should().ContainSingle().Which.ShouldBeInBothLanguages();
    }

    [TestCase("endOfMonth(1)")]
    [TestCase("dayOfMonth(2, 15)")]
    public void Read_LedgerDueOnceAYear_IsRefused(string due)
    {
        var body = $$"""
            {"name": {"zh": "月度贷款台账报送", "en": "Monthly loan ledger"}, "regionPrefix": "", "populations": null,
             "years": {"from": 2000, "to": null}, "due": "{{due}}"}
            """;

        Read("LEDGER_MONTHLY", body, out var errors).Should().BeNull();

        errors.Keys.Should().Equal("due");
    }

    [Test]
    public void Read_LedgerFiledByADeliverable_IsRefused_AndBySubmission_Read()
    {
        const string Ledger = """
            {"name": {"zh": "月度贷款台账报送", "en": "Monthly loan ledger"}, "regionPrefix": "", "populations": null,
             "years": {"from": 2000, "to": null}, "due": "afterPeriod(15)", "filedBy": "FILED_BY"}
            """;

        Read("LEDGER_MONTHLY", Ledger.Replace("FILED_BY", "deliverable", StringComparison.Ordinal), out var refused).Should().BeNull();
        Read("LEDGER_MONTHLY", Ledger.Replace("FILED_BY", "submission", StringComparison.Ordinal), out var read)!.FiledBy.Should().Be("submission");

        refused.Keys.Should().Equal("filedBy");
        refused["filedBy"].Single().En.Should().Contain("cannot change");
        refused["filedBy"].Single().Zh.Should().Contain("不能更改");
        read.Should().BeEmpty();
    }

    [TestCase("[]")]
    [TestCase("\"obligation\"")]
    [TestCase("null")]
    public void Read_BodyNotAnObject_NamesTheBody(string body)
    {
        Read("FOUR_LISTS", body, out var errors).Should().BeNull();

        errors.Keys.Should().Equal("body");
        errors["body"].Single().ShouldBeInBothLanguages();
    }

    [Test]
    public void Read_DueMalformed_SaysWhatDueIsInBothLanguages()
    {
        Read("WORK_REPORT_MIDYEAR", WorkReport.Replace("nthWorkingDay(7, 5)", "endOfQuarter(2)", StringComparison.Ordinal), out var errors).Should().BeNull();

        var message = errors["due"].Single();
        using (new AssertionScope())
        {
            message.En.Should().Be("due is endOfMonth(M), dayOfMonth(M, D), nthWorkingDay(M, N) or afterPeriod(D): M 1–12, D 1–31 (1–28 for afterPeriod), N 1–23.");
            message.Zh.Should().Be("due 应为 endOfMonth(M)、dayOfMonth(M, D)、nthWorkingDay(M, N) 或 afterPeriod(D)：M 为 1–12，D 为 1–31（afterPeriod 为 1–28），N 为 1–23。");
        }
    }

    [Test]
    public void Read_SeveralFieldsWrong_NamesEachOfThem()
    {
        Read("FOUR_LISTS", """{"name": "四项清单", "regionPrefix": "1", "years": {"from": 2030, "to": 2020}, "due": "endOfMonth(13)"}""", out var errors);

        errors.Keys.Should().BeEquivalentTo("name", "regionPrefix", "years", "due");
    }

    private static Obligation? Read(string code, string json, out IReadOnlyDictionary<string, LocalizedText[]> errors)
    {
        using var document = JsonDocument.Parse(json);
        return ObligationReader.Read(code, document.RootElement, out errors);
    }
}
