using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Engine.Calendar;

/// <summary>
/// What the sweep needs to know of an institution, and the name the filing statistics show; with whether it is a legal
/// person and its level (a legal person's head office where not told otherwise).
/// </summary>
public sealed record InstitutionFacts(
    string Code, string RegionCode, string Category, YearMonth ReportingFrom, string Name, bool LegalPerson = true,
    string Level = InstitutionLevel.HeadOffice)
{
    /// <summary>What the rules and obligations judge it by: region, category, legal status and level.</summary>
    public InstitutionProfile Profile => new(RegionCode, Category, LegalPerson, Level);
}

/// <summary>
/// Whether a deadline binds an institution under the facts as they are now: its due date, or why it does not, in
/// Chinese and English (<see cref="DeadlineSweep.Bindings"/>).
/// </summary>
public sealed record DeadlineBinding(LocalDate? DueDate, LocalizedText? Unbound)
{
    /// <summary>A deadline that does not bind, and why.</summary>
    public static DeadlineBinding Not(string zh, string en) => new(null, new LocalizedText(zh, en));
}

/// <summary>A deadline of one institution.</summary>
public sealed record InstitutionDeadline(string Institution, Deadline Deadline);

/// <summary>Where a deadline stands on a date (analytics.md, "Filing statistics").</summary>
public enum DeadlineStanding
{
    /// <summary>Filed on or before the due date (after 顺延), in China Standard Time.</summary>
    OnTime,

    /// <summary>Filed after the due date.</summary>
    Late,

    /// <summary>Not filed, and the due date has passed.</summary>
    Missing,

    /// <summary>Not filed, and the due date is today or later.</summary>
    Pending,
}

/// <summary>A deadline of one institution as it stands on a date: its first filing, if any, and how many days late that was.</summary>
public sealed record DeadlineState(InstitutionDeadline Deadline, Instant? FiledAt, DeadlineStanding Standing, int DaysLate)
{
    /// <summary>Whether it was filed, on time or late.</summary>
    public bool IsFiled => FiledAt is not null;
}

/// <summary>A reminder the sweep owes.</summary>
public sealed record PlannedReminder(InstitutionDeadline Deadline, ReminderDue Reminder);

/// <summary>What one sweep on a date owes: reminders and <c>DEADLINE_MISSED</c> exceptions.</summary>
public sealed record SweepPlan(IReadOnlyList<PlannedReminder> Reminders, IReadOnlyList<InstitutionDeadline> Missed);

/// <summary>
/// The reminder sweep (deadlines.md), as a pure function of today's date and the facts: for every institution,
/// obligation and deadline, the reminder owed now if nothing is filed, and a missed deadline once the due day has
/// passed. The store writes the plan under unique keys, so each is written at most once.
/// </summary>
/// <remarks>
/// What a sweep owes changes with the date only where a reminder's offset is reached or a due day passes. So a
/// sweep that knows the date of an earlier sweep over the same facts (<see cref="Fingerprint"/>) plans only the
/// deadlines <see cref="ChangedSince"/> then: the others owe what that sweep already wrote, and filing since only
/// takes reminders and missed deadlines away.
/// </remarks>
public static class DeadlineSweep
{
    /// <summary>
    /// The version of the way deadlines are planned (the window, which deadlines bind whom, what is owed when), part of
    /// every <see cref="Fingerprint"/>: raise it with any change to that code, or to what a sweep on top of another
    /// reads, so the first sweep after it plans every deadline. 3: such a sweep reads only the filings no sweep has read
    /// yet, and those filed before the version that marks them count as read.
    /// </summary>
    public const int PlanVersion = 3;

    /// <summary>The deadlines a sweep on <paramref name="today"/> looks at: those with a nominal due date in the year before, this year or the next.</summary>
    public static IReadOnlyList<Deadline> Window(LocalDate today, IReadOnlyList<Obligation> obligations, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(obligations);
        return [.. DeadlinesIn(obligations, calendar, [today.Year - 1, today.Year, today.Year + 1])];
    }

    /// <summary>
    /// The deadlines for which a sweep on <paramref name="today"/> may owe what a sweep on <paramref name="since"/>
    /// did not: those whose latest reminder offset under their obligation's schedule
    /// (<see cref="ReminderSchedule.DueOn(LocalDate, LocalDate, IReadOnlyList{int})"/>) differs between the two dates. A
    /// due day passed in between is among them: the reminder owed moved from on or before it to after it.
    /// </summary>
    public static IEnumerable<Deadline> ChangedSince(LocalDate since, LocalDate today, IEnumerable<Deadline> deadlines) =>
        deadlines.Where(d => ReminderSchedule.DueOn(today, d.DueDate, d.Obligation.ReminderOffsets) is { } owed
            && owed != ReminderSchedule.DueOn(since, d.DueDate, d.Obligation.ReminderOffsets));

