using Compliance.Engine.Rules;

namespace Compliance.Engine.Calendar;

/// <summary>
/// A calendar year or a due-date rule that does not read: <see cref="Text"/> says why, in Chinese and in English (the
/// message is the English).
/// </summary>
public sealed class CalendarFormatException : FormatException
{
    public CalendarFormatException(LocalizedText text)
        : base((text ?? throw new ArgumentNullException(nameof(text))).En) => Text = text;

    /// <summary>Why it does not read, in both languages.</summary>
    public LocalizedText Text { get; }
}
