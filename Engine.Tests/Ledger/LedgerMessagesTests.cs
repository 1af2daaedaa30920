using System.Reflection;
using System.Text.RegularExpressions;
using Compliance.Engine.Ledger;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>Ledger errors and warnings keep their message's name and arguments, and are written in either language.</summary>
public sealed partial class LedgerMessagesTests
{
    [Test]
    public void EveryMessage_TakesTheSameArguments_InBothLanguages()
    {
        var messages = typeof(LedgerMessages).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(LedgerMessage)).Select(f => (LedgerMessage)f.GetValue(null)!).ToList();

        using var scope = new AssertionScope();
        messages.Should().HaveCountGreaterThan(40);
        foreach (var message in messages)
        {
            LedgerMessages.Find(message.Name).Should().BeSameAs(message);
            var arguments = Enumerable.Range(0, 4).Select(i => $"«{i}»").ToArray();
            var zh = message.Format(Language.Zh, arguments);
            var en = message.Format(Language.En, arguments);
            Placeholders(zh).Should().Equal(Placeholders(en), message.Name);
            zh.Should().MatchRegex(@"\p{IsCJKUnifiedIdeographs}", "{0} is written for a Chinese reader", message.Name);
        }
    }

    [Test]
    public void ValueErrors_AreWrittenInEitherLanguage_FromTheirNameAndArguments()
    {
        var result = LedgerCsv.Read(LedgerCsv.Ledger(
            LedgerCsv.Loan("L1", ("amount", "-5")),
            LedgerCsv.Loan("L1", ("industry", "Z"))));

        using var scope = new AssertionScope();
        var negative = result.Errors.Single(e => e.Code == LedgerCodes.NegativeAmount);
        negative.MessageName.Should().Be(nameof(LedgerMessages.NotPositive));
        negative.Arguments.Should().Equal("amount", "-5");
        negative.MessageIn(Language.En).Should().Be("amount -5 must be greater than 0.").And.Be(negative.Message);
        negative.MessageIn(Language.Zh).Should().Be("amount -5 必须大于 0。");
        var duplicate = result.Errors.Single(e => e.Code == LedgerCodes.DuplicateLoan);
        duplicate.MessageIn(Language.Zh).Should().Be("loan_id“L1”出现不止一次。");
        result.Errors.Single(e => e.Column == "industry").MessageIn(Language.Zh).Should().Be("industry“Z”不是 GB/T 4754 门类字母 A–T。");
    }

    [Test]
    public void MissingColumn_IsWrittenInEitherLanguage()
    {
        var result = LedgerCsv.Read(LedgerCsv.Header.Replace(",amount", "", StringComparison.Ordinal) + "\n");

        var missing = result.Errors.Single(e => e.Code == LedgerCodes.MissingColumn);
        var alias = LedgerColumns.AliasOf(LedgerColumn.Amount);
        missing.MessageIn(Language.En).Should().Be($"The required column amount ({alias}) is missing from the header.");
        missing.MessageIn(Language.Zh).Should().Be($"表头缺少必需的列 amount（{alias}）。");
    }

    [Test]
    public void Gb18030DeclaredUtf8_SaysSoInEitherLanguage_AndNamesTheCharset()
    {
        var gb18030 = LedgerEncodings.ForCharset("gb18030")!;
        var body = gb18030.GetBytes(LedgerCsv.Header + "\nL0001,C001,,微型企业,3000000,贷款,经营,信用,正常,1000000,800000.00,2022-01-15,2023-01-14,4.35,是,F,371302\n");

        var result = LedgerCsv.ReadBytes(body, LedgerEncodings.ForCharset("utf-8")!);

        using var scope = new AssertionScope();
        result.DetectedCharset.Should().Be("gb18030");
        var error = result.Errors.Should().ContainSingle().Which;
        error.Code.Should().Be(LedgerCodes.Undecodable);
        error.MessageIn(Language.En).Should().StartWith("The body is not valid UTF-8, but it reads as GB18030").And.Contain("charset=gb18030");
        error.MessageIn(Language.Zh).Should().StartWith("正文不是有效的 UTF-8 编码，但可按 GB18030（GBK）无误读取").And.Contain("charset=gb18030");
        error.MessageIn(Language.En).Should().NotMatchRegex(@"\p{IsCJKUnifiedIdeographs}", "each language is written alone");
    }

    [Test]
    public void AnIssueStoredWithoutAName_KeepsItsText()
    {
        var stored = new LedgerIssue(3, "amount", LedgerCodes.NegativeAmount, "amount -5 must be greater than 0.");

        stored.MessageIn(Language.Zh).Should().Be("amount -5 must be greater than 0.");
    }

    private static string[] Placeholders(string text) =>
        [.. Argument().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [GeneratedRegex("«[0-9]»")]
    private static partial Regex Argument();
}
