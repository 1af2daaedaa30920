using System.Data.Common;
using Compliance.Data.Exceptions;
using Compliance.Data.Submissions;
using Compliance.Engine.Institutions;
using Dapper;
using NodaTime;

namespace Compliance.Data.Institutions;

/// <summary>A reporting institution (api.md, "Institutions and keys").</summary>
public sealed record Institution
{
    public required string Code { get; init; }

    public required string Name { get; init; }

    public required string Category { get; init; }

    /// <summary>True for a legal person (法人), false for a branch (分支机构).</summary>
    public bool LegalPerson { get; init; }

    /// <summary>
    /// <c>head_office</c>, <c>provincial</c>, <c>municipal</c> or <c>county</c> (<see cref="InstitutionLevel"/>); by
    /// default a municipal branch's, as <see cref="LegalPerson"/> is false by default.
    /// </summary>
    public string Level { get; init; } = InstitutionLevel.Municipal;

    /// <summary>The code of the institution a branch reports to; <c>null</c> where unset.</summary>
    public string? Parent { get; init; }

    public bool LocalLegalPerson { get; init; }

    public required string RegionCode { get; init; }

    public YearMonth ReportingFrom { get; init; }

    public string? WebhookUrl { get; init; }

    public Instant CreatedAt { get; init; }

    public Instant UpdatedAt { get; init; }

    /// <summary>What the rules and obligations judge it by: region, category, legal status and level.</summary>
    public InstitutionProfile Profile => new(RegionCode, Category, LegalPerson, Level);
}

/// <summary>What a create or an update of an institution came to.</summary>
public enum InstitutionWrite
{
    /// <summary>Stored.</summary>
    Written,

    /// <summary>A create whose code exists already: nothing stored.</summary>
    Exists,

    /// <summary>An update of an institution that does not exist.</summary>
    NotFound,

    /// <summary>The parent named does not exist: nothing stored.</summary>
    ParentMissing,

    /// <summary>The chain of parents from the parent named returns to the institution: nothing stored.</summary>
    ParentCycle,
}

/// <summary>What an update came to, and the submissions it marked pending for the caller to enqueue once it answers.</summary>
public sealed record InstitutionUpdate(InstitutionWrite Outcome, IReadOnlyList<long> ToEvaluate);

/// <summary>Institutions, with the webhook secret kept apart from every read but its own.</summary>
public sealed class InstitutionStore(Db db, ExceptionStore exceptions)
{
    private const string Columns = "i.code AS Code, i.name AS Name, i.category AS Category, i.legal_person AS LegalPerson, i.level AS Level, i.parent AS Parent, i.local_legal_person AS LocalLegalPerson, i.region_code AS RegionCode, i.reporting_from AS ReportingFrom, i.webhook_url AS WebhookUrl, i.created_at AS CreatedAt, i.updated_at AS UpdatedAt";

    private const string InsertSql = """
        INSERT INTO institutions (code, name, category, legal_person, level, parent, local_legal_person, region_code, reporting_from, webhook_url, webhook_secret, created_at, updated_at)
        VALUES (@Code, @Name, @Category, @LegalPerson, @Level, @Parent, @LocalLegalPerson, @RegionCode, @ReportingFrom, @WebhookUrl, @WebhookSecret, @CreatedAt, @UpdatedAt)
        """;

    private const string UpdateSql = """
        UPDATE institutions
        SET name = @Name, category = @Category, legal_person = @LegalPerson, level = @Level, parent = @Parent,
            local_legal_person = @LocalLegalPerson, region_code = @RegionCode,
            reporting_from = @ReportingFrom, webhook_url = @WebhookUrl, updated_at = @UpdatedAt
        WHERE code = @Code
        """;

    private const string StoredSql = $"SELECT {Columns} FROM institutions i WHERE i.code = @code";
    private const string ParentOfSql = "SELECT parent FROM institutions WHERE code = @code";

    // Every write of institutions holds it: a chain of parents is checked and written by one writer at a time.
    private const string HierarchyLock = "institutions/hierarchy";

    private const string FindSql = $"SELECT {Columns} FROM institutions i WHERE i.code = @code AND {Scope.Filter}";
    private const string ListWhere = $"WHERE {Scope.Filter} AND (@RegionLike IS NULL OR i.region_code LIKE @RegionLike)";
    private const string CountSql = $"SELECT COUNT(*) FROM institutions i {ListWhere}";
    private const string ListSql = $"SELECT {Columns} FROM institutions i {ListWhere} ORDER BY i.code";
    private const string AllSql = $"SELECT {Columns} FROM institutions i WHERE {Scope.Filter} ORDER BY i.code";

    /// <summary>
    /// Creates an institution, unless its code exists already or its parent does not. Every write of institutions
    /// holds one lock, so two at once never build a chain of parents that returns to where it started.
    /// </summary>
    public async Task<InstitutionWrite> CreateAsync(Institution institution, string webhookSecret, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(institution);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, HierarchyLock, ct);
        if (await StoredAsync(connection, transaction, institution.Code, ct) is not null)
        {
            return InstitutionWrite.Exists;
        }

