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

    private readonly Dictionary<string, DbCommand> _prepared = new(StringComparer.Ordinal);

    /// <summary>
    /// Carries out one write of a plan (<see cref="ExceptionPlan"/>) on an exception of <paramref name="institution"/>'s
    /// <paramref name="period"/>, by the system; answers the exception it wrote or touched.
    /// </summary>
    public async Task<long> ApplyAsync(string? institution, YearMonth period, ExceptionWrite write, Instant now, CancellationToken ct)
    {
        switch (write)
        {
            case OpenFinding create:
                var id = await InsertAsync(institution!, period, create.Finding, create.Event.To, now, ct);
                await EventAsync(id, Actor.System, create.Event, now, ct);
                return id;
            case UpdateFinding update:
                await RunAsync(
                    Command(UpdateFindingSql, "RuleSetId", "RuleSetVersion", "severity", "status", "figures", "baselines", "MessageZh", "MessageEn", "SubmissionId", "now", "Id"),
                    [update.Finding.RuleSetId, update.Finding.RuleSetVersion, update.Finding.Severity, update.Event.To.Name(), update.Finding.Figures, update.Finding.Baselines,
                     update.Finding.Message.Zh, update.Finding.Message.En, update.Finding.SubmissionId, now, update.Id],
                    ct);
                await EventAsync(update.Id, Actor.System, update.Event, now, ct);
                return update.Id;
            case RefreshFinding refresh:
                await RunAsync(
                    Command(UpdateFindingSql, "RuleSetId", "RuleSetVersion", "severity", "status", "figures", "baselines", "MessageZh", "MessageEn", "SubmissionId", "now", "Id"),
                    [refresh.Finding.RuleSetId, refresh.Finding.RuleSetVersion, refresh.Finding.Severity, refresh.Status.Name(), refresh.Finding.Figures, refresh.Finding.Baselines,
                     refresh.Finding.Message.Zh, refresh.Finding.Message.En, refresh.Finding.SubmissionId, now, refresh.Id],
                    ct);
                return refresh.Id;
            case MoveStatus move:
                await MoveAsync(move.Id, move.Event.To, move.WaivedUntil, now, ct);
                await EventAsync(move.Id, Actor.System, move.Event, now, ct);
                return move.Id;
            case RecordEvent record:
                await EventAsync(record.Id, Actor.System, record.Event, now, ct);
                if (record.ReplaceFigures)
                {
                    await RunAsync(Command(FiguresSql, "figures", "Id"), [record.Event.Figures, record.Id], ct);
                }

                return record.Id;
            case KeepFinding keep:
                if (keep.SubmissionId is { } submissionId)
                {
                    await RunAsync(Command(MoveSubmissionSql, "SubmissionId", "Id"), [submissionId, keep.Id], ct);
                }

                return keep.Id;
            default:
                throw new ArgumentException($"No write {write.GetType().Name} is known.", nameof(write));
        }
    }

    /// <summary>Records an event of an exception.</summary>
    public Task EventAsync(long exceptionId, Actor actor, PlannedEvent e, Instant now, CancellationToken ct) =>
        RunAsync(
            Command(InsertEventSql, "exceptionId", "now", "Role", "KeyId", "kind", "from", "to", "note", "figures"),
            [exceptionId, now, actor.Role, actor.KeyId, e.Kind.Name(), e.From?.Name(), e.To.Name(), e.Note, e.Figures],
            ct);

    /// <summary>Moves an exception to a status, with the date its waiver ends (or none).</summary>
    public Task MoveAsync(long id, ExceptionStatus to, LocalDate? waivedUntil, Instant now, CancellationToken ct) =>
        RunAsync(Command(TransitionSql, "to", "waivedUntil", "now", "id"), [to.Name(), waivedUntil, now, id], ct);

    // Creates the exception of a finding in status; answers its id.
    private async Task<long> InsertAsync(string institution, YearMonth period, StoredFinding f, ExceptionStatus status, Instant now, CancellationToken ct)
    {
        var command = Command(Dialect.Of(connection).Returning(InsertSql),
            "Institution", "Period", "Rule", "RuleSetId", "RuleSetVersion", "severity", "status", "figures", "baselines", "MessageZh", "MessageEn", "SubmissionId", "now");
        command.Bind(institution, Periods.Format(period), f.Rule, f.RuleSetId, f.RuleSetVersion, f.Severity, status.Name(), f.Figures, f.Baselines,
            f.Message.Zh, f.Message.En, f.SubmissionId, now);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

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
