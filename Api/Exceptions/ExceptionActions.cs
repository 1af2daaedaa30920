using Compliance.Api.Access;
using Compliance.Engine.Exceptions;
using Compliance.Engine.Rules;

namespace Compliance.Api.Exceptions;

/// <summary>
/// The workflow's actions (api.md, "Exceptions"), in the order an answer lists them, each with the roles that may take
/// it: the one table that the endpoints' role checks and every exception's <c>actions</c> read. Which statuses allow
/// an action is the lifecycle's to say (<see cref="ExceptionLifecycle"/>), so a client is offered exactly what the
/// server would accept.
/// </summary>
internal static class ExceptionActions
{
    public sealed record Action(string Name, LifecycleEvent Event, IReadOnlyList<string> Roles, LocalizedText Refusal);

    public static IReadOnlyList<Action> All { get; } =
    [
        // An admin may do everything, an institution's explanation on its behalf too.
        new("explanation", LifecycleEvent.Explain, [Roles.Institution, Roles.Admin], new("只有机构本身才能对其监测事项作出说明。", "Only the institution explains its own exceptions.")),
        new("resolve", LifecycleEvent.Resolve, [Roles.Regulator, Roles.Admin], new("只有监管人员或管理员才能办结监测事项。", "Only a regulator or an admin resolves an exception.")),
        new("waive", LifecycleEvent.Waive, [Roles.Regulator, Roles.Admin], new("只有监管人员或管理员才能暂缓监测事项。", "Only a regulator or an admin waives an exception.")),
        new("reopen", LifecycleEvent.Reopen, [Roles.Regulator, Roles.Admin], new("只有监管人员或管理员才能重新打开监测事项。", "Only a regulator or an admin reopens an exception.")),
    ];

    public static Action Of(LifecycleEvent e) => All.Single(a => a.Event == e);

    /// <summary>The action of a name (<c>explanation</c>, <c>resolve</c>, <c>waive</c>, <c>reopen</c>).</summary>
    public static Action Named(string name) => All.Single(a => a.Name == name);

    /// <summary>Whether the role may take the action at all, whatever the exception's status.</summary>
    public static bool MayTake(string role, LifecycleEvent e) => Of(e).Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>The names of the actions the role may take on an exception of that status now.</summary>
    public static IReadOnlyList<string> For(string role, string status) => ExceptionLifecycle.ParseStatus(status) is { } from
        ? [.. All.Where(a => a.Roles.Contains(role, StringComparer.Ordinal) && ExceptionLifecycle.Allows(from, a.Event)).Select(a => a.Name)]
        : [];
}
