using System.Text;
using Compliance.Api.Tests.Support;
using FluentAssertions.Execution;
using MiniExcelLibs;

namespace Compliance.Api.Tests.Exports;

/// <summary>
/// A name stored before line separators and bidirectional formatting characters were refused still holds them: the
/// export writes each as U+FFFD, in CSV and XLSX, so none can reorder or break what a supervisor reads.
/// </summary>
public sealed class StoredTextTests
{
    private const string Code = "ST-371302";

    private ComplianceApiFactory _factory = null!;
    private HttpClient _bank = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _factory = new ComplianceApiFactory();
        _bank = _factory.ClientWithKey(await _factory.CreateInstitutionAsync(Code, "371302"));
        await _bank.WaitForEvaluationAsync(await _bank.SubmitAcceptedAsync("2022-12", Ledgers.Example));
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _bank?.Dispose();
        _factory?.Dispose();
        _factory?.DeleteDatabase();
    }

    [TestCase("\u202E")]
    [TestCase("\u202A")]
    [TestCase("\u2066")]
    [TestCase("\u2069")]
    [TestCase("\u2028")]
    [TestCase("\u2029")]
    [TestCase("\u0085")]
    public async Task StoredName_WithAnInvisibleCharacter_IsExportedWithAReplacementCharacter_InCsvAndXlsx(string character)
    {
        (await TestDatabases.ExecuteSqliteAsync(_factory.Location, "UPDATE institutions SET name = @name WHERE code = @code",
            new { name = $"测试{character}银行 1-2", code = Code })).Should().Be(1);

        var csv = Encoding.UTF8.GetString(await _bank.GetByteArrayAsync("/api/v1/exceptions/export?format=csv"));
        await using var xlsx = new MemoryStream(await _bank.GetByteArrayAsync("/api/v1/exceptions/export?format=xlsx"));
        var rows = xlsx.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();

        using var scope = new AssertionScope();
        csv.Should().NotContain(character);
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Should().NotBeEmpty()
            .And.OnlyContain(l => l.StartsWith($"{Code},测试\uFFFD银行 1-2,371302,", StringComparison.Ordinal));
        rows.Should().NotBeEmpty().And.OnlyContain(r => (string)r["机构名称"] == "测试\uFFFD银行 1-2");
    }
}
