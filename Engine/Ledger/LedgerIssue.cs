namespace Compliance.Engine.Ledger;

/// <summary>
/// An error or a warning about a ledger: <c>line</c> is the physical CSV line on which the record starts (the
/// header is line 1), the 1-based NDJSON line, or the 0-based index in a JSON ledger's <c>loans</c>; <c>null</c> for
/// the whole body. <c>column</c> is the canonical English name, or <c>null</c>.
/// </summary>
public sealed record LedgerIssue(long? Line, string? Column, string Code, string Message);

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
