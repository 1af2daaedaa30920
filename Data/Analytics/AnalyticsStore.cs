using Compliance.Data.Evaluations;
using Compliance.Data.Submissions;
using Compliance.Engine.Analytics;
using Compliance.Engine.Rules;
using Dapper;
using NodaTime;

namespace Compliance.Data.Analytics;

/// <summary>How many of a jurisdiction's population expect, filed and had evaluated a period.</summary>
public sealed record Coverage(long Expected, long Filed, long Evaluated);

/// <summary>A count of the population's exceptions of a period with the same set, rule, severity and status.</summary>
public sealed record ExceptionCount(string? RuleSet, string Rule, string Severity, string Status, long Count);

/// <summary>An institution of the population, with what the heat map needs of its latest accepted version.</summary>
public sealed record PopulationMember(string Code, string Name, string Category, string RegionCode, bool Filed, bool Evaluated, IReadOnlyList<StoredOutcome> Outcomes);

/// <summary>The exception of a heat-map cell's key.</summary>
public sealed record KeyedFinding(string Institution, string RuleSet, string Rule, CellFinding Exception);

/// <summary>
/// What analytics.md's summary and heat map read: the population of a jurisdiction for a period (every institution
/// the scope sees whose reporting starts no later than the period), its latest accepted versions and its exceptions.
/// </summary>
public sealed class AnalyticsStore(Db db)
{
    // The latest accepted version of each institution's period, or nothing where it has not filed.
    private const string Population = $"""
        FROM institutions i
        LEFT JOIN submissions s ON s.institution = i.code AND s.period = @period
          AND EXISTS (SELECT 1 FROM latest_submissions l WHERE l.id = s.id)
        WHERE i.reporting_from <= @period AND {Scope.Filter}
        """;

    private const string CoverageSql = $"""
        SELECT COUNT(*) AS Expected, COUNT(s.id) AS Filed,
               COALESCE(SUM(CASE WHEN s.evaluation_status = '{SubmissionStore.EvaluationDone}' THEN 1 ELSE 0 END), 0) AS Evaluated
        {Population}
        """;

    private const string PopulationSql = $"""
        SELECT i.code AS Code, i.name AS Name, i.category AS Category, i.region_code AS RegionCode,
               s.id AS SubmissionId, s.evaluation_status AS EvaluationStatus, s.evaluation AS Evaluation
        {Population}
        ORDER BY i.code
        """;

    private const string ExceptionCountsSql = $"""
        SELECT e.rule_set_id AS RuleSet, e."rule" AS "Rule", e.severity AS Severity, e.status AS Status, COUNT(*) AS "Count"
        FROM exceptions e JOIN institutions i ON i.code = e.institution
        WHERE e.period = @period AND i.reporting_from <= @period AND {Scope.Filter}
        GROUP BY e.rule_set_id, e."rule", e.severity, e.status
        """;

    // Every institution's parent, whoever may see it: only to tell which ledgers hold which, never answered.
    private const string ParentsSql = "SELECT i.code AS Code, i.parent AS Parent FROM institutions i WHERE i.parent IS NOT NULL";

    private const string CellFindingsSql = $"""
        SELECT e.id AS Id, e.institution AS Institution, e.rule_set_id AS RuleSet, e."rule" AS "Rule", e.severity AS Severity, e.status AS Status
        FROM exceptions e JOIN institutions i ON i.code = e.institution
        WHERE e.period = @period AND e.rule_set_id IS NOT NULL AND e."rule" <> '{RuleCatalog.DeadlineMissedRuleId}' AND i.reporting_from <= @period AND {Scope.Filter}
        """;


    /// <summary>How many institutions of the population expect the period, filed it and had its evaluation done.</summary>
    public async Task<Coverage> CoverageAsync(Scope scope, YearMonth period, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleAsync<CountRow>(new CommandDefinition(connection.Sql(CoverageSql), Parameters(scope, period), cancellationToken: ct));
        return new Coverage(row.Expected, row.Filed, row.Evaluated);
    }

