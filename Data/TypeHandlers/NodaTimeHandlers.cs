using System.Data;
using System.Globalization;
using Compliance.Engine;
using Dapper;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Data.TypeHandlers;

/// <summary>
/// Dapper handlers for the NodaTime types the store uses. On SQLite instants are written as fixed-width ISO-8601 UTC
/// text with milliseconds (so they sort as text) and dates as ISO text; on SQL Server as <c>datetime2(3)</c> UTC and
/// <c>date</c>. Each handler reads whatever a provider returns.
/// </summary>
internal static class NodaTimeHandlers
{
    private static int _registered;

    public static InstantPattern InstantText { get; } = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'");

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        SqlMapper.AddTypeHandler(typeof(Instant), new InstantHandler());
        SqlMapper.AddTypeHandler(typeof(LocalDate), new LocalDateHandler());
        SqlMapper.AddTypeHandler(typeof(YearMonth), new YearMonthHandler());
    }

    /// <summary>Binds an instant as the parameter's database stores it.</summary>
    public static void Bind(IDbDataParameter parameter, Instant value) => Dialect.Of(parameter).Bind(parameter, value);

    /// <summary>Binds a date as the parameter's database stores it.</summary>
    public static void Bind(IDbDataParameter parameter, LocalDate value) => Dialect.Of(parameter).Bind(parameter, value);

    /// <summary>The stored text of an instant (to the millisecond).</summary>
    public static string Format(Instant instant) => InstantText.Format(instant);

    public static Instant ParseInstant(object value) => value switch
    {
        string text when TryParseStored(text, out var stored) => stored,
        string text => InstantText.Parse(text).TryGetValue(default, out var exact) ? exact : InstantPattern.ExtendedIso.Parse(text).Value,
        DateTime dateTime => Instant.FromDateTimeUtc(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
        DateTimeOffset offset => Instant.FromDateTimeOffset(offset),
        _ => throw new DataException($"Cannot read an instant from {value.GetType().Name}."),
    };

    /// <summary>The stored form, <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, read directly (many are read at once by the sweep).</summary>
    private static bool TryParseStored(string text, out Instant instant)
    {
        instant = default;
        if (text.Length != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' || text[23] != 'Z')
        {
            return false;
        }

        var span = text.AsSpan();
        if (!int.TryParse(span[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(span[5..7], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(span[8..10], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || !int.TryParse(span[11..13], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            || !int.TryParse(span[14..16], NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
            || !int.TryParse(span[17..19], NumberStyles.None, CultureInfo.InvariantCulture, out var second)
            || !int.TryParse(span[20..23], NumberStyles.None, CultureInfo.InvariantCulture, out var millisecond)
            || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        instant = Instant.FromUtc(year, month, day, hour, minute, second).PlusNanoseconds(millisecond * 1_000_000L);
        return true;
    }

    // Each handler sees NULL too (Dapper hands it DBNull): bound as NULL of the column's type, so that a database that
    // types every parameter (PostgreSQL) can compare it (@from IS NULL OR at >= @from).
    private sealed class InstantHandler : SqlMapper.ITypeHandler
    {
        public void SetValue(IDbDataParameter parameter, object value)
        {
            if (value is Instant instant)
            {
                Bind(parameter, instant);
            }
            else
            {
                Dialect.Of(parameter).BindNull(parameter, typeof(Instant));
            }
        }

        public object Parse(Type destinationType, object value) => ParseInstant(value);
    }

    private sealed class LocalDateHandler : SqlMapper.ITypeHandler
    {
        public void SetValue(IDbDataParameter parameter, object value)
        {
            if (value is LocalDate date)
            {
                Bind(parameter, date);
            }
            else
            {
                Dialect.Of(parameter).BindNull(parameter, typeof(LocalDate));
            }
        }

        public object Parse(Type destinationType, object value) => value switch
        {
            string text => LocalDatePattern.Iso.Parse(text).Value,
            DateTime dateTime => LocalDate.FromDateTime(dateTime),
            DateOnly date => LocalDate.FromDateOnly(date),
            _ => throw new DataException($"Cannot read a date from {value.GetType().Name}."),
        };
    }

    private sealed class YearMonthHandler : SqlMapper.ITypeHandler
    {
        public void SetValue(IDbDataParameter parameter, object value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value is YearMonth period ? Periods.Format(period) : DBNull.Value;
        }

        public object Parse(Type destinationType, object value) =>
            Periods.Parse(Convert.ToString(value, CultureInfo.InvariantCulture) ?? throw new DataException("A period is null."));
    }
}
