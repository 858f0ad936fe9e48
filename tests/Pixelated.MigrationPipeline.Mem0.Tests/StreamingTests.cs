using System.Text;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

public class StreamingTests
{
    [Fact]
    public async Task Two_hundred_thousand_record_page_is_read_completely_and_in_order()
    {
        const int count = 200_000;
        using var file = new TempFile();
        await using (var w = new StreamWriter(file.Path, false, new UTF8Encoding(false), 1 << 16))
        {
            await w.WriteAsync($"{{\"count\": {count}, \"next\": null, \"previous\": null, \"results\": [");
            for (var i = 0; i < count; i++)
            {
                await w.WriteAsync(i == 0 ? "\n" : ",\n");
                await w.WriteAsync(
                    $"{{\"id\": \"m-{i}\", \"memory\": \"Fact number {i}.\", \"user_id\": \"user-{i % 7}\", \"agent_id\": null, " +
                    $"\"app_id\": null, \"session_id\": null, \"metadata\": {{\"n\": {i}}}, \"categories\": [\"c{i % 3}\"], " +
                    "\"structured_attributes\": null, \"replaced_by\": null, \"synthesized\": false, \"expiration_date\": null, " +
                    "\"created_at\": \"2026-05-04T09:02:11.512004-07:00\", \"updated_at\": \"2026-05-04T09:02:11-07:00\"}");
            }

            await w.WriteAsync("\n]}");
        }

        var reader = new Mem0ExportReader(new FixedClock(Read.EarlyNow));
        long seen = 0;
        var perUser = new int[7];
        await foreach (var outcome in reader.ReadAsync(file.Path))
        {
            var item = Assert.IsType<Model.ItemRead>(outcome).Item;
            Assert.Equal(seen, item.Position.RecordIndex);
            Assert.Equal($"m-{seen}", item.SourceId);
            perUser[seen % 7]++;
            seen++;
        }

        Assert.Equal(count, seen);
        Assert.All(perUser, n => Assert.InRange(n, count / 7, count / 7 + 1));
    }

    [Fact]
    public async Task Record_larger_than_the_read_buffer_is_read_whole()
    {
        var big = new string('x', 300_000);
        using var file = TempFile.WithText(
            $"{{\"results\": [{{\"id\": \"a\", \"memory\": \"small\", \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}}, " +
            $"{{\"id\": \"b\", \"memory\": \"{big}\", \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}}]}}");

        var items = (await Read.AllAsync(file.Path)).Items();

        Assert.Equal(2, items.Count);
        Assert.Equal(300_000, items[1].Content.Length);
    }
}
