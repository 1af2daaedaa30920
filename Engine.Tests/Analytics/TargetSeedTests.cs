using System.Text.Json;
using Compliance.Engine.Analytics;

namespace Compliance.Engine.Tests.Analytics;

/// <summary>The built-in targets of <c>db/seed/targets.json</c>: the ten of analytics.md, each valid, each naming its document.</summary>
public sealed class TargetSeedTests
{
    [Test]
    public void SeedTargets_AreTheTenOfTheSpec_AndEachReads()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Compliance.sln")))
        {
            directory = directory.Parent;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory!.FullName, "db", "seed", "targets.json")));
        var targets = document.RootElement.GetProperty("targets").EnumerateArray().ToDictionary(
            t => t.GetProperty("id").GetString()!,
            t => TargetReader.Read(t, out var errors) ?? throw new AssertionException(string.Join(" ", errors.Values.SelectMany(e => e).Select(t => t.En))));

        targets.Keys.Should().BeEquivalentTo(
            "linyi-operating-increase", "linyi-inclusive-disbursed", "shandong-operating-increase", "shandong-inclusive-disbursed", "luliang-total-growth",
            "luliang-inclusive-vs-total", "luliang-national-banks", "luliang-local-vs-national", "luliang-borrowers", "luliang-credit-share");
        targets.Values.Should().OnlyContain(t => t.Year == 2022);
        targets["shandong-inclusive-disbursed"].Value.Should().Be(1_000_000_000_000m);
        targets["luliang-inclusive-vs-total"].Versus!.Measure.ToString().Should().Be("growthPct(totalBalance)");
        targets["luliang-local-vs-national"].Versus!.Population.Categories.Should().Equal("large_state", "joint_stock", "policy");
        targets["luliang-national-banks"].Population.Categories.Should().Equal("large_state", "joint_stock", "policy");
        targets.Where(t => t.Key.StartsWith("luliang-", StringComparison.Ordinal)).Should()
            .OnlyContain(t => t.Value.Source == "《中国人民银行吕梁市中心支行关于金融支持吕梁市场主体倍增工程的实施意见》");
        targets.Where(t => t.Key.StartsWith("shandong-", StringComparison.Ordinal)).Should().OnlyContain(t => t.Value.Source!.StartsWith("济银发〔2022〕61号", StringComparison.Ordinal));
        targets.Where(t => t.Key.StartsWith("linyi-", StringComparison.Ordinal)).Should().OnlyContain(t => t.Value.Source!.StartsWith("临银发〔2022〕45号", StringComparison.Ordinal));
        targets["luliang-credit-share"].Measure.ToString().Should().Be("shareChangePp(inclusiveCreditBalance, inclusiveBalance)");
    }
}
