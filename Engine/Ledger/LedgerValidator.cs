using System.Globalization;
using Compliance.Engine.Indicators;
using NodaTime;

namespace Compliance.Engine.Ledger;

/// <summary>Reads the values of one record by column, whatever the format it came in.</summary>
public interface ILedgerRecord
{
    /// <summary>The raw text of a column's value, or empty where the column is absent.</summary>
    ReadOnlySpan<char> Value(LedgerColumn column);
}

/// <summary>
/// Validates, classifies and aggregates the records of one ledger in a single pass (ledger.md, "Validation"):
/// keeps the first errors and warnings with their true counts, passes every valid row to the sink until the
/// first error, and builds the indicator snapshot. Its per-id state (loan and borrower ids, borrowers' first rows and
/// sums) lives outside the managed heap and is given back by <see cref="Finish"/>, or on disposal where reading stops
/// before it; a row's texts go to the sink without a string made for them.
/// </summary>
public sealed class LedgerValidator : IDisposable
{
    /// <summary>How many errors a result keeps (the store's limit); the count is always the true total.</summary>
    public const int KeptErrors = 100_000;

    /// <summary>How many warnings a result keeps; the count is always the true total.</summary>
    public const int KeptWarnings = 1_000;

    private const int MaxIdLength = 64;

    // No single loan comes near a trillion yuan; the cap keeps every sum exact and far from overflow.
    private const long MaxAmountFen = 100_000_000_000_000;

    private readonly LocalDate _lastDay;
    private readonly ILedgerSink _sink;
    private readonly SnapshotBuilder _snapshot;
    private readonly IdTable _loanIds;
    private readonly IdTable _borrowerIds;
    private readonly List<LedgerIssue> _errors = [];
    private readonly List<LedgerIssue> _warnings = [];
    private readonly LedgerRow _row = new();
    private long _errorCount;
    private long _warningCount;
    private long _rows;

    /// <param name="period">The period the ledger is for.</param>
    /// <param name="sink">Receives each valid row until the first error.</param>
    /// <param name="expectedRows">An estimate of the rows to come (0 if unknown), so per-id state is sized once.</param>
    public LedgerValidator(YearMonth period, ILedgerSink sink, long expectedRows = 0)
    {
        var expected = (int)Math.Clamp(expectedRows, 0, 50_000_000);
        _lastDay = Periods.LastDay(period);
        _sink = sink;
        _snapshot = new SnapshotBuilder(period, expected / 2);
        _loanIds = new IdTable(expected, numbered: false);
        _borrowerIds = new IdTable(expected / 2);
    }

    /// <summary>Whether any error has been found so far.</summary>
    public bool HasErrors => _errorCount > 0;

    /// <summary>Records an error.</summary>
    public void Error(long? line, LedgerColumn? column, string code, LedgerMessage message, params string[] arguments) =>
        Add(_errors, ref _errorCount, KeptErrors, LedgerIssue.Of(line, column is { } c ? LedgerColumns.NameOf(c) : null, code, message, arguments));

    /// <summary>Records a warning.</summary>
    public void Warning(long? line, string? column, string code, LedgerMessage message, params string[] arguments) =>
        Add(_warnings, ref _warningCount, KeptWarnings, LedgerIssue.Of(line, column, code, message, arguments));

