using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

public class HistoryReadingTests
{
    [Fact]
    public async Task Docs_history_row_yields_its_two_user_messages_in_a_conversation_named_after_the_row()
    {
        var outcomes = await Read.AllAsync(Fixture.Path("history__docs_2025_03.json"));

        Assert.Empty(outcomes.Failures());
        var items = outcomes.Items();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(SourceItemKind.ConversationMessage, i.Kind));
        Assert.All(items, i => Assert.Equal("alex123456", i.UserId));
        Assert.All(items, i => Assert.Equal("user", i.Role));
        Assert.All(items, i => Assert.Equal("mem0-history-d6306e85-eaa6-400c-8c2f-ab994a8c4d09", i.SessionId));
        Assert.All(items, i => Assert.Equal(Read.Utc("2024-07-26T08:02:41.73731Z"), i.CreatedAt));
        Assert.Equal(
            ["d6306e85-eaa6-400c-8c2f-ab994a8c4d09:input:0", "d6306e85-eaa6-400c-8c2f-ab994a8c4d09:input:1"],
            items.Select(i => i.SourceId));
        Assert.Equal([0, 1], items.Select(i => i.Sequence));
    }

    [Fact]
    public async Task Constructed_history_yields_four_messages_in_the_session_and_the_deleted_memory()
    {
        var outcomes = await Read.AllAsync(Fixture.Path("history__constructed.json"));

        Assert.Empty(outcomes.Failures());
        var messages = outcomes.Items().Where(i => i.Kind == SourceItemKind.ConversationMessage).ToList();
        Assert.Equal(["user", "assistant", "user", "assistant"], messages.Select(m => m.Role));
        Assert.All(messages, m => Assert.Equal("trip-planning-2026-06", m.SessionId));
        Assert.All(messages, m => Assert.Equal("alice", m.UserId));
        Assert.Equal(Read.Utc("2026-05-20T19:30:44.118273Z"), messages[0].CreatedAt);
        Assert.Equal(Read.Utc("2026-05-27T09:02:05.640118Z"), messages[2].CreatedAt);
        Assert.Equal("624423f1-04b4-404c-8d55-d1cb82fa8ae4:input:1", messages[3].SourceId);
        Assert.Equal(1, messages[3].Position.RecordIndex);

        var deleted = Assert.Single(outcomes.Items(), i => i.Kind == SourceItemKind.Memory);
        Assert.Equal("1a530254-57f0-4a8d-adb9-7d5520153f50", deleted.SourceId);
        Assert.Equal("deleted", deleted.InactiveReason);
        Assert.Equal("Alice is planning a trip to Lisbon from June 14 to June 21, 2026.", deleted.Content);
        Assert.Equal(Read.Utc("2026-07-02T00:00:31.005521Z"), deleted.CreatedAt);
        Assert.Equal(["travel"], deleted.Categories);
        Assert.Equal(2, deleted.Position.RecordIndex);
    }

    [Fact]
    public async Task Events_page_of_history_rows_yields_the_same_items_as_the_history_list()
    {
        var page = (await Read.AllAsync(Fixture.Path("memories_events_page__constructed.json"))).Items();
        var list = (await Read.AllAsync(Fixture.Path("history__constructed.json"))).Items();

        Assert.Equal(list.Select(i => i.SourceId).Order(), page.Select(i => i.SourceId).Order());
    }

    [Fact]
    public async Task Bad_message_in_a_history_row_fails_alone_and_its_sibling_still_comes_through()
    {
        using var file = TempFile.WithText("""
            [{"id": "h1", "memory_id": "m1", "user_id": "u1", "event": "ADD", "session_id": null,
              "created_at": "2026-01-01T00:00:00Z", "new_memory": "secret fact",
              "input": [{"role": "user", "content": "secret text"}, {"role": "assistant", "content": 7}]}]
            """);

        var outcomes = await Read.AllAsync(file.Path);

        var message = Assert.Single(outcomes.Items());
        Assert.Equal("h1:input:0", message.SourceId);
        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal("input[1].content", failure.Field);
        Assert.Equal("u1", failure.UserId);
        Assert.Equal("h1", failure.SourceId);
        Assert.DoesNotContain("secret", failure.Reason);
    }

    [Fact]
    public async Task History_row_without_user_id_fails_naming_user_id_and_later_rows_still_come_through()
    {
        using var file = TempFile.WithText("""
            [{"id": "h1", "memory_id": "m1", "event": "ADD", "created_at": "2026-01-01T00:00:00Z", "input": [{"role": "user", "content": "a"}]},
             {"id": "h2", "memory_id": "m1", "user_id": "u1", "event": "UPDATE", "created_at": "2026-01-02T00:00:00Z", "input": [{"role": "user", "content": "b"}]}]
            """);

        var outcomes = await Read.AllAsync(file.Path);

        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal("user_id", failure.Field);
        Assert.Equal(0, failure.Position.RecordIndex);
        Assert.Equal("h2:input:0", Assert.Single(outcomes.Items()).SourceId);
    }
}
