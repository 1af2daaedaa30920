using System.Data;
using System.Globalization;
using Compliance.Engine;
using Dapper;
using NodaTime;
using NodaTime.Text;

namespace Compliance.Data.TypeHandlers;

/// <summary>
/// Dapper handlers for the NodaTime types the store uses. Instants are written as fixed-width ISO-8601 UTC text
/// with milliseconds (so they sort as text); each handler reads whatever a provider returns.
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

        SqlMapper.AddTypeHandler(new InstantHandler());
        SqlMapper.AddTypeHandler(new LocalDateHandler());
        SqlMapper.AddTypeHandler(new YearMonthHandler());
    }

    /// <summary>The stored text of an instant (to the millisecond).</summary>
    public static string Format(Instant instant) => InstantText.Format(instant);

    public static Instant ParseInstant(object value) => value switch
    {
        string text => InstantText.Parse(text).TryGetValue(default, out var exact) ? exact : InstantPattern.ExtendedIso.Parse(text).Value,
        DateTime dateTime => Instant.FromDateTimeUtc(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
        DateTimeOffset offset => Instant.FromDateTimeOffset(offset),
        _ => throw new DataException($"Cannot read an instant from {value.GetType().Name}."),
    };

    private sealed class InstantHandler : SqlMapper.TypeHandler<Instant>
    {
        public override void SetValue(IDbDataParameter parameter, Instant value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = Format(value);
        }

        public override Instant Parse(object value) => ParseInstant(value);
    }

    private sealed class LocalDateHandler : SqlMapper.TypeHandler<LocalDate>
    {
        public override void SetValue(IDbDataParameter parameter, LocalDate value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = LocalDatePattern.Iso.Format(value);
        }

        public override LocalDate Parse(object value) => value switch
        {
            string text => LocalDatePattern.Iso.Parse(text).Value,
            DateTime dateTime => LocalDate.FromDateTime(dateTime),
            DateOnly date => LocalDate.FromDateOnly(date),
            _ => throw new DataException($"Cannot read a date from {value.GetType().Name}."),
        };
    }

    private sealed class YearMonthHandler : SqlMapper.TypeHandler<YearMonth>
    {
        public override void SetValue(IDbDataParameter parameter, YearMonth value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = Periods.Format(value);
        }

        public override YearMonth Parse(object value) =>
            Periods.Parse(Convert.ToString(value, CultureInfo.InvariantCulture) ?? throw new DataException("A period is null."));
    }
}
