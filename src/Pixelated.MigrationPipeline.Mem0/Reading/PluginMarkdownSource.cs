using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// P9: mem0 plugin <c>/mem0:export</c> Markdown, read line by line. Blocks are
/// <c>---\nid: …\ncreated_at: …\ntype: …\nconfidence: …\nbranch: …\nfiles: a, b\ncategories: x, y\n---\n&lt;text&gt;</c>;
/// lines that are exactly <c>---</c> delimit (as the plugin's own parser does). Record index = block number, byte
/// offset = its opening <c>---</c>. <c>id</c>, <c>created_at</c> and a non-empty text are required; the file has no user
/// id (needs the fallback user); the app is the project id of the file name <c>mem0-export-&lt;project&gt;-&lt;date&gt;.md</c>;
/// type/confidence/branch/files go to metadata.
/// </summary>
internal static partial class PluginMarkdownSource
{
    [GeneratedRegex(@"^mem0-export-(?<project>.+)-\d{4}-\d{2}-\d{2}\.md$")]
    private static partial Regex FileNamePattern();

    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    private sealed class Block(long index, long offset)
    {
        public long Index { get; } = index;
        public long Offset { get; } = offset;
        public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);
        public StringBuilder Body { get; } = new();
        public string? Problem { get; set; }
        public string? ProblemField { get; set; }
        public bool Closed { get; set; }
    }

    public static async IAsyncEnumerable<ReadOutcome> ReadAsync(
        Stream stream, string file, string? fallbackUser, TimeProvider clock, int maxRecordBytes, [EnumeratorCancellation] CancellationToken ct)
    {
        var project = FileNamePattern().Match(file) is { Success: true } m ? m.Groups["project"].Value : null;
        var lines = new ByteLineReader(stream, maxRecordBytes);
        Block? block = null;
        long count = 0;
        var first = true;
        while (await lines.NextAsync(ct).ConfigureAwait(false) is { } next)
        {
            var (bytes, offset, tooLong) = next;
            if (first && bytes.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                bytes = bytes[3..];
            }

            first = false;
            var line = Decode(bytes.Span, tooLong, block);

            if (line == "---")
            {
                if (block is { Closed: false })
                {
                    block.Closed = true; // end of front matter
                    continue;
                }

                if (block is not null)
                {
                    yield return Finish(block, file, project, fallbackUser, clock);
                }

                block = new Block(count++, offset);
                continue;
            }

            if (block is null)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    block = new Block(count++, offset) { Closed = true, Problem = "text outside any '---' block", ProblemField = "frontmatter" };
                }

                continue;
            }

            AddLine(block, line, tooLong, maxRecordBytes);
        }

        if (block is not null)
        {
            if (!block.Closed)
            {
                block.Problem ??= "front matter is not closed by a '---' line";
                block.ProblemField ??= "frontmatter";
            }

            yield return Finish(block, file, project, fallbackUser, clock);
        }
    }

    /// <summary>A line as text: empty when too long or not UTF-8 (which marks the open block as failed).</summary>
    private static string Decode(ReadOnlySpan<byte> bytes, bool tooLong, Block? block)
    {
        try
        {
            return tooLong ? "" : Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            if (block is not null)
            {
                block.Problem ??= "line is not valid UTF-8";
            }

            return "";
        }
    }

    /// <summary>A line inside a block: a front matter <c>key: value</c> until the closing <c>---</c>, then body text.</summary>
    private static void AddLine(Block block, string line, bool tooLong, int maxRecordBytes)
    {
        if (tooLong)
        {
            block.Problem ??= $"block is larger than the {maxRecordBytes / (1024 * 1024)} MB record cap";
            return;
        }

        if (!block.Closed)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    block.Problem ??= "front matter line is not 'key: value' (broken or unclosed front matter)";
                    block.ProblemField ??= "frontmatter";
                }

                return;
            }

            block.Keys[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        else
        {
            if (block.Body.Length + line.Length > maxRecordBytes)
            {
                block.Problem ??= $"block is larger than the {maxRecordBytes / (1024 * 1024)} MB record cap";
                return;
            }

            block.Body.Append(line).Append('\n');
        }
    }

    private static ReadOutcome Finish(Block block, string file, string? project, string? fallbackUser, TimeProvider clock)
    {
        var position = new SourcePosition(file, block.Index, block.Offset);
        block.Keys.TryGetValue("id", out var id);
        id = string.IsNullOrWhiteSpace(id) ? null : id;
        if (block.Problem is not null)
        {
            return new RecordFailed(position, block.ProblemField, block.Problem, fallbackUser, id);
        }

        if (id is null)
        {
            return new RecordFailed(position, "id", "required field is missing or empty", fallbackUser);
        }

        var text = block.Body.ToString().Trim('\n', '\r', ' ');
        if (text.Length == 0)
        {
            return new RecordFailed(position, "text", "block has no memory text", fallbackUser, id);
        }

        if (!block.Keys.TryGetValue("created_at", out var created) || string.IsNullOrWhiteSpace(created))
        {
            return new RecordFailed(position, "created_at", "required timestamp is missing or empty", fallbackUser, id);
        }

        if (!Mem0Timestamp.TryParse(created, out var createdAt))
        {
            return new RecordFailed(position, "created_at", "value is not a recognised timestamp", fallbackUser, id);
        }

        if (fallbackUser is null)
        {
            return new RecordFailed(position, "user_id",
                "plugin Markdown exports carry no user id; read them with a fallback user id (Mem0ReaderOptions.FallbackUserId)", null, id);
        }

        return new ItemRead(new SourceItem
        {
            UserId = fallbackUser,
            Kind = SourceItemKind.Memory,
            SourceId = id,
            Content = text,
            CreatedAt = createdAt,
            AppId = project,
            Categories = Split(block.Keys.GetValueOrDefault("categories")),
            Metadata = BuildMetadata(block.Keys),
            Position = position,
        });
    }

    private static List<string> Split(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static JsonElement? BuildMetadata(Dictionary<string, string> keys)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var key in new[] { "type", "confidence", "branch" })
            {
                if (keys.TryGetValue(key, out var v) && v.Length > 0)
                {
                    w.WriteString(key, v);
                }
            }

            var files = Split(keys.GetValueOrDefault("files"));
            if (files.Count > 0)
            {
                w.WriteStartArray("files");
                files.ForEach(w.WriteStringValue);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.ToArray());
        return doc.RootElement.EnumerateObject().Any() ? doc.RootElement.Clone() : null;
    }
}
