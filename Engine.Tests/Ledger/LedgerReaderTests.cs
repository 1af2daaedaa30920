using System.Text;
using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using Compliance.Engine.Tests.Indicators;
using FluentAssertions.Execution;
using NodaTime;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>Reading a CSV ledger (ledger.md): the example, headers, encodings, RFC 4180 quoting and physical line numbers.</summary>
public sealed class LedgerReaderTests
{
    private const string ChineseHeader =
        "借据号,客户号,统一社会信用代码,客户类型,单户授信总额,业务品种,贷款用途,担保方式,五级分类,发放金额,贷款余额,发放日期,到期日期,执行年利率,首贷户标识,行业,地区代码";

    private const string ChineseLedger =
        ChineseHeader + "\n"
        + "L0001,C001,91371300MA3C1XY40W,微型企业,3000000,贷款,经营,信用,正常,1000000,800000.00,2022-01-15,2023-01-14,4.35,是,F,371302\n"
        + "L0002,C002,,个体工商户,500000,贸易融资,经营,保证,次级,300000,300000,2021-11-02,2022-11-01,5.10,否,H,371311\n";

    // No borrower of the example is at the cap exactly, so the two 口径 count it alike.
    private static readonly IndicatorSnapshot ExampleSnapshot = Snapshots.InBothScopes(ExampleCbirc);

    private static IndicatorSnapshot ExampleCbirc => new()
    {
        TotalBalance = 21_100_000m,
        TotalNplBalance = 300_000m,
        InclusiveBalance = 1_100_000m,
        InclusiveNplBalance = 300_000m,
        InclusiveCreditBalance = 800_000m,
        InclusiveBorrowers = 2,
        NewFirstLoanBorrowers = 0,
        NewInclusiveAmount = 0m,
        NewInclusiveRateWeight = 0m,
        IndividualBusinessBalance = 300_000m,
        IndividualBusinessBorrowers = 1,
        NewFirstLoanEnterprises = 0,
        OperatingBalance = 300_000m,
    };

