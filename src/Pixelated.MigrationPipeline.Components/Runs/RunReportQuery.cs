using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>Builds a <see cref="RunReport"/> from the ledger.</summary>
public sealed class RunReportQuery(LedgerDbContext db)
{
    public async Task<RunReport?> GetAsync(Guid runId, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return null;

        var users = await db.RunUsers.AsNoTracking().Where(u => u.RunId == runId).ToListAsync(ct);
        var itemCounts = await db.StagedItems.AsNoTracking().Where(i => i.RunId == runId)
            .GroupBy(i => new { i.UserKey, i.Status })
            .Select(g => new { g.Key.UserKey, g.Key.Status, Count = g.Count() })
            .ToListAsync(ct);
        var problems = await db.StagedItems.AsNoTracking()
            .Where(i => i.RunId == runId && (i.Status == ItemStatus.Failed || i.Status == ItemStatus.Skipped))
            .OrderBy(i => i.Id).Take(10_000)
            .Select(i => new ItemProblem(i.Status.ToString(), i.UserKey, i.ItemKey, i.SourceFile, i.RecordIndex, i.Reason))
            .ToListAsync(ct);
        var findings = await db.Findings.AsNoTracking().Where(f => f.RunId == runId).OrderBy(f => f.Id).Take(10_000)
            .Select(f => new FindingLine(f.UserKey, f.ItemKey, f.Kind.ToString(), f.Field))
            .ToListAsync(ct);

        int Count(ItemStatus s) => itemCounts.Where(c => c.Status == s).Sum(c => c.Count);
        var itemsPerUser = itemCounts.GroupBy(c => c.UserKey).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));

        return new RunReport(
            run.Id,
            run.Status.ToString(),
            run.DryRun,
            run.CreatedAt,
            run.FinishedAt,
            new UserTotals(
                users.Count,
                users.Count(u => u.Status == UserStatus.Verified),
                users.Count(u => u.Status is UserStatus.Failed or UserStatus.Mismatched),
                users.Count(u => u.Status == UserStatus.Skipped),
                users.Count(u => u.Status == UserStatus.Mismatched)),
            new ItemTotals(itemCounts.Sum(c => c.Count), Count(ItemStatus.Migrated), Count(ItemStatus.Skipped), Count(ItemStatus.Failed), Count(ItemStatus.Staged)),
            run.ZepRequests,
            users.OrderBy(u => u.UserKey, StringComparer.Ordinal)
                .Select(u => new UserLine(u.UserKey, u.Status.ToString(), itemsPerUser.GetValueOrDefault(u.UserKey), u.Error)).ToList(),
            problems,
            findings);
    }
}
