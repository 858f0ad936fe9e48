using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pixelated.MigrationPipeline.Components.Conversion;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>
/// Issue 17, for any text: every planned part is within Zep's limits as the emulator counts them (code points of the
/// string Zep receives; the UTF-16 length is checked too, as it is never less), and the parts joined give back the text.
/// </summary>
[Properties(Arbitrary = [typeof(UnicodeTexts)], MaxTest = 100)]
public class SplitLimitProperties
{
    private static readonly string?[] Kinds = [null, "emotional_state", "treatment_plan", "session_summary", "summary", "insights", "traits"];
    private const string Metadata = """{"type":"%KIND%","note":"séance 😀 今日","score":3.50,"tags":["été","\"q\""]}""";

    [Property]
    public void Every_memory_kind_plans_parts_within_the_limit_that_join_to_the_text(UnicodeText text)
    {
        foreach (var kind in Kinds)
        {
            foreach (var viaMetadata in kind is null ? [false] : new[] { false, true })
            {
                var item = viaMetadata
                    ? Items.Memory("m1", text.Value, metadataJson: Metadata.Replace("%KIND%", kind, StringComparison.Ordinal))
                    : Items.Memory("m1", text.Value, categories: kind is null ? null : [kind]);
                var episodes = UserPlanner.Plan("u1", [item]).Episodes;

                Assert.NotEmpty(episodes);
                Assert.All(episodes, e => Assert.InRange(CodePoints(e.Request.Data), 0, UserPlanner.MaxEpisodeChars));
                Assert.All(episodes, e => Assert.InRange(e.Request.Data.Length, 0, UserPlanner.MaxEpisodeChars));
                Assert.Equal(episodes.Count, episodes.Select(e => e.Key).Distinct().Count());
                if (kind is null)
                {
                    Assert.Equal(text.Value, string.Concat(episodes.Select(e => e.Request.Data)));
                    continue;
                }

                var data = episodes.Select(e => JsonNode.Parse(e.Request.Data)!.AsObject()).ToList();
                var memory = data.Select(d => d["memory"]!.GetValue<string>()).ToList();
                Assert.Equal(text.Value, string.Concat(memory));
                Assert.All(memory.Take(memory.Count - 1), WholeCodePoints);
                Assert.All(data, d => Assert.Equal(kind, d["kind"]!.GetValue<string>()));
                if (episodes.Count > 1) Assert.Equal(Enumerable.Range(1, episodes.Count), data.Select(d => d["part"]!.GetValue<int>()));
                Assert.Equal(viaMetadata, data[0].ContainsKey("metadata"));
                Assert.All(data.Skip(1), d => Assert.False(d.ContainsKey("metadata")));
            }
        }
    }

    [Property]
    public void A_message_plans_parts_within_the_limit_that_join_to_the_text(UnicodeText text)
    {
        var messages = UserPlanner.Plan("u1", [Items.Message("h1:input:0", text.Value, "user", 0)]).Threads.Single().Batches.SelectMany(b => b.Messages).ToList();

        Assert.All(messages, m => Assert.InRange(CodePoints(m.Message.Content), 0, UserPlanner.MaxMessageChars));
        Assert.All(messages, m => Assert.InRange(m.Message.Content.Length, 0, UserPlanner.MaxMessageChars));
        Assert.All(messages.Take(messages.Count - 1), m => WholeCodePoints(m.Message.Content));
        Assert.Equal(text.Value, string.Concat(messages.Select(m => m.Message.Content)));
    }

    [Property]
    public void Structured_data_escapes_only_what_json_requires(UnicodeText text)
    {
        var episodes = UserPlanner.Plan("u1", [Items.Memory("m1", text.Value, metadataJson: Metadata.Replace("%KIND%", "session_summary", StringComparison.Ordinal))]).Episodes;

        Assert.All(episodes, e => OnlyRequiredEscapes(e.Request.Data));
    }

