using Compliance.Engine.Calendar;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Engine.Tests.Calendar;

/// <summary>
/// The project's own copy of the working-day calendar (<c>db/seed/cn-calendar.json</c>, 2022–2026), read once from
/// the repository the tests run in, and the obligations of deadlines.md built as data.
/// </summary>
internal static class SeedCalendar
{
    private static readonly Lazy<IReadOnlyDictionary<int, CalendarYear>> LazyYears = new(ReadSeed);

    private static readonly Lazy<WorkingDayCalendar> LazyCalendar = new(() => new WorkingDayCalendar(Years));

    /// <summary>Every year of the seed file.</summary>
    public static IReadOnlyDictionary<int, CalendarYear> Years => LazyYears.Value;

    /// <summary>The working-day calendar of the seed file.</summary>
    public static WorkingDayCalendar WorkingDays => LazyCalendar.Value;

    /// <summary>The path of the seed file, found by walking up from the test directory to the solution's folder.</summary>
    public static string SeedPath
    {
        get
        {
            var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Compliance.sln")))
            {
                directory = directory.Parent;
            }

            return directory is null
                ? throw new InvalidOperationException("No folder above the test directory holds Compliance.sln.")
                : Path.Combine(directory.FullName, "db", "seed", "cn-calendar.json");
        }
    }

    /// <summary>An ISO date, as the spec and the calendar file write them.</summary>
    public static LocalDate Date(string iso) => LocalDatePattern.Iso.Parse(iso).Value;

    /// <summary>A <c>yyyy-MM</c> period.</summary>
    public static YearMonth Month(string period) => Periods.Parse(period);

    private static IReadOnlyDictionary<int, CalendarYear> ReadSeed()
    {
        using var file = File.OpenRead(SeedPath);
        return CalendarFile.ReadYears(file);
    }
}
