using Compliance.Engine.Exceptions;
using NodaTime;
using R = Compliance.Engine.Exceptions.ReplayChange;
using S = Compliance.Engine.Exceptions.ExceptionStatus;

namespace Compliance.Engine.Tests.Exceptions;

/// <summary>What a preview reports of a re-evaluation (analytics.md, "Shadow replay"), read from the lifecycle.</summary>
public sealed class ReplayTests
{
    private static readonly LocalDate Today = new(2023, 1, 20);

    [TestCase(null, true, false, R.Opened)]
    [TestCase(null, false, false, R.None)]
    [TestCase(S.Cleared, true, false, R.Opened)]
    [TestCase(S.Cleared, true, true, R.Opened)]
    [TestCase(S.Cleared, false, false, R.None)]
    [TestCase(S.Open, true, false, R.None)]
    [TestCase(S.Open, true, true, R.Changed)]
    [TestCase(S.Explained, true, true, R.Changed)]
    [TestCase(S.Open, false, false, R.Cleared)]
    [TestCase(S.Explained, false, false, R.Cleared)]
    [TestCase(S.Resolved, true, true, R.None)]
    [TestCase(S.Resolved, false, false, R.None)]
    [TestCase(S.Waived, true, true, R.None)]
    [TestCase(S.Waived, false, false, R.None)]
    public void Change_IsWhatTheLifecycleDoes(ExceptionStatus? from, bool found, bool severityChanged, ReplayChange expected) =>
        Replay.Of(from, null, Today, found, severityChanged).Should().Be(expected);

    [Test]
    public void Waived_Opens_OnlyOnceItsWaiverEnded()
    {
        Replay.Of(S.Waived, Today.PlusDays(-1), Today, found: true, severityChanged: false).Should().Be(R.Opened);
        Replay.Of(S.Waived, Today, Today, found: true, severityChanged: false).Should().Be(R.None);
        Replay.Of(S.Waived, Today.PlusDays(-1), Today, found: false, severityChanged: false).Should().Be(R.None);
    }
}
