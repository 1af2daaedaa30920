namespace Compliance.Engine.Ledger;

/// <summary>
/// An error or a warning about a ledger: <c>line</c> is the physical CSV line on which the record starts (the
/// header is line 1), the 1-based NDJSON line, or the 0-based index in a JSON ledger's <c>loans</c>; <c>null</c> for
/// the whole body. <c>column</c> is the canonical English name, or <c>null</c>.
/// <c>message</c> is the English text; <c>messageName</c> and <c>arguments</c> (<see cref="LedgerMessages"/>) write it in
/// either language, whenever it is read. An issue stored before messages had names keeps its English text alone.
/// </summary>
public sealed record LedgerIssue(long? Line, string? Column, string Code, string Message, string? MessageName = null, IReadOnlyList<string>? Arguments = null)
{
    /// <summary>An issue with <paramref name="message"/> over <paramref name="arguments"/>.</summary>
    public static LedgerIssue Of(long? line, string? column, string code, LedgerMessage message, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new LedgerIssue(line, column, code, message.Format(Language.En, arguments), message.Name, arguments);
    }

    /// <summary>The message in <paramref name="language"/>.</summary>
    public string MessageIn(Language language) =>
        LedgerMessages.Find(MessageName) is { } message && Arguments is not null ? message.Format(language, Arguments) : Message;
}

/// <summary>The stable codes of ledger.md.</summary>
public static class LedgerCodes
{
    public const string MissingColumn = "E001";
    public const string Unparsable = "E002";
    public const string DuplicateLoan = "E003";
    public const string NegativeAmount = "E004";
    public const string DateOutOfOrder = "E005";
    public const string InconsistentBorrower = "E006";
    public const string BadCreditCode = "E007";
    public const string Empty = "E008";
    public const string Undecodable = "E009";
    public const string RateOutOfRange = "E010";
    public const string FieldCount = "E011";
    public const string DuplicateColumn = "E012";

    public const string BalanceAboveAmount = "W001";
    public const string UnknownColumn = "W002";
    public const string BalanceMoved = "W003";
    public const string BalancesAboveCreditLine = "W004";
    public const string TenPercentRule = "W006";
}