    /// <summary>
    /// The compatibility rule: whenever the parts split as before fitted once wrapped as before (System.Text.Json's default
    /// escaping), the same parts are planned now.
    /// </summary>
    [Property]
    public void A_structured_memory_that_fitted_before_plans_the_parts_it_did(UnicodeText text)
    {
        var before = TextSplitter.Split(text.Value, UserPlanner.MaxEpisodeChars - 1_000);
        var fitted = before.Select((part, p) => DataBefore(part, p, before.Count)).All(d => d.Length <= UserPlanner.MaxEpisodeChars);

        var now = UserPlanner.Plan("u1", [Items.Memory("m1", text.Value, metadataJson: """{"type":"treatment_plan","x":"é"}""")]).Episodes
            .Select(e => JsonNode.Parse(e.Request.Data)!["memory"]!.GetValue<string>()).ToList();

        if (fitted) Assert.Equal(before, now);
    }

    /// <summary>
    /// The measured split cuts between grapheme clusters (a letter and its marks, an emoji sequence, a flag stay whole),
    /// unless a single cluster is larger than the budget; it never cuts a surrogate pair, and each part is within budget.
    /// </summary>
    [Property]
    public void The_measured_split_keeps_grapheme_clusters_whole_and_each_part_within_its_budget(UnicodeText text)
    {
        var value = text.Value;
        var budget = 200 + value.Length % 1_800;

        var parts = TextSplitter.SplitMeasured(value, budget / 2, budget, ReadableJson.EscapedWidth);

        Assert.Equal(value, string.Concat(parts));
        var clusters = Clusters(value);
        var at = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            var room = p == 0 ? budget / 2 : budget;
            Assert.True(ReadableJson.EscapedLength(parts[p]) <= room, $"part {p} over its budget");
            at += parts[p].Length;
            if (p == parts.Count - 1) break;
            WholeCodePoints(parts[p]);
            var cluster = clusters.Single(c => c.Start < at && at <= c.Start + c.Length);
            Assert.True(cluster.Start + cluster.Length == at || ReadableJson.EscapedLength(value.AsSpan(cluster.Start, cluster.Length)) > room,
                $"cut at {at} inside a cluster of {cluster.Length} units");
        }
    }

    private static int CodePoints(string s) => s.EnumerateRunes().Count(); // as the emulator counts (TextLength.CodePoints)

    private static void WholeCodePoints(string part)
    {
        Assert.False(part.Length > 0 && char.IsHighSurrogate(part[^1]), "a part ends inside a surrogate pair");
    }

    private static List<(int Start, int Length)> Clusters(string text)
    {
        var clusters = new List<(int, int)>();
        for (var at = 0; at < text.Length;)
        {
            var length = StringInfo.GetNextTextElementLength(text.AsSpan(at));
            clusters.Add((at, length));
            at += length;
        }
        return clusters;
    }

    private static void OnlyRequiredEscapes(string json)
    {
        for (var i = 0; i < json.Length; i++)
        {
            Assert.False(char.IsControl(json[i]) && json[i] < ' ', "an unescaped control character");
            if (json[i] != '\\') continue;
            var next = json[++i];
            if (next != 'u') { Assert.Contains(next, "\"\\/bfnrt"); continue; }
            var code = int.Parse(json.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            Assert.True(code < 0x20, $"\\u{code:X4} escaped though JSON does not require it");
            i += 4;
        }
    }

    /// <summary>A structured episode's data as it was written before issue 17.</summary>
    private static string DataBefore(string part, int p, int parts)
    {
        var data = new JsonObject { ["kind"] = "treatment_plan", ["memory"] = part };
        if (parts > 1) { data["part"] = p + 1; data["parts"] = parts; }
        if (p == 0) data["metadata"] = JsonNode.Parse("""{"type":"treatment_plan","x":"é"}""");
        return data.ToJsonString();
    }
}
