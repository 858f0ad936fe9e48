using Microsoft.Data.Sqlite;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

/// <summary>
/// Delta sync (issue 22): an OSS history that records ADD then UPDATE of a memory yields the same item as the get_all
/// listing that shows the new text: same id, the UPDATE's new text, the memory's creation time and the UPDATE's time as
/// UpdatedAt. Python history JSON (O3), history.db and its SQL dump (O3), TS history JSON and its memory.db (O4).
/// </summary>
public class OssHistoryEquivalenceTests
{
    private const string BobUpdated = "45703372-73ad-40cf-9a64-5116d3746f1e";
    private const string CarolUpdated = "a26c2525-f201-44d6-9ccc-d06ea655b536";

    /// <summary>What makes two reads of one memory the same item for staging and delta sync.</summary>
    private static (string, SourceItemKind, string, string, DateTimeOffset, DateTimeOffset?, string?) Shape(SourceItem i) =>
        (i.UserId, i.Kind, i.SourceId, i.Content, i.CreatedAt, i.UpdatedAt, i.InactiveReason);

    private static async Task<SourceItem> ListedAsync(string fixture, string id) =>
        Assert.Single((await SampleFileTests.ReadWith(fixture, null)).Items(), i => i.SourceId == id);

    private static async Task<List<SourceItem>> ReadAsync(string path, string user)
    {
        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = user }, new FixedClock(Read.EarlyNow));
        var outcomes = new List<ReadOutcome>();
        await foreach (var o in reader.ReadAsync(path)) outcomes.Add(o);
        Assert.Empty(outcomes.Failures());
        return outcomes.Items();
    }

    [Theory]
    [InlineData("python_history_2x_memory_updated.json")]
    [InlineData("history.db")]
    [InlineData("history_db_dump.sql")]
    public async Task Python_history_of_an_add_then_update_yields_the_item_the_listing_shows(string history)
    {
        var listed = await ListedAsync("python_get_all_2x.json", BobUpdated);

        var fromHistory = Assert.Single(await ReadAsync(Fixture.Path(history), "bob"), i => i.SourceId == BobUpdated);

        Assert.Equal(Shape(listed), Shape(fromHistory));
        Assert.Equal("Bob wants concise answers without bullet points.", fromHistory.Content);
        Assert.Equal(Read.Utc("2026-05-13T07:37:12.010465Z"), fromHistory.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, fromHistory.UpdatedAt!.Value.Offset);
    }

    [Fact]
    public async Task Python_history_rows_in_reverse_order_yield_the_same_item()
    {
        var rows = File.ReadAllText(Fixture.Path("python_history_2x_memory_updated.json"));
        var forward = Assert.Single(await ReadAsync(Fixture.Path("python_history_2x_memory_updated.json"), "bob"));
        using var doc = System.Text.Json.JsonDocument.Parse(rows);
        using var file = TempFile.WithText("[" + string.Join(",", doc.RootElement.EnumerateArray().Reverse().Select(e => e.GetRawText())) + "]");

        var reversed = Assert.Single(await ReadAsync(file.Path, "bob"));

        Assert.Equal(Shape(forward), Shape(reversed));
    }

    [Fact]
    public async Task History_db_memories_that_were_only_added_carry_the_listings_text_and_creation_time()
    {
        var listing = (await SampleFileTests.ReadWith("python_get_all_2x.json", null)).Items();

        var live = (await ReadAsync(Fixture.Path("history.db"), "bob")).Where(i => i.Kind == SourceItemKind.Memory && i.InactiveReason is null).ToList();

        Assert.Equal(5, live.Count);
        Assert.All(live, h => Assert.Contains(listing, l => (l.SourceId, l.Content, l.CreatedAt) == (h.SourceId, h.Content, h.CreatedAt)));
    }

    [Fact]
    public async Task Ts_history_newest_first_yields_the_item_the_listing_shows()
    {
        var listed = await ListedAsync("ts_get_all_3x.json", CarolUpdated);

        var fromHistory = Assert.Single(await ReadAsync(Fixture.Path("ts_history_3x_sqlite.json"), "carol"));

        Assert.Equal(Shape(listed), Shape(fromHistory));
        Assert.Equal("Carol moved her blog from Ghost to Astro.", fromHistory.Content);
        Assert.Equal(Read.Utc("2026-05-21T18:40:13.007Z"), fromHistory.UpdatedAt);
    }

    [Fact]
    public async Task Ts_memory_db_yields_the_item_the_listing_shows()
    {
        var listed = await ListedAsync("ts_get_all_3x.json", CarolUpdated);
        using var file = new TempFile("memory.db");
        Sqlite(file.Path,
            """
            CREATE TABLE memory_history (id INTEGER PRIMARY KEY AUTOINCREMENT, memory_id TEXT NOT NULL, previous_value TEXT, new_value TEXT,
              action TEXT NOT NULL, created_at TEXT, updated_at TEXT, is_deleted INTEGER DEFAULT 0);
            CREATE TABLE messages (id TEXT PRIMARY KEY, session_scope TEXT, role TEXT, content TEXT, name TEXT, created_at TEXT);
            INSERT INTO memory_history (memory_id, previous_value, new_value, action, created_at, updated_at, is_deleted) VALUES
              ('a26c2525-f201-44d6-9ccc-d06ea655b536', NULL, 'Carol''s blog runs on Ghost.', 'ADD', '2026-05-08T07:59:02.881Z', NULL, 0),
              ('a26c2525-f201-44d6-9ccc-d06ea655b536', 'Carol''s blog runs on Ghost.', 'Carol moved her blog from Ghost to Astro.', 'UPDATE',
               '2026-05-08T07:59:02.881Z', '2026-05-21T18:40:13.007Z', 0);
            """);

        var fromHistory = Assert.Single(await ReadAsync(file.Path, "carol"));

        Assert.Equal(Shape(listed), Shape(fromHistory));
        Assert.Equal("memory.db!memory_history", fromHistory.Position.File);
        Assert.Equal(1, fromHistory.Position.RecordIndex);
    }

    [Fact]
    public async Task Legacy_seven_key_history_yields_the_updated_text_dated_by_the_update_in_utc()
    {
        var item = Assert.Single(await ReadAsync(Fixture.Path("python_history_legacy_7keys.json"), "alice"));

        Assert.Equal(("e3e8d1ec-c401-4979-8dc4-7034fc84ed23", "Works remotely from Lyon", (string?)null), (item.SourceId, item.Content, item.InactiveReason));
        Assert.Equal(Read.Utc("2024-11-18T10:05:44.909871Z"), item.CreatedAt);
        Assert.Equal(Read.Utc("2025-01-07T19:22:03.00441Z"), item.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, item.UpdatedAt!.Value.Offset);
    }

    [Fact]
    public async Task Interleaved_rows_of_several_memories_settle_each_memory_to_its_latest_update_in_json_and_sqlite()
    {
        // Two memories, their rows interleaved, one updated twice (the later update listed first), one deleted after an update.
        using var json = TempFile.WithText("""
            [{"id": "r1", "memory_id": "m-1", "old_memory": null, "new_memory": "m1 v1", "event": "ADD", "created_at": "2026-01-01T00:00:00+00:00", "updated_at": null, "is_deleted": false},
             {"id": "r2", "memory_id": "m-2", "old_memory": null, "new_memory": "m2 v1", "event": "ADD", "created_at": "2026-01-02T00:00:00+00:00", "updated_at": null, "is_deleted": false},
             {"id": "r5", "memory_id": "m-1", "old_memory": "m1 v2", "new_memory": "m1 v3", "event": "UPDATE", "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-03-01T10:00:00-05:00", "is_deleted": false},
             {"id": "r3", "memory_id": "m-1", "old_memory": "m1 v1", "new_memory": "m1 v2", "event": "UPDATE", "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-02-01T00:00:00+00:00", "is_deleted": false},
             {"id": "r4", "memory_id": "m-2", "old_memory": "m2 v1", "new_memory": "m2 v2", "event": "UPDATE", "created_at": "2026-01-02T00:00:00+00:00", "updated_at": "2026-02-02T00:00:00+00:00", "is_deleted": false},
             {"id": "r6", "memory_id": "m-2", "old_memory": null, "new_memory": null, "event": "DELETE", "created_at": "2026-01-02T00:00:00+00:00", "updated_at": "2026-04-02T00:00:00+00:00", "is_deleted": true}]
            """);
        using var db = new TempFile("history.db");
        Sqlite(db.Path,
            """
            CREATE TABLE history (id TEXT PRIMARY KEY, memory_id TEXT, old_memory TEXT, new_memory TEXT, event TEXT, created_at DATETIME,
              updated_at DATETIME, is_deleted INTEGER, actor_id TEXT, role TEXT);
            INSERT INTO history VALUES
              ('r1', 'm-1', NULL, 'm1 v1', 'ADD', '2026-01-01T00:00:00+00:00', NULL, 0, NULL, NULL),
              ('r2', 'm-2', NULL, 'm2 v1', 'ADD', '2026-01-02T00:00:00+00:00', NULL, 0, NULL, NULL),
              ('r5', 'm-1', 'm1 v2', 'm1 v3', 'UPDATE', '2026-01-01T00:00:00+00:00', '2026-03-01T10:00:00-05:00', 0, NULL, NULL),
              ('r3', 'm-1', 'm1 v1', 'm1 v2', 'UPDATE', '2026-01-01T00:00:00+00:00', '2026-02-01T00:00:00+00:00', 0, NULL, NULL),
              ('r4', 'm-2', 'm2 v1', 'm2 v2', 'UPDATE', '2026-01-02T00:00:00+00:00', '2026-02-02T00:00:00+00:00', 0, NULL, NULL),
              ('r6', 'm-2', NULL, NULL, 'DELETE', '2026-01-02T00:00:00+00:00', '2026-04-02T00:00:00+00:00', 1, NULL, NULL);
            """);

        foreach (var path in new[] { json.Path, db.Path })
        {
            var items = (await ReadAsync(path, "dana")).OrderBy(i => i.SourceId, StringComparer.Ordinal).ToList();

            Assert.Equal(
                [
                    ("dana", SourceItemKind.Memory, "m-1", "m1 v3", Read.Utc("2026-01-01T00:00:00Z"), (DateTimeOffset?)Read.Utc("2026-03-01T15:00:00Z"), (string?)null),
                    ("dana", SourceItemKind.Memory, "m-2", "m2 v2", Read.Utc("2026-01-02T00:00:00Z"), Read.Utc("2026-04-02T00:00:00Z"), InactiveReasons.Deleted),
                ],
                items.Select(Shape));
            Assert.Equal([2, 5], items.Select(i => i.Position.RecordIndex));
        }
    }

    [Fact]
    public async Task History_without_a_fallback_user_fails_each_memory_naming_user_id_without_its_text()
    {
        var outcomes = await SampleFileTests.ReadWith("python_history_2x_memory_updated.json", null);

        Assert.Empty(outcomes.Items());
        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal("user_id", failure.Field);
        Assert.DoesNotContain("Bob", failure.Reason);
    }

    private static void Sqlite(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