        if (await ParentRefusalAsync(connection, transaction, institution, ct) is { } refusal)
        {
            return refusal;
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertSql), new
            {
                institution.Code, institution.Name, institution.Category, institution.LegalPerson, institution.Level, institution.Parent,
                institution.LocalLegalPerson, institution.RegionCode, institution.ReportingFrom, institution.WebhookUrl, WebhookSecret = webhookSecret,
                institution.CreatedAt, institution.UpdatedAt,
            }, transaction, cancellationToken: ct));
        }
        catch (System.Data.Common.DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            return InstitutionWrite.Exists;
        }

        await transaction.CommitAsync(ct);
        return InstitutionWrite.Written;
    }

    /// <summary>
    /// Updates every field but the code and the creation time, unless there is no such institution or its parent
    /// does not hold. Where what rules judge an institution by changes, its latest accepted versions are marked
    /// pending in the same transaction: the caller enqueues <see cref="InstitutionUpdate.ToEvaluate"/>.
    /// </summary>
    public async Task<InstitutionUpdate> UpdateAsync(Institution institution, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(institution);
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await db.Dialect.LockAsync(connection, transaction, HierarchyLock, ct);
        if (await StoredAsync(connection, transaction, institution.Code, ct) is not { } stored)
        {
            return new InstitutionUpdate(InstitutionWrite.NotFound, []);
        }

        if (await ParentRefusalAsync(connection, transaction, institution, ct) is { } refusal)
        {
            return new InstitutionUpdate(refusal, []);
        }

        await connection.ExecuteAsync(new CommandDefinition(connection.Sql(UpdateSql), new
        {
            institution.Code, institution.Name, institution.Category, institution.LegalPerson, institution.Level, institution.Parent,
            institution.LocalLegalPerson, institution.RegionCode, institution.ReportingFrom, institution.WebhookUrl, institution.UpdatedAt,
        }, transaction, cancellationToken: ct));
        IReadOnlyList<long> toEvaluate = JudgedAlike(stored, institution)
            ? [] : await SubmissionStore.MarkInstitutionPendingAsync(connection, transaction, institution.Code, ct);
        await transaction.CommitAsync(ct);
        exceptions.ScopesChanged(); // a region changed moves the institution's exceptions in or out of regulators' lists
        return new InstitutionUpdate(InstitutionWrite.Written, toEvaluate);
    }

    /// <summary>
    /// Whether rules judge the institution as before: the sets that apply follow its region, and a rule's population
    /// its legal person, category and level (rules.md, "Who each rule judges"). Its name, webhook, parent and the rest
    /// change no outcome.
    /// </summary>
    private static bool JudgedAlike(Institution before, Institution after) =>
        before.LegalPerson == after.LegalPerson && before.Category == after.Category && before.Level == after.Level
        && before.RegionCode == after.RegionCode;

    private static Task<Institution?> StoredAsync(DbConnection connection, DbTransaction transaction, string code, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Institution>(new CommandDefinition(connection.Sql(StoredSql), new { code }, transaction, cancellationToken: ct));

    /// <summary>
    /// Why the institution's parent does not hold, or <c>null</c> where it does (or there is none): the parent must
    /// exist, and the chain of parents above it never reaches the institution itself.
    /// </summary>
    private static async Task<InstitutionWrite?> ParentRefusalAsync(DbConnection connection, DbTransaction transaction, Institution institution, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var at = institution.Parent; at is not null; )
        {
            if (at == institution.Code)
            {
                return InstitutionWrite.ParentCycle;
            }

            var above = (await connection.QueryAsync<string?>(new CommandDefinition(connection.Sql(ParentOfSql), new { code = at }, transaction, cancellationToken: ct))).ToList();
            if (above.Count == 0)
            {
                return at == institution.Parent ? InstitutionWrite.ParentMissing : null;
            }

            // Every write is checked under the lock, so a chain never loops; should one ever, it is not this one's cycle.
            at = seen.Add(at) ? above[0] : null;
        }

        return null;
    }

    /// <summary>The institution, or <c>null</c> where it does not exist or lies outside <paramref name="scope"/>.</summary>
    public async Task<Institution?> FindAsync(string code, Scope scope, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Institution>(new CommandDefinition(connection.Sql(FindSql), new
        {
            code, ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
    }

    /// <summary>The institutions the scope sees, optionally under a region prefix, by code.</summary>
    public async Task<Page<Institution>> ListAsync(Scope scope, string? regionPrefix, PageRequest page, CancellationToken ct)
    {
        return await db.PageAsync<Institution>(
            CountSql,
            ListSql,
            new { ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike, RegionLike = regionPrefix is null ? null : regionPrefix + "%", page.Skip, page.Take },
            page,
            ct);
    }

    /// <summary>Every institution the scope sees, by code, unpaged: the population an aggregate is computed over.</summary>
    public async Task<IReadOnlyList<Institution>> AllAsync(Scope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Institution>(new CommandDefinition(connection.Sql(AllSql), new
        {
            ScopeInstitution = scope.Institution, ScopeRegionLike = scope.RegionLike,
        }, cancellationToken: ct));
        return rows.AsList();
    }
}
