using Compliance.Engine.Institutions;

namespace Compliance.Engine.Tests.Institutions;

public sealed class InstitutionLevelTests
{
    [TestCase(true, "joint_stock", "head_office", true)]
    [TestCase(true, "rural", "head_office", true)]
    [TestCase(true, "rural", "provincial", true)]
    [TestCase(true, "city_commercial", "provincial", false)]
    [TestCase(true, "village", "provincial", false)]
    [TestCase(true, "rural", "municipal", false)]
    [TestCase(true, "rural", "county", false)]
    [TestCase(false, "large_state", "head_office", false)]
    [TestCase(false, "large_state", "provincial", true)]
    [TestCase(false, "large_state", "municipal", true)]
    [TestCase(false, "rural", "county", true)]
    [TestCase(false, "rural", "national", false)]
    public void Fits_LegalPersonCategoryAndLevel_HoldsOnlyWhereApiMdAllows(bool legalPerson, string category, string level, bool fits)
    {
        var result = InstitutionLevel.Fits(legalPerson, category, level);

        result.Should().Be(fits);
    }

    [TestCase(true, "head_office")]
    [TestCase(false, "municipal")]
    public void DefaultFor_LegalPersonOrBranch_IsHeadOfficeOrMunicipal(bool legalPerson, string level)
    {
        var result = InstitutionLevel.DefaultFor(legalPerson);

        result.Should().Be(level);
        InstitutionLevel.Fits(legalPerson, "joint_stock", result).Should().BeTrue("a default always fits");
    }
}
