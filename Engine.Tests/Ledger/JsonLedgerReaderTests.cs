using System.Globalization;
using System.Text;
using Compliance.Engine.Ledger;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests.Ledger;

/// <summary>
/// Reading a JSON or NDJSON ledger (ledger.md): the example reads as its CSV does; keys and values as in CSV;
/// E009, E012, W002 and E008 with JSON's indexes and NDJSON's lines; big bodies stream.
/// </summary>
public sealed class JsonLedgerReaderTests
{
    /// <summary>The example of ledger.md as JSON: amounts and rates as JSON numbers, an empty credit code as null or left out.</summary>
    private const string ExampleJson = """
        {
          "loans": [
            {
              "loan_id": "L0001", "borrower_id": "C001", "credit_code": "91371300MA3C1XY40W", "borrower_type": "micro",
              "credit_line": 3000000, "product": "loan", "purpose": "business", "guarantee": "credit",
              "classification": "normal", "amount": 1000000, "balance": 800000.00, "disbursed_on": "2022-01-15",
              "matures_on": "2023-01-14", "annual_rate": 4.35, "first_loan": "Y", "industry": "F", "region": "371302"
            },
            {
              "loan_id": "L0002", "borrower_id": "C002", "credit_code": null, "borrower_type": "individual_business",
              "credit_line": 500000, "product": "loan", "purpose": "business", "guarantee": "guarantee",
              "classification": "substandard", "amount": 300000, "balance": 300000, "disbursed_on": "2021-11-02",
              "matures_on": "2022-11-01", "annual_rate": 5.10, "first_loan": "N", "industry": "H", "region": "371311"
            },
            {
              "loan_id": "L0003", "borrower_id": "C003", "borrower_type": "large",
              "credit_line": 500000000, "product": "discount", "purpose": "business", "guarantee": "pledge",
              "classification": "normal", "amount": 20000000, "balance": 20000000, "disbursed_on": "2022-06-10",
              "matures_on": "2022-12-10", "annual_rate": 1.90, "first_loan": "N", "industry": "C", "region": "371302"
            }
          ]
        }
        """;

    /// <summary>The same example as NDJSON, with amounts written as strings this time.</summary>
    private const string ExampleNdjson =
        """{"loan_id":"L0001","borrower_id":"C001","credit_code":"91371300MA3C1XY40W","borrower_type":"micro","credit_line":"3000000","product":"loan","purpose":"business","guarantee":"credit","classification":"normal","amount":"1000000","balance":"800000.00","disbursed_on":"2022-01-15","matures_on":"2023-01-14","annual_rate":"4.35","first_loan":"Y","industry":"F","region":"371302"}""" + "\n"
        + """{"loan_id":"L0002","borrower_id":"C002","credit_code":"","borrower_type":"individual_business","credit_line":500000,"product":"loan","purpose":"business","guarantee":"guarantee","classification":"substandard","amount":300000,"balance":300000,"disbursed_on":"2021-11-02","matures_on":"2022-11-01","annual_rate":5.10,"first_loan":"N","industry":"H","region":"371311"}""" + "\n"
        + """{"loan_id":"L0003","borrower_id":"C003","borrower_type":"large","credit_line":"500000000","product":"discount","purpose":"business","guarantee":"pledge","classification":"normal","amount":"20000000","balance":"20000000","disbursed_on":"2022-06-10","matures_on":"2022-12-10","annual_rate":"1.90","first_loan":"N","industry":"C","region":"371302"}""" + "\n";

    /// <summary>Two loans with Chinese keys and Chinese values, one line each.</summary>
    private static readonly string[] ChineseLoans =
    [
        """{"借据号":"L0001","客户号":"C001","统一社会信用代码":"91371300MA3C1XY40W","客户类型":"微型企业","单户授信总额":3000000,"业务品种":"贷款","贷款用途":"经营","担保方式":"信用","五级分类":"正常","发放金额":1000000,"贷款余额":800000.00,"发放日期":"2022-01-15","到期日期":"2023-01-14","执行年利率":4.35,"首贷户标识":"是","行业":"F","地区代码":"371302"}""",
        """{"借据号":"L0002","客户号":"C002","客户类型":"个体工商户","单户授信总额":"500000","业务品种":"贸易融资","贷款用途":"经营","担保方式":"保证","五级分类":"次级","发放金额":"300000","贷款余额":"300000","发放日期":"2021-11-02","到期日期":"2022-11-01","执行年利率":"5.10","首贷户标识":"否","行业":"H","地区代码":"371311"}""",
    ];

    private static readonly string[] RequiredColumns =
    [
        "loan_id", "borrower_id", "borrower_type", "credit_line", "product", "purpose", "guarantee", "classification",
        "amount", "balance", "disbursed_on", "matures_on", "annual_rate", "first_loan",
    ];

