using System.Net;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Rules;

/// <summary>
/// A database from before rule sets had a 口径: its versions become CBIRC's, the Shandong set gets its PBoC version
/// in force from 2022, and the Jiyuan and Lüliang sets retire, so they apply to no period.
/// </summary>
public sealed class RuleSetUpgradeTests
{
    private const string OldRules = """[{"rule":"INCLUSIVE_GROWTH","parameters":{"basis":"ytd"}},{"rule":"NPL_TOLERANCE","parameters":{"tolerancePp":3}},{"rule":"BASELINE_MISSING","parameters":{}}]""";

    [Test]
    public async Task OldBuiltInSets_AfterTheMigration_AreAsRulesMdHasThem()
    {
        string location;
        using (var fresh = new ComplianceApiFactory())
        {
            using var admin = fresh.Admin();
            (await admin.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
            location = fresh.Location;
        }

        // The sets as a database from before held them, with the migration that changes them not yet applied.
        await TestDatabases.ExecuteSqliteAsync(location, $"""
            DELETE FROM schema_migrations WHERE id LIKE '0008%';
            DELETE FROM rule_sets WHERE id = 'shandong';
            INSERT INTO rule_sets (id, version, jurisdiction, year_from, year_to, rules, created_at) VALUES
                ('shandong', 1, '37', 2000, NULL, '{OldRules}', '2022-01-01T00:00:00.000Z'),
                ('jiyuan', 1, '419001', 2000, NULL, '{OldRules}', '2022-01-01T00:00:00.000Z'),
                ('luliang', 1, '1411', 2000, NULL, '{OldRules}', '2022-01-01T00:00:00.000Z');
            """);

        using var upgraded = new ComplianceApiFactory(location: location);
        using var client = upgraded.Admin();
        var shandong = await client.GetJsonAsync("/api/v1/rule-sets/shandong");
        var jiyuan = await client.GetJsonAsync("/api/v1/rule-sets/jiyuan");
        using var henanBank = upgraded.ClientWithKey(await upgraded.CreateInstitutionAsync("H4190001", "419001"));
        var receipt = await henanBank.WaitForEvaluationAsync(await henanBank.SubmitAcceptedAsync("2022-12", Ledgers.Example));

        using var scope = new AssertionScope();
        shandong["version"]!.GetValue<int>().Should().Be(2);
        shandong["scope"]!.GetValue<string>().Should().Be("pboc");
        shandong["years"]!["from"]!.GetValue<int>().Should().Be(2022);
        shandong["rules"]!.AsArray().Select(r => r!["rule"]!.GetValue<string>()).Should().Contain("OPERATING_LOANS");
        shandong["history"]![0]!["scope"]!.GetValue<string>().Should().Be("cbirc", "every version stored before is CBIRC's");
        jiyuan["version"]!.GetValue<int>().Should().Be(2);
        jiyuan["retired"]!.GetValue<bool>().Should().BeTrue();
        receipt["evaluation"]!["ruleSets"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().Equal("national");
        upgraded.DeleteDatabase();
    }
}
