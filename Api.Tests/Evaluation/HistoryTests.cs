using System.Globalization;
using Compliance.Api.Tests.Support;
using static Compliance.Api.Tests.Support.Ledgers;

namespace Compliance.Api.Tests.Evaluation;

/// <summary>
/// 25 months of ledgers (2020-12 to 2022-12) for a national and a Shandong institution give exactly the exceptions
/// their rule sets prescribe, whatever order the ledgers arrive in: the national set's for both, and for the Shandong
/// institution the Shandong set's too, from 2022 (its first year in force). The data: flat balances (so growth, borrowers,
/// individual-business and increment rules hold at equality), a flat credit share (so CREDIT_SHARE misses its +1 pp
/// every month: warnings, and a breach in December), B2's loan substandard from 2022-06 (NPL_TOLERANCE breaches), one
/// first-time borrower a month (first-loan share flat: a breach in 2022-12 for Shandong), and a new-loan rate unchanged
/// through 2022-11 then dearer in 2022-12 (NEW_LOAN_RATE, strict from 2022 in the national set: 有所下降 is not met by an
/// unchanged rate, so warnings from 2022-01 and a breach in 2022-12).
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class HistoryTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;

    [OneTimeSetUp]
    public void StartServer() => _factory = new ComplianceApiFactory(database);

    [OneTimeTearDown]
    public void StopServer()
    {
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("N1100001", "110101", false, 0)]
    [TestCase("S3713001", "371302", true, 0)]
    [TestCase("N1100002", "110101", false, 7)]
    [TestCase("S3713002", "371302", true, 11)]
    public async Task TwentyFiveMonths_InAnyOrder_GiveExactlyThePrescribedExceptions(string code, string region, bool inShandong, int shuffleSeed)
    {
        using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(code, region, "2020-12"));
        var periods = Months().ToList();
        var random = new Random(shuffleSeed);
        var order = shuffleSeed == 0 ? periods : [.. periods.OrderBy(_ => random.Next())];

        foreach (var (year, month) in order)
        {
            await bank.SubmitAcceptedAsync(Period(year, month), LedgerFor(year, month, region));
        }

        await bank.WaitForAllEvaluationsAsync();
        var open = (await bank.ExceptionsAsync("&status=open"))
            .Select(e => (Period: e["period"]!.GetValue<string>(), RuleSet: e["ruleSet"]!["id"]!.GetValue<string>(), Rule: e["rule"]!.GetValue<string>(), Severity: e["severity"]!.GetValue<string>()))
            .ToList();

        open.Should().BeEquivalentTo(Expected(inShandong));
        (await bank.GetJsonAsync($"/api/v1/submissions?pageSize=50"))["items"]!.AsArray()
            .Should().OnlyContain(s => s!["evaluation"]!["status"]!.GetValue<string>() == "done");
    }

    private static IEnumerable<(int Year, int Month)> Months()
    {
        yield return (2020, 12);
        for (var year = 2021; year <= 2022; year++)
        {
            for (var month = 1; month <= 12; month++)
            {
                yield return (year, month);
            }
        }
    }

    private static List<(string Period, string RuleSet, string Rule, string Severity)> Expected(bool inShandong)
    {
        var expected = new List<(string, string, string, string)> { ("2020-12", "national", "BASELINE_MISSING", "warning") };
        for (var month = 1; month <= 12; month++)
        {
            var period = Period(2021, month);
            expected.Add((period, "national", "CREDIT_SHARE", month == 12 ? "breach" : "warning"));
            expected.Add((period, "national", "BASELINE_MISSING", "warning"));
        }

        for (var month = 1; month <= 12; month++)
        {
            var period = Period(2022, month);
            expected.Add((period, "national", "CREDIT_SHARE", month == 12 ? "breach" : "warning"));
            if (month >= 6)
            {
                expected.Add((period, "national", "NPL_TOLERANCE", "breach"));
            }

            if (month < 12)
            {
                expected.Add((period, "national", "NEW_LOAN_RATE", "warning"));
            }

            if (inShandong)
            {
                // The same flat credit share misses the Shandong set's +1 pp too, in its own (PBoC) 口径.
                expected.Add((period, "shandong", "CREDIT_SHARE", month == 12 ? "breach" : "warning"));
            }
        }

        expected.Add(("2022-12", "national", "NEW_LOAN_RATE", "breach"));
        if (inShandong)
        {
            expected.Add(("2022-12", "shandong", "FIRST_LOAN_SHARE", "breach"));
        }

        return expected;
    }

    private static string LedgerFor(int year, int month, string region)
    {
        var period = Period(year, month);
        var npl = year == 2022 && month >= 6 ? "substandard" : "normal";
        var newRate = year == 2022 && month == 12 ? 6.0m : 4.5m;
        return Csv(
            Row("L1", borrowerId: "B1", borrowerType: "micro", creditLine: 5_000_000m, guarantee: "credit", amount: 1_000_000m, balance: 1_000_000m, disbursedOn: "2019-01-10", maturesOn: "2026-01-10"),
            Row("L2", borrowerId: "B2", borrowerType: "small", creditLine: 5_000_000m, guarantee: "guarantee", classification: npl, amount: 1_000_000m, balance: 1_000_000m, disbursedOn: "2019-01-10", maturesOn: "2026-01-10"),
            Row("L9", borrowerId: "B9", borrowerType: "large", creditLine: 90_000_000m, guarantee: "mortgage", amount: 8_000_000m, balance: 8_000_000m, disbursedOn: "2019-01-10", maturesOn: "2026-01-10", rate: 3.5m),
            Row($"N{period}", borrowerId: $"N{period}", borrowerType: "micro", creditLine: 100_000m, guarantee: "credit", amount: 10_000m, balance: 0m,
                disbursedOn: $"{period}-05", maturesOn: $"{year + 1}-{month:D2}-05", rate: newRate, firstLoan: "Y"))
            .Replace(",371302\n", $",{region}\n", StringComparison.Ordinal);
    }

    private static string Period(int year, int month) => string.Create(CultureInfo.InvariantCulture, $"{year}-{month:D2}");
}
