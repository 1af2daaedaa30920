using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Compliance.Api.Http;
using Compliance.Data.Evaluations;
using Compliance.Data.Submissions;
using Compliance.Engine.Indicators;
using Compliance.Engine.Ledger;
using NodaTime;

namespace Compliance.Api.Submissions;

/// <summary>An error or warning of a ledger: <c>{line, column, code, message}</c>.</summary>
public sealed record IssueView(long? Line, string? Column, string Code, string Message)
{
    /// <summary>The issue with its message in the request's language (api.md, "Conventions", Language).</summary>
    public static IssueView From(LedgerIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return new(issue.Line, issue.Column, issue.Code, issue.MessageIn(Languages.Chosen));
    }
}

/// <summary>The indicator snapshot of rules.md: every declared indicator under its JSON name (<see cref="IndicatorJson"/>); money in yuan.</summary>
public sealed record IndicatorsView(IndicatorSnapshot Snapshot)
{
    public static IndicatorsView From(IndicatorSnapshot s) => new(s);
}

/// <summary>The receipt of a submission (api.md, "Submissions").</summary>
public sealed record SubmissionReceipt
{
    /// <summary>Absent from a dry run's receipt, which stores nothing.</summary>
    public string? Id { get; init; }

    public required string Institution { get; init; }

    public YearMonth Period { get; init; }

    public int? Version { get; init; }

    /// <summary><c>accepted</c> or <c>rejected</c>.</summary>
    public required string Status { get; init; }

    public Instant ReceivedAt { get; init; }

    public required string Sha256 { get; init; }

    public long Rows { get; init; }

    public required IReadOnlyList<IssueView> Warnings { get; init; }

    public long WarningCount { get; init; }

    /// <summary>A rejected submission's true error count.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ErrorCount { get; init; }

    /// <summary>The snapshot; <c>null</c> for a rejected submission.</summary>
    public IndicatorsView? Indicators { get; init; }

    /// <summary><c>{status, evaluatedAt, ruleSet, exceptions, rules}</c>; <c>null</c> for a rejected submission.</summary>
    public JsonObject? Evaluation { get; init; }

    /// <summary>A dry run's findings: the exceptions the rule set would write, each with the <c>units</c> of its figures.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonArray? Findings { get; init; }

    public static SubmissionReceipt From(Submission s, IndicatorSnapshot? snapshot) => new()
    {
        Id = Formats.Id(s.Id),
        Institution = s.Institution,
        Period = s.Period,
        Version = s.Version,
        Status = s.Status,
        ReceivedAt = s.ReceivedAt,
        Sha256 = s.Sha256,
        Rows = s.RowCount,
        Warnings = SubmissionStore.ParseWarnings(s.Warnings).Select(IssueView.From).ToList(),
        WarningCount = s.WarningCount,
        ErrorCount = s.Status == SubmissionStore.Rejected ? s.ErrorCount : null,
        Indicators = snapshot is null ? null : IndicatorsView.From(snapshot),
        Evaluation = s.EvaluationStatus is null ? null : EvaluationOf(s),
    };

    private static JsonObject EvaluationOf(Submission s)
    {
        var stored = StoredEvaluation.Parse(s.Evaluation)?.ToJsonObject() ?? [];
        var evaluation = new JsonObject
        {
            ["status"] = s.EvaluationStatus,
            ["evaluatedAt"] = s.EvaluatedAt is { } at ? NodaTime.Text.InstantPattern.ExtendedIso.Format(at) : null,
        };
        foreach (var (name, value) in stored.ToList())
        {
            stored.Remove(name);
            evaluation[name] = value;
        }

        return evaluation;
    }
}
