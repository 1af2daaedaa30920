using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Deadlines;

/// <summary>
/// A sweep on top of another reads only the filings no sweep has read yet; a database of the version before counts
/// every filing as read. Its first sweep after the upgrade plans every deadline anew and reads every filing, so a
/// deliverable filed late between the last sweep before the upgrade and the first after still gets its event, once.
/// </summary>
public sealed class SweptFilingsUpgradeTests
{
    private const string Script = "0022_swept_filings.sql";

    [Test]
    public async Task FilingOfTheEarlierVersion_NotYetSwept_GetsItsFiledLateEvent_OnTheFirstSweepAfterTheUpgrade()
    {
        var path = await TestDatabases.SqliteBeforeAsync(Script, """
            INSERT INTO obligations (code, name_zh, name_en, region_prefix, year_from, year_to, due, created_at) VALUES
                ('CREDIT_POLICY_DIGEST', '梳理信贷政策报送人民银行', 'Credit policy digest to the PBoC', '3713', 2022, NULL, 'endOfMonth(5)', @now);
            INSERT INTO institutions (code, name, category, local_legal_person, region_code, reporting_from, webhook_url, webhook_secret, created_at, updated_at,
                legal_person, level)
            VALUES ('UP-BANK', '升级农商行', 'rural', 1, '371302', '2022-01', NULL, 's1', @now, @now, 1, 'head_office');
            INSERT INTO exceptions (institution, period, "rule", subject, severity, status, figures, baselines, message_zh, message_en, created_at, updated_at) VALUES
                ('UP-BANK', '2022-05', 'DEADLINE_MISSED', 'CREDIT_POLICY_DIGEST', 'breach', 'open', '{"obligation":"CREDIT_POLICY_DIGEST","dueDate":"2022-05-31"}', '{}',
                 '梳理信贷政策报送人民银行（2022-05）截止日 2022-05-31 已过，仍未报送。', 'Credit policy digest to the PBoC (2022-05) was due on 2022-05-31 and has not been filed.', @now, @now);
            INSERT INTO sweeps (swept_on, facts, since, deadlines, reminders, exceptions, completed_at)
            VALUES ('2022-06-09', 'facts of the version before', NULL, 1, 0, 1, '2022-06-09T01:00:00.000Z');
            INSERT INTO deliverables (obligation, institution, year, media_type, bytes, sha256, received_at, content)
            VALUES ('CREDIT_POLICY_DIGEST', 'UP-BANK', 2022, 'application/pdf', 1, '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '2022-06-10T02:00:00.000Z', x'00');
            """);
        using var factory = new ComplianceApiFactory(location: path);
        using var admin = factory.Admin();

        await admin.SweepAsync("2022-06-12");
        await admin.SweepAsync("2022-06-13");
        var missed = (await admin.ExceptionsAsync("&rule=DEADLINE_MISSED&institution=UP-BANK&period=2022-05")).Single();
        var events = (await admin.GetJsonAsync($"/api/v1/exceptions/{missed["id"]}"))["events"]!.AsArray().Select(e => e!.AsObject()).ToList();

        using var scope = new AssertionScope();
        events.Where(e => e["kind"]!.GetValue<string>() == "filedLate").Should().ContainSingle("the digest was filed 10 days late, before the upgrade and after the last sweep")
            .Which["note"]!.GetValue<string>().Should().Be("filed 10 days late");
        missed["status"]!.GetValue<string>().Should().Be("open", "filing late leaves the exception's resolution to the regulator");
        factory.DeleteDatabase();
    }
}
