using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Retention;

/// <summary>
/// What of a staged item is its payload (DESIGN.md §5): the content, the speaker's name, the mem0 categories and metadata —
/// health data or a person's name. Purging sets them to null; keys, hashes, kinds, statuses, reasons, source positions,
/// session ids, roles, timestamps and sequence numbers stay, so validation (by content hash) and reruns still work.
/// </summary>
public static class StagedContent
{
    /// <summary>A readable item whose payload was purged (an unreadable record never had one).</summary>
    public static bool IsPurged(StagedItem item) => item.Kind != StagedItemKind.Unreadable && item.Content is null;

    /// <summary>Purges the payload of the given items in one set-based UPDATE; returns how many rows held any.</summary>
    public static Task<int> PurgeAsync(IQueryable<StagedItem> items, CancellationToken ct) =>
        items.Where(i => i.Content != null || i.Name != null || i.CategoriesJson != null || i.MetadataJson != null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Content, (string?)null)
                .SetProperty(i => i.Name, (string?)null)
                .SetProperty(i => i.CategoriesJson, (string?)null)
                .SetProperty(i => i.MetadataJson, (string?)null), ct);

    /// <summary>
    /// A user's e-mail and names from the users file (personal data), purged with its items' payload; the profile's hash,
    /// its Zep id and role stay, so validation still compares.
    /// </summary>
    public static void PurgeProfile(RunUser user)
    {
        user.Email = null;
        user.FirstName = null;
        user.LastName = null;
    }

    /// <summary>Purges the e-mail and names of the given users in one set-based UPDATE.</summary>
    public static Task<int> PurgeProfilesAsync(IQueryable<RunUser> users, CancellationToken ct) =>
        users.Where(u => u.Email != null || u.FirstName != null || u.LastName != null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(u => u.Email, (string?)null)
                .SetProperty(u => u.FirstName, (string?)null)
                .SetProperty(u => u.LastName, (string?)null), ct);
}
