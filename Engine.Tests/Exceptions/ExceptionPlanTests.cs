using Compliance.Engine.Calendar;
using Compliance.Engine.Exceptions;
using Compliance.Engine.Rules;
using NodaTime;
using K = Compliance.Engine.Exceptions.EventKind;
using S = Compliance.Engine.Exceptions.ExceptionStatus;

namespace Compliance.Engine.Tests.Exceptions;

/// <summary>
/// What an evaluation and a sweep write to the exceptions they meet, as a table: the stored exception (or none), what
/// was found, and the one write planned with its event, note and figures.
/// </summary>
public sealed class ExceptionPlanTests
{
    private const long Submission = 7;
    private static readonly LocalDate Today = new(2023, 3, 10);
    private static readonly RuleSet Set = new("national", 2, new RuleSetSpec("CN", new YearRange(2000, null), [new RuleSpec("CREDIT_SHARE", null)]));
    private static readonly Finding Finding = new("CREDIT_SHARE", Severity.Breach,
        new Dictionary<string, object> { ["creditSharePp"] = 1.5m }, new Dictionary<string, object>(), new LocalizedText("信用贷款占比", "Credit share"));

    private static readonly string FoundFigures = FindingJson.Figures(Finding.Figures).ToJsonString();
    private const string OtherFigures = """{"creditSharePp":0.5}""";

    /// <summary>
    /// A stored exception of the rule (status, its figures, the figures its last event recorded, its waiver's end) and
    /// whether the evaluation finds it; the write planned (type name, or null for none), its event and note.
    /// </summary>
    private static readonly (S? Status, string Figures, string? Recorded, int? WaiverDaysFromToday, bool Found, string? Write, K? Kind, S? To, string? Note)[] Table =
    [
        (null, "", null, null, true, nameof(OpenFinding), K.Created, S.Open, null),
        (null, "", null, null, false, null, null, null, null),
        (S.Open, "FOUND", null, null, true, nameof(KeepFinding), null, null, null),
        (S.Open, OtherFigures, null, null, true, nameof(UpdateFinding), K.Updated, S.Open, null),
        (S.Open, OtherFigures, null, null, false, nameof(MoveStatus), K.Cleared, S.Cleared, "Re-evaluation no longer finds it."),
        (S.Explained, OtherFigures, null, null, true, nameof(UpdateFinding), K.Updated, S.Explained, null),
        (S.Explained, "FOUND", null, null, false, nameof(MoveStatus), K.Cleared, S.Cleared, "Re-evaluation no longer finds it."),
        (S.Resolved, OtherFigures, null, null, true, nameof(RecordEvent), K.Updated, S.Resolved, "Re-evaluation found new figures."),
        (S.Resolved, OtherFigures, "FOUND", null, true, nameof(KeepFinding), null, null, null),
        (S.Resolved, "FOUND", OtherFigures, null, true, nameof(RecordEvent), K.Updated, S.Resolved, "Re-evaluation found new figures."),
        (S.Resolved, "FOUND", null, null, false, null, null, null, null),
        (S.Waived, OtherFigures, null, 5, true, nameof(RecordEvent), K.Updated, S.Waived, "Re-evaluation found new figures."),
        (S.Waived, "FOUND", null, 5, true, nameof(KeepFinding), null, null, null),
        (S.Waived, "FOUND", null, -1, true, nameof(UpdateFinding), K.Reopened, S.Open, "The waiver ended on 2023-03-09 and the condition still holds."),
        (S.Waived, "FOUND", null, 0, true, nameof(KeepFinding), null, null, null),
        (S.Waived, "FOUND", null, 5, false, null, null, null, null),
        (S.Cleared, "FOUND", null, null, true, nameof(UpdateFinding), K.FoundAgain, S.Open, null),
        (S.Cleared, "FOUND", null, null, false, null, null, null, null),
    ];

    public static IEnumerable<TestCaseData> Rows() => Table.Select(r => new TestCaseData(r.Status, r.Figures, r.Recorded, r.WaiverDaysFromToday, r.Found, r.Write, r.Kind, r.To, r.Note)
        .SetArgDisplayNames($"{r.Status?.ToString() ?? "none"}", r.Figures == "FOUND" ? "same figures" : "other figures", r.Recorded is null ? "-" : "recorded", $"{r.WaiverDaysFromToday}", r.Found ? "found" : "not found"));

