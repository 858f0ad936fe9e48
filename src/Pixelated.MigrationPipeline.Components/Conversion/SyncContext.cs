namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>
/// What earlier runs tell the planner (a sync): each memory's content version, and for each conversation message already
/// written, the run that first wrote it (its generation). A first migration has neither: every memory is version 0 and
/// every message of a thread one generation, so its plan is the plan a migration always made.
/// </summary>
/// <param name="Versions">Item key → the version to write; absent: version 0.</param>
/// <param name="MessageGenerations">Item key → the order of the run that first wrote the message; absent: a new message, written after them.</param>
public sealed record SyncContext(IReadOnlyDictionary<string, ItemVersion> Versions, IReadOnlyDictionary<string, int> MessageGenerations)
{
    public static readonly SyncContext None = new(new Dictionary<string, ItemVersion>(), new Dictionary<string, int>());

    public ItemVersion VersionOf(string itemKey) => Versions.TryGetValue(itemKey, out var v) ? v : ItemVersion.First;

    /// <summary>Messages written by earlier runs come first, each run's in its own add-messages calls (as it sent them); new ones last.</summary>
    public int GenerationOf(string itemKey) => MessageGenerations.TryGetValue(itemKey, out var g) ? g : int.MaxValue;
}

/// <summary>
/// A memory's content version: 0 is the first text migrated (the keys a memory always had); a later one is written as a new
/// episode, dated by the change, whose metadata names the key of the version it supersedes.
/// </summary>
public readonly record struct ItemVersion(int Number, string? Supersedes)
{
    public static readonly ItemVersion First = new(0, null);
}
