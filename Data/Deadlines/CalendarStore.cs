using Compliance.Engine.Calendar;
using Dapper;
using NodaTime;

namespace Compliance.Data.Deadlines;

/// <summary>The working-day calendar by year: seeded from <c>db/seed/cn-calendar.json</c>, years added by admins.</summary>
public sealed class CalendarStore(Db db)
{
    private const string InsertMissingSql = "INSERT INTO calendar_years (year, body, updated_at) SELECT @year, @body, @now WHERE NOT EXISTS (SELECT 1 FROM calendar_years WHERE year = @year)";
    private const string ReplaceSql = "UPDATE calendar_years SET body = @body, updated_at = @now WHERE year = @year";
    private const string ListSql = "SELECT year AS Year, body AS Body FROM calendar_years ORDER BY year";

    /// <summary>Loads the seed's years that are not stored yet.</summary>
    public async Task SeedAsync(Instant now, CancellationToken ct)
    {
        await using var file = Seed.Open("cn-calendar.json");
        var years = CalendarFile.ReadYears(file);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var (year, content) in years)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                connection.Sql(InsertMissingSql),
                new { year, body = CalendarFile.WriteYear(content), now }, transaction, cancellationToken: ct));
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>Every stored year.</summary>
    public async Task<IReadOnlyDictionary<int, CalendarYear>> YearsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long Year, string Body)>(new CommandDefinition(connection.Sql(ListSql), cancellationToken: ct));
        return rows.ToDictionary(r => (int)r.Year, r => CalendarFile.ReadYear(r.Body));
    }

    /// <summary>The calendar of every stored year.</summary>
    public async Task<WorkingDayCalendar> LoadAsync(CancellationToken ct) => new(await YearsAsync(ct));

    /// <summary>Stores (or replaces) one year.</summary>
    public async Task PutAsync(int year, CalendarYear content, Instant now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, $"calendar/{year}", ct);
        var values = new { year, body = CalendarFile.WriteYear(content), now };
        if (await connection.ExecuteAsync(new CommandDefinition(connection.Sql(ReplaceSql), values, transaction, cancellationToken: ct)) == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertMissingSql), values, transaction, cancellationToken: ct));
        }

        await transaction.CommitAsync(ct);
    }
}