    [Test]
    public void ReadCsv_ExampleLedger_AcceptsItsThreeRows()
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(LedgerCsv.Example, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Rows.Should().Be(3);
            result.Errors.Should().BeEmpty();
            result.ErrorCount.Should().Be(0);
            result.Warnings.Should().BeEmpty();
            sink.Rows.Select(r => r.LoanId).Should().Equal("L0001", "L0002", "L0003");
            sink.Rows.Select(r => r.Line).Should().Equal(2L, 3L, 4L);
        }
    }

    [Test]
    public void ReadCsv_ExampleLedger_BuildsItsSnapshot()
    {
        var result = LedgerCsv.Read(LedgerCsv.Example);

        result.Snapshot.Should().Be(ExampleSnapshot);
    }

    [Test]
    public void ReadCsv_ExampleLedger_ParsesEveryFieldOfTheFirstRow()
    {
        var sink = new RecordingSink();

        LedgerCsv.Read(LedgerCsv.Example, sink);

        var row = sink.Rows[0];
        using (new AssertionScope())
        {
            row.LoanId.Should().Be("L0001");
            row.BorrowerId.Should().Be("C001");
            row.CreditCode.Should().Be("91371300MA3C1XY40W");
            row.BorrowerType.Should().Be(BorrowerType.Micro);
            row.CreditLine.Should().Be(3_000_000m);
            row.Product.Should().Be(Product.Loan);
            row.Purpose.Should().Be(Purpose.Business);
            row.Guarantee.Should().Be(Guarantee.Credit);
            row.Classification.Should().Be(LoanClass.Normal);
            row.Amount.Should().Be(1_000_000m);
            row.Balance.Should().Be(800_000m);
            row.DisbursedOn.Should().Be(new LocalDate(2022, 1, 15));
            row.MaturesOn.Should().Be(new LocalDate(2023, 1, 14));
            row.AnnualRate.Should().Be(4.35m);
            row.FirstLoan.Should().BeTrue();
            row.Industry.Should().Be('F');
            row.Region.Should().Be("371302");
        }
    }

    [Test]
    public void ReadCsv_ExampleLedger_LeavesOptionalColumnsNullWhenEmpty()
    {
        var sink = new RecordingSink();

        LedgerCsv.Read(LedgerCsv.Example, sink);

        sink.Rows[1].CreditCode.Should().BeNull();
    }

    [Test]
    public void ReadCsv_ExampleFirstTwoRowsInJanuary_CountsTheNewFirstLoan()
    {
        var text = string.Join('\n', LedgerCsv.Example.Split('\n').Take(3)) + "\n";

        var result = LedgerCsv.Read(text, period: new YearMonth(2022, 1));

        result.Snapshot.Should().Be(Snapshots.InBothScopes(ExampleCbirc with
        {
            TotalBalance = 1_100_000m,
            NewFirstLoanBorrowers = 1,
            NewFirstLoanEnterprises = 1,
            NewInclusiveAmount = 1_000_000m,
            NewInclusiveRateWeight = 4_350_000m,
        }));
    }

    [Test]
    public void ReadCsv_ExampleLedgerForJanuary_RejectsTheJuneDisbursement()
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(LedgerCsv.Example, sink, new YearMonth(2022, 1));

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E005 4 disbursed_on");
            result.IsValid.Should().BeFalse();
            result.Snapshot.Should().BeNull();
            sink.Rows.Select(r => r.LoanId).Should().Equal("L0001", "L0002");
        }
    }

    [Test]
    public void ReadCsv_ChineseHeaderAndValues_ReadsLikeEnglish()
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(ChineseLedger, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Warnings.Should().BeEmpty();
            sink.Rows.Should().HaveCount(2);
            sink.Rows[0].BorrowerType.Should().Be(BorrowerType.Micro);
            sink.Rows[0].Product.Should().Be(Product.Loan);
            sink.Rows[0].Purpose.Should().Be(Purpose.Business);
            sink.Rows[0].Guarantee.Should().Be(Guarantee.Credit);
            sink.Rows[0].Classification.Should().Be(LoanClass.Normal);
            sink.Rows[0].FirstLoan.Should().BeTrue();
            sink.Rows[1].BorrowerType.Should().Be(BorrowerType.IndividualBusiness);
            sink.Rows[1].Product.Should().Be(Product.TradeFinance);
            sink.Rows[1].Guarantee.Should().Be(Guarantee.Guarantee);
            sink.Rows[1].Classification.Should().Be(LoanClass.Substandard);
            sink.Rows[1].FirstLoan.Should().BeFalse();
        }
    }

    [Test]
    public void ReadCsv_HeadersInOtherCaseWithSpaces_AreMatched()
    {
        var header = string.Join(',', LedgerCsv.Header.Split(',').Select(h => "  " + h.ToUpperInvariant() + " "));
        var text = header + "\n" + LedgerCsv.Loan("L1") + "\n";
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(text, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Warnings.Should().BeEmpty();
            sink.Rows.Should().ContainSingle().Which.AnnualRate.Should().Be(4.35m);
        }
    }

    [Test]
    public void ReadCsv_ColumnsInReverseOrder_AreMappedByName()
    {
        static string Reverse(string line) => string.Join(',', line.Split(',').Reverse());
        var text = Reverse(LedgerCsv.Header) + "\n" + Reverse(LedgerCsv.Loan("L1", ("amount", "1234.56"), ("balance", "1000.00"))) + "\n";
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(text, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Should().ContainSingle();
            sink.Rows[0].LoanId.Should().Be("L1");
            sink.Rows[0].Amount.Should().Be(1234.56m);
            sink.Rows[0].Balance.Should().Be(1000m);
            sink.Rows[0].Region.Should().Be("371302");
        }
    }

    [Test]
    public void ReadCsv_Utf8ByteOrderMark_IsSkipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(LedgerCsv.Example)];

        var result = LedgerCsv.ReadBytes(body, LedgerEncodings.ForCharset("utf-8")!);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Warnings.Should().BeEmpty();
            result.Snapshot.Should().Be(ExampleSnapshot);
        }
    }

    [Test]
    public void ReadCsv_CrLfLineEndings_ReadLikeLf()
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(LedgerCsv.Example.Replace("\n", "\r\n", StringComparison.Ordinal), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Snapshot.Should().Be(ExampleSnapshot);
            sink.Rows.Select(r => r.Line).Should().Equal(2L, 3L, 4L);
            sink.Rows[2].Region.Should().Be("371302");
        }
    }

    [Test]
    public void ReadCsv_NoFinalNewline_ReadsTheLastRecord()
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(LedgerCsv.Example.TrimEnd('\n'), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Select(r => r.LoanId).Should().Equal("L0001", "L0002", "L0003");
        }
    }

    [Test]
    public void ReadCsv_QuotedFieldWithComma_KeepsTheComma()
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(LedgerCsv.Ledger(LedgerCsv.Loan("L,1"), LedgerCsv.Loan("L\"2\"")), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Select(r => r.LoanId).Should().Equal("L,1", "L\"2\"");
            sink.Rows.Select(r => r.Line).Should().Equal(2L, 3L);
        }
    }

    [Test]
    public void ReadCsv_QuotedFieldsSpanningLines_NumberLaterRecordsByPhysicalLine()
    {
        var text = LedgerCsv.Header + ",remark\n"
            + LedgerCsv.Loan("L1") + ",\"first, second\"\n"            // line 2
            + LedgerCsv.Loan("L2") + ",\"one\ntwo\nthree\"\n"          // lines 3-5
            + LedgerCsv.Loan("L3") + ",plain\n"                        // line 6
            + LedgerCsv.Loan("L4") + ",\"crlf\r\ninside\"\n"           // lines 7-8
            + LedgerCsv.Loan("L5", ("amount", "0")) + ",\"x\ny\"\n"    // lines 9-10
            + LedgerCsv.Loan("L6", ("balance", "-1")) + ",z\n";        // line 11
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(text, sink);

        using (new AssertionScope())
        {
            sink.Rows.Select(r => r.Line).Should().Equal(2L, 3L, 6L, 7L);
            LedgerCsv.Describe(result.Errors).Should().Equal("E004 9 amount", "E004 11 balance");
            LedgerCsv.Describe(result.Warnings).Should().Equal("W002 1 remark");
        }
    }

    [Test]
    public void ReadCsv_BlankLineBetweenRecords_CountsAsAPhysicalLine()
    {
        var text = LedgerCsv.Header + "\n" + LedgerCsv.Loan("L1") + "\n\n" + LedgerCsv.Loan("L2", ("amount", "0")) + "\n";
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(text, sink);

        using (new AssertionScope())
        {
            sink.Rows.Select(r => r.Line).Should().Equal(2L);
            LedgerCsv.Describe(result.Errors).Should().Equal("E004 4 amount");
        }
    }

    [Test]
    public void ReadCsv_LoanIdStartingWithHash_IsARecordNotAComment()
    {
        // RFC 4180 has no comment lines: "#0001" is a loan id like any other.
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(LedgerCsv.Ledger(LedgerCsv.Loan("#0001"), LedgerCsv.Loan("L2")), sink);

        using (new AssertionScope())
        {
            result.Rows.Should().Be(2);
            sink.Rows.Select(r => r.LoanId).Should().Equal("#0001", "L2");
            sink.Rows.Select(r => r.Line).Should().Equal(2L, 3L);
            result.Snapshot!.TotalBalance.Should().Be(1_600_000m);
        }
    }

    [Test]
    public void ReadCsv_UnknownColumns_WarnOncePerColumn()
    {
        var text = LedgerCsv.Header + ", remark ,备注\n"
            + LedgerCsv.Loan("L1") + ",a,b\n"
            + LedgerCsv.Loan("L2") + ",c,d\n"
            + LedgerCsv.Loan("L3") + ",e,f\n";

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            LedgerCsv.Describe(result.Warnings).Should().Equal("W002 1 remark", "W002 1 备注");
            result.WarningCount.Should().Be(2);
            result.Snapshot.Should().NotBeNull();
        }
    }

    [TestCase("loan_id")]
    [TestCase("borrower_id")]
    [TestCase("borrower_type")]
    [TestCase("credit_line")]
    [TestCase("product")]
    [TestCase("purpose")]
    [TestCase("guarantee")]
    [TestCase("classification")]
    [TestCase("amount")]
    [TestCase("balance")]
    [TestCase("disbursed_on")]
    [TestCase("matures_on")]
    [TestCase("annual_rate")]
    [TestCase("first_loan")]
    public void ReadCsv_RequiredColumnMissing_IsE001OnTheHeader(string column)
    {
        var text = WithoutColumns(LedgerCsv.Ledger(LedgerCsv.Loan("L1")), column);

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal($"E001 1 {column}");
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadCsv_TwoRequiredColumnsMissing_ReportsEach()
    {
        var text = WithoutColumns(LedgerCsv.Ledger(LedgerCsv.Loan("L1")), "amount", "first_loan");

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().BeEquivalentTo("E001 1 amount", "E001 1 first_loan");
    }

    [Test]
    public void ReadCsv_RequiredChineseColumnMissing_NamesTheCanonicalColumn()
    {
        var text = WithoutColumns(ChineseLedger, "发放金额");

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E001 1 amount");
    }

    [Test]
    public void ReadCsv_OptionalColumnsAbsent_IsAccepted()
    {
        var text = WithoutColumns(LedgerCsv.Ledger(LedgerCsv.Loan("L1")), "credit_code", "industry", "region");
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(text, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Should().ContainSingle();
            sink.Rows[0].CreditCode.Should().BeNull();
            sink.Rows[0].Industry.Should().BeNull();
            sink.Rows[0].Region.Should().BeNull();
        }
    }

    [TestCase("借据号", "loan_id")]
    [TestCase("LOAN_ID", "loan_id")]
    [TestCase(" amount ", "amount")]
    [TestCase("贷款余额", "balance")]
    public void ReadCsv_HeaderNamesAColumnTwice_IsE012WithTheCanonicalName(string again, string column)
    {
        var text = LedgerCsv.Header + "," + again + "\n" + LedgerCsv.Loan("L1") + ",x\n";

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal($"E012 1 {column}");
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadCsv_HeaderNamesAColumnThreeTimes_ReportsE012Once()
    {
        var text = LedgerCsv.Header + ",借据号,LOAN_ID\n" + LedgerCsv.Loan("L1") + ",x,y\n";

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E012 1 loan_id");
    }

    [Test]
    public void ReadCsv_RecordWithOneFieldTooFew_IsE011OnItsLine()
    {
        var shortRecord = LedgerCsv.Loan("L2")[..LedgerCsv.Loan("L2").LastIndexOf(',')];
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1"), shortRecord, LedgerCsv.Loan("L3", ("amount", "0")));

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E011 3 null", "E004 4 amount");
    }

    [Test]
    public void ReadCsv_RecordWithOneFieldTooMany_IsE011OnItsLine()
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1") + ",extra", LedgerCsv.Loan("L2"));

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E011 2 null");
            result.Snapshot.Should().BeNull();
        }
    }

    [TestCase("")]
    [TestCase("\uFEFF")]
    [TestCase("\n")]
    [TestCase(LedgerCsv.Header)]
    [TestCase(LedgerCsv.Header + "\n")]
    [TestCase(LedgerCsv.Header + "\r\n")]
    public void ReadCsv_NoRows_IsE008ForTheWholeBody(string text)
    {
        var sink = new RecordingSink();

        var result = LedgerCsv.Read(text, sink);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E008 null null");
            result.Rows.Should().Be(0);
            result.Snapshot.Should().BeNull();
            sink.Rows.Should().BeEmpty();
        }
    }

    [Test]
    public void ReadCsv_InvalidUtf8Bytes_IsE009ForTheWholeBody()
    {
        var body = Encoding.UTF8.GetBytes(LedgerCsv.Ledger(LedgerCsv.Loan("L1"), LedgerCsv.Loan("L2", ("borrower_id", "C?2"))));
        body[Array.IndexOf(body, (byte)'?')] = 0xFF;

        var result = LedgerCsv.ReadBytes(body, LedgerEncodings.ForCharset("utf-8")!);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 null null");
            result.IsValid.Should().BeFalse();
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadCsv_Gb18030BytesDeclaredGb18030_ReadsTheChineseLedger()
    {
        var gb18030 = LedgerEncodings.ForCharset("gb18030")!;
        var sink = new RecordingSink();

        var result = LedgerCsv.ReadBytes(gb18030.GetBytes(ChineseLedger), gb18030, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Warnings.Should().BeEmpty();
            sink.Rows.Select(r => r.BorrowerType).Should().Equal(BorrowerType.Micro, BorrowerType.IndividualBusiness);
            result.Snapshot!.InclusiveBalance.Should().Be(1_100_000m);
        }
    }

    [Test]
    public void ReadCsv_Gb18030BytesDeclaredUtf8_IsE009()
    {
        var body = LedgerEncodings.ForCharset("gb18030")!.GetBytes(ChineseLedger);

        var result = LedgerCsv.ReadBytes(body, LedgerEncodings.ForCharset("utf-8")!);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 null null");
            result.Snapshot.Should().BeNull();
            result.DetectedCharset.Should().Be("gb18030");
            result.Errors[0].Message.Should().Contain("charset=gb18030");
        }
    }

    [Test]
    public void ReadCsv_BytesNeitherUtf8NorGb18030_IsE009WithoutADetectedCharset()
    {
        // 0xFF is no lead byte in UTF-8, and 0x81 0x20 no GB18030 sequence.
        var body = LedgerEncodings.ForCharset("utf-8")!.GetBytes(ChineseLedger).Concat(new byte[] { 0xFF, 0x81, 0x20 }).ToArray();

        var result = LedgerCsv.ReadBytes(body, LedgerEncodings.ForCharset("utf-8")!);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 null null");
            result.DetectedCharset.Should().BeNull();
            result.Errors[0].Message.Should().Contain("declare the charset");
        }
    }

    [Test]
    public void ReadCsv_InvalidGb18030DeclaredGb18030_DetectsNothing()
    {
        var body = new byte[] { 0x61, 0x0A, 0x81, 0x20 };

        var result = LedgerCsv.ReadBytes(body, LedgerEncodings.ForCharset("gb18030")!);

        result.DetectedCharset.Should().BeNull();
    }

    [Test]
    public void ReadCsv_UnclosedQuote_IsE009OnTheRecordsLine()
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan("L1"), LedgerCsv.Loan("L2") + ",\"unclosed");

        var result = LedgerCsv.Read(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 3 null");
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadCsv_RecordLongerThanAMegabyte_IsE009()
    {
        var text = LedgerCsv.Ledger(LedgerCsv.Loan(new string('x', (1 << 20) + 1)));

        var result = LedgerCsv.Read(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E009 null null");
    }

    [TestCase(null, 65001)]
    [TestCase("", 65001)]
    [TestCase("utf-8", 65001)]
    [TestCase("UTF-8", 65001)]
    [TestCase("utf8", 65001)]
    [TestCase("\"utf-8\"", 65001)]
    [TestCase("gb18030", 54936)]
    [TestCase(" GB18030 ", 54936)]
    [TestCase("gbk", 54936)]
    [TestCase("GB2312", 54936)]
    public void ForCharset_AcceptedCharset_GivesItsEncoding(string? charset, int codePage)
    {
        var encoding = LedgerEncodings.ForCharset(charset);

        encoding!.CodePage.Should().Be(codePage);
    }

    [TestCase("latin1")]
    [TestCase("utf-16")]
    [TestCase("big5")]
    public void ForCharset_OtherCharset_IsNull(string charset)
    {
        var encoding = LedgerEncodings.ForCharset(charset);

        encoding.Should().BeNull();
    }

    [Test]
    public void ForCharset_Utf8_ThrowsOnInvalidBytesRatherThanReplacing()
    {
        var utf8 = LedgerEncodings.ForCharset("utf-8")!;

        var decode = () => utf8.GetString([0x4C, 0xFF, 0x31]);

        decode.Should().Throw<DecoderFallbackException>();
    }

    /// <summary>Drops the named header columns and their fields (the test ledgers have no quoted commas).</summary>
    private static string WithoutColumns(string text, params string[] columns)
    {
        var lines = text.TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        var drop = columns.Select(c => Array.IndexOf(header, c)).ToHashSet();
        drop.Should().NotContain(-1, "every dropped column must be in the header");
        return string.Concat(lines.Select(line => string.Join(',', line.Split(',').Where((_, i) => !drop.Contains(i))) + "\n"));
    }
}
