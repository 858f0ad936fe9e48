namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>What <see cref="ExportDiff.Compare"/> found: a line per mem0 user and the totals. Counts only, never content.</summary>
/// <param name="FullExport">Memories absent from the newer export were counted as deleted (<c>--full-export</c>).</param>
/// <param name="OlderProblems">Records of the older export that could not be read (0 for a run).</param>
/// <param name="NewerProblems">Records of the newer export that could not be read.</param>
public sealed record ExportDiffResult(IReadOnlyList<UserDiff> Users, UserDiff Totals, bool FullExport, int OlderProblems, int NewerProblems)
{
    /// <summary>Whether a sync would write anything: a new or changed memory, a new message, or a deleted memory.</summary>
    public bool HasChanges => Totals.MemoriesNew + Totals.MemoriesChanged + Totals.MemoriesDeleted + Totals.MessagesNew > 0;
}

/// <summary>One user's counts (<see cref="ExportDiff"/> says what each means).</summary>
/// <param name="MemoriesNotInExport">Live before, absent from the newer export, and not counted deleted (no <c>--full-export</c>).</param>
public sealed record UserDiff(string User, int MemoriesNew, int MemoriesChanged, int MemoriesUnchanged, int MemoriesDeleted,
    int MemoriesNotInExport, int MessagesNew, int MessagesUnchanged)
{
    public static UserDiff Sum(string label, IEnumerable<UserDiff> lines)
    {
        var all = lines.ToList();
        return new UserDiff(label, all.Sum(l => l.MemoriesNew), all.Sum(l => l.MemoriesChanged), all.Sum(l => l.MemoriesUnchanged),
            all.Sum(l => l.MemoriesDeleted), all.Sum(l => l.MemoriesNotInExport), all.Sum(l => l.MessagesNew), all.Sum(l => l.MessagesUnchanged));
    }
}
