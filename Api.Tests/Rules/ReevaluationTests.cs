using System.Net;
using Compliance.Api.Tests.Access;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;

namespace Compliance.Api.Tests.Rules;

/// <summary>
/// api.md, "Rules": <c>POST /evaluations?ruleSet=&amp;institution=&amp;from=&amp;to=</c> re-evaluates every stored
/// institution-period in range of one institution, of every institution a set applies to by its jurisdiction, or of all.
/// </summary>
[TestFixtureSource(typeof(TestDatabases), nameof(TestDatabases.Fixtures))]
public sealed class ReevaluationTests(TestDatabase database)
{
    private ComplianceApiFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task FileInShandongAndBeijing()
    {
        _factory = new ComplianceApiFactory(database);
        _admin = _factory.Admin();
        foreach (var (code, region) in new[] { ("RE-LY", "371302"), ("RE-JN", "370102"), ("RE-BJ", "110101") })
        {
            using var bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(code, region));
            await bank.SubmitAcceptedAsync("2022-11", Ledgers.Example);
            await bank.SubmitAcceptedAsync("2022-12", Ledgers.Example);
        }

        await _admin.WaitForAllEvaluationsAsync();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _admin?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("ruleSet=shandong&from=2022-01&to=2022-12", 4)]
    [TestCase("ruleSet=shandong&from=2022-12&to=2022-12", 2)]
    [TestCase("ruleSet=national&from=2022-01&to=2022-12", 6)]
    [TestCase("ruleSet=shandong&institution=RE-BJ&from=2022-01&to=2022-12", 0)]
    [TestCase("ruleSet=shandong&institution=RE-JN&from=2022-01&to=2022-12", 2)]
    [TestCase("institution=RE-BJ&from=2022-01&to=2022-12", 2)]
    [TestCase("from=2022-11&to=2022-11", 3)]
    public async Task Reevaluate_QueuesTheLatestVersionOfEachPeriodInRange_OfTheInstitutionsAsked(string query, int queued)
    {
        var response = await _admin.PostAsync($"/api/v1/evaluations?{query}", null);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        (await response.JsonAsync())["queued"]!.GetValue<int>().Should().Be(queued);
        await _admin.WaitForAllEvaluationsAsync();
    }

    [TestCase("ruleSet=no-such-set&from=2022-01&to=2022-12", "ruleSet")]
    [TestCase("institution=NO-SUCH-BANK&from=2022-01&to=2022-12", "institution")]
    [TestCase("ruleSet=shandong&to=2022-12", "from")]
    [TestCase("ruleSet=shandong&from=2022-01", "to")]
    [TestCase("", "from")]
    public async Task Reevaluate_WithAnUnknownSetOrInstitution_OrWithoutItsRange_Answers400NamingIt(string query, string field)
    {
        var response = await _admin.PostAsync($"/api/v1/evaluations?{query}", null);

        using var scope = new AssertionScope();
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        problem.ErrorFields().Should().Contain(field);
        if (field == "ruleSet")
        {
            problem["detail"]!.GetValue<string>().Should().Contain("no-such-set");
        }
    }
}
