using Compliance.Engine.Analytics;

namespace Compliance.Data.Analytics;

/// <summary>The support tool's schedule of <c>db/seed/support-tool.json</c>, read and checked once.</summary>
public static class SupportToolSchedule
{
    private static readonly Lazy<SupportTool> Lazy = new(() =>
    {
        using var file = Seed.Open("support-tool.json");
        return SupportTool.Read(file);
    });

    public static SupportTool Current => Lazy.Value;
}
