using Compliance.Engine.Ledger;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>The GB 32100-2015 check character of 统一社会信用代码 (ledger.md, the example's last paragraph).</summary>
public sealed class CreditCodeTests
{
    [TestCase("91100000100003962T")]
    [TestCase("91371300MA3C1XY40W")]
    public void IsValid_CodesOfTheSpec_AreValid(string code)
    {
        var valid = CreditCode.IsValid(code);

        valid.Should().BeTrue();
    }

    [TestCase("91100000100003962A")]
    [TestCase("91100000100003962U")]
    [TestCase("91371300MA3C1XY40X")]
    [TestCase("91371300MA3C1XY41W")]
    public void IsValid_WrongCheckCharacter_IsInvalid(string code)
    {
        var valid = CreditCode.IsValid(code);

        valid.Should().BeFalse();
    }

    [Test]
    public void IsValid_SumDivisibleBy31_ExpectsCheckCharacterZero()
    {
        // Every weight times 0 sums to 0; 31 - 0 mod 31 is 31, which becomes index 0.
        var valid = CreditCode.IsValid("000000000000000000");

        valid.Should().BeTrue();
    }

    [TestCase("")]
    [TestCase("91100000100003962")]
    [TestCase("91100000100003962T0")]
    public void IsValid_NotEighteenCharacters_IsInvalid(string code)
    {
        var valid = CreditCode.IsValid(code);

        valid.Should().BeFalse();
    }

    [TestCase('I')]
    [TestCase('O')]
    [TestCase('S')]
    [TestCase('V')]
    [TestCase('Z')]
    [TestCase('a')]
    [TestCase('-')]
    public void IsValid_CharacterOutsideTheAlphabet_IsInvalid(char outsider)
    {
        var code = "9" + outsider + "100000100003962T";

        var valid = CreditCode.IsValid(code);

        valid.Should().BeFalse();
    }
}
