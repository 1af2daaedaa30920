using Compliance.Engine.Indicators;

namespace Compliance.Engine.Tests.Indicators;

/// <summary>Expected snapshots.</summary>
internal static class Snapshots
{
    /// <summary>A snapshot whose PBoC 口径 counts alike (no borrower's effective line is exactly 10,000,000.00).</summary>
    public static IndicatorSnapshot InBothScopes(IndicatorSnapshot cbirc) => cbirc with { Pboc = cbirc with { Pboc = null } };
}