    /// <summary>The population's exceptions of the period in every status, counted by set, rule, severity and status (ordinal order).</summary>
    public async Task<IReadOnlyList<ExceptionCount>> ExceptionCountsAsync(Scope scope, YearMonth period, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<CountRow>(new CommandDefinition(connection.Sql(ExceptionCountsSql), Parameters(scope, period), cancellationToken: ct));
        return [.. rows.Select(r => new ExceptionCount(r.RuleSet, r.Rule, r.Severity, r.Status, r.Count)).OrderBy(r => r.RuleSet, StringComparer.Ordinal).ThenBy(r => r.Rule, StringComparer.Ordinal)
            .ThenBy(r => r.Severity, StringComparer.Ordinal).ThenBy(r => r.Status, StringComparer.Ordinal)];
    }

    /// <summary>Every institution of the population, with the outcomes its latest accepted version's evaluation stored.</summary>
    public async Task<IReadOnlyList<PopulationMember>> PopulationAsync(Scope scope, YearMonth period, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(connection.Sql(PopulationSql), Parameters(scope, period), cancellationToken: ct));
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        return [.. rows.Select(r =>
        {
            var evaluated = r.SubmissionId is not null && r.EvaluationStatus == SubmissionStore.EvaluationDone;
            return new PopulationMember(r.Code, r.Name, r.Category, r.RegionCode, r.SubmissionId is not null, evaluated,
                evaluated ? StoredEvaluation.RulesOf(r.Evaluation, texts) : []);
        })];
    }

    /// <summary>The population's exceptions of the period that a rule set wrote, in any status, each with its key.</summary>
    public async Task<IReadOnlyList<KeyedFinding>> CellFindingsAsync(Scope scope, YearMonth period, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ExceptionRow>(new CommandDefinition(connection.Sql(CellFindingsSql), Parameters(scope, period), cancellationToken: ct));
        return [.. rows.Select(r => new KeyedFinding(r.Institution, r.RuleSet, r.Rule, new CellFinding(r.Id, r.Severity, r.Status)))];
    }

    /// <summary>
    /// The parent of every institution that has one (analytics.md, "Each loan counted once"): the whole forest, so that
    /// a chain through an institution outside a jurisdiction or a population is still followed to the top.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> ParentsAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<ParentRow>(new CommandDefinition(connection.Sql(ParentsSql), cancellationToken: ct));
        return rows.ToDictionary(r => r.Code, r => r.Parent, StringComparer.Ordinal);
    }

    private static object Parameters(Scope scope, YearMonth period) => new
    {
        period,
        ScopeInstitution = scope.Institution,
        ScopeRegionLike = scope.RegionLike,
    };

    private sealed class CountRow
    {
        public long Expected { get; init; }

        public long Filed { get; init; }

        public long Evaluated { get; init; }

        public string? RuleSet { get; init; }

        public string Rule { get; init; } = "";

        public string Severity { get; init; } = "";

        public string Status { get; init; } = "";

        public long Count { get; init; }
    }

    private sealed class ParentRow
    {
        public string Code { get; init; } = "";

        public string Parent { get; init; } = "";
    }

    private sealed class MemberRow
    {
        public string Code { get; init; } = "";

        public string Name { get; init; } = "";

        public string Category { get; init; } = "";

        public string RegionCode { get; init; } = "";

        public long? SubmissionId { get; init; }

        public string? EvaluationStatus { get; init; }

        public string? Evaluation { get; init; }
    }

    private sealed class ExceptionRow
    {
        public long Id { get; init; }

        public string Institution { get; init; } = "";

        public string RuleSet { get; init; } = "";

        public string Rule { get; init; } = "";

        public string Severity { get; init; } = "";

        public string Status { get; init; } = "";
    }
}
