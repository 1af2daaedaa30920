using System.Data.Common;
using Compliance.Data.Submissions;
using Dapper;

namespace Compliance.Data.CreditPlans;

/// <summary>
/// The credit plans in force, by institution and year, in yuan: the latest version of each year's plan
/// (<c>latest_credit_plans</c>), none where that version deleted it. What every evaluation gives its histories
/// (<see cref="Engine.Rules.SnapshotHistory.CreditPlans"/>): the job's, the preview's, the dry run's, the headroom's and
/// the reminders'. Read in one query for all the institutions of a batch.
/// </summary>
public sealed class CreditPlansInForce
{
    // The plans of the institutions whose codes lie between the batch's first and last (a range, read on the key's
    // index; those of codes between that the batch lacks are left out as they are read), in [FromYear, ToYear] where given.
    private const string OfRangeSql = """
        SELECT l.institution AS Institution, l.year AS Year, l.inclusive_increase AS IncreaseFen
        FROM latest_credit_plans l
        WHERE l.inclusive_increase IS NOT NULL AND l.institution >= @First AND l.institution <= @Last
          AND (@FromYear IS NULL OR l.year >= @FromYear) AND (@ToYear IS NULL OR l.year <= @ToYear)
        """;

    // The plans of every institution a scope sees, in [FromYear, ToYear].
    private const string OfScopeSql = $"""
        SELECT l.institution AS Institution, l.year AS Year, l.inclusive_increase AS IncreaseFen
        FROM latest_credit_plans l JOIN institutions i ON i.code = l.institution
        WHERE l.inclusive_increase IS NOT NULL AND l.year >= @FromYear AND l.year <= @ToYear AND {Scope.Filter}
        """;

    private static readonly IReadOnlyDictionary<int, decimal> None = new Dictionary<int, decimal>();

    private readonly Dictionary<string, Dictionary<int, decimal>> _plans = new(StringComparer.Ordinal);

    private CreditPlansInForce()
    {
    }

    /// <summary>The institution's plans in force, by year; empty where it has none.</summary>
    public IReadOnlyDictionary<int, decimal> Of(string institution) => _plans.TryGetValue(institution, out var plans) ? plans : None;

    /// <summary>
    /// The plans in force of <paramref name="institutions"/> (of the years <paramref name="years"/>, where given, both
    /// inclusive), inside the caller's transaction where it has one: one query.
    /// </summary>
    internal static async Task<CreditPlansInForce> OfAsync(
        DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<string> institutions, (int From, int To)? years, CancellationToken ct)
    {
        var found = new CreditPlansInForce();
        if (institutions.Count == 0)
        {
            return found;
        }

        var rows = await connection.QueryAsync<Row>(new CommandDefinition(connection.Sql(OfRangeSql), new
        {
            First = institutions.Min(StringComparer.Ordinal), Last = institutions.Max(StringComparer.Ordinal), FromYear = years?.From, ToYear = years?.To,
        }, transaction, cancellationToken: ct));
        var wanted = institutions.ToHashSet(StringComparer.Ordinal);
        found.Add(rows.Where(r => wanted.Contains(r.Institution)));
        return found;
    }

    /// <summary>The plans in force of years [<paramref name="fromYear"/>, <paramref name="toYear"/>] of every institution the scope sees: one query.</summary>
    internal static async Task<CreditPlansInForce> OfScopeAsync(DbConnection connection, Scope scope, int fromYear, int toYear, CancellationToken ct)
    {
        var found = new CreditPlansInForce();
        found.Add(await connection.QueryAsync<Row>(new CommandDefinition(connection.Sql(OfScopeSql), new
        {
            FromYear = fromYear, ToYear = toYear, ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct)));
        return found;
    }

    private void Add(IEnumerable<Row> rows)
    {
        foreach (var row in rows)
        {
            (_plans.TryGetValue(row.Institution, out var plans) ? plans : _plans[row.Institution] = [])[(int)row.Year] = Fen.ToYuan(row.IncreaseFen);
        }
    }

    private sealed class Row
    {
        public string Institution { get; init; } = "";

        public long Year { get; init; }

        public long IncreaseFen { get; init; }
    }
}
