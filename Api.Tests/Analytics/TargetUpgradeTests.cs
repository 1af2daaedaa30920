using System.Text.Json.Nodes;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Analytics;

/// <summary>
/// A database of the version before: its built-in targets get a new version each, as analytics.md now has them,
/// where an admin has not replaced them; every version says who put it, an admin's version the key the audit log names.
/// </summary>
public sealed class TargetUpgradeTests
{
    private const string Script = "0017_luliang_targets.sql";
    private const string Before = "2022-06-01T00:00:00.000Z";

    // The built-in targets as the version before seeded them; luliang-borrowers replaced by key 7, tg-own put by key 9.
    private const string Rows = $$"""
        INSERT INTO targets (id, version, jurisdiction, year, definition, created_at) VALUES
        ('shandong-operating-increase', 1, '37', 2022, '{"name":{"zh":"千亿惠商户：经营性贷款余额增加1000亿元","en":"Operating loans up by CNY 100 billion"},"source":"山东省“助企惠商”专项行动（万亿助小微，千亿惠商户）","jurisdiction":"37","year":2022,"population":{},"measure":"increase(operatingBalance)","op":">=","value":100000000000}', '{{Before}}'),
        ('luliang-national-banks', 1, '1411', 2022, '{"name":{"zh":"全国性银行普惠小微贷款增速高于30%","en":"National banks'' inclusive loans grow by more than 30%"},"source":"吕梁市2022年普惠小微金融服务目标","jurisdiction":"1411","year":2022,"population":{"categories":["large_state","joint_stock"]},"measure":"growthPct(inclusiveBalance)","op":">","value":30,"scope":"pboc"}', '{{Before}}'),
        ('luliang-local-vs-national', 1, '1411', 2022, '{"name":{"zh":"地方法人银行普惠小微贷款增速高于全国性银行","en":"Local legal persons'' inclusive loans grow faster than national banks''"},"source":"吕梁市2022年普惠小微金融服务目标","jurisdiction":"1411","year":2022,"population":{"localLegalPerson":true},"measure":"growthPct(inclusiveBalance)","op":">","versus":{"population":{"categories":["large_state","joint_stock"]},"measure":"growthPct(inclusiveBalance)"},"scope":"pboc"}', '{{Before}}'),
        ('luliang-borrowers', 1, '1411', 2022, '{"name":{"zh":"普惠小微贷款户数较年初增加","en":"More inclusive borrowers than at the start of the year"},"source":"吕梁市2022年普惠小微金融服务目标","jurisdiction":"1411","year":2022,"population":{},"measure":"change(inclusiveBorrowers)","op":">","value":0,"scope":"pboc"}', '{{Before}}'),
        ('luliang-borrowers', 2, '1411', 2022, '{"name":{"zh":"普惠小微贷款户数增加100户","en":"100 more inclusive borrowers"},"source":"吕梁市2022年普惠小微金融服务目标","jurisdiction":"1411","year":2022,"population":{},"measure":"change(inclusiveBorrowers)","op":">=","value":100,"scope":"pboc"}', '{{Before}}'),
        ('tg-own', 1, '1411', 2022, '{"name":{"zh":"各项贷款增速不低于12%","en":"Total loans grow by at least 12%"},"source":null,"jurisdiction":"1411","year":2022,"population":{},"measure":"growthPct(totalBalance)","op":">=","value":12,"scope":null}', '{{Before}}');
        INSERT INTO audit_log (at, key_id, role, method, path, status, target) VALUES
        ('{{Before}}', 5, 'admin', 'PUT', '/api/v1/targets/luliang-borrowers', 400, 'luliang-borrowers'),
        ('{{Before}}', 7, 'admin', 'PUT', '/api/v1/targets/luliang-borrowers', 200, 'luliang-borrowers'),
        ('{{Before}}', 9, 'admin', 'PUT', '/api/v1/targets/tg-own', 201, 'tg-own');
        """;

    [Test]
    public async Task BuiltInTargets_GetTheirCorrections_ThoseAnAdminReplacedAreKept()
    {
        var path = await TestDatabases.SqliteBeforeAsync(Script, Rows);

        using var factory = new ComplianceApiFactory(location: path);
        using var admin = factory.Admin();
        var items = (await admin.GetJsonAsync("/api/v1/targets?jurisdiction=1411&year=2022"))["items"]!.AsArray().ToDictionary(t => t!["id"]!.GetValue<string>(), t => t!);
        var shandong = (await admin.GetJsonAsync("/api/v1/targets?jurisdiction=37&year=2022"))["items"]!.AsArray().Single(t => t!["id"]!.GetValue<string>() == "shandong-operating-increase")!;

        using var scope = new AssertionScope();
        static IEnumerable<string> Categories(JsonNode population) => population["categories"]!.AsArray().Select(c => c!.GetValue<string>());
        const string Luliang = "《中国人民银行吕梁市中心支行关于金融支持吕梁市场主体倍增工程的实施意见》";
        var national = items["luliang-national-banks"];
        national["version"]!.GetValue<int>().Should().Be(2);
        Categories(national["population"]!).Should().Equal("large_state", "joint_stock", "policy");
        national["source"]!.GetValue<string>().Should().Be(Luliang);
        national["createdBy"]!.GetValue<string>().Should().Be("system");
        national["value"]!.GetValue<decimal>().Should().Be(30m);
        var versus = items["luliang-local-vs-national"];
        versus["version"]!.GetValue<int>().Should().Be(2);
        Categories(versus["versus"]!["population"]!).Should().Equal("large_state", "joint_stock", "policy");
        versus["population"]!["localLegalPerson"]!.GetValue<bool>().Should().BeTrue();
        versus["source"]!.GetValue<string>().Should().Be(Luliang);
        versus["createdBy"]!.GetValue<string>().Should().Be("system");
        var borrowers = items["luliang-borrowers"];
        borrowers["version"]!.GetValue<int>().Should().Be(2, "an admin's version is kept");
        borrowers["value"]!.GetValue<decimal>().Should().Be(100m);
        borrowers["createdBy"]!.GetValue<string>().Should().Be("7", "the key of the accepted PUT that made it, as the audit log names it");
        items["tg-own"]["version"]!.GetValue<int>().Should().Be(1);
        items["tg-own"]["createdBy"]!.GetValue<string>().Should().Be("9");
        items["luliang-total-growth"]["version"]!.GetValue<int>().Should().Be(1, "a built-in target the database lacked is seeded as it is now");
        items["luliang-total-growth"]["source"]!.GetValue<string>().Should().Be(Luliang);
        shandong["version"]!.GetValue<int>().Should().Be(2);
        shandong["source"]!.GetValue<string>().Should().Be("济银发〔2022〕61号 “齐心鲁力·助企惠商”专项行动");
        shandong["value"]!.GetValue<decimal>().Should().Be(100_000_000_000m);
        factory.DeleteDatabase();
    }
}
