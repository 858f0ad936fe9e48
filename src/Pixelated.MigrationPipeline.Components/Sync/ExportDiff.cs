using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>
/// The preview of a sync (<c>inspect OLD NEW --diff</c>, <c>inspect NEW --diff-against RUN</c>): compares an older side (an
/// export, or what a run migrated) with a newer export by (mem0 user, item key) and content hash, and counts per user what a
/// <c>migrate</c> of the newer export would find. Pure: reads nothing, writes nothing.
/// <list type="bullet">
/// <item>A memory live in the newer export is <b>new</b> when the older side has no live memory under its key, <b>changed</b>
/// when the older one's content hash differs, <b>unchanged</b> when it is the same.</item>
/// <item>A memory live on the older side is <b>deleted</b> when the newer export marks it inactive (deleted, archived,
/// expired), or does not hold it and <paramref name="fullExport"/> says the export holds every live memory. Without
/// <c>fullExport</c> an absent memory is counted as <b>not in the export</b> and left as it is.</item>
/// <item>A message live in the newer export is <b>new</b> when the older side has none under its key; otherwise it is
/// <b>unchanged</b> (messages already written are never sent again).</item>
/// </list>
/// </summary>
public static class ExportDiff
{
    public static ExportDiffResult Compare(ExportDiffSide older, ExportDiffSide newer, bool fullExport)
    {
        var users = new SortedDictionary<string, UserDiffCounter>(StringComparer.Ordinal);
        UserDiffCounter Of(string user) => users.TryGetValue(user, out var c) ? c : users[user] = new UserDiffCounter();

        foreach (var ((user, key), now) in newer.Items)
        {
            if (!now.Live) continue;
            older.Items.TryGetValue((user, key), out var before);
            var known = before is { Live: true };
            var counter = Of(user);
            if (now.Kind == StagedItemKind.ConversationMessage)
            {
                if (known) counter.MessagesUnchanged++;
                else counter.MessagesNew++;
            }
            else if (now.Kind == StagedItemKind.Memory)
            {
                if (!known) counter.MemoriesNew++;
                else if (string.Equals(before!.ContentHash, now.ContentHash, StringComparison.Ordinal)) counter.MemoriesUnchanged++;
                else counter.MemoriesChanged++;
            }
        }

        foreach (var ((user, key), before) in older.Items)
        {
            if (!before.Live || before.Kind != StagedItemKind.Memory) continue;
            if (newer.Items.TryGetValue((user, key), out var now))
            {
                if (!now.Live) Of(user).MemoriesDeleted++;
            }
            else if (fullExport) Of(user).MemoriesDeleted++;
            else Of(user).MemoriesNotInExport++;
        }

        var lines = users.Select(u => u.Value.Line(u.Key)).ToList();
        return new ExportDiffResult(lines, UserDiff.Sum("(all)", lines), fullExport, older.Problems, newer.Problems);
    }

    private sealed class UserDiffCounter
    {
        public int MemoriesNew, MemoriesChanged, MemoriesUnchanged, MemoriesDeleted, MemoriesNotInExport, MessagesNew, MessagesUnchanged;

        public UserDiff Line(string user) =>
            new(user, MemoriesNew, MemoriesChanged, MemoriesUnchanged, MemoriesDeleted, MemoriesNotInExport, MessagesNew, MessagesUnchanged);
    }
}
