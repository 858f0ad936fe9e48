using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Tests;

public class BatchItemPlannerTests
{
    private static UserPlan BigPlan(int messages, int memories, string session = "s1")
    {
        var items = Enumerable.Range(0, messages).Select(i => Items.Message($"m{i}", $"message {i}", i % 2 == 0 ? "user" : "assistant", i, session))
            .Concat(Enumerable.Range(0, memories).Select(i => Items.Memory($"e{i}", $"memory {i}", Items.T0.AddMinutes(i))))
            .ToList();
        return UserPlanner.Plan("u1", items);
    }

    [Fact]
    public void Messages_come_first_in_chronological_order_then_episodes_each_with_its_key_and_unit()
    {
        var plan = BigPlan(messages: 65, memories: 3);

        var entries = BatchItemPlanner.Entries(plan, plan.Threads);

        Assert.Equal(68, entries.Count);
        var messages = entries.Take(65).ToList();
        Assert.All(messages, e => Assert.Equal(BatchAddItem.ThreadMessage, e.Item.Type));
        Assert.Equal(messages.OrderBy(e => DateTimeOffset.Parse(e.Item.CreatedAt!)).Select(e => e.Key), messages.Select(e => e.Key));
        Assert.Equal(Enumerable.Range(0, 65).Select(i => $"message {i}"), messages.Select(e => e.Item.Content));
        Assert.All(entries.Skip(65), e => Assert.Equal((BatchAddItem.GraphEpisode, WriteUnitKind.Episode), (e.Item.Type, e.UnitKind)));
        Assert.All(entries, e => Assert.Equal(e.Key, e.Item.Metadata![IdempotencyKey.MetadataKey]!.GetValue<string>()));
        Assert.All(entries.Where(e => e.Item.Type == BatchAddItem.GraphEpisode), e => Assert.Equal(("u1", "text"), (e.Item.UserId, e.Item.DataType)));
        // message units are the add-messages chunks of ≤ 30: the ledger is the same in both write modes
        Assert.Equal(plan.Threads[0].Batches.Select(b => b.Key), messages.Select(e => e.UnitKey).Distinct());
    }

    [Fact]
    public void Items_are_cut_into_calls_of_at_most_350_in_order()
    {
        var plan = BigPlan(messages: 800, memories: 120);
        var entries = BatchItemPlanner.Entries(plan, plan.Threads);

        var calls = BatchItemPlanner.Calls(entries);

        Assert.Equal([350, 350, 220], calls.Select(c => c.Count));
        Assert.Equal(entries.Select(e => e.Key), calls.SelectMany(c => c).Select(e => e.Key));
    }

    [Fact]
    public void Threads_that_cannot_be_used_contribute_no_items()
    {
        var plan = UserPlanner.Plan("u1", [Items.Message("a", "hi", "user", 0, "s1"), Items.Message("b", "yo", "user", 1, "s2")]);

        var entries = BatchItemPlanner.Entries(plan, [plan.Threads[1]]);

        Assert.Equal("yo", Assert.Single(entries).Item.Content);
    }

    [Fact]
    public void A_batch_cap_never_splits_a_unit()
    {
        var plan = BigPlan(messages: 70, memories: 0);
        var entries = BatchItemPlanner.Entries(plan, plan.Threads);

        var taken = BatchItemPlanner.TakeWholeUnits(entries, room: 45);

        Assert.Equal(30, taken.Count); // the second chunk of 30 would not fit whole
        Assert.Equal(70, BatchItemPlanner.TakeWholeUnits(entries, room: 70).Count);
    }
}

public class BatchResultsTests
{
    private static (IReadOnlyList<BatchEntry> Entries, Dictionary<string, BatchEntry> ByKey) Setup()
    {
        var plan = UserPlanner.Plan("u1",
            Enumerable.Range(0, 32).Select(i => Items.Message($"m{i}", $"message {i}", "user", i))
                .Append(Items.Memory("e1", "memory one")).ToList());
        var entries = BatchItemPlanner.Entries(plan, plan.Threads);
        return (entries, entries.ToDictionary(e => e.Key));
    }

    private static BatchItemDetail Item(int seq, string status, string? code = null) =>
        new("item-" + seq, "k", status, seq, EpisodeUuid: "uuid-" + seq,
            Error: code is null ? null : new System.Text.Json.Nodes.JsonObject { ["code"] = code, ["message"] = "thread does not exist with thread_id: secret" });

    [Fact]
    public void Succeeded_items_confirm_their_units_with_zep_uuids_and_a_failed_item_fails_its_unit_without_content()
    {
        var (entries, byKey) = Setup();
        var calls = new[] { new BatchAddCall(0, 0, entries.Select(e => e.Key).ToList(), WriteState.Confirmed) };
        var items = entries.Select((_, i) => Item(i, i == 31 ? "failed" : "succeeded", i == 31 ? "not_found" : null)).ToList();

        var outcomes = BatchResults.Evaluate(calls, items, byKey);

        Assert.Equal(3, outcomes.Count);
        Assert.Equal(WriteState.Confirmed, outcomes[0].State);
        Assert.Equal(string.Join(',', Enumerable.Range(0, 30).Select(i => "uuid-" + i)), outcomes[0].ZepIds);
        Assert.Equal(WriteState.Failed, outcomes[1].State);
        Assert.Equal("Zep batch item failed: not_found", outcomes[1].Reason);
        Assert.Equal([entries[31].ItemKey], outcomes[1].FailedItemKeys);
        Assert.Equal((WriteState.Confirmed, "uuid-32"), (outcomes[2].State!.Value, outcomes[2].ZepIds));
    }

    [Fact]
    public void Sequence_indexes_follow_each_calls_start_and_a_unit_partly_in_the_batch_stays_unsettled()
    {
        var (entries, byKey) = Setup();
        // chunk 2 (messages 30, 31) and the episode were added in two calls starting at 0 and 1; message 30 was found in Zep.
        var calls = new[]
        {
            new BatchAddCall(0, 0, [entries[31].Key], WriteState.Confirmed),
            new BatchAddCall(1, 1, [entries[32].Key], WriteState.Confirmed),
        };
        var items = new[] { Item(0, "succeeded"), Item(1, "canceled") };

        var outcomes = BatchResults.Evaluate(calls, items, byKey);

        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, o => Assert.Null(o.State));
    }
}
