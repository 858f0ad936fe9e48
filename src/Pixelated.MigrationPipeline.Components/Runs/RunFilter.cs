using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Applies a run's user and session filter after staging: what falls outside is <c>Skipped</c> with the reason, so the
/// ledger still accounts for every record of the export.
/// </summary>
public static class RunFilter
{
    public const string NotSelectedUser = "not selected: outside the run's user filter";
    public const string NotSelectedSession = "not selected: outside the run's session filter";

    public static async Task ApplyAsync(LedgerDbContext db, MigrationRun run, DateTimeOffset now, CancellationToken ct)
    {
        if (run.UserFilter is not null)
        {
            var selected = JsonSerializer.Deserialize<List<string>>(run.UserFilter) ?? [];
            await db.StagedItems.Where(i => i.RunId == run.Id && i.Status == ItemStatus.Staged && !selected.Contains(i.UserKey))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ItemStatus.Skipped).SetProperty(i => i.Reason, NotSelectedUser), ct);
            await db.RunUsers.Where(u => u.RunId == run.Id && !selected.Contains(u.UserKey))
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Skipped).SetProperty(u => u.Error, NotSelectedUser)
                    .SetProperty(u => u.UpdatedAt, now), ct);
        }
        if (run.SessionFilter is { } session)
        {
            await db.StagedItems.Where(i => i.RunId == run.Id && i.Status == ItemStatus.Staged && (i.SessionId == null || i.SessionId != session))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ItemStatus.Skipped).SetProperty(i => i.Reason, NotSelectedSession), ct);
            var withItems = db.StagedItems.Where(i => i.RunId == run.Id && i.Status == ItemStatus.Staged).Select(i => i.UserKey);
            await db.RunUsers.Where(u => u.RunId == run.Id && u.Status == UserStatus.Staged && !withItems.Contains(u.UserKey))
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Skipped).SetProperty(u => u.Error, NotSelectedSession)
                    .SetProperty(u => u.UpdatedAt, now), ct);
        }
    }
}
