using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Engine.Calendar;
using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Deadlines;

/// <summary>
/// Obligations as data (deadlines.md, "An obligation is data"): seeded from <c>db/seed/obligations.json</c>, each read
/// as <c>PUT /api/v1/obligations/{code}</c> reads a body, and put by an admin. Populations are stored as their JSON,
/// reminder offsets as a comma-separated list; what files an obligation follows from its code and is not stored.
/// </summary>
public sealed class ObligationStore(Db db)
{
    private const string InsertMissingSql = """
        INSERT INTO obligations (code, name_zh, name_en, region_prefix, populations, year_from, year_to, due, reminder_offsets, created_at)
        SELECT @Code, @Zh, @En, @RegionPrefix, @Populations, @YearFrom, @YearTo, @Due, @ReminderOffsets, @now
        WHERE NOT EXISTS (SELECT 1 FROM obligations WHERE code = @Code)
        """;

    private const string InsertSql = """
        INSERT INTO obligations (code, name_zh, name_en, region_prefix, populations, year_from, year_to, due, reminder_offsets, created_at)
        VALUES (@Code, @Zh, @En, @RegionPrefix, @Populations, @YearFrom, @YearTo, @Due, @ReminderOffsets, @now)
        """;

    private const string UpdateSql = """
        UPDATE obligations SET name_zh = @Zh, name_en = @En, region_prefix = @RegionPrefix, populations = @Populations, year_from = @YearFrom,
            year_to = @YearTo, due = @Due, reminder_offsets = @ReminderOffsets
        WHERE code = @Code
        """;

    private const string ListSql = """
        SELECT code AS Code, name_zh AS Zh, name_en AS En, region_prefix AS RegionPrefix, populations AS Populations,
               year_from AS YearFrom, year_to AS YearTo, due AS Due, reminder_offsets AS ReminderOffsets
        FROM obligations ORDER BY code
        """;

    /// <summary>Whether a put created the obligation or replaced it.</summary>
    public enum PutOutcome
    {
        Created,
        Replaced,
    }

    /// <summary>Adds the obligations of the seed that are missing; one an admin has put keeps what the admin put.</summary>
    public async Task SeedAsync(Instant now, CancellationToken ct)
    {
        await using var file = Seed.Open("obligations.json");
        using var seed = await JsonDocument.ParseAsync(file, cancellationToken: ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var item in seed.RootElement.GetProperty("obligations").EnumerateArray())
        {
            var code = item.GetProperty("code").GetString()!;
            var obligation = ObligationReader.Read(code, item, out var errors)
                ?? throw new InvalidDataException($"obligations.json: {code}: {string.Join(" ", errors.SelectMany(e => e.Value).Select(t => t.En))}");
            await connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertMissingSql), Parameters(obligation, now), transaction, cancellationToken: ct));
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Creates the obligation or replaces every field of the one of its code (deadlines.md); the next sweep plans with
    /// it. Puts of one code are serialized, so two that create it at once answer one <see cref="PutOutcome.Created"/>.
    /// </summary>
    public async Task<PutOutcome> PutAsync(Obligation obligation, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(obligation);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, $"obligation/{obligation.Code}", ct);
        var parameters = Parameters(obligation, now);
        var replaced = await connection.ExecuteAsync(new CommandDefinition(connection.Sql(UpdateSql), parameters, transaction, cancellationToken: ct));
        if (replaced == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertSql), parameters, transaction, cancellationToken: ct));
        }

        await transaction.CommitAsync(ct);
        return replaced == 0 ? PutOutcome.Created : PutOutcome.Replaced;
    }

    /// <summary>Every obligation, by code.</summary>
    public async Task<IReadOnlyList<Obligation>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(connection.Sql(ListSql), cancellationToken: ct));
        return [.. rows.Select(r => r.ToObligation())];
    }

    private static object Parameters(Obligation o, Instant now) => new
    {
        o.Code,
        o.Name.Zh,
        o.Name.En,
        o.RegionPrefix,
        Populations = o.Populations is { } populations ? new JsonArray([.. populations.Select(p => (JsonNode)p.ToJson())]).ToJsonString() : null,
        YearFrom = o.Years.From,
        YearTo = o.Years.To,
        Due = o.Due.ToString(),
        ReminderOffsets = string.Join(',', o.ReminderOffsets.Select(d => d.ToString(CultureInfo.InvariantCulture))),
        now,
    };

    private sealed class Row
    {
        public string Code { get; init; } = "";

        public string Zh { get; init; } = "";

        public string En { get; init; } = "";

        public string RegionPrefix { get; init; } = "";

        public string? Populations { get; init; }

        public long YearFrom { get; init; }

        public long? YearTo { get; init; }

        public string Due { get; init; } = "";

        public string ReminderOffsets { get; init; } = "";

        public Obligation ToObligation() =>
            new(Code, new LocalizedText(Zh, En), RegionPrefix, Populations is null ? null : ReadPopulations(Code, Populations),
                new YearRange((int)YearFrom, (int?)YearTo), DueDateRule.Parse(Due))
            {
                ReminderOffsets = [.. ReminderOffsets.Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture))],
            };

        private static List<Population> ReadPopulations(string code, string json)
        {
            using var document = JsonDocument.Parse(json);
            return [.. document.RootElement.EnumerateArray().Select(alternative =>
                Population.Read(alternative, "populations") is { Population: { } population } ? population
                    : throw new InvalidDataException($"The stored populations of obligation {code} are not valid: {json}"))];
        }
    }
}