    [Test]
    public void ReadJson_ExampleLedger_GivesTheSnapshotAndRowsOfTheCsv()
    {
        var csvSink = new RecordingSink();
        var csv = LedgerCsv.Read(LedgerCsv.Example, csvSink);
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(ExampleJson, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Rows.Should().Be(3);
            result.Warnings.Should().BeEmpty();
            result.Snapshot.Should().NotBeNull().And.Be(csv.Snapshot);
            sink.Rows.Should().BeEquivalentTo(csvSink.Rows, o => o.Excluding(r => r.Line).WithStrictOrdering());
            sink.Rows.Select(r => r.Line).Should().Equal(0L, 1L, 2L);
        }
    }

    [Test]
    public void ReadNdjson_ExampleLedger_GivesTheSnapshotAndRowsOfTheCsv()
    {
        var csvSink = new RecordingSink();
        var csv = LedgerCsv.Read(LedgerCsv.Example, csvSink);
        var sink = new RecordingSink();

        var result = LedgerJson.ReadNdjson(ExampleNdjson, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Rows.Should().Be(3);
            result.Warnings.Should().BeEmpty();
            result.Snapshot.Should().NotBeNull().And.Be(csv.Snapshot);
            sink.Rows.Should().BeEquivalentTo(csvSink.Rows, o => o.Excluding(r => r.Line).WithStrictOrdering());
            sink.Rows.Select(r => r.Line).Should().Equal(1L, 2L, 3L);
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(7)]
    [TestCase(100)]
    public void ReadJson_ExampleArrivingAFewBytesAtATime_ReadsLikeOneRead(int bytesPerRead)
    {
        var expected = LedgerJson.ReadJson(ExampleJson);
        using var body = new TrickleStream(Encoding.UTF8.GetBytes(ExampleJson), bytesPerRead);

        var result = JsonLedgerReader.ReadJson(body, LedgerCsv.Period, new RecordingSink());

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Snapshot.Should().Be(expected.Snapshot);
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(7)]
    [TestCase(100)]
    public void ReadNdjson_ExampleArrivingAFewBytesAtATime_ReadsLikeOneRead(int bytesPerRead)
    {
        var expected = LedgerJson.ReadNdjson(ExampleNdjson);
        var sink = new RecordingSink();
        using var body = new TrickleStream(Encoding.UTF8.GetBytes(ExampleNdjson), bytesPerRead);

        var result = JsonLedgerReader.ReadNdjson(body, LedgerCsv.Period, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Snapshot.Should().Be(expected.Snapshot);
            sink.Rows.Select(r => r.Line).Should().Equal(1L, 2L, 3L);
        }
    }

    [Test]
    public void ReadJson_ChineseKeysAndValues_ReadLikeEnglish()
    {
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(LedgerJson.Json(ChineseLoans), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Warnings.Should().BeEmpty();
            sink.Rows.Should().HaveCount(2);
            sink.Rows[0].BorrowerType.Should().Be(BorrowerType.Micro);
            sink.Rows[0].CreditCode.Should().Be("91371300MA3C1XY40W");
            sink.Rows[0].Balance.Should().Be(800_000m);
            sink.Rows[0].FirstLoan.Should().BeTrue();
            sink.Rows[1].BorrowerType.Should().Be(BorrowerType.IndividualBusiness);
            sink.Rows[1].Product.Should().Be(Product.TradeFinance);
            sink.Rows[1].Guarantee.Should().Be(Guarantee.Guarantee);
            sink.Rows[1].Classification.Should().Be(LoanClass.Substandard);
            sink.Rows[1].AnnualRate.Should().Be(5.10m);
            sink.Rows[1].FirstLoan.Should().BeFalse();
            result.Snapshot!.InclusiveBalance.Should().Be(1_100_000m);
        }
    }

    [Test]
    public void ReadNdjson_ChineseKeysAndValues_ReadLikeEnglish()
    {
        var sink = new RecordingSink();

        var result = LedgerJson.ReadNdjson(LedgerJson.Ndjson(ChineseLoans), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Warnings.Should().BeEmpty();
            sink.Rows.Select(r => r.LoanId).Should().Equal("L0001", "L0002");
            sink.Rows.Select(r => r.Line).Should().Equal(1L, 2L);
            result.Snapshot!.InclusiveBalance.Should().Be(1_100_000m);
        }
    }

    [Test]
    public void ReadNdjson_KeysInOtherCaseWithSpaces_AreMatched()
    {
        var sink = new RecordingSink();
        var loan = LedgerJson.Loan("L1");
        foreach (var column in LedgerCsv.Header.Split(','))
        {
            loan = loan.Replace($"\"{column}\":", $"\"  {column.ToUpperInvariant()} \":", StringComparison.Ordinal);
        }

        var result = LedgerJson.ReadNdjson(LedgerJson.Ndjson(loan), sink);

        using (new AssertionScope())
        {
            loan.Should().Contain("\"  LOAN_ID \":");
            result.IsValid.Should().BeTrue();
            result.Warnings.Should().BeEmpty();
            sink.Rows.Should().ContainSingle().Which.AnnualRate.Should().Be(4.35m);
        }
    }

    [Test]
    public void ReadJson_EscapedKeysAndValues_AreUnescaped()
    {
        var loan = LedgerJson.Loan("L1", ("borrower_id", "\"C\\u00e9\\\"1\\\\\"")).Replace("\"loan_id\"", "\"loan\\u005fid\"", StringComparison.Ordinal);
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(LedgerJson.Json(loan), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Warnings.Should().BeEmpty();
            sink.Rows.Should().ContainSingle();
            sink.Rows[0].LoanId.Should().Be("L1");
            sink.Rows[0].BorrowerId.Should().Be("Cé\"1\\");
        }
    }

    [Test]
    public void ReadJson_MembersInAnyOrder_AreMappedByKey()
    {
        var loan = "{" + string.Join(",", LedgerJson.Loan("L1", ("amount", "1234.56"), ("balance", "1000.00")).Trim('{', '}').Split(',').Reverse()) + "}";
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(LedgerJson.Json(loan), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Should().ContainSingle();
            sink.Rows[0].Amount.Should().Be(1234.56m);
            sink.Rows[0].Balance.Should().Be(1000m);
            sink.Rows[0].Region.Should().Be("371302");
        }
    }

    [TestCase("amount", "1234.56", "1234.56")]
    [TestCase("amount", "\"1234.56\"", "1234.56")]
    [TestCase("amount", "\" 1234.56 \"", "1234.56")]
    [TestCase("balance", "0", "0")]
    [TestCase("balance", "\"0.00\"", "0")]
    [TestCase("credit_line", "10000000", "10000000")]
    [TestCase("credit_line", "\"10000000.00\"", "10000000")]
    [TestCase("annual_rate", "4.3500", "4.35")]
    [TestCase("annual_rate", "\"36\"", "36")]
    public void ReadJson_NumberAsJsonNumberOrString_IsTheSameDecimal(string column, string json, string expected)
    {
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(LedgerJson.Json(LedgerJson.Loan("L1", (column, json))), sink);

        var row = sink.Rows.Should().ContainSingle().Subject;
        var value = column switch
        {
            "amount" => row.Amount,
            "balance" => row.Balance,
            "credit_line" => row.CreditLine,
            _ => row.AnnualRate,
        };
        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            value.Should().Be(decimal.Parse(expected, CultureInfo.InvariantCulture));
        }
    }