    /// <summary>Validates one record; a valid one is classified, counted and passed to the sink.</summary>
    public void Record(long line, ILedgerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _rows++;
        var row = _row;
        row.Line = line;
        row.BorrowerIndex = -1;
        row.SetLoanId(RequiredId(line, record, LedgerColumn.LoanId));
        var borrowerErrorsBefore = _errorCount;
        row.SetBorrowerId(RequiredId(line, record, LedgerColumn.BorrowerId));
        row.BorrowerType = RequiredEnum<BorrowerType>(line, record, LedgerColumn.BorrowerType, LedgerEnums.TryParse);
        row.CreditLineFen = Money(line, record, LedgerColumn.CreditLine, allowZero: true);
        var borrowerParsed = _errorCount == borrowerErrorsBefore;
        row.SetCreditCode(ReadCreditCode(line, record));
        row.Product = RequiredEnum<Product>(line, record, LedgerColumn.Product, LedgerEnums.TryParse);
        row.Purpose = RequiredEnum<Purpose>(line, record, LedgerColumn.Purpose, LedgerEnums.TryParse);
        row.Guarantee = RequiredEnum<Guarantee>(line, record, LedgerColumn.Guarantee, LedgerEnums.TryParse);
        row.Classification = RequiredEnum<LoanClass>(line, record, LedgerColumn.Classification, LedgerEnums.TryParse);
        row.AmountFen = Money(line, record, LedgerColumn.Amount, allowZero: false);
        row.BalanceFen = Money(line, record, LedgerColumn.Balance, allowZero: true);
        var disbursed = RequiredDate(line, record, LedgerColumn.DisbursedOn);
        var matures = RequiredDate(line, record, LedgerColumn.MaturesOn);
        row.AnnualRateMicros = Rate(line, record);
        row.FirstLoan = RequiredEnum<bool>(line, record, LedgerColumn.FirstLoan, LedgerEnums.TryParseFlag);
        row.Industry = ReadIndustry(line, record);
        row.SetRegion(ReadRegion(line, record));

        if (disbursed is { } d && d > _lastDay)
        {
            Error(line, LedgerColumn.DisbursedOn, LedgerCodes.DateOutOfOrder, LedgerMessages.DisbursedAfterPeriod, Periods.FormatDate(d), Periods.FormatDate(_lastDay));
        }

        if (disbursed is { } from && matures is { } to && to < from)
        {
            Error(line, LedgerColumn.MaturesOn, LedgerCodes.DateOutOfOrder, LedgerMessages.MaturesBeforeDisbursed, Periods.FormatDate(to), Periods.FormatDate(from));
        }

        if (!row.LoanIdChars().IsEmpty && !_loanIds.Add(row.LoanIdChars()))
        {
            Error(line, LedgerColumn.LoanId, LedgerCodes.DuplicateLoan, LedgerMessages.DuplicateLoan, row.LoanId);
        }

        if (borrowerParsed)
        {
            CheckBorrower(line, row);
        }

        if (row.BalanceFen > row.AmountFen && row.AmountFen > 0)
        {
            Warning(line, LedgerColumns.NameOf(LedgerColumn.Balance), LedgerCodes.BalanceAboveAmount, LedgerMessages.BalanceAboveAmount, Invariant(row.Balance), Invariant(row.Amount));
        }

        if (HasErrors)
        {
            return;
        }

        row.DisbursedOn = disbursed!.Value;
        row.MaturesOn = matures!.Value;
        _snapshot.Add(row);
        _sink.Write(row);
    }

    /// <summary>The outcome: the errors (or none) and, for a valid ledger, its snapshot. Gives the per-id state back.</summary>
    public LedgerReadResult Finish()
    {
        using (this)
        {
            return Outcome();
        }
    }

    /// <summary>Gives the per-id state back; nothing more can be validated after.</summary>
    public void Dispose()
    {
        _loanIds.Dispose();
        _borrowerIds.Dispose();
        _snapshot.Dispose();
    }

    private LedgerReadResult Outcome()
    {
        if (_rows == 0 && _errorCount == 0)
        {
            Error(null, null, LedgerCodes.Empty, LedgerMessages.Empty);
        }

        if (HasErrors)
        {
            // A ledger with errors gets none of the warnings only its whole could decide (ledger.md).
            return new LedgerReadResult(_rows, _errors, _errorCount, _warnings, _warningCount, null);
        }

        var borrowerWarnings = _snapshot.BorrowerWarnings(KeptWarnings, out var borrowerWarningCount);
        var warnings = borrowerWarnings.Count == 0 ? _warnings : Merge(_warnings, borrowerWarnings);
        return new LedgerReadResult(_rows, _errors, _errorCount, warnings, _warningCount + borrowerWarningCount, _snapshot.Build());
    }

    /// <summary>
    /// The first warnings of two lists each in the order of ledger.md (those without a line first, then by line and
    /// code): the first <see cref="KeptWarnings"/> of both, in that order.
    /// </summary>
    private static List<LedgerIssue> Merge(List<LedgerIssue> kept, List<LedgerIssue> more) =>
        [.. kept.Concat(more).OrderBy(w => w.Line.HasValue).ThenBy(w => w.Line).ThenBy(w => w.Code, StringComparer.Ordinal).Take(KeptWarnings)];

    private static void Add(List<LedgerIssue> list, ref long count, int keep, LedgerIssue issue)
    {
        count++;
        if (list.Count < keep)
        {
            list.Add(issue);
        }
    }

