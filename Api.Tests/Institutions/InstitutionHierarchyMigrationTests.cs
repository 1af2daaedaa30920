using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Institutions;

/// <summary>
/// Institutions registered before legal persons and branches were told apart get the defaults of a POST: a local legal
/// person is a legal person at head_office level, any other institution a municipal branch, none with a parent.
/// </summary>
public sealed class InstitutionHierarchyMigrationTests
{
    private const string HierarchyScript = "0013_institution_hierarchy.sql";

    [Test]
    public async Task InstitutionsRegisteredBefore_GetTheDefaultsOfAPost()
    {
        var path = await TestDatabases.SqliteBeforeAsync(HierarchyScript, """
            INSERT INTO institutions (code, name, category, local_legal_person, region_code, reporting_from, webhook_url, webhook_secret, created_at, updated_at)
            VALUES ('OLD-RURAL', '老农商行', 'rural', 1, '371302', '2021-01', NULL, 's1', '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z'),
                   ('OLD-BRANCH', '老分行', 'joint_stock', 0, '370102', '2021-01', NULL, 's2', '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z')
            """);

        using var factory = new ComplianceApiFactory(location: path);
        using var admin = factory.Admin();
        var items = (await admin.GetJsonAsync("/api/v1/institutions?pageSize=500"))["items"]!.AsArray().Select(i => i!.AsObject()).ToList();

        using var scope = new AssertionScope();
        items.Select(i => (i["code"]!.GetValue<string>(), i["legalPerson"]?.GetValue<bool>(), i["level"]?.GetValue<string>(), i["parent"]?.GetValue<string>()))
            .Should().BeEquivalentTo(
            [
                ("OLD-BRANCH", (bool?)false, "municipal", (string?)null),
                ("OLD-RURAL", (bool?)true, "head_office", (string?)null),
            ]);
        items.Should().OnlyContain(i => i.ContainsKey("parent"));
        factory.DeleteDatabase();
    }
}