    [TestCase("1001", "1001")]
    [TestCase("-7", "-7")]
    [TestCase("\" L-1 \"", "L-1")]
    public void ReadNdjson_LoanIdAsNumberOrString_IsItsText(string json, string expected)
    {
        var sink = new RecordingSink();

        var result = LedgerJson.ReadNdjson(LedgerJson.Ndjson(LedgerJson.Loan("x", ("loan_id", json))), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Should().ContainSingle().Which.LoanId.Should().Be(expected);
        }
    }

    [TestCase("100.001")]
    [TestCase("\"100.001\"")]
    [TestCase("100.0000001")]
    public void ReadJson_AmountWithThreeDecimals_IsE002(string json)
    {
        var text = LedgerJson.Json(LedgerJson.Loan("L0"), LedgerJson.Loan("L1", ("amount", json)));

        var result = LedgerJson.ReadJson(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E002 1 amount");
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadNdjson_AmountWithThreeDecimals_IsE002AtItsLine()
    {
        var text = LedgerJson.Ndjson(LedgerJson.Loan("L1"), LedgerJson.Loan("L2", ("balance", "100.001")));

        var result = LedgerJson.ReadNdjson(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E002 2 balance");
    }

    [TestCase("amount", "1e6")]
    [TestCase("amount", "true")]
    [TestCase("amount", "\"1,000\"")]
    [TestCase("annual_rate", "false")]
    [TestCase("disbursed_on", "20220115")]
    [TestCase("borrower_type", "1")]
    [TestCase("first_loan", "2")]
    public void ReadJson_ValueOfTheWrongType_IsE002(string column, string json)
    {
        var result = LedgerJson.ReadJson(LedgerJson.Json(LedgerJson.Loan("L0", (column, json))));

        LedgerCsv.Describe(result.Errors).Should().Equal($"E002 0 {column}");
    }

    [TestCaseSource(nameof(RequiredColumns))]
    public void ReadJson_RequiredValueNull_IsE002AtItsIndex(string column)
    {
        var text = LedgerJson.Json(LedgerJson.Loan("L0"), LedgerJson.Loan("L1", (column, "null")));

        var result = LedgerJson.ReadJson(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal($"E002 1 {column}");
            result.Snapshot.Should().BeNull();
        }
    }

    [TestCaseSource(nameof(RequiredColumns))]
    public void ReadNdjson_RequiredKeyMissing_IsE002AtItsLine(string column)
    {
        var text = LedgerJson.Ndjson(LedgerJson.Loan("L1"), LedgerJson.Loan("L2", (column, null)));

        var result = LedgerJson.ReadNdjson(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal($"E002 2 {column}");
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadJson_RequiredKeyMissing_IsE002NotE001()
    {
        var result = LedgerJson.ReadJson(LedgerJson.Json(LedgerJson.Loan("L0"), LedgerJson.Loan("L1", ("amount", null))));

        LedgerCsv.Describe(result.Errors).Should().Equal("E002 1 amount");
    }

    [Test]
    public void ReadJson_OptionalValuesNullEmptyOrMissing_AreAccepted()
    {
        var loan = LedgerJson.Loan("L1", ("credit_code", "null"), ("industry", null), ("region", "\"\""));
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(LedgerJson.Json(loan), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Should().ContainSingle();
            sink.Rows[0].CreditCode.Should().BeNull();
            sink.Rows[0].Industry.Should().BeNull();
            sink.Rows[0].Region.Should().BeNull();
        }
    }

    [TestCase("true", true)]
    [TestCase("false", false)]
    [TestCase("\"TRUE\"", true)]
    [TestCase("1", true)]
    [TestCase("0", false)]
    [TestCase("\"是\"", true)]
    [TestCase("\"n\"", false)]
    public void ReadJson_FirstLoanAsBooleanOrFlag_IsRead(string json, bool expected)
    {
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(LedgerJson.Json(LedgerJson.Loan("L1", ("first_loan", json))), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Should().ContainSingle().Which.FirstLoan.Should().Be(expected);
        }
    }

    [Test]
    public void ReadNdjson_FirstLoanAsBoolean_IsRead()
    {
        var sink = new RecordingSink();
        var text = LedgerJson.Ndjson(LedgerJson.Loan("L1", ("first_loan", "true")), LedgerJson.Loan("L2", ("first_loan", "false")));

        var result = LedgerJson.ReadNdjson(text, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Select(r => r.FirstLoan).Should().Equal(true, false);
        }
    }

    [TestCase("[]")]
    [TestCase("[{}]")]
    [TestCase("\"loans\"")]
    [TestCase("42")]
    [TestCase("null")]
    [TestCase("{}")]
    [TestCase("{\"rows\":[]}")]
    [TestCase("{\"Loans\":[]}")]
    [TestCase("{\"loans\":{}}")]
    [TestCase("{\"loans\":null}")]
    [TestCase("{\"loans\":\"[]\"}")]
    [TestCase("{\"loans\":[],\"loans\":[]}")]
    [TestCase("{\"period\":\"2022-06\",\"loans\":[]}")]
    [TestCase("{\"loans\":[]} x")]
    [TestCase("{\"loans\":[]}{}")]
    [TestCase("{\"loans\" []}")]
    [TestCase("{\"loans\":")]
    [TestCase("{\"loans\"")]
    [TestCase("{")]
    [TestCase("not json")]
    [TestCase("<loans/>")]
    [TestCase("loan_id,borrower_id\nL1,C1\n")]
    [TestCase("// a comment\n{\"loans\":[]}")]
    public void ReadJson_BodyNotALoansObject_IsE009ForTheWholeBody(string text)
    {
        var result = LedgerJson.ReadJson(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 null null");
            result.Snapshot.Should().BeNull();
        }
    }

    [TestCase("{\"loans\":[@0],\"x\":1}")]
    [TestCase("{\"loans\":[@0]}]")]
    [TestCase("{\"loans\":[@0]")]
    public void ReadJson_SyntaxErrorAfterTheLoans_IsE009ForTheWholeBody(string template)
    {
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(Fill(template), sink);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 null null");
            result.Snapshot.Should().BeNull();
        }
    }

    [TestCase("{\"loans\":[@0,@1,{\"loan_id\":\"L2\",,@3]}", 2)]
    [TestCase("{\"loans\":[@0,@1,{\"loan_id\":\"L2\"", 2)]
    [TestCase("{\"loans\":[@0,@1,{\"loan_id\":\"L2\",\"amount\":01}]}", 2)]
    [TestCase("{\"loans\":[@0,@1,{loan_id:\"L2\"},@3]}", 2)]
    [TestCase("{\"loans\":[@0,@1,{\"loan_id\":'L2'},@3]}", 2)]
    [TestCase("{\"loans\":[@0,@1,{\"loan_id\":\"L\n2\"},@3]}", 2)]
    [TestCase("{\"loans\":[@0,@1 @3]}", 2)]
    [TestCase("{\"loans\":[@0,@1,]}", 2)]
    [TestCase("{\"loans\":[@0,@1,", 2)]
    [TestCase("{\"loans\":[{\"loan_id\":\"L0\",}]}", 0)]
    [TestCase("{\"loans\":[", 0)]
    public void ReadJson_SyntaxErrorInTheLoans_IsE009AtTheIndexBeingReadAndStops(string template, long index)
    {
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(Fill(template), sink);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal($"E009 {index} null");
            result.Snapshot.Should().BeNull();
            sink.Rows.Select(r => r.Line).Should().Equal(Enumerable.Range(0, (int)index).Select(i => (long)i));
        }
    }

    [Test]
    public void ReadJson_ElementsThatAreNotObjects_AreE009AtTheirIndexAndReadingGoesOn()
    {
        var text = "{\"loans\":[" + LedgerJson.Loan("L0") + ", 42, [\"x\", {\"y\": [1]}], \"L3\", null, true, " + LedgerJson.Loan("L6", ("amount", "0")) + "]}";

        var result = LedgerJson.ReadJson(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal(
                "E009 1 null", "E009 2 null", "E009 3 null", "E009 4 null", "E009 5 null", "E004 6 amount");
            result.Snapshot.Should().BeNull();
        }
    }

    [TestCase("{\"v\":1}")]
    [TestCase("{\"v\":{\"w\":[1,{}]}}")]
    [TestCase("[1]")]
    [TestCase("[]")]
    [TestCase("{}")]
    public void ReadJson_NestedValue_IsE009AtItsIndexAndReadingGoesOn(string nested)
    {
        var text = LedgerJson.Json(
            LedgerJson.Loan("L0"), LedgerJson.Loan("L1", ("amount", nested)), LedgerJson.Loan("L2", ("balance", "-1")));

        var result = LedgerJson.ReadJson(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 1 null", "E004 2 balance");
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadJson_NestedValueUnderAnUnknownKey_IsE009()
    {
        var text = LedgerJson.Json(LedgerJson.Loan("L0", ("region", "\"371302\",\"extra\":{\"a\":1}")));

        var result = LedgerJson.ReadJson(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E009 0 null");
    }

    [TestCase("borrower_id")]
    [TestCase("remark")]
    [TestCase("key")]
    public void ReadJson_InvalidUtf8_IsE009AtItsIndex(string where)
    {
        var bad = where switch
        {
            "key" => LedgerJson.Loan("L1").Replace("\"borrower_id\"", "\"borrower?id\"", StringComparison.Ordinal),
            "remark" => LedgerJson.Loan("L1", ("region", "\"371302\",\"remark\":\"r?\"")),
            _ => LedgerJson.Loan("L1", ("borrower_id", "\"C?1\"")),
        };
        var body = Encoding.UTF8.GetBytes(LedgerJson.Json(LedgerJson.Loan("L0"), bad, LedgerJson.Loan("L2")));
        body[Array.IndexOf(body, (byte)'?')] = 0xFF;

        var result = LedgerJson.ReadJson(body);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 1 null");
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadJson_EscapedLoneSurrogate_IsE009AtItsIndex()
    {
        var text = LedgerJson.Json(LedgerJson.Loan("L0"), LedgerJson.Loan("L1", ("borrower_id", "\"C\\ud800\"")));

        var result = LedgerJson.ReadJson(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E009 1 null");
    }

    [TestCase("借据号", "\"L9\"", "loan_id")]
    [TestCase("LOAN_ID", "\"L1\"", "loan_id")]
    [TestCase(" amount ", "1", "amount")]
    [TestCase("贷款余额", "null", "balance")]
    [TestCase("region", "\"371302\"", "region")]
    public void ReadJson_KeyTwiceInAnObject_IsE012AtItsIndexWithTheCanonicalName(string again, string json, string column)
    {
        var loan = LedgerJson.Loan("L1").TrimEnd('}') + "," + LedgerJson.Quote(again) + ":" + json + "}";
        var sink = new RecordingSink();

        var result = LedgerJson.ReadJson(LedgerJson.Json(LedgerJson.Loan("L0"), loan, LedgerJson.Loan("L2")), sink);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal($"E012 1 {column}");
            result.Snapshot.Should().BeNull();
            sink.Rows.Select(r => r.LoanId).Should().Equal("L0");
        }
    }

    [Test]
    public void ReadJson_KeyThreeTimesInAnObject_ReportsE012Once()
    {
        var loan = LedgerJson.Loan("L1").TrimEnd('}') + ",\"借据号\":\"L1\",\"LOAN_ID\":\"L1\"}";

        var result = LedgerJson.ReadJson(LedgerJson.Json(loan));

        LedgerCsv.Describe(result.Errors).Should().Equal("E012 0 loan_id");
    }

    [Test]
    public void ReadNdjson_KeyTwiceInAnObject_IsE012AtItsLine()
    {
        var loan = LedgerJson.Loan("L2").TrimEnd('}') + ",\"发放金额\":5}";

        var result = LedgerJson.ReadNdjson(LedgerJson.Ndjson(LedgerJson.Loan("L1"), loan, LedgerJson.Loan("L3")));

        LedgerCsv.Describe(result.Errors).Should().Equal("E012 2 amount");
    }

    [Test]
    public void ReadJson_UnknownKeys_WarnOncePerKeyAtTheFirstIndexWithIt()
    {
        var text = LedgerJson.Json(
            LedgerJson.Loan("L0"),
            LedgerJson.Loan("L1", ("borrower_id", "\"C1\""), ("region", "\"371302\",\"remark\":\"a\"")),
            LedgerJson.Loan("L2", ("borrower_id", "\"C2\""), ("region", "\"371302\",\"remark\":\"b\",\"备注\":null")),
            LedgerJson.Loan("L3", ("borrower_id", "\"C3\""), ("region", "\"371302\",\" REMARK \":1,\"备注\":true")));

        var result = LedgerJson.ReadJson(text);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            LedgerCsv.Describe(result.Warnings).Should().Equal("W002 1 remark", "W002 2 备注");
            result.WarningCount.Should().Be(2);
            result.Snapshot.Should().NotBeNull();
        }
    }

    [Test]
    public void ReadNdjson_UnknownKeys_WarnOncePerKeyAtTheFirstLineWithIt()
    {
        var text = LedgerJson.Ndjson(
            LedgerJson.Loan("L1"),
            LedgerJson.Loan("L2", ("region", "\"371302\",\"remark\":\"a\"")),
            LedgerJson.Loan("L3", ("region", "\"371302\",\"remark\":\"b\",\"备注\":\"c\"")));

        var result = LedgerJson.ReadNdjson(text);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            LedgerCsv.Describe(result.Warnings).Should().Equal("W002 2 remark", "W002 3 备注");
        }
    }

    [TestCase("")]
    [TestCase("   \r\n\t")]
    [TestCase("\uFEFF")]
    [TestCase("{\"loans\":[]}")]
    [TestCase("\uFEFF {\"loans\" : [ ] }\n")]
    public void ReadJson_NoLoans_IsE008ForTheWholeBody(string text)
    {
        var result = LedgerJson.ReadJson(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E008 null null");
            result.Rows.Should().Be(0);
            result.Snapshot.Should().BeNull();
        }
    }

    [TestCase("")]
    [TestCase("\n")]
    [TestCase("\n  \r\n\t\n")]
    [TestCase("\uFEFF")]
    [TestCase("\uFEFF\n")]
    public void ReadNdjson_NoLines_IsE008ForTheWholeBody(string text)
    {
        var result = LedgerJson.ReadNdjson(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E008 null null");
            result.Rows.Should().Be(0);
            result.Snapshot.Should().BeNull();
        }
    }

    [Test]
    public void ReadJson_Utf8ByteOrderMark_IsSkipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(ExampleJson)];

        var result = LedgerJson.ReadJson(body);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Snapshot.Should().Be(LedgerCsv.Read(LedgerCsv.Example).Snapshot);
        }
    }

    [Test]
    public void ReadNdjson_Utf8ByteOrderMark_IsSkipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(ExampleNdjson)];
        var sink = new RecordingSink();

        var result = LedgerJson.ReadNdjson(body, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Snapshot.Should().Be(LedgerCsv.Read(LedgerCsv.Example).Snapshot);
            sink.Rows.Select(r => r.Line).Should().Equal(1L, 2L, 3L);
        }
    }