    /// <summary>Compares a row whose borrower fields parsed with the borrower's first row (E006).</summary>
    private void CheckBorrower(long line, LedgerRow row)
    {
        var index = _borrowerIds.Find(row.BorrowerIdChars(), out var added);
        row.BorrowerIndex = index;
        if (added)
        {
            _snapshot.RegisterBorrower(index, row.BorrowerType, row.CreditLineFen);
            return;
        }

        var first = _snapshot.BorrowerOf(index);

        if (first.Type != row.BorrowerType)
        {
            Error(line, LedgerColumn.BorrowerType, LedgerCodes.InconsistentBorrower, LedgerMessages.BorrowerTypeDiffers, row.BorrowerId, LedgerEnums.NameOf(row.BorrowerType), LedgerEnums.NameOf(first.Type));
        }
        else if (first.CreditLineFen != row.CreditLineFen)
        {
            Error(line, LedgerColumn.CreditLine, LedgerCodes.InconsistentBorrower, LedgerMessages.CreditLineDiffers, row.BorrowerId, Invariant(row.CreditLine), Invariant(first.CreditLineFen / 100m));
        }
    }

    private bool Required(long line, ReadOnlySpan<char> value, LedgerColumn column)
    {
        if (!value.IsWhiteSpace())
        {
            return true;
        }

        Error(line, column, LedgerCodes.Unparsable, LedgerMessages.RequiredEmpty, LedgerColumns.NameOf(column));
        return false;
    }

    // An id as the row keeps it (empty where it is wrong): it is copied into the row, not made a string.
    private ReadOnlySpan<char> RequiredId(long line, ILedgerRecord record, LedgerColumn column)
    {
        var value = record.Value(column).Trim();
        if (!Required(line, value, column))
        {
            return [];
        }

        if (value.Length > MaxIdLength)
        {
            Error(line, column, LedgerCodes.Unparsable, LedgerMessages.IdTooLong, LedgerColumns.NameOf(column), Invariant(value.Length), Invariant(MaxIdLength));
            return [];
        }

        // One vectorised scan of the span, no allocation: an identifier holds no control character, line separator or
        // bidirectional formatting character (it would reach the store, the answers and the exports as it is).
        var control = value.IndexOfAny(ControlCharacters.All);
        if (control >= 0)
        {
            Error(line, column, LedgerCodes.Unparsable, LedgerMessages.IdHasControl, LedgerColumns.NameOf(column), ControlCharacters.Name(value[control]), Invariant(control + 1));
            return [];
        }

        return value;
    }

    private T RequiredEnum<T>(long line, ILedgerRecord record, LedgerColumn column, SpanParser<T> parse)
    {
        var value = record.Value(column);
        if (!Required(line, value, column))
        {
            return default!;
        }

        if (parse(value, out var parsed))
        {
            return parsed;
        }

        Error(line, column, LedgerCodes.Unparsable, LedgerMessages.NotAllowedValue, LedgerColumns.NameOf(column), value.Trim().ToString());
        return default!;
    }

    /// <summary>An amount in yuan with at most 2 decimals, read exactly as fen.</summary>
    private long Money(long line, ILedgerRecord record, LedgerColumn column, bool allowZero)
    {
        var value = record.Value(column);
        if (!Required(line, value, column))
        {
            return 0;
        }

        switch (FixedPoint.TryRead(value, 2, out var fen))
        {
            case FixedPoint.Outcome.NotANumber:
                Error(line, column, LedgerCodes.Unparsable, LedgerMessages.NotANumber, LedgerColumns.NameOf(column), value.Trim().ToString());
                return 0;
            case FixedPoint.Outcome.TooPrecise:
                Error(line, column, LedgerCodes.Unparsable, LedgerMessages.MoreThanTwoDecimals, LedgerColumns.NameOf(column), value.Trim().ToString());
                return 0;
            case FixedPoint.Outcome.TooLarge:
                return TooLarge(line, column, value);
        }

        if (Math.Abs(fen) >= MaxAmountFen)
        {
            return TooLarge(line, column, value);
        }

        if (fen < 0 || (fen == 0 && !allowZero))
        {
            Error(line, column, LedgerCodes.NegativeAmount, allowZero ? LedgerMessages.Negative : LedgerMessages.NotPositive, LedgerColumns.NameOf(column), value.Trim().ToString());
            return 0;
        }

        return fen;
    }

    private long TooLarge(long line, LedgerColumn column, ReadOnlySpan<char> value)
    {
        Error(line, column, LedgerCodes.Unparsable, LedgerMessages.AmountTooLarge, LedgerColumns.NameOf(column), value.Trim().ToString(), Invariant(MaxAmountFen / 100));
        return 0;
    }

