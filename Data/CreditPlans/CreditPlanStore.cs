using System.Globalization;
using Compliance.Data.Submissions;
using Compliance.Engine;
using Compliance.Engine.Exceptions;
using Dapper;
using NodaTime;

namespace Compliance.Data.CreditPlans;

/// <summary>
/// One version of an institution's credit plan of a year: the inclusive increase asked of it in yuan (<c>null</c> for
/// a version that deleted the plan), the note, and who set it when.
/// </summary>
public sealed record CreditPlanVersion
{
    public int Year { get; init; }

    public int Version { get; init; }

    public decimal? InclusiveIncrease { get; init; }

    public required string Note { get; init; }

    public required string SetByRole { get; init; }

    public long SetByKeyId { get; init; }

    public required string SetByName { get; init; }

    public Instant SetAt { get; init; }
}

/// <summary>Who sets or deletes a plan: the role and id of the key (its name is read with it, as it is then).</summary>
public sealed record PlanSetter(string Role, long KeyId);

/// <summary>What a change of a credit plan came to.</summary>
public enum CreditPlanWrite
{
    /// <summary>The year's first plan.</summary>
    Created,

    /// <summary>A new version of the year's plan (or of one deleted before).</summary>
    Versioned,

    /// <summary>A version that deletes the year's plan.</summary>
    Deleted,

    /// <summary>A delete of a year that never had a plan: nothing stored.</summary>
    NoPlan,

    /// <summary>A delete of a plan deleted already: nothing stored.</summary>
    DeletedAlready,
}

/// <summary>What a change came to, and the evaluations it marked pending for the caller to enqueue once it answers.</summary>
public sealed record CreditPlanChange(CreditPlanWrite Outcome, IReadOnlyList<long> ToEvaluate);

/// <summary>
/// Credit plans (api.md, "Institutions and keys"), and the only writer of them: every change is a new version, none is
/// ever changed or removed. A change marks the institution's accepted periods of the year pending in its own
/// transaction, with the note that names it, which the re-evaluation writes on each exception it moves.
/// </summary>
public sealed class CreditPlanStore(Db db)
{
    // The latest version of the year's plan, the one row of its view (none before the first: the next version is then 1).
    private const string LatestSql = """
        SELECT l.version AS Version, l.inclusive_increase AS IncreaseFen FROM latest_credit_plans l WHERE l.institution = @institution AND l.year = @year
        """;

    // Under the name the key has now, which the version keeps.
    private const string InsertSql = """
        INSERT INTO credit_plans (institution, year, version, inclusive_increase, note, set_by_role, set_by_key_id, set_by_name, set_at)
        SELECT @institution, @year, @version, @fen, @note, @role, k.id, k.name, @now FROM api_keys k WHERE k.id = @keyId
        """;

    private const string ListSql = """
        SELECT p.year AS Year, p.version AS Version, p.inclusive_increase AS IncreaseFen, p.note AS Note, p.set_by_role AS SetByRole,
               p.set_by_key_id AS SetByKeyId, p.set_by_name AS SetByName, p.set_at AS SetAt
        FROM credit_plans p WHERE p.institution = @institution
        ORDER BY p.year DESC, p.version DESC
        """;

    /// <summary>
    /// Sets the plan of <paramref name="year"/> to <paramref name="inclusiveIncrease"/> yuan (whole fen), or deletes it
    /// where that is <c>null</c>, as a new version; and marks the institution's accepted periods of the year pending, with
    /// the note naming the change (<see cref="ChangeNote"/>), in the same transaction. The caller enqueues
    /// <see cref="CreditPlanChange.ToEvaluate"/>.
    /// </summary>
    public async Task<CreditPlanChange> SetAsync(
        string institution, int year, decimal? inclusiveIncrease, string note, PlanSetter setter, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(setter);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, $"credit-plan/{institution}/{year.ToString(CultureInfo.InvariantCulture)}", ct);
        var latest = await connection.QuerySingleOrDefaultAsync<LatestRow>(new CommandDefinition(
            connection.Sql(LatestSql), new { institution, year }, transaction, cancellationToken: ct));
        var before = latest?.IncreaseFen is { } fen ? Fen.ToYuan(fen) : (decimal?)null;
        if (inclusiveIncrease is null && before is null)
        {
            return new CreditPlanChange(latest is null ? CreditPlanWrite.NoPlan : CreditPlanWrite.DeletedAlready, []);
        }

