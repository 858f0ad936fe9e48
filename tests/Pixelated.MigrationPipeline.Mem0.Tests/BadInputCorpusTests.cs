using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;
using Pixelated.MigrationPipeline.Mem0.Reading;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

/// <summary>
/// The bad-input corpus (BadInput/*, expectations in BadInput/expected.json): every file yields the recorded failure
/// (file, position, field, reason), its valid records still come through, the reader never throws, and no reason
/// carries content, names or emails (every corpus record contains "SECRET", "Zoë" and "zoe@example.com").
/// </summary>
public class BadInputCorpusTests
{
    private sealed record Expectation(string? Field, long? RecordIndex, long? ByteOffset, string? Reason, int ValidItems, int Failures, string? FallbackUser);

    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "BadInput");

    private static Dictionary<string, Expectation> Manifest() =>
        JsonSerializer.Deserialize<Dictionary<string, Expectation>>(
            File.ReadAllText(Path.Combine(Dir, "expected.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TheoryData<string> Files() => new(Manifest().Keys.Order(StringComparer.Ordinal));

    private static async Task<List<ReadOutcome>> ReadAsync(string path, string? fallbackUser = null, Mem0ReaderOptions? options = null)
    {
        var reader = new Mem0ExportReader(options ?? new Mem0ReaderOptions { FallbackUserId = fallbackUser }, new FixedClock(Read.EarlyNow));
        var list = new List<ReadOutcome>();
        await foreach (var o in reader.ReadAsync(path))
        {
            list.Add(o);
        }

        return list;
    }

    private static void AssertNoContent(RecordFailed failure)
    {
        var text = failure.ToString();
        foreach (var secret in new[] { "SECRET", "Zoë", "zoe@example.com", "sertraline" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Corpus_has_at_least_thirty_files_each_with_an_expectation()
    {
        var files = Directory.GetFiles(Dir).Select(Path.GetFileName).Where(f => f != "expected.json").ToHashSet();
        Assert.True(files.Count >= 30, $"only {files.Count} corpus files");
        Assert.Equal(files.Order(StringComparer.Ordinal), Manifest().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Corpus_file_yields_its_recorded_failure_and_still_its_valid_records(string name)
    {
        var expected = Manifest()[name];

        var outcomes = await ReadAsync(Path.Combine(Dir, name), expected.FallbackUser);

        var failures = outcomes.Failures();
        Assert.Equal(expected.ValidItems, outcomes.Items().Count);
        Assert.Equal(expected.Failures, failures.Count);
        Assert.All(failures, f => Assert.StartsWith(name, f.Position.File, StringComparison.Ordinal));
        Assert.All(failures, AssertNoContent);
        if (expected.Failures == 0)
        {
            return;
        }

        var first = failures[0];
        Assert.Equal(expected.Field, first.Field);
        Assert.Contains(expected.Reason!, first.Reason, StringComparison.Ordinal);
        if (expected.RecordIndex is { } index)
        {
            Assert.Equal(index, first.Position.RecordIndex);
        }

        if (expected.ByteOffset is { } offset)
        {
            Assert.Equal(offset, first.Position.ByteOffset);
        }
    }

    [Fact]
    public async Task User_id_of_600_characters_is_yielded_intact()
    {
        var item = Assert.Single((await ReadAsync(Path.Combine(Dir, "long_user_id.json"))).Items());
        Assert.Equal(new string('u', 600), item.UserId);
    }

    [Fact]
    public async Task Duplicate_ids_in_one_file_are_all_yielded_for_the_staging_layer_to_deduplicate()
    {
        var items = (await ReadAsync(Path.Combine(Dir, "duplicate_ids.json"))).Items();
        Assert.Equal(["r0", "r0", "r1"], items.Select(i => i.SourceId));
        Assert.NotEqual(items[0].Position, items[1].Position);
    }

    [Fact]
    public async Task Unexpected_zip_members_are_named_and_the_known_member_is_still_read()
    {
        var outcomes = await ReadAsync(Path.Combine(Dir, "memories_export_unexpected_member.zip"));

        Assert.Equal(
            ["memories_export_unexpected_member.zip!../../evil.sh", "memories_export_unexpected_member.zip!notes/readme.txt"],
            outcomes.Failures().Select(f => f.Position.File));
        Assert.Equal("default_user", Assert.Single(outcomes.Items()).UserId);
    }

    [Fact]
    public async Task Zip_bomb_generated_at_test_time_is_refused_from_its_declared_ratio_without_inflating_it()
    {
        using var file = new TempFile("memories_export_bomb.zip");
        using (var zip = ZipFile.Open(file.Path, ZipArchiveMode.Create))
        {
            await using (var s = zip.CreateEntry("memories.json", CompressionLevel.SmallestSize).Open())
            {
                var zeros = new byte[1024 * 1024];
                for (var i = 0; i < 20; i++)
                {
                    await s.WriteAsync(zeros);
                }
            }

            await using (var s = zip.CreateEntry("memories.jsonl.gz").Open())
            {
                await s.WriteAsync("not used"u8.ToArray());
            }
        }

        Assert.True(new FileInfo(file.Path).Length < 200 * 1024);

        var failure = Assert.Single(await ReadAsync(file.Path)) as RecordFailed;

        Assert.NotNull(failure);
        Assert.Equal("memories_export_bomb.zip!memories.json", failure.Position.File);
        Assert.Contains("zip bomb", failure.Reason);
    }

    [Fact]
    public async Task Guard_stream_stops_decompression_when_the_ratio_is_exceeded_even_if_the_directory_lies()
    {
        var compressed = new MemoryStream();
        await using (var gz = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gz.WriteAsync(new byte[30 * 1024 * 1024]);
        }

        compressed.Position = 0;
        var guard = new BombGuardStream(new GZipStream(compressed, CompressionMode.Decompress), compressed.Length, new DecompressionBudget(long.MaxValue), 200, 10 * 1024 * 1024);
        var buffer = new byte[81920];
        long total = 0;
        var ex = await Assert.ThrowsAsync<DecompressionLimitException>(async () =>
        {
            int n;
            while ((n = await guard.ReadAsync(buffer)) > 0)
            {
                total += n;
            }
        });
        Assert.Contains("zip bomb", ex.Message);
        Assert.InRange(total, 10 * 1024 * 1024 - buffer.Length, 11 * 1024 * 1024);

        var budget = new DecompressionBudget(1000);
        Assert.Throws<DecompressionLimitException>(() => budget.Add(1001));
    }

    private static async Task WriteSingleMemoryPageAsync(string path, int contentChars)
    {
        await using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await w.WriteAsync("{\"count\": 2, \"next\": null, \"previous\": null, \"results\": [");
        await w.WriteAsync("{\"id\": \"big\", \"user_id\": \"u1\", \"created_at\": \"2026-05-04T09:02:11-07:00\", \"memory\": \"");
        var chunk = new string('a', 1 << 20);
        for (var written = 0; written < contentChars; written += chunk.Length)
        {
            await w.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, contentChars - written)));
        }

        await w.WriteAsync("\"}, {\"id\": \"small\", \"user_id\": \"u1\", \"created_at\": \"2026-05-04T09:02:11-07:00\", \"memory\": \"fact\"}]}");
    }

    [Fact]
    public async Task Memory_of_50_MB_is_read_whole()
    {
        using var file = new TempFile();
        await WriteSingleMemoryPageAsync(file.Path, 50 * 1024 * 1024);

        var outcomes = await ReadAsync(file.Path);

        Assert.Empty(outcomes.Failures());
        Assert.Equal([50 * 1024 * 1024, 4], outcomes.Items().Select(i => i.Content.Length));
    }

    [Fact]
    public async Task Record_above_the_64_MB_cap_is_refused_with_a_clear_reason()
    {
        using var file = new TempFile();
        await WriteSingleMemoryPageAsync(file.Path, 70 * 1024 * 1024);

        var outcomes = await ReadAsync(file.Path);

        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal(0, failure.Position.RecordIndex);
        Assert.Contains("64 MB record cap", failure.Reason);
        Assert.Empty(outcomes.Items());
    }

    [Fact]
    public async Task Jsonl_line_above_the_cap_is_skipped_and_the_next_lines_are_read()
    {
        using var file = new TempFile("big.jsonl");
        await File.WriteAllTextAsync(file.Path,
            "{\"id\": \"a\", \"memory\": \"m\", \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}\n" +
            "{\"id\": \"b\", \"memory\": \"" + new string('x', 200_000) + "\", \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}\n" +
            "{\"id\": \"c\", \"memory\": \"m\", \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}\n");

        var outcomes = await ReadAsync(file.Path, options: new Mem0ReaderOptions { MaxRecordBytes = 128 * 1024 });

        Assert.Equal(["a", "c"], outcomes.Items().Select(i => i.SourceId));
        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal(1, failure.Position.RecordIndex);
        Assert.Contains("record cap", failure.Reason);
    }
}
