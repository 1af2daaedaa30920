using System.Globalization;
using Compliance.Api.Access;
using Compliance.Api.Http;
using Compliance.Data;
using Compliance.Engine.Analytics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Compliance.Api.Analytics;

/// <summary>
/// Who may ask for a jurisdiction's analytics (analytics.md, "Access"): an admin any jurisdiction (national by
/// default); a regulator its own or one inside it (its own by default), 403 for a wider or a disjoint one; an
/// institution none (403). A jurisdiction is "" or 2, 4 or 6 digits, else 400.
/// </summary>
internal static class AnalyticsAccess
{
    /// <summary>The jurisdiction the caller asks for, as the scope of what the answer may count; or the refusal.</summary>
    public static bool TryJurisdiction(Caller caller, string? asked, out Scope scope, out ProblemHttpResult? refusal)
    {
        ArgumentNullException.ThrowIfNull(caller);
        scope = Scope.Everything;
        refusal = null;
        if (caller.IsInstitution)
        {
            refusal = Problems.ForbiddenResult("机构密钥只能通过 /institutions/{code}/ 查看本机构的数据，不能查看辖区的数据。", "An institution key reads its own figures under /institutions/{code}/, not a jurisdiction's.");
            return false;
        }

        if (asked is not null && !Jurisdictions.IsValid(asked))
        {
            refusal = Problems.Invalid("jurisdiction", "jurisdiction 应为 \"\"（全国）或 2、4、6 位的行政区划代码前缀。", "jurisdiction is \"\" (national) or a region prefix of 2, 4 or 6 digits.");
            return false;
        }

        var own = caller.IsRegulator ? caller.Jurisdiction ?? "" : "";
        var jurisdiction = asked ?? own;
        if (!jurisdiction.StartsWith(own, StringComparison.Ordinal))
        {
            refusal = Problems.ForbiddenResult($"该密钥的辖区为“{own}”，只能查询该辖区或其下辖区，不能查询“{jurisdiction}”。", $"This key's jurisdiction is '{own}'; it may ask for that one or one inside it, not '{jurisdiction}'.");
            return false;
        }

        scope = new Scope(null, jurisdiction);
        return true;
    }

    /// <summary>
    /// How much of a target of <paramref name="targetJurisdiction"/> the caller may read (analytics.md, "Regional
    /// targets"): all of it for an admin and for a regulator whose jurisdiction is a prefix of the target's; its own
    /// contribution for a regulator inside the target's jurisdiction; <c>null</c> (not visible) for a regulator of a
    /// disjoint jurisdiction, and for an institution.
    /// </summary>
    public static ProgressExtent? ExtentOf(Caller caller, string targetJurisdiction)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(targetJurisdiction);
        if (caller.IsInstitution)
        {
            return null;
        }

        var own = caller.IsRegulator ? caller.Jurisdiction ?? "" : "";
        return targetJurisdiction.StartsWith(own, StringComparison.Ordinal) ? ProgressExtent.Full
            : own.StartsWith(targetJurisdiction, StringComparison.Ordinal) ? ProgressExtent.Contribution
            : null;
    }

    /// <summary>
    /// The required year of a view, within the years the service accepts; it is bound as text and checked here, after
    /// the access checks, so a caller learns nothing from a 400 about what it may not see.
    /// </summary>
    public static bool TryYear(string? text, out int year, out ProblemHttpResult invalid)
    {
        invalid = null!;
        var first = AcceptedRanges.FirstPeriod.Year;
        var last = AcceptedRanges.LastPeriod.Year;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out year) && year >= first && year <= last)
        {
            return true;
        }

        invalid = Problems.Invalid("year", $"year 为必填项：{first} 至 {last} 的年份。", $"year is required: a year from {first} to {last}.");
        return false;
    }
}

/// <summary>The year of a view, bound as text (see <see cref="AnalyticsAccess.TryYear"/>).</summary>
public sealed record YearQuery
{
    [FromQuery(Name = "year")]
    public string? Year { get; init; }
}

/// <summary>The jurisdiction (<c>""</c>, 2, 4 or 6 digits) and the year of a view, bound as text so each has its own answer.</summary>
public sealed record JurisdictionYearQuery
{
    [FromQuery(Name = "jurisdiction")]
    public string? Jurisdiction { get; init; }

    [FromQuery(Name = "year")]
    public string? Year { get; init; }
}
