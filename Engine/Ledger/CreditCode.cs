namespace Compliance.Engine.Ledger;

/// <summary>统一社会信用代码 (GB 32100-2015): 18 characters whose last is a check character.</summary>
public static class CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Whether <paramref name="code"/> is 18 characters of the alphabet with a correct check character.</summary>
    public static bool IsValid(ReadOnlySpan<char> code)
    {
        if (code.Length != 18)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var index = Alphabet.IndexOf(code[i]);
            if (index < 0)
            {
                return false;
            }

            sum += index * Weights[i];
        }

        var check = (31 - (sum % 31)) % 31;
        return code[17] == Alphabet[check];
    }
}
