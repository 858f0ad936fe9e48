using System.Text;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

public class BadInputTests
{
    private const string Secret = "private-health-detail";

    private static string Record(string id, string extra = "", string user = "\"user_id\": \"u1\", ") =>
        $"{{\"id\": \"{id}\", \"memory\": \"{Secret} {id}\", {user}{extra}\"created_at\": \"2026-05-04T09:02:11-07:00\"}}";

    private static string Page(params string[] records) =>
        $"{{\"count\": {records.Length}, \"next\": null, \"previous\": null, \"results\": [\n{string.Join(",\n", records)}\n]}}";

    [Fact]
    public async Task Record_without_user_id_fails_with_its_position_and_siblings_still_come_through()
    {
        var text = Page(Record("a"), Record("b", user: ""), Record("c"));
        using var file = TempFile.WithText(text);

        var outcomes = await Read.AllAsync(file.Path);

        Assert.Equal(["a", "c"], outcomes.Items().Select(i => i.SourceId));
        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal("user_id", failure.Field);
        Assert.Equal("b", failure.SourceId);
        Assert.Equal(new SourcePosition("export.json", 1, text.IndexOf("{\"id\": \"b\"", StringComparison.Ordinal)), failure.Position);
        Assert.DoesNotContain(Secret, failure.ToString());
        Assert.Equal(2, outcomes.IndexOf(outcomes.OfType<ItemRead>().Last()));
    }

    [Theory]
    [InlineData("\"user_id\": 42, ", "user_id")]
    [InlineData("\"user_id\": \"u1\", \"categories\": \"travel\", ", "categories")]
    [InlineData("\"user_id\": \"u1\", \"categories\": [1], ", "categories")]
    [InlineData("\"user_id\": \"u1\", \"metadata\": [1], ", "metadata")]
    [InlineData("\"user_id\": \"u1\", \"metadata\": \"oops\", ", "metadata")]
    [InlineData("\"user_id\": \"u1\", \"session_id\": 5, ", "session_id")]
    [InlineData("\"user_id\": \"u1\", \"updated_at\": \"last week\", ", "updated_at")]
    [InlineData("\"user_id\": \"u1\", \"expiration_date\": \"soon\", ", "expiration_date")]
    [InlineData("\"user_id\": \"u1\", \"expiration_date\": false, ", "expiration_date")]
    public async Task Field_of_the_wrong_type_fails_naming_that_field(string fields, string expectedField)
    {
        using var file = TempFile.WithText(Page(Record("ok1"), Record("bad", user: fields), Record("ok2")));

        var outcomes = await Read.AllAsync(file.Path);

        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal(expectedField, failure.Field);
        Assert.Equal(1, failure.Position.RecordIndex);
        Assert.Equal(["ok1", "ok2"], outcomes.Items().Select(i => i.SourceId));
    }

    [Theory]
    [InlineData("{\"id\": \"x\", \"memory\": 5, \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}", "memory")]
    [InlineData("{\"id\": \"x\", \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}", "memory")]
    [InlineData("{\"id\": \"x\", \"memory\": \"m\", \"user_id\": \"u\"}", "created_at")]
    [InlineData("{\"id\": \"x\", \"memory\": \"m\", \"user_id\": \"u\", \"created_at\": \"not a date\"}", "created_at")]
    [InlineData("{\"id\": \"x\", \"memory\": \"m\", \"user_id\": \"u\", \"created_at\": true}", "created_at")]
    [InlineData("{\"memory\": \"m\", \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}", "id")]
    [InlineData("{\"id\": [1], \"memory\": \"m\", \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}", "id")]
    [InlineData("42", null)]
    public async Task Required_field_missing_or_unreadable_fails_naming_that_field(string bad, string? expectedField)
    {
        using var file = TempFile.WithText($"{{\"results\": [{Record("ok1")}, {bad}, {Record("ok2")}]}}");

        var outcomes = await Read.AllAsync(file.Path);

        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal(expectedField, failure.Field);
        Assert.Equal(1, failure.Position.RecordIndex);
        Assert.Equal(2, outcomes.Items().Count);
    }

    [Fact]
    public async Task Numeric_id_epoch_created_at_date_only_expiry_and_none_metadata_are_accepted()
    {
        using var file = TempFile.WithText("""
            [{"id": 123, "memory": "m", "user_id": "u", "created_at": 1756800070, "metadata": "None",
              "categories": null, "expiration_date": "2026-06-30T12:00:00Z"}]
            """);

        var item = Assert.Single((await Read.AllAsync(file.Path)).Items());

        Assert.Equal("123", item.SourceId);
        Assert.Equal(Read.Utc("2025-09-02T08:01:10Z"), item.CreatedAt);
        Assert.Null(item.Metadata);
        Assert.Empty(item.Categories);
        Assert.Equal(Read.Utc("2026-06-30T12:00:00Z"), item.ExpiresAt);
    }

