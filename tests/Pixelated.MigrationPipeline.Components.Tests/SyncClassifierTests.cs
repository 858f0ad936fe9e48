using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Sync;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>
/// A sync compares each item with what earlier runs migrated: the first text keeps the keys a memory always had, a later
/// text is the next version with keys of its own, messages already written keep the calls they were written in.
/// </summary>
public sealed class SyncClassifierTests
{
    private static ItemHistory History(params ItemPast[] items) => new(items.ToDictionary(i => i.ItemKey));

    private static ItemPast Migrated(StagedItem item, int version = 0, int maxVersion = 0, int firstRun = 0, DeletedState deleted = DeletedState.No) =>
        new(item.ItemKey, item.Kind, item.ContentHash, version, Math.Max(version, maxVersion), firstRun, deleted);

    [Fact]
    public void A_later_versions_key_carries_its_number_and_hash_and_version_0_keeps_the_old_key()
    {
        Assert.Equal(IdempotencyKey.ForEpisode("patient-1001", "memory:c0a80001", 0),
            IdempotencyKey.ForEpisodeVersion("patient-1001", "memory:c0a80001", 0, "0123456789abcdef0123", 0));
        Assert.Equal("368862bffad179acd49ced248fa2db61", IdempotencyKey.ForEpisodeVersion("patient-1001", "memory:c0a80001", 2, "0123456789abcdef0123", 1));
    }

    [Fact]
    public void New_changed_and_unchanged_memories_get_their_versions_and_only_the_change_supersedes()
    {
        var before = Items.Memory("a", "old text");
        var changed = Items.Memory("a", "new text");
        var same = Items.Memory("b", "same");
        var fresh = Items.Memory("c", "new memory");

        var decision = SyncClassifier.Classify("u1", History(Migrated(before), Migrated(same)), [changed, same, fresh], [], fullExport: false);

        Assert.Equal(new ItemOutcome(ItemChange.Changed, 1), decision.OutcomeOf("memory:a"));
        Assert.Equal(new ItemOutcome(ItemChange.Unchanged, 0), decision.OutcomeOf("memory:b"));
        Assert.Equal(new ItemOutcome(ItemChange.New, 0), decision.OutcomeOf("memory:c"));
        Assert.Equal(IdempotencyKey.ForEpisode("u1", "memory:a", 0), decision.Context.VersionOf("memory:a").Supersedes);
        Assert.False(decision.Unchanged);

        var plan = UserPlanner.Plan(UserTargetFor("u1"), [changed, same, fresh], decision.Context);
        var episode = Assert.Single(plan.Episodes, e => e.ItemKey == "memory:a");
        Assert.Equal(IdempotencyKey.ForEpisodeVersion("u1", "memory:a", 1, changed.ContentHash, 0), episode.Key);
        Assert.Equal(1, episode.Request.Metadata!["pxm_version"]!.GetValue<int>());
        Assert.Equal(IdempotencyKey.VersionHash(changed.ContentHash), episode.Request.Metadata["pxm_hash"]!.GetValue<string>());
        Assert.Equal(IdempotencyKey.ForEpisode("u1", "memory:b", 0), plan.Episodes.Single(e => e.ItemKey == "memory:b").Key);
        Assert.False(plan.Episodes.Single(e => e.ItemKey == "memory:b").Request.Metadata!.ContainsKey("pxm_version"));
    }

    [Fact]
    public void A_text_that_returns_to_an_earlier_one_is_a_version_of_its_own()
    {
        var first = Items.Memory("a", "A");
        var second = Items.Memory("a", "B");
        var decision = SyncClassifier.Classify("u1", History(Migrated(second, version: 1, maxVersion: 1)), [first], [], fullExport: false);
        Assert.Equal(new ItemOutcome(ItemChange.Changed, 2), decision.OutcomeOf("memory:a"));
        Assert.NotEqual(IdempotencyKey.ForEpisode("u1", "memory:a", 0),
            UserPlanner.Plan(UserTargetFor("u1"), [first], decision.Context).Episodes[0].Key);
    }

    [Fact]
    public void A_memory_deleted_in_the_export_or_absent_from_a_full_export_is_deleted_and_a_partial_exports_absence_is_not()
    {
        var kept = Items.Memory("a", "kept");
        var marked = Items.Memory("b", "marked");
        var absent = Items.Memory("c", "absent");
        var history = History(Migrated(kept), Migrated(marked), Migrated(absent));
        var markedRow = Items.Memory("b", "marked");
        markedRow.Status = ItemStatus.Skipped;
        markedRow.Reason = "deleted in source (f.json record #2)";

        var partial = SyncClassifier.Classify("u1", history, [kept], [markedRow], fullExport: false);
        Assert.Equal(["memory:b"], partial.Deleted.Select(d => d.Past.ItemKey));
        Assert.Same(markedRow, partial.Deleted[0].Row);

        var full = SyncClassifier.Classify("u1", history, [kept], [markedRow], fullExport: true);
        Assert.Equal(["memory:b", "memory:c"], full.Deleted.Select(d => d.Past.ItemKey).Order());
        Assert.Null(full.Deleted.Single(d => d.Past.ItemKey == "memory:c").Row);
    }

    [Fact]
    public void Messages_written_before_keep_their_calls_and_new_ones_follow_in_calls_of_their_own()
    {
        var old = Enumerable.Range(0, 10).Select(i => Items.Message($"h{i}", $"old {i}", "user", i)).ToList();
        var firstPlan = UserPlanner.Plan(UserTargetFor("u1"), old);
        var fresh = Enumerable.Range(10, 2).Select(i => Items.Message($"h{i}", $"new {i}", "user", i)).ToList();

        var decision = SyncClassifier.Classify("u1", History(old.Select(m => Migrated(m)).ToArray()), [.. old, .. fresh], [], fullExport: false);
        var plan = UserPlanner.Plan(UserTargetFor("u1"), [.. old, .. fresh], decision.Context);

        var batches = plan.Threads.Single().Batches;
        Assert.Equal(2, batches.Count);
        Assert.Equal(firstPlan.Threads.Single().Batches.Single().Key, batches[0].Key); // confirmed already: nothing re-sent
        Assert.Equal(["message:h10", "message:h11"], batches[1].Messages.Select(m => m.ItemKey));
        Assert.Equal(ItemChange.New, decision.OutcomeOf("message:h10").Change);
        Assert.Equal(ItemChange.Unchanged, decision.OutcomeOf("message:h0").Change);
        // Without a sync, the same twelve messages go in one call, as a first migration always sent them.
        Assert.Single(UserPlanner.Plan(UserTargetFor("u1"), [.. old, .. fresh]).Threads.Single().Batches);
    }

    private static Users.UserTarget UserTargetFor(string id) => Users.UserTarget.Unmapped(id);
}
