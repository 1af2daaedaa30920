using Compliance.Engine.Ledger;
using NodaTime;

namespace Compliance.Engine.Indicators;

/// <summary>
/// What a ledger's rows add up to per borrower, for what only the whole ledger decides: whether the borrower is
/// inclusive under each 口径 (its effective credit line is the larger of its credit line and the sum of its balances),
/// and the warnings W004 (balances above the credit line) and W006 (the 10 % rule). A struct a borrower, by the
/// borrower's number: 64 bytes each, however many rows it has, outside the managed heap until disposed
/// (<see cref="NativeBuffer{T}"/>). Per borrower the sums are 64-bit fen: a
/// row is at most 10^14 fen, so only a borrower of some 90,000 such rows could overflow one, and that ledger is
/// refused whole rather than counted wrong.
/// </summary>
internal sealed class BorrowerBook : IDisposable
{
    /// <summary>The first period the 2023 risk-classification measures apply to (W006).</summary>
    public static readonly YearMonth TenPercentRuleFrom = new(2023, 7);

    private const byte Seen = 1;
    private const byte HasInclusiveBalance = 2;
    private const byte FirstLoanNew = 4;
    private const byte HasPerformingBalance = 8;

    private readonly NativeBuffer<Entry> _entries;
    private int _count;

    // What borrowers lent anew in the period (a minority): kept aside, so every borrower's entry stays 64 bytes. By
    // borrower, the number (from 1) of its sums in _lent, or 0.
    private readonly NativeBuffer<int> _lentOf;
    private readonly NativeBuffer<Lent> _lent;
    private int _lentCount;

    /// <param name="expectedBorrowers">An estimate of the borrowers to come (0 if unknown), so the book is sized once.</param>
    public BorrowerBook(int expectedBorrowers = 0)
    {
        var borrowers = Math.Max(1 << 12, expectedBorrowers);
        _entries = new NativeBuffer<Entry>(borrowers);
        _lentOf = new NativeBuffer<int>(borrowers);
        _lent = new NativeBuffer<Lent>(1 << 12);
    }

    /// <summary>The inclusive sums of one 口径, in fen (the rate weight in fen × millionths of a percent).</summary>
    public readonly record struct Sums(
        Int128 Balance, Int128 NplBalance, Int128 CreditBalance, long Borrowers, long NewFirstLoanBorrowers, Int128 NewAmount, Int128 NewRateWeight);

    /// <summary>
    /// Keeps the type and credit line of borrower number <paramref name="borrower"/>'s first row, as validation reads
    /// them, valid or not: what its later rows must repeat (E006). A ledger without errors adds that same row first.
    /// </summary>
    public void Register(int borrower, BorrowerType type, long creditLineFen)
    {
        Reserve(borrower);
        ref var entry = ref _entries[borrower];
        entry.Type = type;
        entry.CreditLineFen = creditLineFen;
    }

    /// <summary>The type and credit line kept for borrower number <paramref name="borrower"/>'s first row.</summary>
    public (BorrowerType Type, long CreditLineFen) FirstOf(int borrower) => (_entries[borrower].Type, _entries[borrower].CreditLineFen);

    /// <summary>Adds one row of borrower number <paramref name="borrower"/>.</summary>
    public void Add(int borrower, LedgerRow row, bool nonPerforming, bool isNew)
    {
        Reserve(borrower);
        ref var entry = ref _entries[borrower];
        if (borrower >= _count)
        {
            _count = borrower + 1;
        }

        if ((entry.Flags & Seen) == 0)
        {
            entry.Flags = Seen;
            entry.FirstLine = checked((int)row.Line);
            entry.CreditLineFen = row.CreditLineFen;
            entry.Type = row.BorrowerType;
        }

        var balance = row.BalanceFen;
        entry.Balance += balance;
        if (nonPerforming)
        {
            entry.NplBalance += balance;
        }
        else if (balance > 0 && (entry.Flags & HasPerformingBalance) == 0)
        {
            entry.Flags |= HasPerformingBalance;
            entry.FirstPerformingLine = checked((int)row.Line);
        }

        if (!Classification.Qualifies(row.BorrowerType, row.Purpose, row.Product))
        {
            return;
        }

        entry.InclusiveBalance += balance;
        if (nonPerforming)
        {
            entry.InclusiveNplBalance += balance;
        }

        if (Classification.IsCreditLoan(row.Guarantee))
        {
            entry.InclusiveCreditBalance += balance;
        }

        if (balance > 0)
        {
            entry.Flags |= HasInclusiveBalance;
        }

        if (isNew)
        {
            ref var lent = ref LentBy(borrower);
            lent.Amount += row.AmountFen;
            lent.RateWeight += (Int128)row.AmountFen * row.AnnualRateMicros;
            if (row.FirstLoan)
            {
                entry.Flags |= FirstLoanNew;
            }
        }
    }

