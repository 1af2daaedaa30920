using Compliance.Engine.Rules;
using FluentAssertions.Execution;

namespace Compliance.Engine.Tests;

/// <summary>What a text a person reads is, in each of its languages.</summary>
internal static class Texts
{
    /// <summary>
    /// Written in both languages: the Chinese in Chinese, with no English sentence (three Latin words in a row; field
    /// names, codes and values stay as they are), and the English in English.
    /// </summary>
    public static void ShouldBeInBothLanguages(this LocalizedText text)
    {
        using var scope = new AssertionScope();
        text.Zh.Should().MatchRegex(@"\p{IsCJKUnifiedIdeographs}", "the Chinese is written in Chinese")
            .And.NotMatchRegex("[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", "the Chinese holds no English sentence");
        text.En.Should().MatchRegex("[A-Za-z]{2,} [A-Za-z]{2,}", "the English is a sentence");
    }
}
