using Pixelated.MigrationPipeline.Components.Sync;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Tests.Sync;

public sealed class ExportDiffTests
{
    private static ExportDiffSide Side(params (string User, string Key, StagedItemKind Kind, string Hash, bool Live)[] items)
    {
        var side = new ExportDiffSide();
        foreach (var i in items) side.TryAdd(i.User, i.Key, new ExportDiffEntry(i.Kind, i.Hash, i.Live));
        return side;
    }

    private const StagedItemKind Memory = StagedItemKind.Memory;
    private const StagedItemKind Message = StagedItemKind.ConversationMessage;

    [Fact]
    public void Memories_are_new_changed_unchanged_or_deleted_by_key_and_content_hash_and_messages_new_or_unchanged()
    {
        var older = Side(("u1", "memory:a", Memory, "h-a", true), ("u1", "memory:b", Memory, "h-b", true), ("u1", "memory:c", Memory, "h-c", true),
            ("u1", "memory:gone-before", Memory, "h-g", false), ("u1", "message:1", Message, "h-1", true));
        var newer = Side(("u1", "memory:a", Memory, "h-a2", true), ("u1", "memory:b", Memory, "h-b", true), ("u1", "memory:c", Memory, "h-c", false),
            ("u1", "memory:gone-before", Memory, "h-g", true), ("u1", "memory:d", Memory, "h-d", true),
            ("u1", "message:1", Message, "h-1", true), ("u1", "message:2", Message, "h-2", true), ("u1", "message:3", Message, "h-3", true));

        var diff = ExportDiff.Compare(older, newer, fullExport: false);

        var u1 = Assert.Single(diff.Users);
        // a changed; b unchanged; c marked deleted; d new, and a memory inactive before and live now is new too.
        Assert.Equal(new UserDiff("u1", MemoriesNew: 2, MemoriesChanged: 1, MemoriesUnchanged: 1, MemoriesDeleted: 1, MemoriesNotInExport: 0,
            MessagesNew: 2, MessagesUnchanged: 1), u1);
        Assert.True(diff.HasChanges);
    }

    [Fact]
    public void A_memory_absent_from_the_newer_export_is_deleted_only_with_full_export()
    {
        var older = Side(("u1", "memory:a", Memory, "h-a", true), ("u2", "memory:b", Memory, "h-b", true), ("u2", "message:1", Message, "h-1", true));
        var newer = Side(("u1", "memory:a", Memory, "h-a", true));

        var partial = ExportDiff.Compare(older, newer, fullExport: false);
        var full = ExportDiff.Compare(older, newer, fullExport: true);

        Assert.Equal((0, 1), (partial.Totals.MemoriesDeleted, partial.Totals.MemoriesNotInExport));
        Assert.False(partial.HasChanges);
        Assert.Equal((1, 0), (full.Totals.MemoriesDeleted, full.Totals.MemoriesNotInExport));
        Assert.Equal(["u1", "u2"], full.Users.Select(u => u.User));
        Assert.Equal(1, full.Users[1].MemoriesDeleted);
        Assert.Equal(0, full.Users[1].MessagesNew + full.Users[1].MessagesUnchanged); // a message absent later is not a change
    }

    [Fact]
    public void The_same_export_on_both_sides_changes_nothing()
    {
        var side = Side(("u1", "memory:a", Memory, "h-a", true), ("u1", "message:1", Message, "h-1", true), ("u1", "memory:x", Memory, "h-x", false));

        var diff = ExportDiff.Compare(side, side, fullExport: true);

        Assert.False(diff.HasChanges);
        Assert.Equal((1, 1), (diff.Totals.MemoriesUnchanged, diff.Totals.MessagesUnchanged));
    }

    [Fact]
    public async Task Two_exports_read_as_staging_reads_them_give_the_counts_per_user()
    {
        using var exports = new SyncExports().Write();

        var older = await ExportDiffSides.FromExportAsync([exports.Older], null, CancellationToken.None);
        var newer = await ExportDiffSides.FromExportAsync([exports.Newer], null, CancellationToken.None);
        var diff = ExportDiff.Compare(older, newer, fullExport: false);

        Assert.Equal((0, 0), (diff.OlderProblems, diff.NewerProblems));
        Assert.Equal([new UserDiff("u1", 1, 1, 1, 1, 0, 2, 2), new UserDiff("u2", 0, 0, 1, 0, 0, 0, 0)], diff.Users);
    }

    [Fact]
    public async Task A_full_export_without_an_unchanged_memory_counts_it_deleted()
    {
        using var exports = new SyncExports().Write(dropUnchanged: true);

        var older = await ExportDiffSides.FromExportAsync([exports.Older], null, CancellationToken.None);
        var newer = await ExportDiffSides.FromExportAsync([exports.Newer], null, CancellationToken.None);

        Assert.Equal(1, ExportDiff.Compare(older, newer, fullExport: false).Users[0].MemoriesNotInExport);
        var full = ExportDiff.Compare(older, newer, fullExport: true).Users[0];
        Assert.Equal((2, 0, 0), (full.MemoriesDeleted, full.MemoriesUnchanged, full.MemoriesNotInExport));
    }
}