        var inserted = await connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertSql), new
        {
            institution, year, version = (latest?.Version ?? 0) + 1, fen = inclusiveIncrease is { } yuan ? Fen.From(yuan) : (long?)null, note,
            role = setter.Role, keyId = setter.KeyId, now,
        }, transaction, cancellationToken: ct));
        if (inserted != 1)
        {
            throw new InvalidOperationException($"No API key {setter.KeyId} to record as the setter of the plan.");
        }

        var toEvaluate = await SubmissionStore.MarkCausedAsync(
            connection, transaction, institution, new YearMonth(year, 1), Periods.December(year), ChangeNote(year, before, inclusiveIncrease, note), ct);
        await transaction.CommitAsync(ct);
        var outcome = inclusiveIncrease is null ? CreditPlanWrite.Deleted : latest is null ? CreditPlanWrite.Created : CreditPlanWrite.Versioned;
        return new CreditPlanChange(outcome, toEvaluate);
    }

    /// <summary>Every version of every year's plan of the institution, newest year first, each year's newest version first.</summary>
    public async Task<IReadOnlyList<CreditPlanVersion>> ListAsync(string institution, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(connection.Sql(ListSql), new { institution }, cancellationToken: ct));
        return [.. rows.Select(r => r.ToVersion())];
    }

    /// <summary>The plans in force of one institution, by year: what the dry run and the headroom evaluate with.</summary>
    public async Task<IReadOnlyDictionary<int, decimal>> InForceAsync(string institution, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await CreditPlansInForce.OfAsync(connection, null, [institution], null, ct)).Of(institution);
    }

    /// <summary>
    /// The note a change of a plan gives the events of the exceptions it moves (api.md): <c>信贷计划 2023：1,000,000.00 →
    /// 1,200,000.00，note</c>, <c>无</c> for no plan on either side; in English <c>Credit plan 2023: … → …, note</c>. A
    /// system note (<see cref="SystemNotes"/>): the person's own note is quoted in both.
    /// </summary>
    public static string ChangeNote(int year, decimal? before, decimal? after, string note) => SystemNotes.Of(
        string.Create(CultureInfo.InvariantCulture, $"信贷计划 {year}：{Amount(before, "无")} → {Amount(after, "无")}，{note}"),
        string.Create(CultureInfo.InvariantCulture, $"Credit plan {year}: {Amount(before, "none")} → {Amount(after, "none")}, {note}"));

    private static string Amount(decimal? yuan, string none) => yuan is { } value ? value.ToString("#,##0.00", CultureInfo.InvariantCulture) : none;

    private sealed class LatestRow
    {
        public long Version { get; init; }

        public long? IncreaseFen { get; init; }
    }

    private sealed class VersionRow
    {
        public long Year { get; init; }

        public long Version { get; init; }

        public long? IncreaseFen { get; init; }

        public string Note { get; init; } = "";

        public string SetByRole { get; init; } = "";

        public long SetByKeyId { get; init; }

        public string SetByName { get; init; } = "";

        public Instant SetAt { get; init; }

        public CreditPlanVersion ToVersion() => new()
        {
            Year = (int)Year, Version = (int)Version, InclusiveIncrease = IncreaseFen is { } fen ? Fen.ToYuan(fen) : null, Note = Note,
            SetByRole = SetByRole, SetByKeyId = SetByKeyId, SetByName = SetByName, SetAt = SetAt,
        };
    }
}