    /// <summary>The annual rate in percent, 0 to 36, at most 6 decimals, read exactly as millionths of a percent.</summary>
    private long Rate(long line, ILedgerRecord record)
    {
        const LedgerColumn column = LedgerColumn.AnnualRate;
        var value = record.Value(column);
        if (!Required(line, value, column))
        {
            return 0;
        }

        switch (FixedPoint.TryRead(value, 6, out var micros))
        {
            case FixedPoint.Outcome.NotANumber:
                Error(line, column, LedgerCodes.Unparsable, LedgerMessages.RateNotANumber, value.Trim().ToString());
                return 0;
            case FixedPoint.Outcome.TooPrecise:
                Error(line, column, LedgerCodes.Unparsable, LedgerMessages.RateMoreThanSixDecimals, value.Trim().ToString());
                return 0;
            case FixedPoint.Outcome.TooLarge:
                Error(line, column, LedgerCodes.RateOutOfRange, LedgerMessages.RateOutOfRange, value.Trim().ToString());
                return 0;
        }

        if (micros is < 0 or > 36_000_000)
        {
            Error(line, column, LedgerCodes.RateOutOfRange, LedgerMessages.RateOutOfRange, value.Trim().ToString());
            return 0;
        }

        return micros;
    }

    private LocalDate? RequiredDate(long line, ILedgerRecord record, LedgerColumn column)
    {
        var value = record.Value(column);
        if (!Required(line, value, column))
        {
            return null;
        }

        if (!TryParseDate(value.Trim(), out var date))
        {
            Error(line, column, LedgerCodes.Unparsable, LedgerMessages.NotADate, LedgerColumns.NameOf(column), value.Trim().ToString());
            return null;
        }

        return date;
    }

    // The credit code, or empty where there is none (or it is wrong).
    private ReadOnlySpan<char> ReadCreditCode(long line, ILedgerRecord record)
    {
        var value = record.Value(LedgerColumn.CreditCode).Trim();
        if (value.IsEmpty)
        {
            return [];
        }

        if (!CreditCode.IsValid(value))
        {
            Error(line, LedgerColumn.CreditCode, LedgerCodes.BadCreditCode, LedgerMessages.BadCreditCode, value.ToString());
            return [];
        }

        return value;
    }

    private char? ReadIndustry(long line, ILedgerRecord record)
    {
        var value = record.Value(LedgerColumn.Industry).Trim();
        if (value.IsEmpty)
        {
            return null;
        }

        var letter = char.ToUpperInvariant(value[0]);
        if (value.Length != 1 || letter is < 'A' or > 'T')
        {
            Error(line, LedgerColumn.Industry, LedgerCodes.Unparsable, LedgerMessages.BadIndustry, value.ToString());
            return null;
        }

        return letter;
    }

    // The region code, or empty where there is none (or it is wrong).
    private ReadOnlySpan<char> ReadRegion(long line, ILedgerRecord record)
    {
        var value = record.Value(LedgerColumn.Region).Trim();
        if (value.IsEmpty)
        {
            return [];
        }

        if (value.Length != 6 || value.ContainsAnyExceptInRange('0', '9'))
        {
            Error(line, LedgerColumn.Region, LedgerCodes.Unparsable, LedgerMessages.BadRegion, value.ToString());
            return [];
        }

        return value;
    }

    /// <summary>A strict ISO date, <c>yyyy-MM-dd</c>, that exists in the calendar.</summary>
    internal static bool TryParseDate(ReadOnlySpan<char> text, out LocalDate date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !int.TryParse(text[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text[5..7], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(text[8..], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month))
        {
            return false;
        }

        date = new LocalDate(year, month, day);
        return true;
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private delegate bool SpanParser<T>(ReadOnlySpan<char> text, out T value);
}

/// <summary>What reading a ledger found.</summary>
public sealed record LedgerReadResult(
    long Rows,
    IReadOnlyList<LedgerIssue> Errors,
    long ErrorCount,
    IReadOnlyList<LedgerIssue> Warnings,
    long WarningCount,
    IndicatorSnapshot? Snapshot)
{
    /// <summary>Whether the ledger is accepted.</summary>
    public bool IsValid => ErrorCount == 0;

    /// <summary>
    /// The charset a CSV body declared (or defaulted to) as UTF-8 reads in without error where it is not UTF-8:
    /// <c>gb18030</c>, for a client to offer sending it again so declared; <c>null</c> otherwise. Never used to read it.
    /// </summary>
    public string? DetectedCharset { get; init; }
}