    [Fact]
    public async Task Truncated_file_yields_records_before_the_cut_then_one_failure_at_the_cut_record_offset()
    {
        var text = Page(Record("a"), Record("b"), Record("c"));
        var cut = text.IndexOf("{\"id\": \"c\"", StringComparison.Ordinal);
        using var file = TempFile.WithText(text[..(cut + 20)]);

        var outcomes = await Read.AllAsync(file.Path);

        Assert.Equal(["a", "b"], outcomes.Items().Select(i => i.SourceId));
        var failure = Assert.Single(outcomes.Failures());
        Assert.Same(failure, outcomes[^1]);
        Assert.Equal(2, failure.Position.RecordIndex);
        Assert.Equal(cut, failure.Position.ByteOffset);
        Assert.Contains("truncated", failure.Reason);
    }

    [Fact]
    public async Task Truncated_large_file_fails_at_the_exact_record_after_many_buffer_refills()
    {
        using var file = new TempFile();
        var sb = new StringBuilder("{\"results\": [");
        long cutRecordOffset = 0;
        for (var i = 0; i < 3000; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            if (i == 2500)
            {
                cutRecordOffset = sb.Length;
            }

            sb.Append(Record($"r{i}", extra: "\"categories\": [\"x\"], "));
        }

        await File.WriteAllTextAsync(file.Path, sb.ToString()[..(int)(cutRecordOffset + 30)]);

        var outcomes = await Read.AllAsync(file.Path);

        Assert.Equal(2500, outcomes.Items().Count);
        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal(2500, failure.Position.RecordIndex);
        Assert.Equal(cutRecordOffset, failure.Position.ByteOffset);
    }

    [Fact]
    public async Task Invalid_json_between_records_stops_after_the_valid_records_with_a_byte_offset()
    {
        using var file = TempFile.WithText($"[{Record("a")}, {Record("b")} {Record("c")}]");

        var outcomes = await Read.AllAsync(file.Path);

        Assert.Equal(["a", "b"], outcomes.Items().Select(i => i.SourceId));
        var failure = Assert.Single(outcomes.Failures());
        Assert.NotNull(failure.Position.ByteOffset);
        Assert.True(failure.Position.RecordIndex >= 2);
    }

    [Fact]
    public async Task Empty_file_yields_a_single_file_level_failure()
    {
        using var file = TempFile.WithText("");

        var outcomes = await Read.AllAsync(file.Path);

        var failure = Assert.IsType<RecordFailed>(Assert.Single(outcomes));
        Assert.Equal(-1, failure.Position.RecordIndex);
        Assert.Equal("export.json", failure.Position.File);
        Assert.Contains("empty", failure.Reason);
    }

    [Fact]
    public async Task Bom_prefixed_file_is_read_and_offsets_count_the_bom()
    {
        var text = Page(Record("a"), Record("b"));
        using var file = TempFile.WithText(text, bom: true);

        var items = (await Read.AllAsync(file.Path)).Items();

        Assert.Equal(["a", "b"], items.Select(i => i.SourceId));
        Assert.Equal(3 + text.IndexOf("{\"id\": \"b\"", StringComparison.Ordinal), items[1].Position.ByteOffset);
    }

    [Theory]
    [InlineData("openapi_subset__docs_openapi_json_2026_08.json")]
    public async Task Unknown_format_yields_a_single_failure_naming_the_file(string fixture)
    {
        var outcomes = await Read.AllAsync(Fixture.Path(fixture));

        var failure = Assert.IsType<RecordFailed>(Assert.Single(outcomes));
        Assert.Equal(fixture, failure.Position.File);
        Assert.Equal(-1, failure.Position.RecordIndex);
        Assert.Null(failure.Field);
        Assert.Contains("unsupported", failure.Reason);
    }

    [Fact]
    public async Task Text_that_is_not_json_yields_a_single_failure()
    {
        using var file = TempFile.WithText("hello, this is not an export");

        var failure = Assert.IsType<RecordFailed>(Assert.Single(await Read.AllAsync(file.Path)));
        Assert.Equal(-1, failure.Position.RecordIndex);
    }

    [Fact]
    public async Task Missing_file_yields_a_single_failure_instead_of_throwing()
    {
        var outcomes = await Read.AllAsync(Path.Combine(Path.GetTempPath(), "does-not-exist-" + Guid.NewGuid() + ".json"));

        var failure = Assert.IsType<RecordFailed>(Assert.Single(outcomes));
        Assert.Equal("file not found", failure.Reason);
    }

    [Fact]
    public async Task Results_that_is_not_an_array_yields_a_single_failure()
    {
        using var file = TempFile.WithText("{\"results\": 5}");

        var failure = Assert.IsType<RecordFailed>(Assert.Single(await Read.AllAsync(file.Path)));
        Assert.Equal(-1, failure.Position.RecordIndex);
    }
}