    [Test]
    public void ReadNdjson_MalformedLines_AreE009AtTheirLineAndReadingGoesOn()
    {
        var text = LedgerJson.Ndjson(
            LedgerJson.Loan("L1"),
            "{\"loan_id\": \"L2\",",
            LedgerJson.Loan("L3", ("amount", "0")),
            "not json",
            LedgerJson.Loan("L5"),
            LedgerJson.Loan("L6").TrimEnd('}'),
            LedgerJson.Loan("L7", ("balance", "-1")));
        var sink = new RecordingSink();

        var result = LedgerJson.ReadNdjson(text, sink);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 2 null", "E004 3 amount", "E009 4 null", "E009 6 null", "E004 7 balance");
            result.Rows.Should().Be(4);
            result.Snapshot.Should().BeNull();
            sink.Rows.Select(r => r.LoanId).Should().Equal("L1");
        }
    }

    [TestCase("[1]")]
    [TestCase("[{}]")]
    [TestCase("42")]
    [TestCase("\"L2\"")]
    [TestCase("null")]
    [TestCase("true")]
    [TestCase("{\"loans\":[]}")]
    [TestCase("@2 @2")]
    [TestCase("@2,")]
    [TestCase("@2 x")]
    [TestCase("@2 // comment")]
    public void ReadNdjson_LineNotOneObject_IsE009AtItsLine(string line)
    {
        var text = LedgerJson.Ndjson(LedgerJson.Loan("L1"), Fill(line), LedgerJson.Loan("L3", ("amount", "0")));

        var result = LedgerJson.ReadNdjson(text);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 2 null", "E004 3 amount");
            result.Snapshot.Should().BeNull();
        }
    }

    [TestCase("{\"v\":1}")]
    [TestCase("[1]")]
    [TestCase("[]")]
    public void ReadNdjson_NestedValue_IsE009AtItsLine(string nested)
    {
        var text = LedgerJson.Ndjson(LedgerJson.Loan("L1"), LedgerJson.Loan("L2", ("credit_line", nested)), LedgerJson.Loan("L3"));

        var result = LedgerJson.ReadNdjson(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E009 2 null");
    }

    [TestCase("borrower_id")]
    [TestCase("remark")]
    public void ReadNdjson_InvalidUtf8_IsE009AtItsLineAndReadingGoesOn(string where)
    {
        var bad = where == "remark"
            ? LedgerJson.Loan("L2", ("region", "\"371302\",\"remark\":\"r?\""))
            : LedgerJson.Loan("L2", ("borrower_id", "\"C?1\""));
        var body = Encoding.UTF8.GetBytes(LedgerJson.Ndjson(LedgerJson.Loan("L1"), bad, LedgerJson.Loan("L3", ("amount", "0"))));
        body[Array.IndexOf(body, (byte)'?')] = 0xC3;

        var result = LedgerJson.ReadNdjson(body);

        LedgerCsv.Describe(result.Errors).Should().Equal("E009 2 null", "E004 3 amount");
    }

    [Test]
    public void ReadNdjson_EscapedLoneSurrogate_IsE009AtItsLine()
    {
        var text = LedgerJson.Ndjson(LedgerJson.Loan("L1"), LedgerJson.Loan("L2", ("borrower_id", "\"\\udc00C\"")));

        var result = LedgerJson.ReadNdjson(text);

        LedgerCsv.Describe(result.Errors).Should().Equal("E009 2 null");
    }

    [Test]
    public void ReadNdjson_BlankLines_AreSkippedButCounted()
    {
        var text = LedgerJson.Loan("L1") + "\n\n   \n\t\r\n" + LedgerJson.Loan("L5", ("amount", "0")) + "\n\n";
        var sink = new RecordingSink();

        var result = LedgerJson.ReadNdjson(text, sink);

        using (new AssertionScope())
        {
            result.Rows.Should().Be(2);
            sink.Rows.Select(r => r.Line).Should().Equal(1L);
            LedgerCsv.Describe(result.Errors).Should().Equal("E004 5 amount");
        }
    }

    [Test]
    public void ReadNdjson_CrLfLineEndings_ReadLikeLf()
    {
        var sink = new RecordingSink();

        var result = LedgerJson.ReadNdjson(ExampleNdjson.Replace("\n", "\r\n", StringComparison.Ordinal), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Snapshot.Should().Be(LedgerCsv.Read(LedgerCsv.Example).Snapshot);
            sink.Rows.Select(r => r.Line).Should().Equal(1L, 2L, 3L);
        }
    }

    [Test]
    public void ReadNdjson_NoFinalNewline_ReadsTheLastLine()
    {
        var sink = new RecordingSink();

        var result = LedgerJson.ReadNdjson(ExampleNdjson.TrimEnd('\n'), sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Select(r => r.LoanId).Should().Equal("L0001", "L0002", "L0003");
        }
    }

    [Test]
    public void ReadNdjson_LineLongerThanAMegabyte_IsE009AtItsLineAndReadingGoesOn()
    {
        var huge = LedgerJson.Loan("L2", ("region", "\"371302\",\"remark\":\"" + new string('x', 2 << 20) + "\""));
        var text = LedgerJson.Ndjson(LedgerJson.Loan("L1"), huge, LedgerJson.Loan("L3", ("amount", "0")), LedgerJson.Loan("L4"));
        var sink = new RecordingSink();

        var result = LedgerJson.ReadNdjson(text, sink);

        using (new AssertionScope())
        {
            LedgerCsv.Describe(result.Errors).Should().Equal("E009 2 null", "E004 3 amount");
            result.Rows.Should().Be(3);
        }
    }

    [Test]
    public void ReadJson_StringLongerThanAMegabyte_IsE009AtItsIndex()
    {
        var huge = LedgerJson.Loan("L1", ("region", "\"371302\",\"remark\":\"" + new string('x', 2 << 20) + "\""));

        var result = LedgerJson.ReadJson(LedgerJson.Json(LedgerJson.Loan("L0"), huge));

        LedgerCsv.Describe(result.Errors).Should().Equal("E009 1 null");
    }

    [Test]
    public void ReadJson_MegabytesOfWhiteSpaceBetweenTokens_IsRead()
    {
        var space = new string(' ', 3 << 20) + "\n";
        var loan = LedgerJson.Loan("L1").Split("\"amount\":");
        using var body = new GeneratedStream(
            [space, "{", space, "\"loans\"", space, ":", space, "[", space, LedgerJson.Loan("L0"), space, ",", space,
             loan[0], "\"amount\"", space, ":", space, loan[1], space, "]", space, "}", space]);
        var sink = new RecordingSink();

        var result = JsonLedgerReader.ReadJson(body, LedgerCsv.Period, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            sink.Rows.Select(r => r.LoanId).Should().Equal("L0", "L1");
        }
    }

    [Test]
    public void ReadJson_FiftyThousandLoans_StreamsEveryOne()
    {
        const int Loans = 50_000;
        var parts = Enumerable.Range(0, Loans).Select(i => (i == 0 ? "{\"loans\": [\n" : ",\n") + LedgerJson.Loan($"L{i}", ("borrower_id", $"\"C{i % 10_000}\"")))
            .Append("\n]}\n");
        using var body = new GeneratedStream(parts);
        var sink = new CountingSink();

        var result = JsonLedgerReader.ReadJson(body, LedgerCsv.Period, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Rows.Should().Be(Loans);
            sink.Count.Should().Be(Loans);
            sink.LastLine.Should().Be(Loans - 1);
            result.Snapshot!.TotalBalance.Should().Be(Loans * 800_000m);
            result.Snapshot.InclusiveBorrowers.Should().Be(10_000, "five loans of 800,000 each: an effective line of 4,000,000, within the cap");
            body.BytesRead.Should().BeGreaterThan(10 << 20);
        }
    }

    [Test]
    public void ReadNdjson_FiftyThousandLines_StreamsEveryOne()
    {
        const int Loans = 50_000;
        var parts = Enumerable.Range(1, Loans).Select(i => LedgerJson.Loan($"L{i}", ("borrower_id", $"\"C{i % 10_000}\"")) + "\n");
        using var body = new GeneratedStream(parts);
        var sink = new CountingSink();

        var result = JsonLedgerReader.ReadNdjson(body, LedgerCsv.Period, sink);

        using (new AssertionScope())
        {
            result.IsValid.Should().BeTrue();
            result.Rows.Should().Be(Loans);
            sink.Count.Should().Be(Loans);
            sink.LastLine.Should().Be(Loans);
            result.Snapshot!.TotalBalance.Should().Be(Loans * 800_000m);
            result.Snapshot.InclusiveBorrowers.Should().Be(10_000, "five loans of 800,000 each: an effective line of 4,000,000, within the cap");
            body.BytesRead.Should().BeGreaterThan(10 << 20);
        }
    }

    [Test]
    public void ReadNdjson_ErrorOnTheLastOfFiftyThousandLines_NamesItsLine()
    {
        const int Loans = 50_000;
        var parts = Enumerable.Range(1, Loans).Select(i => LedgerJson.Loan($"L{i}", ("amount", i == Loans ? "0" : "1000000")) + "\n");
        using var body = new GeneratedStream(parts);

        var result = JsonLedgerReader.ReadNdjson(body, LedgerCsv.Period, new CountingSink());

        LedgerCsv.Describe(result.Errors).Should().Equal("E004 50000 amount");
    }

    /// <summary>The body with each <c>@n</c> replaced by a valid loan with id <c>Ln</c>.</summary>
    private static string Fill(string template)
    {
        var text = template;
        for (var i = 9; i >= 0; i--)
        {
            text = text.Replace("@" + i.ToString(CultureInfo.InvariantCulture), LedgerJson.Loan("L" + i.ToString(CultureInfo.InvariantCulture)), StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Counts rows without keeping them, for ledgers too big to record.</summary>
    private sealed class CountingSink : ILedgerSink
    {
        public long Count { get; private set; }

        public long LastLine { get; private set; }

        public void Write(LedgerRow row)
        {
            Count++;
            LastLine = row.Line;
        }
    }
}
