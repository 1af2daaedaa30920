using System.Globalization;
using System.Text;

namespace Compliance.Api.Tests.Support;

/// <summary>Builds CSV ledgers for tests.</summary>
public static class Ledgers
{
    public const string Header = "loan_id,borrower_id,credit_code,borrower_type,credit_line,product,purpose,guarantee,classification,amount,balance,disbursed_on,matures_on,annual_rate,first_loan,industry,region";

    /// <summary>The example ledger of ledger.md.</summary>
    public const string Example = Header + "\n" +
        "L0001,C001,91371300MA3C1XY40W,micro,3000000,loan,business,credit,normal,1000000,800000.00,2022-01-15,2023-01-14,4.35,Y,F,371302\n" +
        "L0002,C002,,individual_business,500000,loan,business,guarantee,substandard,300000,300000,2021-11-02,2022-11-01,5.10,N,H,371311\n" +
        "L0003,C003,,large,500000000,discount,business,pledge,normal,20000000,20000000,2022-06-10,2022-12-10,1.90,N,C,371302\n";

    /// <summary>A loan line with sensible defaults, each overridable.</summary>
    public static string Row(
        string loanId,
        string borrowerId = "B1",
        string borrowerType = "micro",
        decimal creditLine = 1_000_000m,
        string product = "loan",
        string purpose = "business",
        string guarantee = "credit",
        string classification = "normal",
        decimal amount = 100_000m,
        decimal balance = 100_000m,
        string disbursedOn = "2021-06-01",
        string maturesOn = "2024-06-01",
        decimal rate = 4.5m,
        string firstLoan = "N") =>
        string.Join(',', loanId, borrowerId, "", borrowerType, Num(creditLine), product, purpose, guarantee, classification,
            Num(amount), Num(balance), disbursedOn, maturesOn, Num(rate), firstLoan, "C", "371302");

    public static string Csv(params string[] rows)
    {
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var row in rows)
        {
            csv.Append(row).Append('\n');
        }

        return csv.ToString();
    }

    private static string Num(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
