using System.Globalization;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Calendar;

/// <summary>
/// For a ledger reminder, the institution's figure closest to a rule's threshold in its latest snapshot, against
/// the national defaults: the credit-loan share's change on the start of the year (target +1 pp), the inclusive NPL
/// ratio's gap over the total one (tolerance 3 pp), and inclusive growth against total growth (not below it).
/// </summary>
public static class ReminderFigures
{
    /// <summary>The closest figure as a sentence, or <c>null</c> where no rule's figures can be formed.</summary>
    public static LocalizedText? Closest(IndicatorSnapshot latest, IndicatorSnapshot? startOfYear)
    {
        ArgumentNullException.ThrowIfNull(latest);
        var candidates = new List<(decimal Margin, LocalizedText Text)>();
        if (latest.InclusiveBalance > 0 && latest.TotalBalance > 0)
        {
            var gap = (Fraction.Percent(Fraction.From(latest.InclusiveNplBalance), Fraction.From(latest.InclusiveBalance))
                - Fraction.Percent(Fraction.From(latest.TotalNplBalance), Fraction.From(latest.TotalBalance))).ToDecimal();
            candidates.Add((3m - gap, new LocalizedText(
                $"普惠型小微不良率高于各项贷款 {Pp(gap)}pp，容忍度 3pp",
                $"inclusive NPL ratio {Pp(gap)} pp above the total, tolerance 3 pp")));
        }

        if (startOfYear is { InclusiveBalance: > 0, TotalBalance: > 0 } start && latest.InclusiveBalance > 0)
        {
            var share = (Fraction.Percent(Fraction.From(latest.InclusiveCreditBalance), Fraction.From(latest.InclusiveBalance))
                - Fraction.Percent(Fraction.From(start.InclusiveCreditBalance), Fraction.From(start.InclusiveBalance))).ToDecimal();
            candidates.Add((share - 1m, new LocalizedText(
                $"信用贷款占比较年初 {Signed(share)}pp，目标 +1pp",
                $"credit-loan share {Signed(share)} pp on the start of the year, target +1 pp")));
            var growthGap = (Fraction.Growth(Fraction.From(latest.InclusiveBalance), Fraction.From(start.InclusiveBalance))
                - Fraction.Growth(Fraction.From(latest.TotalBalance), Fraction.From(start.TotalBalance))).ToDecimal();
            candidates.Add((growthGap, new LocalizedText(
                $"普惠型小微贷款增速较各项贷款 {Signed(growthGap)}pp，目标不低于各项贷款",
                $"inclusive growth {Signed(growthGap)} pp against total growth, target not below it")));
        }

        return candidates.Count == 0 ? null : candidates.MinBy(c => c.Margin).Text;
    }

    private static string Pp(decimal value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Signed(decimal value) => value.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
}
