using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Rules;

/// <summary>Exact rationals, so that a rule's comparison is exact and figures are stored unrounded.</summary>
public sealed class FractionTests
{
    [Test]
    public void Sum_OfDecimalTenthsAndFifths_IsExact()
    {
        var sum = Fraction.From(0.1m) + Fraction.From(0.2m);

        (sum == Fraction.From(0.3m)).Should().BeTrue();
    }

    [Test]
    public void Quotient_OneThirdTimesThree_IsExactlyOneWhereDecimalIsNot()
    {
        var third = Fraction.From(1m) / Fraction.From(3m);

        var product = third * Fraction.From(3m);

        using (new AssertionScope())
        {
            (product == Fraction.From(1m)).Should().BeTrue();
            (1m / 3m * 3m).Should().NotBe(1m, "decimal division rounds, which is why the rules compare fractions");
        }
    }

    [Test]
    public void Equality_SameValueWrittenDifferently_IsEqualWithEqualHashCodes()
    {
        var (a, b, c) = (Fraction.From(1.50m), Fraction.From(1.5m), Fraction.From(3m) / Fraction.From(2m));

        using (new AssertionScope())
        {
            a.Should().Be(b);
            a.Should().Be(c);
            a.GetHashCode().Should().Be(b.GetHashCode()).And.Be(c.GetHashCode());
            a.CompareTo(c).Should().Be(0);
        }
    }

    [Test]
    public void Division_ByNegative_NormalisesTheSign()
    {
        var half = Fraction.From(1m) / Fraction.From(-2m);

        using (new AssertionScope())
        {
            (half == Fraction.From(-0.5m)).Should().BeTrue();
            half.Denominator.Sign.Should().Be(1);
            (half < Fraction.Zero).Should().BeTrue();
        }
    }

    [TestCase("0.3333333333333333333333333333", "0.3333333333333333333333333334", -1)]
    [TestCase("-1", "-0.9999999999999999999999999999", -1)]
    [TestCase("2", "2.0000", 0)]
    [TestCase("0.0000000000000000000000000002", "0.0000000000000000000000000001", 1)]
    public void CompareTo_CloseDecimals_OrdersThemExactly(decimal a, decimal b, int expected)
    {
        var comparison = Fraction.From(a).CompareTo(Fraction.From(b));

        Math.Sign(comparison).Should().Be(expected);
    }

    [Test]
    public void Operators_AroundEquality_AgreeWithCompareTo()
    {
        var (small, large) = (Fraction.From(2m) / Fraction.From(3m), Fraction.From(0.6666666666666666666666666667m));
        var same = Fraction.From(4m) / Fraction.From(6m);

        using (new AssertionScope())
        {
            (small < large).Should().BeTrue();
            (small <= large).Should().BeTrue();
            (small > large).Should().BeFalse();
            (small >= large).Should().BeFalse();
            (small != large).Should().BeTrue();
            (small >= same).Should().BeTrue();
            (small <= same).Should().BeTrue();
            (small == same).Should().BeTrue();
        }
    }

    [TestCase("21474836.48", 2_147_483_648L, 100L)]
    [TestCase("3000000000.00", 3_000_000_000L, 1L)]
    [TestCase("4294967295", 4_294_967_295L, 1L)]
    [TestCase("-2147483648", -2_147_483_648L, 1L)]
    public void From_DecimalWhoseMantissaWordHasItsTopBitSet_IsExact(decimal value, long numerator, long denominator)
    {
        // 21,474,836.48 is mantissa 2³¹ at scale 2: the top bit of the low 32-bit word, as in many real balances.
        var expected = Fraction.From(numerator) / Fraction.From(denominator);

        var fraction = Fraction.From(value);

        fraction.Should().Be(expected);
    }

    [Test]
    public void From_LargestDecimal_IsExact()
    {
        var value = Fraction.From(decimal.MaxValue);

        value.ToDecimal().Should().Be(decimal.MaxValue);
    }

    [Test]
    public void From_Long_IsExact()
    {
        var value = Fraction.From(long.MaxValue);

        value.ToDecimal().Should().Be(9_223_372_036_854_775_807m);
    }

    [Test]
    public void Percent_PartOfWhole_IsTimesHundred()
    {
        var percent = Fraction.Percent(Fraction.From(1m), Fraction.From(8m));

        percent.Should().Be(Fraction.From(12.5m));
    }

    [TestCase("110", "100", "10")]
    [TestCase("90", "100", "-10")]
    [TestCase("100", "100", "0")]
    [TestCase("1099.99", "1000", "9.999")]
    public void Growth_NowOverStart_IsPercentChange(decimal now, decimal start, decimal expected)
    {
        var growth = Fraction.Growth(Fraction.From(now), Fraction.From(start));

        growth.Should().Be(Fraction.From(expected));
    }

    [Test]
    public void Division_ByZero_Throws()
    {
        var divide = () => Fraction.From(1m) / Fraction.Zero;

        divide.Should().Throw<DivideByZeroException>();
    }

    [TestCase(2, 3, "0.6666666666666666666666666667")]
    [TestCase(-2, 3, "-0.6666666666666666666666666667")]
    [TestCase(1, 6, "0.1666666666666666666666666667")]
    [TestCase(1, 3, "0.3333333333333333333333333333")]
    [TestCase(1, 8, "0.125")]
    [TestCase(0, 7, "0")]
    public void ToDecimal_RepeatingValue_RoundsAtTheTwentyEighthDecimal(long numerator, long denominator, string expected)
    {
        var value = Fraction.From(numerator) / Fraction.From(denominator);

        var rounded = value.ToDecimal();

        rounded.Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [TestCase(1, "0.0000000000000000000000000001")]
    [TestCase(-1, "-0.0000000000000000000000000001")]
    public void ToDecimal_ExactHalfAtTheLastDigit_RoundsAwayFromZero(long sign, string expected)
    {
        // 5 × 10⁻²⁹ lies halfway between 0 and the smallest decimal step.
        var half = Fraction.From(sign) / Fraction.From(20_000_000_000_000_000_000_000_000_000m);

        var rounded = half.ToDecimal();

        rounded.Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Test]
    public void ToDecimal_LargeRepeatingValue_KeepsAsManyDecimalsAsFit()
    {
        var value = Fraction.From(100_000_000_000_000_000_000m) / Fraction.From(3m);

        var rounded = value.ToDecimal();

        rounded.Should().Be(33_333_333_333_333_333_333.333333333m);
    }

    [Test]
    public void ToDecimal_BeyondDecimalRange_ThrowsOverflow()
    {
        var huge = Fraction.From(long.MaxValue) * Fraction.From(long.MaxValue);

        var convert = () => huge.ToDecimal();

        convert.Should().Throw<OverflowException>();
    }

    [Test]
    public void ToString_NegativeQuotient_IsTheInvariantDecimal()
    {
        var text = (Fraction.From(-12.5m) / Fraction.From(10m)).ToString();

        text.Should().Be("-1.2500000000000000000000000000");
    }
}
