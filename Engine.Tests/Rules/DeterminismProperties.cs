using System.Text.Json;
using Compliance.Engine.Indicators;
using Compliance.Engine.Rules;
using CsCheck;
using NodaTime;

namespace Compliance.Engine.Tests.Rules;

/// <summary>Evaluation is a pure function: the same history gives the same results, however it was assembled.</summary>
public sealed class DeterminismProperties
{
    private static readonly Gen<IndicatorSnapshot> GenSnapshot =
        from inclusive in Gen.Int[0, 300]
        from other in Gen.Int[0, 300]
        from npl in Gen.Int[0, 300]
        from credit in Gen.Int[0, 300]
        from borrowers in Gen.Long[0, 9]
        from firstLoans in Gen.Long[0, 4]
        from amount in Gen.Int[0, 9]
        from rate in Gen.Int[0, 3600]
        select new IndicatorSnapshot
        {
            InclusiveBalance = inclusive * 1_000.01m,
            TotalBalance = (inclusive + other) * 1_000.01m,
            InclusiveNplBalance = Math.Min(npl, inclusive) * 1_000.01m,
            TotalNplBalance = Math.Min(npl, inclusive + other) * 1_000.01m,
            InclusiveCreditBalance = Math.Min(credit, inclusive) * 1_000.01m,
            InclusiveBorrowers = borrowers,
            NewFirstLoanBorrowers = firstLoans,
            NewInclusiveAmount = amount * 3_333.33m,
            NewInclusiveRateWeight = amount * 3_333.33m * rate / 100m,
            IndividualBusinessBalance = other * 10m,
            IndividualBusinessBorrowers = other % 5,
            OperatingBalance = other * 10m,
        };

    /// <summary>Snapshots for some of the 37 months a 2023 evaluation may read (2021-12 to 2023-12), and the month evaluated.</summary>
    private static readonly Gen<(IndicatorSnapshot?[] Months, int Evaluated)> GenHistory =
        Gen.Select(Gen.Frequency((1, Gen.Const((IndicatorSnapshot?)null)), (4, GenSnapshot.Select(s => (IndicatorSnapshot?)s))).Array[25], Gen.Int[1, 12]);

    private static readonly RuleSet[] Sets =
    [
        Build("national", "", "INCLUSIVE_GROWTH", "INCLUSIVE_BORROWERS", "NPL_TOLERANCE", "CREDIT_SHARE", "INDIVIDUAL_BUSINESS", "NEW_LOAN_RATE", "BASELINE_MISSING"),
        Build("shandong", "37", "INCLUSIVE_BORROWERS", "NPL_TOLERANCE", "CREDIT_SHARE", "FIRST_LOAN_SHARE", "INCREMENT_VS_LAST_YEAR", "INDIVIDUAL_BUSINESS", "NEW_LOAN_RATE", "OPERATING_LOANS", "BASELINE_MISSING"),
    ];

    [Test]
    public void Evaluate_SameHistoryAssembledInAnyOrder_GivesTheSameResults()
    {
        GenHistory.Sample(history =>
        {
            var (snapshots, month) = history;
            var current = new StoredSnapshot(new YearMonth(2023, month), 1, snapshots[0] ?? new IndicatorSnapshot());
            var others = snapshots.Skip(1).Select((s, i) => s is null ? null : new StoredSnapshot(new YearMonth(2021, 12).PlusMonths(i), i + 2, s))
                .Where(s => s is not null).Select(s => s!).ToList();
            foreach (var set in Sets)
            {
                var once = Describe(set.Evaluate(new SnapshotHistory("B", current, others), HistoryBuilder.LegalPerson()));
                var reversed = Describe(set.Evaluate(new SnapshotHistory("B", current, Enumerable.Reverse(others)), HistoryBuilder.LegalPerson()));
                var again = Describe(set.Evaluate(new SnapshotHistory("B", current, others), HistoryBuilder.LegalPerson()));
                if (once != reversed || once != again)
                {
                    return false;
                }
            }

            return true;
        }, iter: 500);
    }

    private static string Describe(IReadOnlyList<RuleResult> results) => JsonSerializer.Serialize(results.Select(r => new
    {
        r.Rule,
        Outcome = r.Outcome.ToString(),
        Missing = r.MissingPeriods.Select(p => p.ToString()).ToList(),
        Figures = r.Finding?.Figures.ToDictionary(f => f.Key, f => f.Value is IEnumerable<string> list ? string.Join(",", list) : Convert.ToString(f.Value, System.Globalization.CultureInfo.InvariantCulture)),
        r.Finding?.Message,
        Severity = r.Finding?.Severity.ToString(),
    }));

    private static RuleSet Build(string id, string jurisdiction, params string[] rules) =>
        new(id, 1, new RuleSetSpec(jurisdiction, new YearRange(2000, null), [.. rules.Select(r => new RuleSpec(r, null))]));
}