    [TestCaseSource(nameof(Rows))]
    public void Evaluation_PlansOneWrite_AsTheTableSays(S? status, string figures, string? recorded, int? waiverDays, bool found, string? write, K? kind, S? to, string? note)
    {
        var stored = status is { } s
            ? new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", s, "breach", Set.Version, Resolve(figures)!, "{}", Submission, waiverDays is { } d ? Today.PlusDays(d) : null, Resolve(recorded))
            : null;
        var result = new RuleEvaluation([new SetEvaluation(Set, [found ? new RuleResult("CREDIT_SHARE", RuleOutcome.Breach, Finding, []) : RuleResult.Pass("CREDIT_SHARE")])]);

        var plan = ExceptionPlan.OfEvaluation(result, Submission, stored is null ? [] : [stored], Today);

        if (write is null)
        {
            plan.Should().BeEmpty();
            return;
        }

        plan.Should().ContainSingle().Which.GetType().Name.Should().Be(write);
        var e = EventOf(plan[0]);
        (e?.Kind, e?.To, English(e?.Note)).Should().Be((kind, to, note));
        if (e is not null)
        {
            e.From.Should().Be(status);
            if (e.Note is not null)
            {
                SystemNotes.Parse(e.Note)!.Zh.Should().NotBeNullOrWhiteSpace("the system writes its notes in both languages");
            }
        }
    }

    [TestCaseSource(nameof(Rows))]
    public void Evaluation_QueuedByAPlanChange_NamesTheChangeOnEveryEventItWrites(
        S? status, string figures, string? recorded, int? waiverDays, bool found, string? write, K? kind, S? to, string? note)
    {
        const string CauseZh = "信贷计划 2023：1,000,000.00 → 1,200,000.00，总行追加";
        const string CauseEn = "Credit plan 2023: 1,000,000.00 → 1,200,000.00, 总行追加";
        var cause = SystemNotes.Of(CauseZh, CauseEn);
        var stored = status is { } s
            ? new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", s, "breach", Set.Version, Resolve(figures)!, "{}", Submission, waiverDays is { } d ? Today.PlusDays(d) : null, Resolve(recorded))
            : null;
        var result = new RuleEvaluation([new SetEvaluation(Set, [found ? new RuleResult("CREDIT_SHARE", RuleOutcome.Breach, Finding, []) : RuleResult.Pass("CREDIT_SHARE")])]);
        var plan = ExceptionPlan.OfEvaluation(result, Submission, stored is null ? [] : [stored], Today);

        var named = ExceptionPlan.NamingCause(plan, cause);

        named.Select(w => w.GetType()).Should().Equal(plan.Select(w => w.GetType()), "naming the cause changes no write");
        if (named.Count == 0 || EventOf(named[0]) is not { } e)
        {
            named.Should().Equal(plan);
            return;
        }

        (e with { Note = null }).Should().Be(EventOf(plan[0])! with { Note = null });
        var named2 = SystemNotes.Parse(e.Note)!;
        named2.En.Should().Be(kind == K.Reopened ? $"{CauseEn}\n{note}" : CauseEn);
        named2.Zh.Should().StartWith(CauseZh);
        (write, kind, to).Should().NotBe((null, null, null));
    }

    [Test]
    public void Evaluation_QueuedByNoPersonsChange_KeepsItsNotes()
    {
        var stored = new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", S.Open, "breach", Set.Version, OtherFigures, "{}", Submission, null, null);
        var plan = ExceptionPlan.OfEvaluation(new RuleEvaluation([new SetEvaluation(Set, [RuleResult.Pass("CREDIT_SHARE")])]), Submission, [stored], Today);

        ExceptionPlan.NamingCause(plan, null).Should().BeSameAs(plan);
    }

    [Test]
    public void Evaluation_OfAFindingAlreadyOpen_ComesFromAnotherSubmission_RepointsIt()
    {
        var stored = new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", S.Open, "breach", Set.Version, FoundFigures, "{}", Submission - 1, null, null);
        var result = new RuleEvaluation([new SetEvaluation(Set, [new RuleResult("CREDIT_SHARE", RuleOutcome.Breach, Finding, [])])]);

        ExceptionPlan.OfEvaluation(result, Submission, [stored], Today).Should().Equal(new KeepFinding(41, Submission));
    }

