using System.Text.Json;
using Compliance.Engine.Calendar;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Deadlines;

/// <summary>Obligations as data, seeded from <c>db/seed/obligations.json</c>.</summary>
public sealed class ObligationStore(Db db)
{
    private const string InsertMissingSql = """
        INSERT INTO obligations (code, name_zh, name_en, region_prefix, categories, year_from, year_to, due, created_at)
        SELECT @Code, @Zh, @En, @RegionPrefix, @Categories, @From, @To, @Due, @now
        WHERE NOT EXISTS (SELECT 1 FROM obligations WHERE code = @Code)
        """;

    private const string ListSql = """
        SELECT code AS Code, name_zh AS Zh, name_en AS En, region_prefix AS RegionPrefix, categories AS Categories,
               year_from AS YearFrom, year_to AS YearTo, due AS Due
        FROM obligations ORDER BY code
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task SeedAsync(Instant now, CancellationToken ct)
    {
        await using var file = Seed.Open("obligations.json");
        var seed = await JsonSerializer.DeserializeAsync<SeedFile>(file, Json, ct) ?? throw new InvalidDataException("obligations.json is empty.");
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var o in seed.Obligations)
        {
            DueDateRule.Parse(o.Due);
            await connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertMissingSql), new
            {
                o.Code, o.Name.Zh, o.Name.En, o.RegionPrefix, Categories = o.Categories is null ? null : string.Join(',', o.Categories),
                o.Years.From, o.Years.To, o.Due, now,
            }, transaction, cancellationToken: ct));
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>Every obligation, by code.</summary>
    public async Task<IReadOnlyList<Obligation>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(connection.Sql(ListSql), cancellationToken: ct));
        return [.. rows.Select(r => new Obligation(r.Code, new LocalizedText(r.Zh, r.En), r.RegionPrefix,
            r.Categories is null ? null : r.Categories.Split(','), new YearRange((int)r.YearFrom, (int?)r.YearTo), DueDateRule.Parse(r.Due)))];
    }

    private sealed record SeedFile(IReadOnlyList<SeedObligation> Obligations);

    private sealed record SeedObligation(string Code, LocalizedText Name, string RegionPrefix, IReadOnlyList<string>? Categories, YearRange Years, string Due);

    private sealed class Row
    {
        public string Code { get; init; } = "";

        public string Zh { get; init; } = "";

        public string En { get; init; } = "";

        public string RegionPrefix { get; init; } = "";

        public string? Categories { get; init; }

        public long YearFrom { get; init; }

        public long? YearTo { get; init; }

        public string Due { get; init; } = "";
    }
}
