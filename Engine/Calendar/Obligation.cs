using Compliance.Engine.Institutions;
using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Engine.Calendar;

/// <summary>
/// Something dated that institutions must deliver (deadlines.md): whom it binds (the institutions of a region prefix,
/// all of them or those matching any of its <see cref="Populations"/>), the years it is in force (nominal due years),
/// when it is due, when reminders are sent, and what files it.
/// </summary>
public sealed record Obligation(
    string Code,
    LocalizedText Name,
    string RegionPrefix,
    IReadOnlyList<Population>? Populations,
    YearRange Years,
    DueDateRule Due)
{
    /// <summary>The code of the monthly ledger, filed by an accepted submission for the period.</summary>
    public const string LedgerMonthly = "LEDGER_MONTHLY";

    /// <summary>What files <see cref="LedgerMonthly"/>, and it alone: an accepted submission for the period.</summary>
    public const string FiledBySubmission = "submission";

    /// <summary>What files every other obligation: a deliverable for the obligation and year.</summary>
    public const string FiledByDeliverable = "deliverable";

    /// <summary>
    /// The reminders' offsets from the due date in calendar days, ascending; after the last, one every
    /// <see cref="ReminderSchedule.RepeatDays"/> days until filed.
    /// </summary>
    public IReadOnlyList<int> ReminderOffsets { get; init; } = ReminderSchedule.DefaultOffsets;

    /// <summary>What files it: <c>submission</c> for <see cref="LedgerMonthly"/>, <c>deliverable</c> for any other.</summary>
    public string FiledBy => FiledByOf(Code);

    /// <summary>What files the obligation of <paramref name="code"/>: a fact of the code, which no change of the obligation moves.</summary>
    public static string FiledByOf(string code) => code == LedgerMonthly ? FiledBySubmission : FiledByDeliverable;

    /// <summary>Whether the institution's region code starts with <see cref="RegionPrefix"/>.</summary>
    public bool CoversRegion(string regionCode)
    {
        ArgumentNullException.ThrowIfNull(regionCode);
        return regionCode.StartsWith(RegionPrefix, StringComparison.Ordinal);
    }

    /// <summary>Whether the institution matches the populations: any alternative, or every institution where there are none.</summary>
    public bool Includes(InstitutionProfile institution) => Populations is null || Populations.Any(p => p.Includes(institution));

    /// <summary>Whether the obligation binds the institution at all (in some year): of its region, and of its populations.</summary>
    public bool AppliesTo(InstitutionProfile institution)
    {
        ArgumentNullException.ThrowIfNull(institution);
        return CoversRegion(institution.RegionCode) && Includes(institution);
    }

    /// <summary>
    /// The deadlines whose nominal due date falls in <paramref name="year"/>, for an institution that reports from
    /// <paramref name="reportingFrom"/>: monthly ones from that period, the others from that year.
    /// </summary>
    public IEnumerable<Deadline> DeadlinesIn(int year, YearMonth reportingFrom, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (Due.IsMonthly)
        {
            // A monthly deadline falls due after its period: the periods of the year before through this year.
            for (var period = new YearMonth(year - 1, 1); period <= new YearMonth(year, 12); period = period.PlusMonths(1))
            {
                var nominal = Due.Nominal(period, calendar);
                if (nominal.Year == year && period >= reportingFrom && Years.Contains(nominal.Year))
                {
                    yield return new Deadline(this, period, nominal, Due.DueDate(period, calendar));
                }
            }

            yield break;
        }

        if (year >= reportingFrom.Year && Years.Contains(year))
        {
            var subject = new YearMonth(year, 1);
            var nominal = Due.Nominal(subject, calendar);
            yield return new Deadline(this, nominal.ToYearMonth(), nominal, Due.DueDate(subject, calendar));
        }
    }
}

/// <summary>
/// One deadline of an obligation: its nominal period (the ledger's period, else the month of the nominal due date),
/// its nominal due date and the working day it is due.
/// </summary>
public sealed record Deadline(Obligation Obligation, YearMonth Period, LocalDate NominalDate, LocalDate DueDate)
{
    /// <summary>The year of the nominal due date, as <c>year</c> means in the API.</summary>
    public int Year => NominalDate.Year;
}