    [Test]
    public void Evaluation_ByANewVersionOfTheSetWithEqualRules_RefreshesTheFindingWithoutAnEvent()
    {
        var stored = new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", S.Explained, "breach", Set.Version - 1, FoundFigures, "{}", Submission, null, null);
        var result = new RuleEvaluation([new SetEvaluation(Set, [new RuleResult("CREDIT_SHARE", RuleOutcome.Breach, Finding, [])])]);

        ExceptionPlan.OfEvaluation(result, Submission, [stored], Today).Should().ContainSingle().Which.Should().BeOfType<RefreshFinding>()
            .Which.Should().Match<RefreshFinding>(r => r.Finding.RuleSetVersion == Set.Version && r.Status == S.Explained);
    }

    [Test]
    public void Evaluation_WithAFigureANewerRuleAdded_RefreshesTheFindingWithoutAnEvent()
    {
        var stored = new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", S.Open, "breach", Set.Version, "{}", "{}", Submission, null, null);
        var result = new RuleEvaluation([new SetEvaluation(Set, [new RuleResult("CREDIT_SHARE", RuleOutcome.Breach, Finding, [])])]);

        ExceptionPlan.OfEvaluation(result, Submission, [stored], Today).Should().ContainSingle().Which.Should().BeOfType<RefreshFinding>()
            .Which.Finding.Figures.Should().Be(FoundFigures);
    }

    [Test]
    public void Evaluation_WithANewMessageOnly_RefreshesTheFindingWithoutAnEvent()
    {
        var stored = new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", S.Open, "breach", Set.Version, FoundFigures, "{}", Submission, null, null,
            new LocalizedText("旧说法", "Old words"));
        var result = new RuleEvaluation([new SetEvaluation(Set, [new RuleResult("CREDIT_SHARE", RuleOutcome.Breach, Finding, [])])]);

