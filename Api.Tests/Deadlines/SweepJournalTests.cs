using System.Net.Http.Json;
using Compliance.Api.Tests.Support;
using Compliance.Data;
using Dapper;
using FluentAssertions.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests.Deadlines;

/// <summary>
/// The sweep plans on top of the latest earlier sweep over the same facts (deadlines.md, "Reminders"): day after day,
/// with filings, a waiver and downtime in between, it must owe exactly what a sweep planning every deadline owes.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class SweepJournalTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;
    private int _facts;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [Test]
    public async Task DailySweeps_OweWhatASweepOfEveryDeadlineOwes_ThroughFilingsAWaiverAndDowntime()
    {
        var linyi = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("SJ001", "371302", "2022-01"));
        await _factory.CreateInstitutionAsync("SJ002", "141102", "2022-01");
        var beijing = _factory.ClientWithKey(await _factory.CreateInstitutionAsync("SJ003", "110101", "2022-03"));
        await _factory.CreateInstitutionAsync("SJ004", "370102", "2022-01");
        using var regulator = _factory.ClientWithKey(await _factory.CreateRegulatorAsync("3713"));
        var written = new List<(string Day, int Reminders, int Exceptions)>();
        var owedBeyond = new List<(string Day, int Reminders, int Exceptions)>();

        for (var day = new DateOnly(2022, 5, 10); day <= new DateOnly(2022, 8, 20); day = day.AddDays(1))
        {
            var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (day >= new DateOnly(2022, 7, 21) && day < new DateOnly(2022, 8, 6))
            {
                continue; // downtime: no sweep for fifteen days
            }

            if (date == "2022-06-03")
            {
                (await linyi.FileDeliverableAsync("CREDIT_POLICY_DIGEST", 2022, "梳理报告"u8.ToArray())).EnsureSuccessStatusCode();
            }

            if (date == "2022-06-10")
            {
                await beijing.SubmitAcceptedAsync("2022-03", Ledgers.Csv(Ledgers.Row("L1")));
            }

            if (date == "2022-06-20")
            {
                var missed = (await linyi.ExceptionsAsync("&rule=DEADLINE_MISSED")).Single(e => e["period"]!.GetValue<string>() == "2022-04");
                (await regulator.PostAsJsonAsync($"/api/v1/exceptions/{missed["id"]}/waive", new { note = "延期", until = "2022-06-25" })).EnsureSuccessStatusCode();
            }

            written.Add(await SweepAsync(date));
            if (date is "2022-05-31" or "2022-06-15" or "2022-06-26" or "2022-07-08" or "2022-08-06" or "2022-08-20")
            {
                // New facts (an institution reporting from 2030 owes nothing in these years): the next sweep plans every deadline.
                await _factory.CreateInstitutionAsync($"SJF{Interlocked.Increment(ref _facts):D2}", "371302", "2030-01");
                owedBeyond.Add(await SweepAsync(date));
            }
        }

        var journal = await JournalAsync();
        var reopened = (await linyi.ExceptionsAsync("&rule=DEADLINE_MISSED")).Single(e => e["period"]!.GetValue<string>() == "2022-04");
        var digest = (await linyi.ExceptionsAsync("&rule=DEADLINE_MISSED")).Single(e => e["figures"]!["obligation"]!.GetValue<string>() == "CREDIT_POLICY_DIGEST");
        var digestEvents = (await linyi.GetJsonAsync($"/api/v1/exceptions/{digest["id"]}"))["events"]!.AsArray();

        using var scope = new AssertionScope();
        written.Sum(w => w.Reminders).Should().BeGreaterThan(40);
        written.Sum(w => w.Exceptions).Should().BeGreaterThan(10);
        owedBeyond.Should().HaveCount(6).And.OnlyContain(o => o.Reminders == 0 && o.Exceptions == 0,
            "a sweep of every deadline finds nothing the daily sweeps did not write");
        journal.Should().Contain(j => j.Since == null, "the first sweep, and the one after each change of facts, plan every deadline");
        journal.Where(j => j.Since != null).Should().NotBeEmpty().And.OnlyContain(j => j.Deadlines < journal.Where(f => f.Since == null).Min(f => f.Deadlines),
            "a sweep on top of another plans only the deadlines whose day came in between");
        journal.Should().Contain(j => j.SweptOn == "2022-08-06" && j.Since == "2022-07-20", "after downtime the sweep plans on top of the last one before it");
        reopened["status"]!.GetValue<string>().Should().Be("open", "its waiver ended on 2022-06-25 and the ledger is still not filed");
        digestEvents.Select(e => e!["kind"]!.GetValue<string>()).Should().Equal("created", "filedLate");
    }

    [Test]
    public async Task SweepOfAnEarlierDate_ThanTheLatestSwept_PlansEveryDeadline()
    {
        await _factory.CreateInstitutionAsync("SJ101", "371302", "2022-01");
        await SweepAsync("2022-09-20");

        var earlier = await SweepAsync("2022-05-17");

        earlier.Reminders.Should().BeGreaterThan(0, "2022-05-17 is 14 days before CREDIT_POLICY_DIGEST's due date, a reminder the later sweep did not send");
        (await JournalAsync()).Should().Contain(j => j.SweptOn == "2022-05-17" && j.Since == null);
    }

    private async Task<(string Day, int Reminders, int Exceptions)> SweepAsync(string date)
    {
        var response = await _admin.PostAsync($"/api/v1/deadlines/sweep?date={date}", null);
        var answer = await response.JsonAsync();
        response.EnsureSuccessStatusCode();
        return (date, answer["reminders"]!.GetValue<int>(), answer["exceptions"]!.GetValue<int>());
    }

    private async Task<List<(string SweptOn, string? Since, int Deadlines)>> JournalAsync()
    {
        var db = _factory.Services.GetRequiredService<Db>();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(object SweptOn, object? Since, int Deadlines)>(
            connection.Sql("SELECT swept_on, since, deadlines FROM sweeps ORDER BY id"));
        return [.. rows.Select(r => (DateText(r.SweptOn)!, DateText(r.Since), r.Deadlines))];
    }

    // SQLite keeps a date as its text, SQL Server as a date.
    private static string? DateText(object? value) => value switch
    {
        null or DBNull => null,
        DateTime d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
