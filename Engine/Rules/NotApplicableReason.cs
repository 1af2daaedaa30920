namespace Compliance.Engine.Rules;

/// <summary>Why a rule is <c>notApplicable</c> (rules.md, "Outcomes"): the <c>reason</c> every such outcome carries.</summary>
public static class NotApplicableReason
{
    /// <summary>A denominator of the rule is 0.</summary>
    public const string ZeroBase = "zeroBase";

    /// <summary>The institution is outside the rule's <c>appliesTo</c>.</summary>
    public const string Population = "population";

    /// <summary>The period is outside the rule's <c>years</c>.</summary>
    public const string Years = "years";

    /// <summary>A strict <c>INDIVIDUAL_BUSINESS</c> where the institution has no such book.</summary>
    public const string NoBook = "noBook";

    /// <summary>A rule evaluated in its assessment month only, outside it.</summary>
    public const string NotAssessmentMonth = "notAssessmentMonth";
}
