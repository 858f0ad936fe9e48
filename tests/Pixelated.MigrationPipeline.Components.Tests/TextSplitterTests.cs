using Pixelated.MigrationPipeline.Components.Conversion;

namespace Pixelated.MigrationPipeline.Components.Tests;

public class TextSplitterTests
{
    [Fact]
    public void Text_within_the_limit_stays_whole()
    {
        Assert.Equal(["short text."], TextSplitter.Split("short text.", 4096));
    }

    [Fact]
    public void Long_text_is_cut_at_sentence_boundaries_and_loses_nothing()
    {
        var sentence = "The client reported feeling calmer after the breathing exercise. ";
        var text = string.Concat(Enumerable.Repeat(sentence, 200)).TrimEnd();

        var parts = TextSplitter.Split(text, 4096);

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(p.Length <= 4096));
        Assert.All(parts.Take(parts.Count - 1), p => Assert.EndsWith(". ", p));
        Assert.Equal(text, string.Concat(parts));
    }

    [Fact]
    public void Paragraph_boundaries_are_preferred()
    {
        var paragraph = new string('a', 3000) + ". " + new string('b', 500);
        var text = paragraph + "\n\n" + paragraph;

        var parts = TextSplitter.Split(text, 4096);

        Assert.Equal(2, parts.Count);
        Assert.EndsWith("\n\n", parts[0]);
    }

    [Fact]
    public void A_single_huge_word_is_hard_cut_without_splitting_a_surrogate_pair()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 5000)); // 10,000 UTF-16 units, no spaces

        var parts = TextSplitter.Split(text, 4095);

        Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1])));
        Assert.Equal(text, string.Concat(parts));
    }
}
