using Compliance.Engine.Exceptions;
using E = Compliance.Engine.Exceptions.LifecycleEvent;
using K = Compliance.Engine.Exceptions.EventKind;
using S = Compliance.Engine.Exceptions.ExceptionStatus;

namespace Compliance.Engine.Tests.Exceptions;

/// <summary>The lifecycle of rules.md as a table: every (status, event) pair, and where it leads.</summary>
public sealed class ExceptionLifecycleTests
{
    /// <summary>Every pair: the status before (null: no exception yet), the event, the status after and the event recorded, or refused.</summary>
    private static readonly (ExceptionStatus? From, LifecycleEvent Event, ExceptionStatus? To, EventKind? Recorded)[] Table =
    [
        (null, E.Found, S.Open, K.Created),
        (null, E.FoundChanged, null, null),
        (null, E.FoundUnchanged, null, null),
        (null, E.NoLongerFound, null, null),
        (null, E.Explain, null, null),
        (null, E.Resolve, null, null),
        (null, E.Waive, null, null),
        (null, E.WaiverEnded, null, null),
        (null, E.Reopen, null, null),
        (null, E.DeadlineMissed, S.Open, K.Created),
        (null, E.FiledLate, null, null),

        (S.Open, E.Found, null, null),
        (S.Open, E.FoundChanged, S.Open, K.Updated),
        (S.Open, E.FoundUnchanged, S.Open, null),
        (S.Open, E.NoLongerFound, S.Cleared, K.Cleared),
        (S.Open, E.Explain, S.Explained, K.Explained),
        (S.Open, E.Resolve, S.Resolved, K.Resolved),
        (S.Open, E.Waive, S.Waived, K.Waived),
        (S.Open, E.WaiverEnded, null, null),
        (S.Open, E.Reopen, null, null),
        (S.Open, E.DeadlineMissed, S.Open, null),
        (S.Open, E.FiledLate, S.Open, K.FiledLate),

        (S.Explained, E.Found, null, null),
        (S.Explained, E.FoundChanged, S.Explained, K.Updated),
        (S.Explained, E.FoundUnchanged, S.Explained, null),
        (S.Explained, E.NoLongerFound, S.Cleared, K.Cleared),
        (S.Explained, E.Explain, S.Explained, K.Explained),
        (S.Explained, E.Resolve, S.Resolved, K.Resolved),
        (S.Explained, E.Waive, S.Waived, K.Waived),
        (S.Explained, E.WaiverEnded, null, null),
        (S.Explained, E.Reopen, null, null),
        (S.Explained, E.DeadlineMissed, S.Explained, null),
        (S.Explained, E.FiledLate, S.Explained, K.FiledLate),

        (S.Resolved, E.Found, null, null),
        (S.Resolved, E.FoundChanged, S.Resolved, K.Updated),
        (S.Resolved, E.FoundUnchanged, S.Resolved, null),
        (S.Resolved, E.NoLongerFound, S.Resolved, null),
        (S.Resolved, E.Explain, null, null),
        (S.Resolved, E.Resolve, null, null),
        (S.Resolved, E.Waive, null, null),
        (S.Resolved, E.WaiverEnded, null, null),
        (S.Resolved, E.Reopen, S.Open, K.Reopened),
        (S.Resolved, E.DeadlineMissed, S.Resolved, null),
        (S.Resolved, E.FiledLate, S.Resolved, K.FiledLate),

        (S.Waived, E.Found, null, null),
        (S.Waived, E.FoundChanged, S.Waived, K.Updated),
        (S.Waived, E.FoundUnchanged, S.Waived, null),
        (S.Waived, E.NoLongerFound, S.Waived, null),
        (S.Waived, E.Explain, null, null),
        (S.Waived, E.Resolve, null, null),
        (S.Waived, E.Waive, null, null),
        (S.Waived, E.WaiverEnded, S.Open, K.Reopened),
        (S.Waived, E.Reopen, S.Open, K.Reopened),
        (S.Waived, E.DeadlineMissed, S.Waived, null),
        (S.Waived, E.FiledLate, S.Waived, K.FiledLate),

        (S.Cleared, E.Found, null, null),
        (S.Cleared, E.FoundChanged, S.Open, K.FoundAgain),
        (S.Cleared, E.FoundUnchanged, S.Open, K.FoundAgain),
        (S.Cleared, E.NoLongerFound, S.Cleared, null),
        (S.Cleared, E.Explain, null, null),
        (S.Cleared, E.Resolve, null, null),
        (S.Cleared, E.Waive, null, null),
        (S.Cleared, E.WaiverEnded, null, null),
        (S.Cleared, E.Reopen, S.Open, K.Reopened),
        (S.Cleared, E.DeadlineMissed, S.Open, K.FoundAgain),
        (S.Cleared, E.FiledLate, S.Cleared, K.FiledLate),
    ];