    /// <summary>
    /// A digest (SHA-256, hex) of what a sweep plans from besides the date and the filings: the way it plans
    /// (<see cref="PlanVersion"/>), each institution's code, region, category, legal status, level and reporting start,
    /// each obligation (whom it binds, its years, due date and reminder schedule), and each deadline of the window with
    /// its due date (so the working-day calendar too). Two sweeps with the same fingerprint owe the same for the same date
    /// and filings; a change of anything that decides whether a deadline is owed changes it, so the sweep after such a
    /// change plans every deadline again and clears what is no longer owed.
    /// </summary>
    public static string Fingerprint(IEnumerable<InstitutionFacts> institutions, IEnumerable<Obligation> obligations, IEnumerable<Deadline> window)
    {
        ArgumentNullException.ThrowIfNull(institutions);
        ArgumentNullException.ThrowIfNull(obligations);
        ArgumentNullException.ThrowIfNull(window);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Line(string text) => hash.AppendData(System.Text.Encoding.UTF8.GetBytes(text + "\n"));
        Line(Periods.Invariant($"plan|{PlanVersion}"));
        foreach (var i in institutions.OrderBy(i => i.Code, StringComparer.Ordinal))
        {
            Line($"institution|{i.Code}|{i.RegionCode}|{i.Category}|{(i.LegalPerson ? "legalPerson" : "branch")}|{i.Level}|{Periods.Format(i.ReportingFrom)}");
        }

        foreach (var o in obligations.OrderBy(o => o.Code, StringComparer.Ordinal))
        {
            var populations = o.Populations is { } list ? string.Join(";", list.Select(p => p.ToJson().ToJsonString())) : "*";
            Line(Periods.Invariant($"obligation|{o.Code}|{o.RegionPrefix}|{populations}|{o.Years.From}-{o.Years.To}|{o.Due}|{ReminderSchedule.Describe(o.ReminderOffsets)}"));
        }

        foreach (var d in window.OrderBy(d => d.Obligation.Code, StringComparer.Ordinal).ThenBy(d => d.Period))
        {
            Line($"deadline|{d.Obligation.Code}|{Periods.Format(d.Period)}|{Periods.FormatDate(d.DueDate)}");
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Each of <paramref name="deadlines"/> for every institution its obligation applies to and binds (from its reporting start on).</summary>
    public static IEnumerable<InstitutionDeadline> Deadlines(IEnumerable<InstitutionFacts> institutions, IEnumerable<Deadline> deadlines)
    {
        ArgumentNullException.ThrowIfNull(institutions);
        ArgumentNullException.ThrowIfNull(deadlines);
        // Deadlines depend on the obligation and year alone; each institution only filters them by its reporting start.
        var byObligation = deadlines.GroupBy(d => d.Obligation).Select(g => (Obligation: g.Key, Deadlines: g.ToList())).ToList();
        foreach (var institution in institutions)
        {
            var profile = institution.Profile;
            foreach (var (obligation, ofObligation) in byObligation.Where(o => o.Obligation.AppliesTo(profile)))
            {
                foreach (var deadline in ofObligation)
                {
                    if (Binds(obligation, deadline.Period, institution))
                    {
                        yield return new InstitutionDeadline(institution.Code, deadline);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Every deadline of <paramref name="year"/> for every institution it binds (as <see cref="Deadlines"/> lists them) and
    /// where it stands on <paramref name="today"/>: the one computation behind the deadlines list and the filing statistics.
    /// </summary>
    public static IEnumerable<DeadlineState> StatesOn(
        LocalDate today,
        int year,
        IEnumerable<InstitutionFacts> institutions,
        IReadOnlyList<Obligation> obligations,
        WorkingDayCalendar calendar,
        Func<InstitutionDeadline, Instant?> filedAt)
    {
        ArgumentNullException.ThrowIfNull(obligations);
        ArgumentNullException.ThrowIfNull(filedAt);
        foreach (var deadline in Deadlines(institutions, DeadlinesIn(obligations, calendar, [year])))
        {
            var due = deadline.Deadline.DueDate;
            if (filedAt(deadline) is { } filed)
            {
                var late = DaysLate(due, filed);
                yield return new DeadlineState(deadline, filed, late > 0 ? DeadlineStanding.Late : DeadlineStanding.OnTime, late);
            }
            else
            {
                yield return new DeadlineState(deadline, null, today > due ? DeadlineStanding.Missing : DeadlineStanding.Pending, 0);
            }
        }
    }

    /// <summary>The calendar days from <paramref name="due"/> to the China Standard Time date of <paramref name="filed"/>; 0 when filed by the due date.</summary>
    public static int DaysLate(LocalDate due, Instant filed)
    {
        var filedOn = ReportingZone.DateOf(filed);
        return filedOn > due ? Period.Between(due, filedOn, PeriodUnits.Days).Days : 0;
    }

    /// <summary>
    /// The due date of an obligation's deadline for a nominal period (<see cref="Deadline.Period"/>) of an
    /// institution, under the obligations and calendar as they are now; <c>null</c> where the institution or the
    /// obligation no longer exists, or the deadline does not bind the institution (any more).
    /// </summary>
    public static Func<string, string, YearMonth, LocalDate?> DueDates(
        IEnumerable<InstitutionFacts> institutions, IReadOnlyList<Obligation> obligations, WorkingDayCalendar calendar)
    {
        var bindings = Bindings(institutions, obligations, calendar);
        return (institution, code, period) => bindings(institution, code, period)?.DueDate;
    }

    /// <summary>
    /// Whether an obligation's deadline for a nominal period binds an institution under the institutions, obligations
    /// and calendar as they are now (by institution code, obligation code and period): its due date, or why it does not
    /// (the obligation is gone, the institution is outside its region or populations, the period is no longer that of
    /// its due date, the year is outside its years, or the deadline comes before the institution's reporting start);
    /// <c>null</c> for an institution not among <paramref name="institutions"/>.
    /// </summary>
    public static Func<string, string, YearMonth, DeadlineBinding?> Bindings(
        IEnumerable<InstitutionFacts> institutions, IReadOnlyList<Obligation> obligations, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(institutions);
        ArgumentNullException.ThrowIfNull(obligations);
        ArgumentNullException.ThrowIfNull(calendar);
        var byCode = obligations.ToDictionary(o => o.Code, StringComparer.Ordinal);
        var facts = institutions.ToDictionary(i => i.Code, StringComparer.Ordinal);
        return (institution, code, period) =>
        {
            if (!facts.TryGetValue(institution, out var of))
            {
                return null;
            }

            if (!byCode.TryGetValue(code, out var obligation))
            {
                return DeadlineBinding.Not($"义务 {code} 已不存在。", $"The obligation {code} no longer exists.");
            }

            var (zh, en) = (obligation.Name.Zh, obligation.Name.En);
            if (!obligation.CoversRegion(of.RegionCode))
            {
                var region = obligation.RegionPrefix.Length == 0 ? "全国" : obligation.RegionPrefix;
                return DeadlineBinding.Not(
                    $"{of.Code} 的地区代码 {of.RegionCode} 不在「{zh}」的适用地区（{region}）内。",
                    $"{of.Code}'s region {of.RegionCode} is outside the region {obligation.RegionPrefix} that {en} binds.");
            }

            if (!obligation.Includes(of.Profile))
            {
                return DeadlineBinding.Not(
                    $"{of.Code}（类别 {of.Category}、层级 {of.Level}、{(of.LegalPerson ? "法人" : "分支机构")}）不属于「{zh}」适用的机构。",
                    $"{of.Code} ({of.Category}, {of.Level}, {(of.LegalPerson ? "a legal person" : "a branch")}) is not among the institutions {en} binds.");
            }

            var subject = obligation.Due.IsMonthly ? period : new YearMonth(period.Year, 1);
            var nominal = obligation.Due.Nominal(subject, calendar);
            var due = obligation.Due.DueDate(subject, calendar);
            if (!obligation.Due.IsMonthly && nominal.ToYearMonth() != period)
            {
                return DeadlineBinding.Not(
                    Periods.Invariant($"「{zh}」{period.Year} 年的截止日已调整为 {Periods.FormatDate(due)}（{Periods.Format(nominal.ToYearMonth())}），{Periods.Format(period)} 不再是它的截止期。"),
                    Periods.Invariant($"{en} of {period.Year} is now due on {Periods.FormatDate(due)} ({Periods.Format(nominal.ToYearMonth())}): {Periods.Format(period)} is no longer its deadline."));
            }

            if (!obligation.Years.Contains(nominal.Year))
            {
                var years = obligation.Years.To is { } to ? Periods.Invariant($"{obligation.Years.From}–{to}") : Periods.Invariant($"{obligation.Years.From} 起");
                var yearsEn = obligation.Years.To is { } last ? Periods.Invariant($"{obligation.Years.From}–{last}") : Periods.Invariant($"from {obligation.Years.From}");
                return DeadlineBinding.Not(
                    Periods.Invariant($"「{zh}」的适用年度现为 {years}，不含 {nominal.Year} 年。"),
                    Periods.Invariant($"{en} is now in force {yearsEn}, which leaves out {nominal.Year}."));
            }

            if (!Binds(obligation, period, of))
            {
                var from = Periods.Format(of.ReportingFrom);
                return DeadlineBinding.Not(
                    $"{of.Code} 自 {from} 起报送，此截止期在其之前。",
                    $"{of.Code} reports from {from}; this deadline comes before that.");
            }

            return new DeadlineBinding(due, null);
        };
    }

    /// <summary>
    /// Why the <c>DEADLINE_MISSED</c> exception of a deadline, written when it was due on <paramref name="recordedDue"/>,
    /// no longer stands on <paramref name="today"/> (deadlines.md, "When a deadline stops being owed"): the deadline no
    /// longer binds the institution (<paramref name="binding"/>), or its due date moved to one that has not passed, or
    /// by which it was filed. <c>null</c> where it still stands, or where the institution is not known.
    /// </summary>
    /// <remarks>
    /// A due date that did not move never un-misses a deadline, whatever the date swept: a sweep as of an earlier date
    /// (for operations, for tests) leaves what later sweeps found as it is.
    /// </remarks>
    public static LocalizedText? NoLongerOwed(DeadlineBinding? binding, LocalDate? recordedDue, Instant? filedAt, LocalDate today)
    {
        if (binding is null)
        {
            return null;
        }

        if (binding.Unbound is { } why)
        {
            return why;
        }

        var due = binding.DueDate!.Value;
        if (recordedDue is not { } recorded || recorded == due)
        {
            return null;
        }

        var date = Periods.FormatDate(due);
        if (filedAt is { } filed)
        {
            return DaysLate(due, filed) == 0
                ? new LocalizedText($"截止日已调整为 {date}，此前已报送，不再逾期。", $"The due date is now {date}, and it was filed by then.")
                : null;
        }

        return ReminderSchedule.IsMissed(today, due)
            ? null
            : new LocalizedText($"截止日已调整为 {date}，尚未到期。", $"The due date is now {date}, which has not passed.");
    }

    // Every deadline of the obligations with a nominal due date in one of the years, whoever it binds.
    private static IEnumerable<Deadline> DeadlinesIn(IReadOnlyList<Obligation> obligations, WorkingDayCalendar calendar, IReadOnlyCollection<int> years) =>
        obligations.SelectMany(o => years.SelectMany(y => o.DeadlinesIn(y, new YearMonth(1, 1), calendar)));

    // deadlines.md: monthly ledgers bind from the reporting start's period, the others from its year.
    private static bool Binds(Obligation obligation, YearMonth period, InstitutionFacts institution) =>
        obligation.Due.IsMonthly ? period >= institution.ReportingFrom : period.Year >= institution.ReportingFrom.Year;

    /// <summary>Plans the sweep of <paramref name="today"/> over <paramref name="deadlines"/>; <paramref name="filed"/> tells whether a deadline is filed.</summary>
    public static SweepPlan Plan(
        LocalDate today,
        IEnumerable<InstitutionFacts> institutions,
        IEnumerable<Deadline> deadlines,
        Func<InstitutionDeadline, bool> filed)
    {
        ArgumentNullException.ThrowIfNull(filed);
        var reminders = new List<PlannedReminder>();
        var missed = new List<InstitutionDeadline>();
        foreach (var deadline in Deadlines(institutions, deadlines))
        {
            var due = deadline.Deadline.DueDate;
            if (filed(deadline))
            {
                continue;
            }

            if (ReminderSchedule.DueOn(today, due, deadline.Deadline.Obligation.ReminderOffsets) is { } reminder)
            {
                reminders.Add(new PlannedReminder(deadline, reminder));
            }

            if (ReminderSchedule.IsMissed(today, due))
            {
                missed.Add(deadline);
            }
        }

        return new SweepPlan(reminders, missed);
    }
}
