using System.Net.Http.Json;
using Compliance.Api.Tests.Support;
using Compliance.Data;
using Dapper;
using FluentAssertions.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests.Deadlines;

/// <summary>
/// The sweep plans on top of the latest earlier sweep over the same facts (deadlines.md, "Reminders"): day after day,
/// with filings, waivers, a moved reporting start and downtime in between, it must write exactly what sweeps that
/// plan every deadline write. The same days run on two servers; the second's journal is emptied before each sweep.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class SweepJournalTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private ComplianceApiFactory _everyDeadline = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public void StartServers()
    {
        _factory = new ComplianceApiFactory(database);
        _everyDeadline = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
    }

    [OneTimeTearDown]
    public void StopServers()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
        _everyDeadline?.Dispose();
        _everyDeadline?.DeleteDatabase();
    }

    [Test]
    public async Task DailySweeps_WriteExactlyWhatSweepsOfEveryDeadlineWrite()
    {
        var incremental = await DaysAsync(_factory, emptyJournal: false);
        var everyDeadline = await DaysAsync(_everyDeadline, emptyJournal: true);
        var journal = await JournalAsync(_factory);
        var missed = (await StoredAsync(_factory)).Exceptions;

        using var scope = new AssertionScope();
        incremental.Reminders.Should().HaveCountGreaterThan(40).And.Equal(everyDeadline.Reminders);
        incremental.Exceptions.Should().HaveCountGreaterThan(10).And.Equal(everyDeadline.Exceptions);
        incremental.Events.Should().Equal(everyDeadline.Events);
        missed.Should().Contain("SJ001 2022-04 LEDGER_MONTHLY open", "its waiver ended on 2022-06-25 with the ledger still not filed");
        missed.Should().Contain("SJ004 2022-04 LEDGER_MONTHLY open", "its waiver ended on 2022-07-25, in the downtime: the first sweep after reopens it");
        missed.Should().Contain("SJ002 2022-04 LEDGER_MONTHLY waived", "SJ002 reports from 2022-06 since 2022-07-01: that deadline no longer binds it");
        // A note the system writes is stored in both languages.
        incremental.Events.Should().Contain(e => e.StartsWith("SJ003 2022-05 LEDGER_MONTHLY filedLate {\"zh\":\"逾期 ", StringComparison.Ordinal) && e.Contains("\"en\":\"filed ", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("SJ001 2022-05 CREDIT_POLICY_DIGEST filedLate {\"zh\":\"逾期 ", StringComparison.Ordinal));
        journal.Should().Contain(j => j.Since == null, "the first sweep, and the one after each change of facts, plan every deadline");
        journal.Where(j => j.Since != null).Should().NotBeEmpty().And.OnlyContain(j => j.Deadlines < journal.Where(f => f.Since == null).Min(f => f.Deadlines),
            "a sweep on top of another plans only the deadlines whose reminder day came in between");
        journal.Should().Contain(j => j.SweptOn == "2022-08-06" && j.Since == "2022-07-20", "after downtime the sweep plans on top of the last one before it");
        (await JournalAsync(_everyDeadline)).Should().OnlyContain(j => j.Since == null);
    }

    [Test]
    public async Task SweepOfAnEarlierDate_ThanTheLatestSwept_WritesWhatThatDateOwes()
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("SJ101", "371302", "2022-01"));
        (await _admin.PostAsync("/api/v1/deadlines/sweep?date=2022-09-20", null)).EnsureSuccessStatusCode();

        (await _admin.PostAsync("/api/v1/deadlines/sweep?date=2022-05-17", null)).EnsureSuccessStatusCode();
        var digest = (await bank.GetJsonAsync("/api/v1/reminders?institution=SJ101"))["items"]!.AsArray()
            .Where(r => r!["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST").Select(r => r!["offsetDays"]!.GetValue<int>());

        digest.Should().BeEquivalentTo([112, -14], "2022-09-20 owes the reminder 112 days after 2022-05-31, 2022-05-17 the one 14 days before");
    }

    /// <summary>
    /// Four institutions, and every day from 2022-05-10 to 2022-08-20 but fifteen days of downtime, a sweep; in
    /// between, filings, three waivers and a reporting start moved past a waived deadline. Answers what is stored.
    /// </summary>
    private static async Task<Stored> DaysAsync(ComplianceApiFactory factory, bool emptyJournal)
    {
        using var admin = factory.Admin();
        using var linyi = factory.ClientWithKey(await factory.CreateInstitutionAsync("SJ001", "371302", "2022-01"));
        await factory.CreateInstitutionAsync("SJ002", "141102", "2022-01");
        using var beijing = factory.ClientWithKey(await factory.CreateInstitutionAsync("SJ003", "110101", "2022-03"));
        await factory.CreateInstitutionAsync("SJ004", "370102", "2022-01");
        for (var day = new DateOnly(2022, 5, 10); day <= new DateOnly(2022, 8, 20); day = day.AddDays(1))
        {
            if (day >= new DateOnly(2022, 7, 21) && day < new DateOnly(2022, 8, 6))
            {
                continue; // downtime: no sweep for fifteen days
            }

            var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            switch (date)
            {
                case "2022-06-03":
                    (await linyi.FileDeliverableAsync("CREDIT_POLICY_DIGEST", 2022, "梳理报告"u8.ToArray())).EnsureSuccessStatusCode();
                    break;
                case "2022-06-10":
                    await beijing.SubmitAcceptedAsync("2022-03", Ledgers.Csv(Ledgers.Row("L1")));
                    break;
                case "2022-06-20":
                    await WaiveAsync(admin, "SJ001", "2022-04", "2022-06-25");
                    await WaiveAsync(admin, "SJ004", "2022-04", "2022-07-25");
                    await WaiveAsync(admin, "SJ002", "2022-04", "2022-07-05");
                    break;
                case "2022-07-01":
                    (await admin.PutAsJsonAsync("/api/v1/institutions/SJ002", new
                    {
                        name = "测试银行 SJ002", category = "rural", localLegalPerson = true, regionCode = "141102", reportingFrom = "2022-06",
                    })).EnsureSuccessStatusCode();
                    break;
                case "2022-07-10":
                    await beijing.SubmitAcceptedAsync("2022-05", Ledgers.Csv(Ledgers.Row("L1")));
                    break;
            }

            if (emptyJournal)
            {
                await using var connection = await factory.Services.GetRequiredService<Db>().OpenAsync(CancellationToken.None);
                await connection.ExecuteAsync(connection.Sql("DELETE FROM sweeps"));
            }

            (await admin.PostAsync($"/api/v1/deadlines/sweep?date={date}", null)).EnsureSuccessStatusCode();
        }

        return await StoredAsync(factory);
    }

    private static async Task WaiveAsync(HttpClient admin, string institution, string period, string until)
    {
        var missed = (await admin.ExceptionsAsync($"&rule=DEADLINE_MISSED&institution={institution}&period={period}")).Single();
        (await admin.PostAsJsonAsync($"/api/v1/exceptions/{missed["id"]}/waive", new { note = "延期", until })).EnsureSuccessStatusCode();
    }

    /// <summary>What the sweeps wrote, as text to compare (no ids, no times): reminders, DEADLINE_MISSED exceptions and their events.</summary>
    private sealed record Stored(List<string> Reminders, List<string> Exceptions, List<string> Events);

    private static async Task<Stored> StoredAsync(ComplianceApiFactory factory)
    {
        await using var connection = await factory.Services.GetRequiredService<Db>().OpenAsync(CancellationToken.None);
        async Task<List<string>> Rows(string sql) =>
            [.. (await connection.QueryAsync(connection.Sql(sql))).Select(r => string.Join(" ", ((IDictionary<string, object?>)r).Values)).Order(StringComparer.Ordinal)];
        return new Stored(
            await Rows("SELECT institution, obligation, period, offset_days, kind, message_en FROM reminders"),
            await Rows("""SELECT institution, period, subject, status FROM exceptions WHERE "rule" = 'DEADLINE_MISSED'"""),
            await Rows("""
                SELECT e.institution, e.period, e.subject, v.kind, v.note, v.from_status, v.to_status
                FROM exception_events v JOIN exceptions e ON e.id = v.exception_id WHERE e."rule" = 'DEADLINE_MISSED'
                """));
    }

    private static async Task<List<(string SweptOn, string? Since, int Deadlines)>> JournalAsync(ComplianceApiFactory factory)
    {
        await using var connection = await factory.Services.GetRequiredService<Db>().OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(object SweptOn, object? Since, int Deadlines)>(
            connection.Sql("SELECT swept_on, since, deadlines FROM sweeps ORDER BY id"));
        return [.. rows.Select(r => (DateText(r.SweptOn)!, DateText(r.Since), r.Deadlines))];
    }

    // SQLite keeps a date as its text, SQL Server as a date (read as a DateTime), PostgreSQL as a date (read as a DateOnly).
    private static string? DateText(object? value) => value switch
    {
        null or DBNull => null,
        DateTime d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
