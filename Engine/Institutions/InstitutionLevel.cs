namespace Compliance.Engine.Institutions;

/// <summary>
/// Where an institution stands among legal persons (法人) and their branches (分支机构) (api.md, "Institutions and
/// keys"): its level, and which level fits which kind of institution.
/// </summary>
/// <remarks>
/// A legal person is its own head office (总行/法人), except a provincial rural credit union (省联社), the one legal
/// person that stands at provincial level. The union is told apart by what it is: a legal person of category
/// <c>rural</c> (农村商业银行/农信社) at <c>provincial</c> level; a legal person of any other category claiming that
/// level is refused. A branch stands at provincial (省级), municipal (地市级) or county (县级) level.
/// </remarks>
public static class InstitutionLevel
{
    /// <summary>总行/法人: a legal person.</summary>
    public const string HeadOffice = "head_office";

    /// <summary>省级: a provincial branch, or a provincial rural credit union (省联社).</summary>
    public const string Provincial = "provincial";

    /// <summary>地市级: a municipal branch.</summary>
    public const string Municipal = "municipal";

    /// <summary>县级: a county branch.</summary>
    public const string County = "county";

    /// <summary>The category of a provincial rural credit union: the one legal person that may stand at provincial level.</summary>
    public const string RuralCategory = "rural";

    /// <summary>Every level, from the top.</summary>
    public static IReadOnlyList<string> All { get; } = [HeadOffice, Provincial, Municipal, County];

    /// <summary>The level of an institution registered without one: a legal person's head office, else a municipal branch.</summary>
    public static string DefaultFor(bool legalPerson) => legalPerson ? HeadOffice : Municipal;

    /// <summary>Whether <paramref name="level"/> fits a legal person (or a branch) of <paramref name="category"/>.</summary>
    public static bool Fits(bool legalPerson, string category, string level) => legalPerson
        ? level == HeadOffice || (level == Provincial && category == RuralCategory)
        : level is Provincial or Municipal or County;
}
