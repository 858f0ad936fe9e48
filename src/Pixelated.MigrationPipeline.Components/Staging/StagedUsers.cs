using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>
/// Records a staged run's users as <see cref="UserDirectory"/> resolved them: each user's Zep id, role and profile, a
/// users file's bad rows as failed items (file, row, field), and a user that cannot be migrated as failed, with its items
/// failed for the same reason (so nothing of it stays pending or goes unexplained).
/// </summary>
public static class StagedUsers
{
    public static async Task RecordAsync(LedgerDbContext db, Guid runId, UserResolution resolution, DateTimeOffset now, CancellationToken ct)
    {
        db.RunUsers.AddRange(resolution.Users.Values.Select(u => new RunUser
        {
            RunId = runId,
            UserKey = u.Target.UserKey,
            ZepUserId = u.Failure is null ? u.Target.ZepUserId : UserTarget.Unmappable,
            Role = u.Target.Role,
            RoleConflict = u.RoleConflict,
            ProfileRow = u.ProfileRow,
            Email = u.Target.Email,
            FirstName = u.Target.FirstName,
            LastName = u.Target.LastName,
            ProfileHash = u.Target.ProfileHash,
            Status = u.Failure is null ? UserStatus.Staged : UserStatus.Failed,
            Error = u.Failure,
            UpdatedAt = now,
        }));
        // One failed item per bad row (a row with several bad fields gives their reasons together).
        db.StagedItems.AddRange(resolution.FailedRows.GroupBy(r => (r.File, r.Row, User: UserOf(r, resolution))).Select(row => new StagedItem
        {
            RunId = runId,
            UserKey = row.Key.User,
            ItemKey = $"users-file:{row.Key.File}#{row.Key.Row}",
            Kind = StagedItemKind.Unreadable,
            Status = ItemStatus.Failed,
            Reason = string.Join("; ", row.Select(r => r.Reason)),
            SourceFile = row.Key.File,
            RecordIndex = row.Key.Row,
            ContentHash = "",
        }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        foreach (var failed in resolution.Users.Values.Where(u => u.Failure is not null).GroupBy(u => u.Failure!))
        {
            var keys = failed.Select(u => u.Target.UserKey).ToList();
            foreach (var chunk in keys.Chunk(500))
                await db.StagedItems.Where(i => i.RunId == runId && chunk.Contains(i.UserKey) && i.Status == ItemStatus.Staged)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ItemStatus.Failed).SetProperty(i => i.Reason, failed.Key), ct);
        }
    }

    /// <summary>The user a bad row belongs to when that user is in the export; otherwise none (the row is the run's).</summary>
    private static string UserOf(FailedRow row, UserResolution resolution) =>
        row.Mem0UserId is { } user && resolution.Users.ContainsKey(user) ? user : "";
}
