using System.Numerics;

namespace Compliance.Engine.Rules;

/// <summary>
/// An exact rational number, so that a rule's comparison is exact however the ratios were formed: decimal
/// division rounds at 28 digits, and a growth rate exactly equal to another must compare equal.
/// </summary>
public readonly struct Fraction : IComparable<Fraction>, IEquatable<Fraction>
{
    private static readonly BigInteger MaxMantissa = (BigInteger.One << 96) - 1;

    private Fraction(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }

        Numerator = numerator;
        Denominator = denominator;
    }

    public BigInteger Numerator { get; }

    public BigInteger Denominator { get; }

    public static Fraction Zero => new(BigInteger.Zero, BigInteger.One);

    /// <summary>The exact value of a decimal.</summary>
    public static Fraction From(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = new BigInteger(unchecked((uint)bits[0])) | (new BigInteger(unchecked((uint)bits[1])) << 32) | (new BigInteger(unchecked((uint)bits[2])) << 64);
        var scale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0)
        {
            mantissa = -mantissa;
        }

        return new Fraction(mantissa, BigInteger.Pow(10, scale));
    }

    /// <summary>The exact value of an integer.</summary>
    public static Fraction From(long value) => new(value, BigInteger.One);

    /// <summary><paramref name="part"/> / <paramref name="whole"/> × 100; <paramref name="whole"/> must not be zero.</summary>
    public static Fraction Percent(Fraction part, Fraction whole) => part / whole * From(100);

    /// <summary>(x − x₀) / x₀ × 100, the growth of <paramref name="now"/> over <paramref name="start"/>.</summary>
    public static Fraction Growth(Fraction now, Fraction start) => Percent(now - start, start);

    public bool IsZero => Numerator.IsZero;

    public static Fraction operator +(Fraction a, Fraction b) => new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Fraction operator -(Fraction a, Fraction b) => new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Fraction operator *(Fraction a, Fraction b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Fraction operator /(Fraction a, Fraction b) =>
        b.IsZero ? throw new DivideByZeroException() : new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public static bool operator <(Fraction a, Fraction b) => a.CompareTo(b) < 0;

    public static bool operator >(Fraction a, Fraction b) => a.CompareTo(b) > 0;

    public static bool operator <=(Fraction a, Fraction b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Fraction a, Fraction b) => a.CompareTo(b) >= 0;

    public static bool operator ==(Fraction a, Fraction b) => a.CompareTo(b) == 0;

    public static bool operator !=(Fraction a, Fraction b) => a.CompareTo(b) != 0;

    public int CompareTo(Fraction other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    public bool Equals(Fraction other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is Fraction other && Equals(other);

    public override int GetHashCode()
    {
        var gcd = BigInteger.GreatestCommonDivisor(Numerator, Denominator);
        return gcd.IsZero ? 0 : HashCode.Combine(Numerator / gcd, Denominator / gcd);
    }

    /// <summary>The nearest decimal, with as many decimals as fit (up to 28): figures are stored unrounded.</summary>
    public decimal ToDecimal()
    {
        for (var scale = 28; scale >= 0; scale--)
        {
            var scaled = BigInteger.DivRem(Numerator * BigInteger.Pow(10, scale), Denominator, out var remainder);
            if (BigInteger.Abs(remainder) * 2 >= Denominator)
            {
                scaled += Numerator.Sign * Denominator.Sign;
            }

            var magnitude = BigInteger.Abs(scaled);
            if (magnitude <= MaxMantissa)
            {
                var lo = unchecked((int)(uint)(magnitude & uint.MaxValue));
                var mid = unchecked((int)(uint)((magnitude >> 32) & uint.MaxValue));
                var hi = unchecked((int)(uint)((magnitude >> 64) & uint.MaxValue));
                return new decimal(lo, mid, hi, scaled.Sign < 0, (byte)scale);
            }
        }

        throw new OverflowException("The value is beyond the range of decimal.");
    }

    public override string ToString() => ToDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
