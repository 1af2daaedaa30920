namespace Compliance.Engine.Ledger;

/// <summary>
/// Reads a plain decimal number (optional sign, digits, optional point and digits; no exponent, no separators)
/// exactly into an integer count of 10^-<c>decimals</c> units, for example yuan into fen. Trailing zeros past the
/// allowed decimals are accepted (<c>100.500</c> is 10050 fen); other digits past them are excess precision.
/// </summary>
public static class FixedPoint
{
    /// <summary>What reading a number found.</summary>
    public enum Outcome
    {
        Ok,
        NotANumber,
        TooPrecise,
        TooLarge,
    }

    // 10^17 leaves room for one more digit and a sign in a long.
    private const long Limit = 100_000_000_000_000_000;

    /// <summary>Reads <paramref name="text"/> (surrounding white space ignored) as units of 10^-<paramref name="decimals"/>.</summary>
    public static Outcome TryRead(ReadOnlySpan<char> text, int decimals, out long units)
    {
        units = 0;
        text = text.Trim();
        var negative = false;
        if (!text.IsEmpty && text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        var digits = 0;
        var fraction = -1;
        var excess = false;
        long value = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (fraction >= 0)
                {
                    return Outcome.NotANumber;
                }

                fraction = 0;
                continue;
            }

            if (c is < '0' or > '9')
            {
                return Outcome.NotANumber;
            }

            digits++;
            if (fraction >= 0 && ++fraction > decimals)
            {
                excess |= c != '0';
                continue;
            }

            value = (value * 10) + (c - '0');
            if (value >= Limit)
            {
                return Outcome.TooLarge;
            }
        }

        if (digits == 0)
        {
            return Outcome.NotANumber;
        }

        if (excess)
        {
            return Outcome.TooPrecise;
        }

        for (var scale = Math.Max(fraction, 0); scale < decimals; scale++)
        {
            value *= 10;
            if (value >= Limit)
            {
                return Outcome.TooLarge;
            }
        }

        units = negative ? -value : value;
        return Outcome.Ok;
    }
}
