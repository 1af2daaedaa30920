namespace Compliance.Data;

/// <summary>
/// What a caller may see: one institution, the institutions whose region code starts with a prefix, or
/// everything. Queries filter by it in SQL, so counts never include what the caller may not see.
/// </summary>
public sealed record Scope(string? Institution, string? RegionPrefix)
{
    public static Scope Everything { get; } = new(null, null);

    /// <summary>The LIKE pattern of the region prefix (digits only, so nothing in it is a wildcard).</summary>
    public string? RegionLike => RegionPrefix is null ? null : RegionPrefix + "%";

    /// <summary>Whether an institution with the given code and region is visible.</summary>
    public bool Includes(string institution, string regionCode) =>
        (Institution is null || Institution == institution) &&
        (RegionPrefix is null || regionCode.StartsWith(RegionPrefix, StringComparison.Ordinal));

    /// <summary>The SQL condition for rows whose institution is <c>{alias}.institution</c> joined to <c>i</c>.</summary>
    internal const string Filter = "(@ScopeInstitution IS NULL OR i.code = @ScopeInstitution) AND (@ScopeRegionLike IS NULL OR i.region_code LIKE @ScopeRegionLike)";
}
