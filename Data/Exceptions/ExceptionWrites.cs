using System.Data.Common;
using Compliance.Engine;
using Compliance.Engine.Exceptions;
using NodaTime;

namespace Compliance.Data.Exceptions;

/// <summary>
/// The writes of exceptions and their events inside one transaction, each statement prepared once for the
/// transaction and bound row by row: an evaluation batch writes thousands of rows, and preparing a statement costs
/// more than running it. Only <see cref="ExceptionStore"/> writes through it.
/// </summary>
internal sealed class ExceptionWrites(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
{
    private const string InsertSql = """
        INSERT INTO exceptions (institution, period, "rule", subject, rule_set_id, rule_set_version, severity, status, figures, baselines,
            message_zh, message_en, submission_id, created_at, updated_at)
        VALUES (@Institution, @Period, @Rule, @RuleSetId, @RuleSetId, @RuleSetVersion, @severity, @status, @figures, @baselines,
            @MessageZh, @MessageEn, @SubmissionId, @now, @now);
        """;

    private const string UpdateFindingSql = """
        UPDATE exceptions SET rule_set_id = @RuleSetId, rule_set_version = @RuleSetVersion, severity = @severity, status = @status,
            figures = @figures, baselines = @baselines, message_zh = @MessageZh, message_en = @MessageEn,
            submission_id = @SubmissionId, waived_until = NULL, updated_at = @now
        WHERE id = @Id
        """;

    private const string InsertEventSql = """
        INSERT INTO exception_events (exception_id, at, actor_role, actor_key_id, kind, from_status, to_status, note, figures)
        VALUES (@exceptionId, @now, @Role, @KeyId, @kind, @from, @to, @note, @figures)
        """;

    private const string TransitionSql = "UPDATE exceptions SET status = @to, waived_until = @waivedUntil, updated_at = @now WHERE id = @id";

    private const string MoveSubmissionSql = "UPDATE exceptions SET submission_id = @SubmissionId WHERE id = @Id";

    private const string FiguresSql = "UPDATE exceptions SET figures = @figures WHERE id = @Id";

    private const string LastFiguresSql = "SELECT figures FROM exception_events WHERE id = (SELECT MAX(id) FROM exception_events WHERE exception_id = @Id AND figures IS NOT NULL)";

    private const string EvaluatedSql = "UPDATE submissions SET evaluation_status = 'done', evaluated_at = @now, evaluation = @evaluation WHERE id = @SubmissionId";

    private readonly Dictionary<string, DbCommand> _prepared = new(StringComparer.Ordinal);

    /// <summary>A finding of an evaluation, as its exception stores it.</summary>
    public sealed record FindingRow(
        string Institution, YearMonth Period, string Rule, string RuleSetId, int RuleSetVersion, string Severity, string Figures, string Baselines,
        string MessageZh, string MessageEn, long SubmissionId);

    /// <summary>Creates the exception of a finding in <paramref name="status"/>; answers its id.</summary>
    public async Task<long> InsertAsync(FindingRow f, ExceptionStatus status, Instant now, CancellationToken ct)
    {
        var command = Command(Dialect.Of(connection).Returning(InsertSql),
            "Institution", "Period", "Rule", "RuleSetId", "RuleSetVersion", "severity", "status", "figures", "baselines", "MessageZh", "MessageEn", "SubmissionId", "now");
        command.Bind(f.Institution, Periods.Format(f.Period), f.Rule, f.RuleSetId, f.RuleSetVersion, f.Severity, status.Name(), f.Figures, f.Baselines,
            f.MessageZh, f.MessageEn, f.SubmissionId, now);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Replaces what an exception found (figures, severity, set, message, submission) and sets its status.</summary>
    public Task UpdateFindingAsync(long id, FindingRow f, ExceptionStatus status, Instant now, CancellationToken ct) =>
        RunAsync(
            Command(UpdateFindingSql, "RuleSetId", "RuleSetVersion", "severity", "status", "figures", "baselines", "MessageZh", "MessageEn", "SubmissionId", "now", "Id"),
            [f.RuleSetId, f.RuleSetVersion, f.Severity, status.Name(), f.Figures, f.Baselines, f.MessageZh, f.MessageEn, f.SubmissionId, now, id],
            ct);

    /// <summary>Records an event of an exception.</summary>
    public Task EventAsync(long exceptionId, Actor actor, EventKind kind, ExceptionStatus? from, ExceptionStatus to, string? note, string? figures, Instant now, CancellationToken ct) =>
        RunAsync(
            Command(InsertEventSql, "exceptionId", "now", "Role", "KeyId", "kind", "from", "to", "note", "figures"),
            [exceptionId, now, actor.Role, actor.KeyId, kind.Name(), from?.Name(), to.Name(), note, figures],
            ct);

    /// <summary>Moves an exception to a status, with the date its waiver ends (or none).</summary>
    public Task MoveAsync(long id, ExceptionStatus to, LocalDate? waivedUntil, Instant now, CancellationToken ct) =>
        RunAsync(Command(TransitionSql, "to", "waivedUntil", "now", "id"), [to.Name(), waivedUntil, now, id], ct);

    /// <summary>Points an exception at the submission whose evaluation found it again.</summary>
    public Task MoveSubmissionAsync(long id, long submissionId, CancellationToken ct) =>
        RunAsync(Command(MoveSubmissionSql, "SubmissionId", "Id"), [submissionId, id], ct);

    /// <summary>Replaces an exception's figures.</summary>
    public Task FiguresAsync(long id, string figures, CancellationToken ct) => RunAsync(Command(FiguresSql, "figures", "Id"), [figures, id], ct);

    /// <summary>The figures of the exception's latest event that recorded some, or <c>null</c>.</summary>
    public async Task<string?> LastFiguresAsync(long id, CancellationToken ct)
    {
        var command = Command(LastFiguresSql, "Id");
        command.Bind(id);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Marks a submission's evaluation done, with what it stored.</summary>
    public Task EvaluatedAsync(long submissionId, string evaluation, Instant now, CancellationToken ct) =>
        RunAsync(Command(EvaluatedSql, "now", "evaluation", "SubmissionId"), [now, evaluation, submissionId], ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _prepared.Values)
        {
            await command.DisposeAsync();
        }
    }

    private static Task<int> RunAsync(DbCommand command, object?[] values, CancellationToken ct)
    {
        command.Bind(values);
        return command.ExecuteNonQueryAsync(ct);
    }

    private DbCommand Command(string statement, params string[] names)
    {
        if (!_prepared.TryGetValue(statement, out var command))
        {
            _prepared[statement] = command = connection.Repeated(transaction, statement, names);
        }

        return command;
    }
}
