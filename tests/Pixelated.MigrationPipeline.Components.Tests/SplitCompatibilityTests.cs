using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pixelated.MigrationPipeline.Components.Conversion;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>
/// Idempotency keys are (user, item, part index): an item that migrated before must plan the same parts today, or a rerun
/// would find other content under keys Zep already holds. The expectations were computed with the splitter as it was
/// before issue 17 (commit af59d2e) and are written here by hand; never recompute them from the current code.
/// </summary>
public class SplitCompatibilityTests
{
    private static readonly string[] Plain =
        ["the", "client", "described", "a", "calmer", "week", "after", "breathing", "exercises", "and", "sleep", "improved",
         "slightly", "but", "work", "stress", "remains", "high", "we", "agreed", "to", "continue", "journaling", "daily"];
    private static readonly string[] Quoted = [.. Plain, .. Plain, .. Plain, "client's", "\"better\"", "A&B", "<3", "it's", "1+1"];
    private static readonly string[] Multilingual =
        [.. Plain, "été", "très", "fatigué", "😀", "👩‍⚕️", "今日は", "寝られない。", "ça", "va", "mieux", "שלום", "مرحبا"];
    private static readonly string[] RareAccents = [.. Plain, .. Plain, .. Plain, "été"];

    [Fact]
    public void Ascii_structured_memory_of_25000_characters_plans_the_parts_it_always_did()
    {
        var text = Prose(17, 25_000, Plain);
        var episodes = UserPlanner.Plan("u1", [Items.Memory("m1", text, metadataJson: """{"type":"session_summary","session":"s-12"}""")]).Episodes;

        Assert.Equal(PinnedAsciiLengths, episodes.Select(e => Memory(e.Request.Data).Length));
        Assert.Equal(text, string.Concat(episodes.Select(e => Memory(e.Request.Data))));
        // plain ASCII needs no escaping at all: the data sent is the very string it always was
        Assert.Equal(PinnedAsciiDataHashes, episodes.Select(e => Sha(e.Request.Data)));
    }

    [Fact]
    public void Structured_memory_with_quotes_and_markup_plans_the_parts_it_always_did()
    {
        var text = Prose(23, 25_000, Quoted);
        var episodes = UserPlanner.Plan("u1", [Items.Memory("m2", text, categories: ["Treatment Plan"])]).Episodes;

        Assert.Equal(PinnedQuotedLengths, episodes.Select(e => Memory(e.Request.Data).Length));
        Assert.Equal(text, string.Concat(episodes.Select(e => Memory(e.Request.Data))));
    }

    [Fact]
    public void Structured_memory_without_whitespace_plans_the_parts_it_always_did()
    {
        var text = Prose(5, 25_000, Plain).Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        var episodes = UserPlanner.Plan("u1", [Items.Memory("m3", text, categories: ["insights"])]).Episodes;

        Assert.Equal(PinnedNoWhitespaceLengths, episodes.Select(e => Memory(e.Request.Data).Length));
        Assert.Equal(text, string.Concat(episodes.Select(e => Memory(e.Request.Data))));
    }

    [Fact]
    public void Structured_memory_with_a_few_accents_that_fitted_plans_the_parts_it_always_did()
    {
        var text = Prose(31, 20_000, RareAccents);
        var episodes = UserPlanner.Plan("u1", [Items.Memory("m4", text, categories: ["traits"])]).Episodes;

        Assert.Equal(PinnedRareAccentLengths, episodes.Select(e => Memory(e.Request.Data).Length));
        Assert.Equal(text, string.Concat(episodes.Select(e => Memory(e.Request.Data))));
    }

    [Fact]
    public void Multilingual_text_memory_plans_the_parts_it_always_did()
    {
        var text = Prose(41, 25_000, Multilingual);
        var episodes = UserPlanner.Plan("u1", [Items.Memory("m5", text)]).Episodes;

        Assert.Equal(PinnedMultilingualTextLengths, episodes.Select(e => e.Request.Data.Length));
        Assert.Equal(text, string.Concat(episodes.Select(e => e.Request.Data)));
    }

    [Fact]
    public void Multilingual_message_plans_the_parts_it_always_did()
    {
        var text = Prose(43, 10_000, Multilingual);
        var messages = UserPlanner.Plan("u1", [Items.Message("h1:input:0", text, "user", 0)]).Threads.Single().Batches.SelectMany(b => b.Messages).ToList();

        Assert.Equal(PinnedMultilingualMessageLengths, messages.Select(m => m.Message.Content.Length));
        Assert.Equal(text, string.Concat(messages.Select(m => m.Message.Content)));
    }

    private static readonly int[] PinnedAsciiLengths = [7382, 8745, 8873];
    private static readonly string[] PinnedAsciiDataHashes = ["6cdef6932853c9b9", "776db06916ca84fa", "c7da683dd7284269"];
    private static readonly int[] PinnedQuotedLengths = [8101, 8061, 8838];
    private static readonly int[] PinnedRareAccentLengths = [8924, 7406, 3670];
    private static readonly int[] PinnedMultilingualTextLengths = [9870, 9934, 5196];
    private static readonly int[] PinnedMultilingualMessageLengths = [3945, 3975, 2080];
    private static readonly int[] PinnedNoWhitespaceLengths = [9000, 9000, 3176];

    /// <summary>Deterministic prose: words, sentences of 7+ words, now and then a paragraph (a fixed LCG, no System.Random).</summary>
    internal static string Prose(uint seed, int length, string[] words)
    {
        var state = seed;
        uint Next() => (state = unchecked(state * 1664525 + 1013904223)) >> 8;
        var text = new StringBuilder(length + 64);
        var inSentence = 0;
        while (text.Length < length)
        {
            text.Append(words[Next() % (uint)words.Length]);
            if (++inSentence > 6 && Next() % 5 == 0)
            {
                text.Append(Next() % 3 == 0 ? "! " : ". ");
                inSentence = 0;
                if (Next() % 7 == 0) text.Append("\n\n");
            }
            else text.Append(' ');
        }
        var cut = length;
        if (cut < text.Length && char.IsLowSurrogate(text[cut])) cut++;
        return text.ToString(0, cut);
    }

    private static string Memory(string data)
    {
        using var doc = JsonDocument.Parse(data);
        return doc.RootElement.GetProperty("memory").GetString()!;
    }

    private static string Sha(string data) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data)))[..16];
}
