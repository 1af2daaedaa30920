using System.Text.Json;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Rules;

/// <summary>One version of a rule set as stored, and who made it: <see cref="RuleSetStore.System"/> or the id of the key that put it.</summary>
public sealed record StoredRuleSet(string Id, int Version, RuleSetSpec Spec, Instant CreatedAt, string CreatedBy);

/// <summary>Rule sets as data: versions never change once written; a change is a new version.</summary>
public sealed class RuleSetStore(Db db)
{
    /// <summary>The maker of the built-in versions and of those a migration adds.</summary>
    public const string System = "system";

    private const string CountSql = "SELECT COUNT(*) FROM rule_sets WHERE id = @Id";

    private const string ListSql = """
        SELECT r.id AS Id, r.version AS Version, r.jurisdiction AS Jurisdiction, r.year_from AS YearFrom, r.year_to AS YearTo,
               r.rules AS Rules, r.scope AS Scope, r.name_zh AS NameZh, r.name_en AS NameEn, r.authority AS Authority,
               r.source AS Source, r.retired AS Retired, r.created_at AS CreatedAt, r.created_by AS CreatedBy
        FROM rule_sets r
        WHERE (@id IS NULL OR r.id = @id)
          AND (@latestOnly = 0 OR EXISTS (SELECT 1 FROM latest_rule_sets l WHERE l.id = r.id AND l.version = r.version))
        ORDER BY r.id, r.version DESC
        """;

    // The version in force, the one row of its view (none before the first: the next version is then 1).
    private const string LatestVersionSql = "SELECT l.version FROM latest_rule_sets l WHERE l.id = @id";