    /// <summary>The inclusive sums over the borrowers whose effective credit line passes <paramref name="passes"/>.</summary>
    public Sums Inclusive(Func<long, bool> passes)
    {
        Int128 balance = 0, npl = 0, credit = 0, newAmount = 0, weight = 0;
        long borrowers = 0, firstLoan = 0;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var entry = ref _entries[i];
            if ((entry.Flags & Seen) == 0 || !passes(Classification.EffectiveLineFen(entry.CreditLineFen, entry.Balance)))
            {
                continue;
            }

            balance += entry.InclusiveBalance;
            npl += entry.InclusiveNplBalance;
            credit += entry.InclusiveCreditBalance;
            if (_lentOf[i] > 0)
            {
                ref readonly var lent = ref _lent[_lentOf[i] - 1];
                newAmount += lent.Amount;
                weight += lent.RateWeight;
            }

            borrowers += (entry.Flags & HasInclusiveBalance) != 0 ? 1 : 0;
            firstLoan += (entry.Flags & FirstLoanNew) != 0 ? 1 : 0;
        }

        return new Sums(balance, npl, credit, borrowers, firstLoan, newAmount, weight);
    }

    /// <summary>
    /// W004 for each borrower whose balances add up to more than its credit line (on its first row), and from
    /// 2023-07 W006 for each non-retail borrower more than 10 % of whose balance is non-performing that still has a
    /// performing row with a balance (on the first such row); in the order of their lines, the first
    /// <paramref name="keep"/> of them made (<paramref name="count"/> counts them all).
    /// </summary>
    public List<LedgerIssue> Warnings(YearMonth period, int keep, out long count)
    {
        var tenPercentRule = period >= TenPercentRuleFrom;
        var found = new List<(int Line, bool TenPercent, int Borrower)>();
        for (var i = 0; i < _count; i++)
        {
            ref readonly var entry = ref _entries[i];
            if ((entry.Flags & Seen) == 0)
            {
                continue;
            }

            if (entry.Balance > entry.CreditLineFen)
            {
                found.Add((entry.FirstLine, false, i));
            }

            if (tenPercentRule && Classification.IsNonRetail(entry.Type) && (Int128)entry.NplBalance * 10 > entry.Balance && (entry.Flags & HasPerformingBalance) != 0)
            {
                found.Add((entry.FirstPerformingLine, true, i));
            }
        }

        // By line, then code (W004 before W006): only those kept become issues, with their texts.
        found.Sort();
        count = found.Count;
        return [.. found.Take(keep).Select(w => Warning(w.TenPercent, in _entries[w.Borrower]))];
    }

    private static LedgerIssue Warning(bool tenPercent, in Entry entry) => tenPercent
        ? LedgerIssue.Of(entry.FirstPerformingLine, LedgerColumns.NameOf(LedgerColumn.Classification), LedgerCodes.TenPercentRule,
            LedgerMessages.TenPercentRule, Periods.Invariant($"{entry.NplBalance / 100m:0.00}"), Periods.Invariant($"{entry.Balance / 100m:0.00}"))
        : LedgerIssue.Of(entry.FirstLine, LedgerColumns.NameOf(LedgerColumn.CreditLine), LedgerCodes.BalancesAboveCreditLine,
            LedgerMessages.BalancesAboveCreditLine, Periods.Invariant($"{entry.Balance / 100m:0.00}"), Periods.Invariant($"{entry.CreditLineFen / 100m:0.00}"));

    /// <summary>Gives the entries back; the book is empty after.</summary>
    public void Dispose()
    {
        _entries.Dispose();
        _lentOf.Dispose();
        _lent.Dispose();
        _count = 0;
    }

    // Room for borrower number borrower.
    private void Reserve(int borrower)
    {
        if (borrower >= _entries.Length)
        {
            _entries.Resize(Math.Max(_entries.Length * 2, borrower + 1));
            _lentOf.Resize(_entries.Length);
        }
    }

    // What the borrower lent anew, made where it has none yet.
    private ref Lent LentBy(int borrower)
    {
        ref var number = ref _lentOf[borrower];
        if (number == 0)
        {
            if (_lentCount == _lent.Length)
            {
                _lent.Resize(_lent.Length * 2);
            }

            number = ++_lentCount;
        }

        return ref _lent[number - 1];
    }

    // The sums of what one borrower lent anew in the period.
    private struct Lent
    {
        public long Amount;
        public Int128 RateWeight;
    }

    // 64 bytes: six sums, two lines (a ledger has fewer than 2^31 lines), the type and the flags.
    private struct Entry
    {
        public long CreditLineFen;
        public long Balance;
        public long NplBalance;
        public long InclusiveBalance;
        public long InclusiveNplBalance;
        public long InclusiveCreditBalance;
        public int FirstLine;
        public int FirstPerformingLine;
        public BorrowerType Type;
        public byte Flags;
    }
}
