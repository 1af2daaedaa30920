using Compliance.Engine.Rules;
using NodaTime;

namespace Compliance.Engine.Calendar;

/// <summary>
/// Something dated that institutions must deliver (deadlines.md): who it applies to (a region prefix, optionally
/// categories), the years it is in force, and when it is due.
/// </summary>
public sealed record Obligation(
    string Code,
    LocalizedText Name,
    string RegionPrefix,
    IReadOnlyList<string>? Categories,
    YearRange Years,
    DueDateRule Due)
{
    /// <summary>The code of the monthly ledger, filed by an accepted submission for the period.</summary>
    public const string LedgerMonthly = "LEDGER_MONTHLY";

    /// <summary>Whether the obligation binds an institution of that region and category at all.</summary>
    public bool AppliesTo(string regionCode, string category) =>
        regionCode.StartsWith(RegionPrefix, StringComparison.Ordinal) && (Categories is null || Categories.Count == 0 || Categories.Contains(category));

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