    private const string InsertSql = """
        INSERT INTO rule_sets (id, version, jurisdiction, year_from, year_to, rules, scope, name_zh, name_en, authority, source, retired, created_at, created_by)
        VALUES (@id, @version, @Jurisdiction, @From, @To, @rules, @scope, @nameZh, @nameEn, @Authority, @Source, @retired, @now, @createdBy)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Loads the built-in sets of <c>db/seed/rule-sets.json</c> as version 1 of each set not stored yet.</summary>
    public async Task SeedAsync(Instant now, CancellationToken ct)
    {
        var seed = await ReadSeedAsync(ct);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var set in seed.RuleSets)
        {
            var spec = new RuleSetSpec(set.Jurisdiction, set.Years, set.Rules)
            {
                Scope = ScopeOf(set.Scope), Name = set.Name, Authority = set.Authority, Source = set.Source,
            };
            RuleCatalog.Validate(spec);
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                connection.Sql(CountSql), new { set.Id }, transaction, cancellationToken: ct));
            if (exists == 0)
            {
                await InsertAsync(connection, transaction, set.Id, 1, spec, System, now, ct);
            }
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// The built-in sets (those of <c>db/seed/rule-sets.json</c>) whose version in force is not <see cref="System"/>'s:
    /// an admin's own version, which a migration updating the built-in sets leaves alone. By id: the version and its maker.
    /// </summary>
    public async Task<IReadOnlyList<StoredRuleSet>> BuiltInKeptAsync(CancellationToken ct)
    {
        var ids = (await ReadSeedAsync(ct)).RuleSets.Select(s => s.Id).ToList();
        return [.. (await ListAsync(latestOnly: true, id: null, ct)).Where(s => ids.Contains(s.Id) && s.CreatedBy != System)];
    }

    /// <summary>The current (latest) version of every set, ready to run.</summary>
    public async Task<IReadOnlyList<RuleSet>> CurrentAsync(CancellationToken ct) =>
        (await ListAsync(latestOnly: true, id: null, ct)).Select(s => new RuleSet(s.Id, s.Version, s.Spec)).ToList();

    /// <summary>Every version of the sets (of one set where <paramref name="id"/> is given), newest version first.</summary>
    public async Task<IReadOnlyList<StoredRuleSet>> ListAsync(bool latestOnly, string? id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(connection.Sql(ListSql), new { id, latestOnly = latestOnly ? 1 : 0 }, cancellationToken: ct));
        return rows.Select(r => new StoredRuleSet(r.Id, (int)r.Version,
            new RuleSetSpec(r.Jurisdiction, new YearRange((int)r.YearFrom, (int?)r.YearTo), JsonSerializer.Deserialize<List<RuleSpec>>(r.Rules, Json) ?? [])
            {
                Scope = ScopeOf(r.Scope),
                Name = r.NameZh is null && r.NameEn is null ? null : new LocalizedText(r.NameZh ?? "", r.NameEn ?? ""),
                Authority = r.Authority,
                Source = r.Source,
                Retired = r.Retired != 0,
            },
            r.CreatedAt,
            r.CreatedBy)).ToList();
    }

    /// <summary>Stores a new version of a set (version 1 for a new id), made by the key <paramref name="createdBy"/>, and returns its number.</summary>
    public async Task<int> AddVersionAsync(string id, RuleSetSpec spec, string createdBy, Instant now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, $"rule-set/{id}", ct);
        var version = 1 + await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            connection.Sql(LatestVersionSql), new { id }, transaction, cancellationToken: ct));
        await InsertAsync(connection, transaction, id, version, spec, createdBy, now, ct);
        await transaction.CommitAsync(ct);
        return version;
    }

    /// <summary>The JSON and stored name of a 口径: <c>cbirc</c> or <c>pboc</c>.</summary>
    public static string ScopeName(StatisticalScope scope) => scope == StatisticalScope.Pboc ? "pboc" : "cbirc";

    /// <summary>The 口径 of its name, or <c>null</c> for any other text.</summary>
    public static StatisticalScope? ParseScope(string? name) => name switch
    {
        "cbirc" => StatisticalScope.Cbirc,
        "pboc" => StatisticalScope.Pboc,
        _ => null,
    };

    private static StatisticalScope ScopeOf(string? name) => ParseScope(name) ?? throw new InvalidDataException($"A rule set's scope is cbirc or pboc, not '{name}'.");

    private static Task<int> InsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string id, int version, RuleSetSpec spec, string createdBy, Instant now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertSql), new
        {
            id, version, spec.Jurisdiction, spec.Years.From, spec.Years.To, rules = JsonSerializer.Serialize(spec.Rules, Json),
            scope = ScopeName(spec.Scope), nameZh = spec.Name?.Zh, nameEn = spec.Name?.En, spec.Authority, spec.Source, retired = spec.Retired ? 1 : 0, now, createdBy,
        }, transaction, cancellationToken: ct));

    // The built-in sets of db/seed/rule-sets.json.
    private static async Task<SeedFile> ReadSeedAsync(CancellationToken ct)
    {
        await using var stream = Seed.Open("rule-sets.json");
        return await JsonSerializer.DeserializeAsync<SeedFile>(stream, Json, ct) ?? throw new InvalidDataException("rule-sets.json is empty.");
    }

    private sealed record SeedFile(IReadOnlyList<SeedSet> RuleSets);

    private sealed record SeedSet(string Id, string Jurisdiction, YearRange Years, IReadOnlyList<RuleSpec> Rules, string Scope, LocalizedText? Name, string? Authority, string? Source);

    private sealed class Row
    {
        public string Id { get; init; } = "";

        public long Version { get; init; }

        public string Jurisdiction { get; init; } = "";

        public long YearFrom { get; init; }

        public long? YearTo { get; init; }

        public string Rules { get; init; } = "[]";

        public string Scope { get; init; } = "cbirc";

        public string? NameZh { get; init; }

        public string? NameEn { get; init; }

        public string? Authority { get; init; }

        public string? Source { get; init; }

        public long Retired { get; init; }

        public Instant CreatedAt { get; init; }

        public string CreatedBy { get; init; } = System;
    }
}
