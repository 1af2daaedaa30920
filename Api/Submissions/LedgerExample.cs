using System.Text.Json.Nodes;

namespace Compliance.Api.Submissions;

/// <summary>The example ledger of ledger.md (and of README's walk through with curl), in each format a ledger is posted in.</summary>
internal static class LedgerExample
{
    public const string Csv = """
        loan_id,borrower_id,credit_code,borrower_type,credit_line,product,purpose,guarantee,classification,amount,balance,disbursed_on,matures_on,annual_rate,first_loan,industry,region
        L0001,C001,91371300MA3C1XY40W,micro,3000000,loan,business,credit,normal,1000000,800000.00,2022-01-15,2023-01-14,4.35,Y,F,371302
        L0002,C002,,individual_business,500000,loan,business,guarantee,substandard,300000,300000,2021-11-02,2022-11-01,5.10,N,H,371311
        L0003,C003,,large,500000000,discount,business,pledge,normal,20000000,20000000,2022-06-10,2022-12-10,1.90,N,C,371302

        """;

    /// <summary>The loans of <see cref="Csv"/> as JSON objects keyed by its headers, every value as text; an empty cell is left out.</summary>
    public static IReadOnlyList<JsonObject> Loans { get; } = Rows();

    /// <summary><c>{"loans": [...]}</c>.</summary>
    public static JsonObject Json => new() { ["loans"] = new JsonArray([.. Loans.Select(l => l.DeepClone())]) };

    /// <summary>One loan a line.</summary>
    public static string Ndjson { get; } = string.Concat(Loans.Select(l => l.ToJsonString() + "\n"));

    private static List<JsonObject> Rows()
    {
        var lines = Csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var headers = lines[0].Split(',');
        return [.. lines.Skip(1).Select(line => new JsonObject(line.Split(',').Select((cell, i) => (cell, i)).Where(c => c.cell.Length > 0)
            .Select(c => KeyValuePair.Create(headers[c.i], (JsonNode?)JsonValue.Create(c.cell)))))];
    }
}
