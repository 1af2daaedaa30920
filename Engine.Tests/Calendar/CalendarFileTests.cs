using System.Text;
using System.Text.Json;
using Compliance.Engine.Calendar;
using FluentAssertions.Execution;
using static Compliance.Engine.Tests.Calendar.SeedCalendar;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>The calendar as data: the seed's <c>cn-calendar.json</c> and one year of it, as the API takes and gives it.</summary>
public sealed class CalendarFileTests
{
    [Test]
    public void ReadYears_Seed_HasTheYears2022To2026()
    {
        using var file = File.OpenRead(SeedPath);

        var years = CalendarFile.ReadYears(file);

        years.Keys.Should().BeEquivalentTo([2022, 2023, 2024, 2025, 2026]);
    }

    [TestCase(2022, "国办发明电〔2021〕11号", 7, 7)]
    [TestCase(2023, "国办发明电〔2022〕16号", 6, 7)]
    [TestCase(2024, "国办发明电〔2023〕7号", 7, 8)]
    [TestCase(2025, "国办发明电〔2024〕12号", 6, 5)]
    [TestCase(2026, "国务院办公厅2026年部分节假日安排的通知", 7, 6)]
    public void ReadYears_SeedYear_HasItsNoticeHolidaysAndWorkdays(int year, string notice, int holidays, int workdays)
    {
        using var file = File.OpenRead(SeedPath);

        var calendarYear = CalendarFile.ReadYears(file)[year];

        using (new AssertionScope())
        {
            calendarYear.Notice.Should().Be(notice);
            calendarYear.Holidays.Should().HaveCount(holidays);
            calendarYear.Workdays.Should().HaveCount(workdays);
        }
    }

    [Test]
    public void ReadYears_Seed_ReadsHolidayNamesAndDates()
    {
        var years = Years;

        var dragonBoat2025 = years[2025].Holidays.Single(h => h.Name == "端午节");

        using (new AssertionScope())
        {
            dragonBoat2025.Dates.Should().Equal(Date("2025-05-31"), Date("2025-06-01"), Date("2025-06-02"));
            years[2023].Holidays[0].Name.Should().Be("元旦");
            years[2023].Holidays[0].Dates.Should().Equal(Date("2022-12-31"), Date("2023-01-01"), Date("2023-01-02"));
            years[2024].Workdays.Should().Contain(Date("2024-02-18"));
        }
    }

    [TestCase(2022)]
    [TestCase(2023)]
    [TestCase(2024)]
    [TestCase(2025)]
    [TestCase(2026)]
    public void WriteYear_ThenReadYear_GivesTheSameYear(int year)
    {
        var original = Years[year];

        var json = CalendarFile.WriteYear(original);
        var read = CalendarFile.ReadYear(json);

        using (new AssertionScope())
        {
            read.Should().BeEquivalentTo(original, o => o.WithStrictOrdering());
            CalendarFile.WriteYear(read).Should().Be(json);
        }
    }

    [Test]
    public void ReadYear_YearAsTheApiTakesIt_ReadsEveryField()
    {
        const string json = """
            {
              "notice": "国办发明电〔2026〕1号",
              "holidays": [
                {"name": "元旦", "dates": ["2027-01-01", "2027-01-02", "2027-01-03"]},
                {"name": "春节", "dates": ["2027-02-06", "2027-02-07"]}
              ],
              "workdays": ["2027-02-14"]
            }
            """;

        var year = CalendarFile.ReadYear(json);

        using (new AssertionScope())
        {
            year.Notice.Should().Be("国办发明电〔2026〕1号");
            year.Holidays.Select(h => h.Name).Should().Equal("元旦", "春节");
            year.Holidays[0].Dates.Should().Equal(Date("2027-01-01"), Date("2027-01-02"), Date("2027-01-03"));
            year.Holidays[1].Dates.Should().Equal(Date("2027-02-06"), Date("2027-02-07"));
            year.Workdays.Should().Equal(Date("2027-02-14"));
        }
    }

    [Test]
    public void ReadYear_WithoutNoticeOrLists_IsAnEmptyYear()
    {
        const string json = "{}";

        var year = CalendarFile.ReadYear(json);

        using (new AssertionScope())
        {
            year.Notice.Should().BeNull();
            year.Holidays.Should().BeEmpty();
            year.Workdays.Should().BeEmpty();
        }
    }

    [Test]
    public void WriteYear_WithoutNotice_RoundTrips()
    {
        var original = new CalendarYear(null, [new Holiday("元旦", [Date("2027-01-01")])], []);

        var read = CalendarFile.ReadYear(CalendarFile.WriteYear(original));

        read.Should().BeEquivalentTo(original, o => o.WithStrictOrdering());
    }

    [Test]
    public void WriteYear_Year_HasTheShapeOfAYearOfCnCalendarJson()
    {
        var year = Years[2024];

        var json = CalendarFile.WriteYear(year);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        using (new AssertionScope())
        {
            root.GetProperty("notice").GetString().Should().Be("国办发明电〔2023〕7号");
            root.GetProperty("holidays")[1].GetProperty("name").GetString().Should().Be("春节");
            root.GetProperty("holidays")[1].GetProperty("dates")[0].GetString().Should().Be("2024-02-10");
            root.GetProperty("workdays")[0].GetString().Should().Be("2024-02-04");
        }
    }

    [TestCase("2024-02-30")]
    [TestCase("2023-02-29")]
    [TestCase("2024-13-01")]
    [TestCase("2024/02/01")]
    [TestCase("20240201")]
    [TestCase("2024-2-1")]
    [TestCase("2024-02-01T00:00:00")]
    [TestCase(" 2024-02-01")]
    [TestCase("")]
    [TestCase("tomorrow")]
    public void ReadYear_MalformedHolidayDate_ThrowsFormatException(string date)
    {
        var json = $$"""{"holidays": [{"name": "元旦", "dates": ["2024-01-01", "{{date}}"]}], "workdays": []}""";

        var read = () => CalendarFile.ReadYear(json);

        var refusal = read.Should().Throw<CalendarFormatException>().WithMessage($"*'{date}'*").Which.Text;
        refusal.Zh.Should().Be($"“{date}”不是日期（yyyy-MM-dd）。");
    }

    [TestCase("2024-02-30")]
    [TestCase("2024/02/04")]
    [TestCase("")]
    public void ReadYear_MalformedWorkday_ThrowsFormatException(string date)
    {
        var json = $$"""{"holidays": [], "workdays": ["{{date}}"]}""";

        var read = () => CalendarFile.ReadYear(json);

        read.Should().Throw<FormatException>();
    }

    [Test]
    public void ReadYears_FileWithAMalformedDate_ThrowsFormatException()
    {
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(
            """{"years": {"2027": {"holidays": [{"name": "元旦", "dates": ["2027-01-32"]}], "workdays": []}}}"""));

        var read = () => CalendarFile.ReadYears(file);

        read.Should().Throw<FormatException>();
    }
}
