using System.Diagnostics.CodeAnalysis;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// The items of one user's attempt that could not be written, each with a reason safe for the ledger (no content). The first
/// reason given for an item is kept: later ones (the same refusal seen again through another unit) do not replace it.
/// </summary>
public sealed class FailedItems
{
    private readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);

    public int Count => _reasons.Count;

    public IReadOnlyCollection<string> Keys => _reasons.Keys;

    /// <summary>Records that the item failed; an item already failed keeps its first reason.</summary>
    public void Fail(string itemKey, string reason) => _reasons.TryAdd(itemKey, reason);

    public bool TryGetReason(string itemKey, [MaybeNullWhen(false)] out string reason) => _reasons.TryGetValue(itemKey, out reason);
}
