using Compliance.Engine.Ledger;
using NodaTime;

namespace Compliance.Engine.Indicators;

/// <summary>W003 (数据质量): total balance moved more than 50 % against the latest accepted ledger of the month before.</summary>
public static class BalanceMovement
{
    /// <summary>The largest movement, in percent, that passes without a warning.</summary>
    public const decimal ThresholdPercent = 50m;

    /// <summary>
    /// The warnings of an accepted ledger, its own and W003 against the month before, kept to the first
    /// <see cref="LedgerValidator.KeptWarnings"/> like every warning, with their true count.
    /// </summary>
    public static (IReadOnlyList<LedgerIssue> Warnings, long Count) Warnings(LedgerReadResult result, IndicatorSnapshot? previous, YearMonth previousPeriod)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Snapshot is not { } snapshot || Check(snapshot, previous, previousPeriod) is not { } moved)
        {
            return (result.Warnings, result.WarningCount);
        }

        var warnings = result.Warnings.ToList();
        if (warnings.Count < LedgerValidator.KeptWarnings)
        {
            warnings.Add(moved);
        }

        return (warnings, result.WarningCount + 1);
    }

    /// <summary>The W003 warning, or <c>null</c> where there is no previous ledger or the movement is within 50 %.</summary>
    public static LedgerIssue? Check(IndicatorSnapshot current, IndicatorSnapshot? previous, YearMonth previousPeriod)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (previous is null || previous.TotalBalance == 0)
        {
            return null;
        }

        var moved = (current.TotalBalance - previous.TotalBalance) * 100m / previous.TotalBalance;
        if (Math.Abs(moved) <= ThresholdPercent)
        {
            return null;
        }

        return LedgerIssue.Of(null, LedgerColumns.NameOf(LedgerColumn.Balance), LedgerCodes.BalanceMoved, LedgerMessages.BalanceMoved,
            Periods.Invariant($"{current.TotalBalance:0.00}"), Periods.Invariant($"{moved:0.00}"), Periods.Invariant($"{previous.TotalBalance:0.00}"), Periods.Format(previousPeriod));
    }
}
