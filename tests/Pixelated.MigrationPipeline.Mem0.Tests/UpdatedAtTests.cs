using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

/// <summary>
/// Delta sync dates a changed memory's new episode by its update: every format that carries <c>updated_at</c> /
/// <c>updatedAt</c> fills <see cref="SourceItem.UpdatedAt"/>, as the same instant in UTC; deleted memories say so with
/// <see cref="InactiveReasons.Deleted"/> whatever the format.
/// </summary>
public class UpdatedAtTests
{
    [Theory]
    [InlineData("v3_get_all_page1.json", 5)] // P1
    [InlineData("v2_get_all_plain_list__docs_2025_03.json", 1)] // P2
    [InlineData("v1_get_all_paginated__docs_langchain_tools.json", 3)] // P2
    [InlineData("v3_get_all_page1__js_sdk_camelcase.json", 5)] // P7
    [InlineData("python_get_all_2x.json", 7)] // O1
    [InlineData("python_get_all_0x_v1_0_plain_list.json", 1)] // O2 (three never updated: null)
    [InlineData("ts_get_all_3x.json", 1)] // O4 (two never updated: absent)
    [InlineData("qdrant_points_scroll_response.json", 4)] // O6
    [InlineData("mem0_oss_qdrant_export.json", 5)] // O7
    [InlineData("memories.json", 9)] // M1
    public async Task Each_memory_carries_its_records_updated_at_in_utc(string fixture, int withUpdatedAt)
    {
        using var raw = JsonDocument.Parse(File.ReadAllBytes(Fixture.Path(fixture)));

        var items = (await SampleFileTests.ReadWith(fixture, null)).Items();

        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal(Expected(raw.RootElement, i.SourceId), i.UpdatedAt));
        Assert.All(items, i => Assert.True(i.UpdatedAt is null || i.UpdatedAt.Value.Offset == TimeSpan.Zero));
        Assert.Equal(withUpdatedAt, items.Count(i => i.UpdatedAt is not null));
    }

    [Fact]
    public async Task Self_hosted_server_listing_carries_updated_at_in_utc()
    {
        using var file = TempFile.WithText("""
            {"results": [
              {"id": "m-1", "memory": "Prefers evening sessions", "user_id": "u-1", "agent_id": null, "run_id": null, "hash": "x",
               "expiration_date": null, "metadata": null, "created_at": "2026-01-05T08:00:00-08:00", "updated_at": "2026-02-06T09:30:00.250000-08:00"},
              {"id": "m-2", "memory": "Walks daily", "user_id": "u-1", "agent_id": null, "run_id": null, "hash": "y",
               "expiration_date": null, "metadata": null, "created_at": "2026-01-05T08:00:00+00:00", "updated_at": null}
            ]}
            """);
        Assert.Equal(ExportFormat.OssServerListing, await Mem0FormatDetector.DetectAsync(file.Path));

        var items = (await Read.AllAsync(file.Path)).Items();

        Assert.Equal([Read.Utc("2026-02-06T17:30:00.25Z"), null], items.Select(i => i.UpdatedAt));
        Assert.Equal(TimeSpan.Zero, items[0].UpdatedAt!.Value.Offset);
    }

    [Fact]
    public async Task Platform_history_delete_yields_the_deleted_memory_dated_by_the_event_in_utc()
    {
        var deleted = Assert.Single((await Read.AllAsync(Fixture.Path("history__constructed.json"))).Items(), i => i.Kind == SourceItemKind.Memory);

        Assert.Equal(InactiveReasons.Deleted, deleted.InactiveReason);
        Assert.Equal(Read.Utc("2026-07-02T00:00:31.005521Z"), deleted.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, deleted.UpdatedAt!.Value.Offset);
    }

    [Fact]
    public async Task Platform_history_delete_with_a_malformed_updated_at_fails_naming_it()
    {
        using var file = TempFile.WithText("""
            [{"id": "h1", "memory_id": "m1", "user_id": "u1", "event": "DELETE", "input": [], "old_memory": "secret fact",
              "new_memory": null, "created_at": "2026-01-01T00:00:00Z", "updated_at": "yesterday"}]
            """);

        var outcomes = await Read.AllAsync(file.Path);

        Assert.Empty(outcomes.Items());
        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal("updated_at", failure.Field);
        Assert.DoesNotContain("secret", failure.Reason);
    }

    [Theory]
    [InlineData("history__constructed.json", null)] // P5 DELETE event
    [InlineData("python_history_2x_memory_deleted.json", "bob")] // O3 DELETE with is_deleted
    [InlineData("history.db", "bob")] // O3 history.db
    [InlineData("memories.json", null)] // M1 state "deleted"
    [InlineData("memories.jsonl", "default_user")] // M1 jsonl state "deleted"
    public async Task A_memory_deleted_in_its_source_is_inactive_as_deleted(string fixture, string? user)
    {
        var items = (await SampleFileTests.ReadWith(fixture, user)).Items();

        var deleted = Assert.Single(items, i => i.Kind == SourceItemKind.Memory && i.InactiveReason == InactiveReasons.Deleted);
        Assert.Equal("deleted", deleted.InactiveReason);
        Assert.NotNull(deleted.UpdatedAt);
    }

    [Fact]
    public async Task Oss_history_row_marked_is_deleted_with_another_event_is_deleted_too()
    {
        using var file = TempFile.WithText("""
            [{"id": "r1", "memory_id": "m-1", "old_memory": "gone", "new_memory": null, "event": "UPDATE", "created_at": "2026-01-01T00:00:00+00:00",
              "updated_at": "2026-01-03T00:00:00+00:00", "is_deleted": true, "actor_id": null, "role": null}]
            """);
        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = "u" });
        var outcomes = new List<ReadOutcome>();
        await foreach (var o in reader.ReadAsync(file.Path)) outcomes.Add(o);

        var item = Assert.Single(outcomes.Items());
        Assert.Equal((InactiveReasons.Deleted, "gone"), (item.InactiveReason, item.Content));
        Assert.Equal(Read.Utc("2026-01-03T00:00:00Z"), item.UpdatedAt);
    }

    /// <summary>The <c>updated_at</c>/<c>updatedAt</c> of the record whose id is <paramref name="id"/> (or of its <c>payload</c>), in UTC.</summary>
    private static DateTimeOffset? Expected(JsonElement root, string id)
    {
        foreach (var record in Objects(root))
        {
            if (!record.TryGetProperty("id", out var idValue) || (idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : idValue.GetRawText()) != id)
            {
                continue;
            }

            foreach (var holder in new[] { record }.Concat(record.TryGetProperty("payload", out var p) ? [p] : []))
            {
                foreach (var name in new[] { "updated_at", "updatedAt" })
                {
                    if (holder.TryGetProperty(name, out var value))
                    {
                        return value.ValueKind == JsonValueKind.Null ? null : DateTimeOffset.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();
                    }
                }
            }

            return null;
        }

        throw new InvalidOperationException($"no record with id {id}");
    }

    private static IEnumerable<JsonElement> Objects(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            yield return e;
            foreach (var p in e.EnumerateObject())
                foreach (var o in Objects(p.Value))
                    yield return o;
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
                foreach (var o in Objects(item))
                    yield return o;
        }
    }
}