        ExceptionPlan.OfEvaluation(result, Submission, [stored], Today).Should().ContainSingle().Which.Should().BeOfType<RefreshFinding>()
            .Which.Finding.Message.Should().Be(Finding.Message);
    }

    [Test]
    public void Evaluation_WithTheSameMessage_KeepsTheFinding()
    {
        var stored = new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", S.Open, "breach", Set.Version, FoundFigures, "{}", Submission, null, null, Finding.Message);
        var result = new RuleEvaluation([new SetEvaluation(Set, [new RuleResult("CREDIT_SHARE", RuleOutcome.Breach, Finding, [])])]);

        ExceptionPlan.OfEvaluation(result, Submission, [stored], Today).Should().Equal(new KeepFinding(41, null));
    }

    [Test]
    public void Evaluation_WithAnotherSeverity_UpdatesTheFindingWithAnEvent()
    {
        var stored = new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", S.Open, "warning", Set.Version, FoundFigures, "{}", Submission, null, null);
        var result = new RuleEvaluation([new SetEvaluation(Set, [new RuleResult("CREDIT_SHARE", RuleOutcome.Breach, Finding, [])])]);

        ExceptionPlan.OfEvaluation(result, Submission, [stored], Today).Should().ContainSingle().Which.Should().BeOfType<UpdateFinding>()
            .Which.Event.Kind.Should().Be(K.Updated);
    }

    [Test]
    public void Evaluation_WhereOnlyADescriptiveFigureDiffers_RefreshesWithoutAnEvent()
    {
        var set = new RuleSet("national", 2, new RuleSetSpec("", new YearRange(2000, null), [new RuleSpec("INCLUSIVE_GROWTH", null)]));
        var growth = new Finding("INCLUSIVE_GROWTH", Severity.Warning,
            new Dictionary<string, object> { ["inclusiveGrowth"] = 1m, ["totalGrowth"] = 2m, ["gapPp"] = -1m, ["basis"] = "yoy" },
            new Dictionary<string, object>(), new LocalizedText("增速", "Growth"));
        var stored = new ExceptionOnRecord(41, set.Id, "INCLUSIVE_GROWTH", S.Open, "warning", set.Version,
            """{"inclusiveGrowth":1,"totalGrowth":2,"gapPp":-1,"basis":"ytd"}""", "{}", Submission, null, null);
        var result = new RuleEvaluation([new SetEvaluation(set, [new RuleResult("INCLUSIVE_GROWTH", RuleOutcome.Warning, growth, [])])]);

        ExceptionPlan.OfEvaluation(result, Submission, [stored], Today).Should().ContainSingle().Which.Should().BeOfType<RefreshFinding>();
    }

    [Test]
    public void Evaluation_OfASetNoLongerApplying_ClearsWhatItFound()
    {
        var stored = new ExceptionOnRecord(41, "retired", "CREDIT_SHARE", S.Open, "breach", 1, FoundFigures, "{}", Submission, null, null);

        var plan = ExceptionPlan.OfEvaluation(new RuleEvaluation([]), Submission, [stored], Today);

        plan.Should().ContainSingle().Which.Should().BeOfType<MoveStatus>().Which.Event.To.Should().Be(S.Cleared);
    }

    [Test]
    public void Evaluation_PlannedTwiceFromTheSameInputs_IsTheSame()
    {
        var stored = new ExceptionOnRecord(41, Set.Id, "CREDIT_SHARE", S.Waived, "breach", Set.Version, OtherFigures, "{}", Submission, Today.PlusDays(-3), null);
        var result = new RuleEvaluation([new SetEvaluation(Set, [new RuleResult("CREDIT_SHARE", RuleOutcome.Breach, Finding, [])])]);

        ExceptionPlan.OfEvaluation(result, Submission, [stored], Today).Should().Equal(ExceptionPlan.OfEvaluation(result, Submission, [stored], Today));
    }

    private static readonly Instant Due = Instant.FromUtc(2023, 1, 15, 0, 0);

    /// <summary>A missed deadline on record (status, waiver's end, days after its due date it was filed) and the write planned.</summary>
    private static readonly (S Status, int? WaiverDaysFromToday, int? FiledDaysLate, bool Binds, string? Write, K? Kind, string? Note)[] SweepTable =
    [
        (S.Open, null, null, true, null, null, null),
        (S.Open, null, 3, true, nameof(RecordEvent), K.FiledLate, "filed 3 days late"),
        (S.Open, null, 0, true, null, null, null),
        (S.Open, null, 3, false, null, null, null),
        (S.Waived, -1, null, true, nameof(MoveStatus), K.Reopened, "The waiver ended on 2023-03-09 and nothing is filed yet."),
        (S.Waived, -1, 2, true, nameof(RecordEvent), K.FiledLate, "filed 2 days late"),
        (S.Resolved, null, 2, true, nameof(RecordEvent), K.FiledLate, "filed 2 days late"),
        (S.Explained, null, null, true, null, null, null),
    ];

    public static IEnumerable<TestCaseData> SweepRows() => SweepTable.Select(r => new TestCaseData(r.Status, r.WaiverDaysFromToday, r.FiledDaysLate, r.Binds, r.Write, r.Kind, r.Note)
        .SetArgDisplayNames(r.Status.ToString(), $"{r.WaiverDaysFromToday}", $"{r.FiledDaysLate}", r.Binds ? "binds" : "no longer binds"));

    [TestCaseSource(nameof(SweepRows))]
    public void Sweep_PlansAtMostOneWrite_AsTheTableSays(S status, int? waiverDays, int? filedDaysLate, bool binds, string? write, K? kind, string? note)
    {
        var dueDate = new LocalDate(2023, 1, 15);
        var missed = new MissedOnRecord(9, "C1", new YearMonth(2022, 12), Obligation.LedgerMonthly, status,
            waiverDays is { } d ? Today.PlusDays(d) : null, filedDaysLate is { } late ? Due.Plus(Duration.FromDays(late) + Duration.FromHours(2)) : null);

        var plan = ExceptionPlan.OfSweep([missed], (_, _, _) => binds ? dueDate : null);

        if (write is null)
        {
            plan.Should().BeEmpty();
            return;
        }

        plan.Should().ContainSingle().Which.GetType().Name.Should().Be(write);
        var e = EventOf(plan[0])!;
        (e.Kind, English(e.Note), e.From).Should().Be((kind!.Value, note, status));
        if (plan[0] is RecordEvent filed)
        {
            filed.ReplaceFigures.Should().BeTrue();
            filed.Event.Figures.Should().Contain("\"obligation\":\"LEDGER_MONTHLY\"").And.Contain("\"dueDate\":\"2023-01-15\"");
        }
    }

    [TestCase(S.Open, true, S.Cleared, TestName = "NoLongerOwed_Open_IsClearedSayingWhy")]
    [TestCase(S.Explained, true, S.Cleared, TestName = "NoLongerOwed_Explained_IsClearedSayingWhy")]
    [TestCase(S.Resolved, false, null, TestName = "NoLongerOwed_Resolved_KeepsItsStatus")]
    [TestCase(S.Waived, false, null, TestName = "NoLongerOwed_Waived_KeepsItsStatus")]
    public void NoLongerOwed_AMissedDeadline_IsClearedWhenOpenOrExplained(S status, bool cleared, S? to)
    {
        var missed = new MissedOnRecord(9, "C1", new YearMonth(2023, 5), "CREDIT_POLICY_DIGEST", status, status == S.Waived ? Today.PlusDays(5) : null, null);

        var plan = ExceptionPlan.OfNoLongerOwed([missed], _ => new LocalizedText("「梳理信贷政策」的适用年度现为 2022–2022，不含 2023 年。", "It is now in force 2022–2022, which leaves out 2023."));

        if (!cleared)
        {
            plan.Should().BeEmpty("a regulator's decision stands");
            return;
        }

        var move = plan.Should().ContainSingle().Which.Should().BeOfType<MoveStatus>().Subject;
        (move.Id, move.Event.Kind, move.Event.From, move.Event.To).Should().Be((9L, K.Cleared, status, to!.Value));
        SystemNotes.Parse(move.Event.Note).Should().Be(new LocalizedText("「梳理信贷政策」的适用年度现为 2022–2022，不含 2023 年。", "It is now in force 2022–2022, which leaves out 2023."));
    }

    [Test]
    public void NoLongerOwed_StillOwed_PlansNothing()
    {
        var missed = new MissedOnRecord(9, "C1", new YearMonth(2023, 5), "CREDIT_POLICY_DIGEST", S.Open, null, null);

        ExceptionPlan.OfNoLongerOwed([missed], _ => null).Should().BeEmpty();
    }

    [Test]
    public void MissedAgain_AClearedExceptionOfADeadlineMissedAgain_IsFoundAgainAndOpen_AndNoOtherIsTouched()
    {
        var deadline = Calendar.Obligations.CreditPolicyDigest.DeadlinesIn(2023, new YearMonth(2022, 1), Calendar.SeedCalendar.WorkingDays).Single();
        var cleared = new MissedOnRecord(9, "C1", new YearMonth(2023, 5), "CREDIT_POLICY_DIGEST", S.Cleared, null, null);
        var otherInstitution = cleared with { Id = 10, Institution = "C2" };
        var otherPeriod = cleared with { Id = 11, Period = new YearMonth(2022, 5) };

        var plan = ExceptionPlan.OfMissedAgain([cleared, otherInstitution, otherPeriod], [new InstitutionDeadline("C1", deadline)]);

        var move = plan.Should().ContainSingle().Which.Should().BeOfType<MoveStatus>().Subject;
        (move.Id, move.Event.Kind, move.Event.From, move.Event.To).Should().Be((9L, K.FoundAgain, S.Cleared, S.Open));
        SystemNotes.Parse(move.Event.Note).Should().Be(new LocalizedText(
            "梳理信贷政策报送人民银行（2023-05）截止日 2023-05-31 已过，仍未报送。", "Credit policy digest (2023-05) was due on 2023-05-31 and has not been filed."));
        move.Event.Figures.Should().Be("""{"obligation":"CREDIT_POLICY_DIGEST","dueDate":"2023-05-31"}""");
    }

    [TestCase("""{"obligation":"LEDGER_MONTHLY","dueDate":"2023-01-16"}""", "2023-01-16")]
    [TestCase("""{"obligation":"LEDGER_MONTHLY","dueDate":"2023-01-16","filedAt":"2023-01-20T02:00:00Z"}""", "2023-01-16")]
    [TestCase("""{"obligation":"LEDGER_MONTHLY"}""", null)]
    [TestCase("""{"dueDate":"2023-02-30"}""", null)]
    [TestCase("not json", null)]
    public void RecordedDueDate_OfAMissedDeadlinesFigures_IsItsDueDate(string figures, string? expected)
    {
        var due = ExceptionPlan.RecordedDueDate(figures);

        due.Should().Be(expected is null ? null : NodaTime.Text.LocalDatePattern.Iso.Parse(expected).Value);
    }

    private static string? Resolve(string? figures) => figures == "FOUND" ? FoundFigures : figures;

    private static PlannedEvent? EventOf(ExceptionWrite write) => write switch
    {
        OpenFinding w => w.Event,
        UpdateFinding w => w.Event,
        MoveStatus w => w.Event,
        RecordEvent w => w.Event,
        _ => null,
    };

    /// <summary>The English of a note the system wrote in both languages.</summary>
    private static string? English(string? note) => note is null ? null : SystemNotes.Parse(note)?.En ?? $"(not a system note) {note}";
}
