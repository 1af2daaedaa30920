using System.Text.Json;
using Compliance.Engine.Analytics;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Tests.Analytics;

/// <summary>Reading a whole target: every field checked, each refusal naming its field.</summary>
public sealed class TargetReaderTests
{
    private const string Valid = """
        {"name": {"zh": "目标", "en": "Target"}, "source": "通知", "jurisdiction": "1411", "year": 2022, "population": {},
         "measure": "growthPct(totalBalance)", "op": ">=", "value": 10}
        """;

    private static TargetSpec? Read(string json, out IReadOnlyDictionary<string, LocalizedText[]> errors)
    {
        using var document = JsonDocument.Parse(json);
        return TargetReader.Read(document.RootElement, out errors);
    }

    private static string With(string changes)
    {
        var target = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Valid)!;
        foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(changes)!)
        {
            if (value.ValueKind == JsonValueKind.Undefined || (value.ValueKind == JsonValueKind.String && value.GetString() == "<absent>"))
            {
                target.Remove(key);
            }
            else
            {
                target[key] = value;
            }
        }

        return JsonSerializer.Serialize(target);
    }

    [Test]
    public void Reads_AValueTarget()
    {
        var spec = Read(Valid, out var errors);

        errors.Should().BeEmpty();
        spec!.Jurisdiction.Should().Be("1411");
        spec.Year.Should().Be(2022);
        spec.Population.Should().Be(new TargetPopulation());
        spec.Measure.ToString().Should().Be("growthPct(totalBalance)");
        spec.Value.Should().Be(10m);
        spec.Versus.Should().BeNull();
        spec.Scope.Should().BeNull();
    }

    [Test]
    public void Reads_AVersusTarget_WithPopulationsAndScope()
    {
        var spec = Read(With("""
            {"population": {"localLegalPerson": true}, "measure": "growthPct(inclusiveBalance)", "op": ">", "value": "<absent>",
             "versus": {"population": {"categories": ["large_state", "joint_stock"]}, "measure": "growthPct(inclusiveBalance)"}, "scope": "pboc"}
            """), out var errors);

        errors.Should().BeEmpty();
        spec!.Population.LocalLegalPerson.Should().BeTrue();
        spec.Population.Categories.Should().BeNull();
        spec.Versus!.Population.Categories.Should().Equal("large_state", "joint_stock");
        spec.Versus.Measure.Kind.Should().Be(TargetMeasureKind.GrowthPct);
        spec.Scope.Should().Be(StatisticalScope.Pboc);
        spec.Meets(5m, 5m).Should().BeFalse();
        spec.Meets(5.0001m, 5m).Should().BeTrue();
    }

    [Test]
    public void Population_NullFields_RestrictNothing() =>
        Read(With("""{"population": {"categories": null, "localLegalPerson": null}}"""), out _)!.Population.Should().Be(new TargetPopulation());

    [Test]
    public void Scope_IsIgnored_WhereTheMeasureNamesNoInclusiveIndicator() =>
        Read(With("""{"scope": "cbirc"}"""), out _)!.Scope.Should().BeNull();

    [Test]
    public void WritesJson_ThatReadsBackTheSameTarget()
    {
        var spec = Read(With("""
            {"population": {"categories": ["rural"], "localLegalPerson": true}, "measure": "shareChangePp(inclusiveCreditBalance, inclusiveBalance)",
             "op": ">", "value": 0.125, "scope": "cbirc"}
            """), out _)!;

        using var document = JsonDocument.Parse(spec.ToJson().ToJsonString());
        var again = TargetReader.Read(document.RootElement, out var errors)!;

        errors.Should().BeEmpty();
        again.Should().BeEquivalentTo(spec, o => o.ComparingByMembers<TargetSpec>());
        again.Value.Should().Be(0.125m);
    }

    [TestCase("""{"measure": "ratio(totalBalance)"}""", "measure")]
    [TestCase("""{"measure": "growthPct(loans)"}""", "measure")]
    [TestCase("""{"measure": "cumulative(totalBalance)"}""", "measure")]
    [TestCase("""{"measure": 3}""", "measure")]
    [TestCase("""{"measure": "<absent>"}""", "measure")]
    [TestCase("""{"op": "<"}""", "op")]
    [TestCase("""{"op": "=="}""", "op")]
    [TestCase("""{"op": "<absent>"}""", "op")]
    [TestCase("""{"population": {"region": "14"}}""", "population.region")]
    [TestCase("""{"population": {"categories": ["bank"]}}""", "population.categories")]
    [TestCase("""{"population": {"categories": []}}""", "population.categories")]
    [TestCase("""{"population": {"categories": "rural"}}""", "population.categories")]
    [TestCase("""{"population": {"localLegalPerson": "yes"}}""", "population.localLegalPerson")]
    [TestCase("""{"population": []}""", "population")]
    [TestCase("""{"population": "<absent>"}""", "population")]
    [TestCase("""{"value": "10"}""", "value")]
    [TestCase("""{"value": "<absent>"}""", "value")]
    [TestCase("""{"versus": {"population": {}, "measure": "growthPct(inclusiveBalance)"}}""", "value")]
    [TestCase("""{"value": "<absent>", "versus": 3}""", "versus")]
    [TestCase("""{"value": "<absent>", "versus": {"population": {}, "measure": "speed(totalBalance)"}}""", "versus.measure")]
    [TestCase("""{"value": "<absent>", "versus": {"population": {"kind": 1}, "measure": "growthPct(totalBalance)"}}""", "versus.population.kind")]
    [TestCase("""{"value": "<absent>", "versus": {"measure": "growthPct(totalBalance)"}}""", "versus.population")]
    [TestCase("""{"value": "<absent>", "versus": {"population": {}, "measure": "growthPct(totalBalance)", "op": ">"}}""", "versus.op")]
    [TestCase("""{"measure": "growthPct(inclusiveBalance)"}""", "scope")]
    [TestCase("""{"value": "<absent>", "versus": {"population": {}, "measure": "change(inclusiveBorrowers)"}}""", "scope")]
    [TestCase("""{"measure": "growthPct(inclusiveBalance)", "scope": "both"}""", "scope")]
    [TestCase("""{"scope": "PBOC"}""", "scope")]
    [TestCase("""{"jurisdiction": "141"}""", "jurisdiction")]
    [TestCase("""{"jurisdiction": 1411}""", "jurisdiction")]
    [TestCase("""{"year": "2022"}""", "year")]
    [TestCase("""{"year": 1999}""", "year")]
    [TestCase("""{"name": {"zh": "目标"}}""", "name")]
    [TestCase("""{"name": "目标"}""", "name")]
    [TestCase("""{"source": 1}""", "source")]
    [TestCase("""{"threshold": 10}""", "threshold")]
    public void Refuses_NamingTheField(string changes, string field)
    {
        Read(With(changes), out var errors).Should().BeNull();
        errors.Should().ContainKey(field);
        errors[field].Should().ContainSingle().Which.ShouldBeInBothLanguages();
    }

    [Test]
    public void Refuses_AVersusMeasure_NamingItInBothLanguages()
    {
        Read(With("""{"value": "<absent>", "versus": {"population": {}, "measure": "speed(totalBalance)"}}"""), out var errors).Should().BeNull();

        var message = errors["versus.measure"].Single();
        message.En.Should().Be("versus.measure: 'speed' is not a measure; one of growthPct, increase, cumulative, shareChangePp, change.");
        message.Zh.Should().Be("versus.measure：“speed”不是可用的度量，应为 growthPct、increase、cumulative、shareChangePp、change 之一。");
    }

    [Test]
    public void Refuses_ABodyThatIsNotAnObject()
    {
        Read("[]", out var errors).Should().BeNull();
        errors.Should().ContainKey("body");
        errors["body"].Single().ShouldBeInBothLanguages();
    }
}
