using Compliance.Data.Exceptions;
using Dapper;
using NodaTime;

namespace Compliance.Data.Institutions;

/// <summary>A reporting institution (api.md, "Institutions and keys").</summary>
public sealed record Institution
{
    public required string Code { get; init; }

    public required string Name { get; init; }

    public required string Category { get; init; }

    public bool LocalLegalPerson { get; init; }

    public required string RegionCode { get; init; }

    public YearMonth ReportingFrom { get; init; }

    public string? WebhookUrl { get; init; }

    public Instant CreatedAt { get; init; }

    public Instant UpdatedAt { get; init; }
}

/// <summary>Institutions, with the webhook secret kept apart from every read but its own.</summary>
public sealed class InstitutionStore(Db db, ExceptionStore exceptions)
{
    private const string Columns = "i.code AS Code, i.name AS Name, i.category AS Category, i.local_legal_person AS LocalLegalPerson, i.region_code AS RegionCode, i.reporting_from AS ReportingFrom, i.webhook_url AS WebhookUrl, i.created_at AS CreatedAt, i.updated_at AS UpdatedAt";

    private const string InsertSql = """
        INSERT INTO institutions (code, name, category, local_legal_person, region_code, reporting_from, webhook_url, webhook_secret, created_at, updated_at)
        VALUES (@Code, @Name, @Category, @LocalLegalPerson, @RegionCode, @ReportingFrom, @WebhookUrl, @WebhookSecret, @CreatedAt, @UpdatedAt)
        """;

    private const string UpdateSql = """
        UPDATE institutions
        SET name = @Name, category = @Category, local_legal_person = @LocalLegalPerson, region_code = @RegionCode,
            reporting_from = @ReportingFrom, webhook_url = @WebhookUrl, updated_at = @UpdatedAt
        WHERE code = @Code
        """;

    private const string FindSql = $"SELECT {Columns} FROM institutions i WHERE i.code = @code AND {Scope.Filter}";
    private const string ListWhere = $"WHERE {Scope.Filter} AND (@RegionLike IS NULL OR i.region_code LIKE @RegionLike)";
    private const string CountSql = $"SELECT COUNT(*) FROM institutions i {ListWhere}";
    private const string ListSql = $"SELECT {Columns} FROM institutions i {ListWhere} ORDER BY i.code";
    private const string AllSql = $"SELECT {Columns} FROM institutions i WHERE {Scope.Filter} ORDER BY i.code";

    /// <summary>Creates an institution; <c>false</c> when the code exists already.</summary>
    public async Task<bool> CreateAsync(Institution institution, string webhookSecret, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(connection.Sql(InsertSql), new
            {
                institution.Code, institution.Name, institution.Category, institution.LocalLegalPerson, institution.RegionCode,
                institution.ReportingFrom, institution.WebhookUrl, WebhookSecret = webhookSecret, institution.CreatedAt, institution.UpdatedAt,
            }, cancellationToken: ct));
            return true;
        }
        catch (System.Data.Common.DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            return false;
        }
    }

    /// <summary>Updates every field but the code and the creation time; <c>false</c> when there is no such institution.</summary>
    public async Task<bool> UpdateAsync(Institution institution, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var updated = await connection.ExecuteAsync(new CommandDefinition(connection.Sql(UpdateSql), new
        {
            institution.Code, institution.Name, institution.Category, institution.LocalLegalPerson, institution.RegionCode,
            institution.ReportingFrom, institution.WebhookUrl, institution.UpdatedAt,
        }, cancellationToken: ct)) == 1;
        exceptions.ScopesChanged(); // a region changed moves the institution's exceptions in or out of regulators' lists
        return updated;
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
