using System.Globalization;
using Compliance.Engine.Ledger;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>
/// An identifier of a ledger holds no control character (U+0000–U+001F, U+007F–U+009F), line or paragraph separator
/// nor bidirectional formatting character (U+202A–U+202E, U+2066–U+2069), in CSV, JSON and NDJSON alike: the
/// record is rejected with E002 on its line and column, and the message names the character without repeating it.
/// </summary>
public sealed class IdentifierControlCharacterTests
{
    private static readonly string[] Identifiers = ["loan_id", "borrower_id"];

    private static readonly char[] Controls = ['\u0000', '\u0001', '\t', '\n', '\r', '\u001B', '\u001F', '\u007F', '\u0085', '\u009F', '\u2028', '\u2029', '\u202A', '\u202E', '\u2066', '\u2069'];

    private static IEnumerable<TestCaseData> ColumnsTimesControls =>
        from column in Identifiers
        from control in Controls
        select new TestCaseData(column, control).SetArgDisplayNames(column, ControlCharacters.Name(control));

    [TestCaseSource(nameof(ColumnsTimesControls))]
    public void ReadCsv_IdentifierWithAControlCharacter_IsE002(string column, char control)
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L0"), LedgerCsv.Loan("L1", (column, $"X{control}1")));

        var result = LedgerCsv.Read(text);

        AssertRejected(result, $"E002 3 {column}", control);
    }

    [TestCaseSource(nameof(ColumnsTimesControls))]
    public void ReadJson_IdentifierWithAControlCharacter_IsE002(string column, char control)
    {
        var text = LedgerJson.Json(LedgerJson.Loan("L0"), LedgerJson.Loan("L1", (column, Escaped($"X{control}1"))));

        var result = LedgerJson.ReadJson(text);

        AssertRejected(result, $"E002 1 {column}", control);
    }

    [TestCaseSource(nameof(ColumnsTimesControls))]
    public void ReadNdjson_IdentifierWithAControlCharacter_IsE002(string column, char control)
    {
        var text = LedgerJson.Ndjson(LedgerJson.Loan("L0"), LedgerJson.Loan("L1", (column, Escaped($"X{control}1"))));

        var result = LedgerJson.ReadNdjson(text);

        AssertRejected(result, $"E002 2 {column}", control);
    }

    [TestCase("credit_code", "E007")]
    [TestCase("region", "E002")]
    [TestCase("industry", "E002")]
    [TestCase("borrower_type", "E002")]
    public void ReadJson_OtherIdentifierColumnWithANul_IsRejected(string column, string code)
    {
        var text = LedgerJson.Json(LedgerJson.Loan("L1", (column, Escaped("3\u00007"))));

        var result = LedgerJson.ReadJson(text);

        LedgerCsv.Describe(result.Errors).Should().Equal($"{code} 0 {column}");
    }

    [TestCase("\tL1\t")]
    [TestCase(" L1 ")]
    public void ReadCsv_IdentifierWithSurroundingWhitespace_IsTrimmedAndAccepted(string loanId)
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(LedgerCsv.Ledger(LedgerCsv.Loan(loanId)), sink);

        using var scope = new AssertionScope();
        result.Errors.Should().BeEmpty();
        sink.Rows.Select(r => r.LoanId).Should().Equal("L1");
    }

    private static void AssertRejected(LedgerReadResult result, string expected, char control)
    {
        using var scope = new AssertionScope();
        LedgerCsv.Describe(result.Errors).Should().Equal(expected);
        result.Errors[0].Message.Should().Contain(ControlCharacters.Name(control)).And.NotContain(control.ToString());
        result.Snapshot.Should().BeNull();
    }

    /// <summary>A JSON string literal with the control characters written as <c>\u</c> escapes, as JSON requires.</summary>
    private static string Escaped(string text) =>
        "\"" + string.Concat(text.Select(c => c < 0x20 || c == 0x7F ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString())) + "\"";
}
