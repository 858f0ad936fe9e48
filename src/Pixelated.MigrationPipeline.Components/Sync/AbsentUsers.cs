using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>
/// A full export (<c>--full-export</c>) that lacks a user an earlier run migrated has deleted all of that user's memories:
/// the user joins the run with no items (its Zep id and profile as the last run recorded them), so its migration records
/// each memory as deleted in the source and, with <c>--propagate-deletes</c>, deletes their episodes. Runs limited to some
/// users or one session, and dry runs, are not full exports of anything and add no one.
/// </summary>
public static class AbsentUsers
{
    public static async Task<int> AddAsync(LedgerDbContext db, Guid runId, DateTimeOffset now, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId)
            .Select(r => new { r.FullExport, r.DryRun, r.UserFilter, r.SessionFilter }).SingleOrDefaultAsync(ct);
        if (run is null || !run.FullExport || run.DryRun || run.UserFilter is not null || run.SessionFilter is not null) return 0;
        var runs = await db.Runs.AsNoTracking().Where(r => !r.DryRun).Select(r => new { r.Id, r.CreatedAt }).ToListAsync(ct);
        var earlier = ItemHistory.EarlierRuns(runs.Select(r => (r.Id, r.CreatedAt)).ToList(), runId);
        if (earlier.Count == 0) return 0;
        var order = earlier.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var present = (await db.RunUsers.AsNoTracking().Where(u => u.RunId == runId).Select(u => u.UserKey).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var migrated = await db.RunUsers.AsNoTracking()
            .Where(u => earlier.Contains(u.RunId) && u.ZepUserId != UserTarget.Unmappable
                        && (u.Status == UserStatus.Verified || u.Status == UserStatus.Mismatched || u.Status == UserStatus.Migrated))
            .ToListAsync(ct);
        var absent = migrated.Where(u => !present.Contains(u.UserKey)).GroupBy(u => u.UserKey, StringComparer.Ordinal)
            .Select(g => g.MaxBy(u => order[u.RunId])!).ToList();
        db.RunUsers.AddRange(absent.Select(u => new RunUser
        {
            RunId = runId, UserKey = u.UserKey, ZepUserId = u.ZepUserId, Role = u.Role, Email = u.Email, FirstName = u.FirstName,
            LastName = u.LastName, ProfileHash = u.ProfileHash, Status = UserStatus.Staged, UpdatedAt = now,
        }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return absent.Count;
    }
}