    private static IEnumerable<TestCaseData> Pairs() =>
        Table.Select(row => new TestCaseData(row.From, row.Event, row.To, row.Recorded)
            .SetName($"Next_{row.From?.ToString() ?? "None"}_{row.Event}_{(row.To is null ? "Refused" : $"{row.To}_{row.Recorded?.ToString() ?? "NothingRecorded"}")}"));

    [TestCaseSource(nameof(Pairs))]
    public void Next_OfEveryPair_IsTheTable(ExceptionStatus? from, LifecycleEvent e, ExceptionStatus? to, EventKind? recorded)
    {
        var next = ExceptionLifecycle.Next(from, e);

        if (to is null)
        {
            next.Should().BeNull();
        }
        else
        {
            next.Should().Be(new Transition(to.Value, recorded));
        }
    }

    [Test]
    public void Table_CoversEveryPair_Once()
    {
        var statuses = Enum.GetValues<ExceptionStatus>().Select(s => (ExceptionStatus?)s).Prepend(null);

        var pairs = statuses.SelectMany(s => Enum.GetValues<LifecycleEvent>().Select(e => (s, e)));

        Table.Select(row => (row.From, row.Event)).Should().BeEquivalentTo(pairs).And.OnlyHaveUniqueItems();
    }

    [TestCase(E.Explain, new[] { S.Open, S.Explained })]
    [TestCase(E.Resolve, new[] { S.Open, S.Explained })]
    [TestCase(E.Waive, new[] { S.Open, S.Explained })]
    [TestCase(E.Reopen, new[] { S.Resolved, S.Waived, S.Cleared })]
    public void AllowedFrom_TheWorkflowActions_IsApiMdsTable(LifecycleEvent action, ExceptionStatus[] allowed)
    {
        ExceptionLifecycle.AllowedFrom(action).Should().Equal(allowed);
    }

    [TestCase(S.Open, "open")]
    [TestCase(S.Explained, "explained")]
    [TestCase(S.Resolved, "resolved")]
    [TestCase(S.Waived, "waived")]
    [TestCase(S.Cleared, "cleared")]
    public void Names_OfStatuses_RoundTrip(ExceptionStatus status, string name)
    {
        status.Name().Should().Be(name);
        ExceptionLifecycle.ParseStatus(name).Should().Be(status);
    }

    [TestCase(K.Created, "created")]
    [TestCase(K.Updated, "updated")]
    [TestCase(K.FoundAgain, "foundAgain")]
    [TestCase(K.FiledLate, "filedLate")]
    [TestCase(K.Reopened, "reopened")]
    public void Names_OfEventKinds_AreTheApis(EventKind kind, string name) => kind.Name().Should().Be(name);

    [TestCase("Open")]
    [TestCase("")]
    [TestCase(null)]
    public void ParseStatus_OfAnythingElse_IsNull(string? name) => ExceptionLifecycle.ParseStatus(name).Should().BeNull();
}
