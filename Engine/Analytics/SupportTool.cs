using System.Text.Json;

namespace Compliance.Engine.Analytics;

/// <summary>The rate of the support tool over a run of quarters, both inclusive, in percent of the quarter's increase.</summary>
public sealed record SupportToolRate(Quarter From, Quarter To, decimal RatePct);

/// <summary>
/// One quarter of an institution under the support tool (analytics.md): its 普惠小微 balance (PBoC 口径) at the end of
/// the quarter before and at its own end, where it has those snapshots; the increase and the amount only where it has both.
/// </summary>
public sealed record SupportToolQuarter(Quarter Quarter, decimal? StartBalance, decimal? EndBalance, decimal? Increase, decimal RatePct, decimal? Amount);

/// <summary>
/// 普惠小微贷款支持工具: the PBoC funds each local legal-person institution every quarter with a percentage of the
/// quarter's increase in its 普惠小微 balance. The schedule of percentages is data (<c>db/seed/support-tool.json</c>).
/// </summary>
public sealed class SupportTool
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private SupportTool(string source, IReadOnlyList<SupportToolRate> rates)
    {
        Source = source;
        Rates = rates;
    }

    /// <summary>Where the schedule comes from.</summary>
    public string Source { get; }

    /// <summary>The runs of quarters with a rate, oldest first, none overlapping.</summary>
    public IReadOnlyList<SupportToolRate> Rates { get; }

    /// <summary>
    /// Reads and checks a schedule: <c>{source, rates: [{from: "2022Q1", to, ratePct}]}</c>, each run from a quarter
    /// to one not before it, a rate from 0 to 100, runs in order and not overlapping. Throws <see cref="FormatException"/>.
    /// </summary>
    public static SupportTool Read(Stream file)
    {
        var parsed = JsonSerializer.Deserialize<FileDto>(file, Json) ?? throw new FormatException("The support tool schedule is empty.");
        if (string.IsNullOrWhiteSpace(parsed.Source))
        {
            throw new FormatException("The support tool schedule names no source.");
        }

        if (parsed.Rates is not { Count: > 0 })
        {
            throw new FormatException("The support tool schedule has no rates.");
        }

        var rates = new List<SupportToolRate>();
        foreach (var rate in parsed.Rates)
        {
            if (!Quarter.TryParse(rate.From, out var from) || !Quarter.TryParse(rate.To, out var to))
            {
                throw new FormatException($"A support tool rate runs from '{rate.From}' to '{rate.To}': both must be quarters, yyyyQn.");
            }

            if (from > to)
            {
                throw new FormatException($"A support tool rate runs from {from} to {to}, which is before it.");
            }

            if (rate.RatePct is not { } pct || pct < 0m || pct > 100m)
            {
                throw new FormatException($"The support tool rate from {from} is '{rate.RatePct}': a percentage from 0 to 100.");
            }

            if (rates.Count > 0 && rates[^1].To >= from)
            {
                throw new FormatException($"The support tool rate from {from} overlaps, or comes before, the one to {rates[^1].To}.");
            }

            rates.Add(new SupportToolRate(from.Value, to.Value, pct));
        }

        return new SupportTool(parsed.Source, rates);
    }

    /// <summary>The schedule's rate of a quarter, in percent; 0 where it has none.</summary>
    public decimal RatePct(Quarter quarter) => Rates.FirstOrDefault(r => r.From <= quarter && quarter <= r.To)?.RatePct ?? 0m;

    /// <summary>
    /// The amount of a quarter's increase: max(0, increase) × ratePct / 100, rounded once to the fen, half up; 0 where
    /// the institution is not eligible.
    /// </summary>
    public static decimal Amount(bool eligible, decimal increase, decimal ratePct) =>
        eligible ? decimal.Round(Math.Max(0m, increase) * ratePct / 100m, 2, MidpointRounding.AwayFromZero) : 0m;

    /// <summary>
    /// An institution's quarter from its balances at the quarter's start and end (null where it lacks that snapshot, or
    /// the snapshot has no PBoC 口径 figures): the increase and amount are null unless it has both.
    /// </summary>
    public SupportToolQuarter QuarterOf(Quarter quarter, bool eligible, decimal? startBalance, decimal? endBalance)
    {
        var ratePct = RatePct(quarter);
        decimal? increase = startBalance is { } start && endBalance is { } end ? end - start : null;
        return new SupportToolQuarter(quarter, startBalance, endBalance, increase, ratePct, increase is { } i ? Amount(eligible, i, ratePct) : null);
    }

    private sealed record FileDto(string? Source, List<RateDto>? Rates);

    private sealed record RateDto(string? From, string? To, decimal? RatePct);
}
