using NodaTime;

namespace Compliance.Engine.Calendar;

/// <summary>The time zone in which every business date of the product is reckoned: China Standard Time.</summary>
public static class ReportingZone
{
    /// <summary>Asia/Shanghai from the IANA database shipped with NodaTime, never the machine's zone.</summary>
    public static DateTimeZone Shanghai { get; } = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>Today's date in China Standard Time, read from <paramref name="clock"/>.</summary>
    public static LocalDate Today(IClock clock) => clock.GetCurrentInstant().InZone(Shanghai).Date;

    /// <summary>The China Standard Time date of an instant.</summary>
    public static LocalDate DateOf(Instant instant) => instant.InZone(Shanghai).Date;
}
