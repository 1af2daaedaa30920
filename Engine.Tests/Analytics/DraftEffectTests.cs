using Compliance.Engine.Analytics;
using Compliance.Engine.Exceptions;
using Compliance.Engine.Rules;

namespace Compliance.Engine.Tests.Analytics;

/// <summary>
/// What a draft changes in one key (analytics.md, "Shadow replay"), as a table: the current version's finding, the
/// draft's, and the exception stored for the key.
/// </summary>
public sealed class DraftEffectTests
{
    private const Severity W = Severity.Warning;
    private const Severity B = Severity.Breach;

    [TestCase(null, W, null, ReplayChange.Opened)]
    [TestCase(null, B, ExceptionStatus.Cleared, ReplayChange.Opened)]
    [TestCase(null, W, ExceptionStatus.Open, ReplayChange.None)]
    [TestCase(null, W, ExceptionStatus.Explained, ReplayChange.None)]
    [TestCase(null, W, ExceptionStatus.Resolved, ReplayChange.None)]
    [TestCase(null, W, ExceptionStatus.Waived, ReplayChange.None)]
    [TestCase(W, null, ExceptionStatus.Open, ReplayChange.Cleared)]
    [TestCase(B, null, ExceptionStatus.Explained, ReplayChange.Cleared)]
    [TestCase(W, null, ExceptionStatus.Resolved, ReplayChange.None)]
    [TestCase(W, null, ExceptionStatus.Waived, ReplayChange.None)]
    [TestCase(W, null, null, ReplayChange.None)]
    [TestCase(W, B, ExceptionStatus.Open, ReplayChange.Changed)]
    [TestCase(B, W, ExceptionStatus.Explained, ReplayChange.Changed)]
    [TestCase(W, B, ExceptionStatus.Waived, ReplayChange.None)]
    [TestCase(W, B, null, ReplayChange.None)]
    [TestCase(W, W, ExceptionStatus.Open, ReplayChange.None)]
    [TestCase(B, B, ExceptionStatus.Waived, ReplayChange.None)]
    [TestCase(B, B, null, ReplayChange.None)]
    [TestCase(null, null, ExceptionStatus.Open, ReplayChange.None)]
    [TestCase(null, null, ExceptionStatus.Waived, ReplayChange.None)]
    public void Key_CurrentDraftAndStored_Change(Severity? current, Severity? draft, ExceptionStatus? stored, ReplayChange change)
    {
        var effect = DraftEffect.Of(current, draft, stored);

        effect.Should().Be(change);
    }
}
