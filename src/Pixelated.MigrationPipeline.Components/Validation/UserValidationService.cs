using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Locks;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Validation;

/// <summary>Reads a user back from Zep, compares it with the migrated items, records findings and the user's final state.</summary>
public sealed class UserValidationService(LedgerDbContext db, ZepClient zep, IOptions<ZepOptions> zepOptions, IUserLock locks, RunZepRequests zepRequests)
{
    /// <summary>The user's final status; null when the user is not in this ledger's run (nothing to validate).</summary>
    public async Task<UserStatus?> ValidateAsync(Guid runId, string userKey, CancellationToken ct)
    {
        var user = await UserLedgerQueries.UserAsync(db, runId, userKey, ct);
        if (user is null) return null;
        await using var held = await locks.TryAcquireAsync(zepOptions.Value.Target, userKey, ct) ?? throw new UserBusyException();
        // Migrated items are checked; failed ones may have been written in part, so their keys are known (not extras).
        // Unreadable records (failed at staging) are loaded only to tell whether the user has any failed item.
        // Read only (untracked): validation changes units, findings and the user, never the items.
        var settled = await UserLedgerQueries.SettledItemsAsync(db, runId, userKey, ct);
        var anyFailedItem = settled.Any(i => i.Status == ItemStatus.Failed);
        var written = settled.Where(i => i.Kind != StagedItemKind.Unreadable).ToList();
        var items = written.Where(i => i.Status == ItemStatus.Migrated).ToList();
        var plan = UserPlanner.Plan(userKey, items);
        var knownKeys = KnownKeys(plan, UserPlanner.Plan(userKey, written.Where(i => i.Status == ItemStatus.Failed).ToList()));

        var findings = new List<PlanComparer.Finding>();
        var episodes = plan.Episodes.Count > 0 ? await zep.GetAllUserEpisodesAsync(userKey, ct) : [];
        // Whether the user exists is asked only when none of its episodes came back (or it has none): a user whose
        // episodes Zep lists exists. One request fewer per validated user with memories (7 -> 6 for a typical user).
        var userMissing = episodes.Count == 0 && await zep.GetUserAsync(userKey, ct) is null;
        if (userMissing)
            findings.AddRange(items.Select(i => new PlanComparer.Finding(i.ItemKey, FindingKind.Missing, "user")));
        else
        {
            var messages = new Dictionary<string, IReadOnlyList<ZepMessage>>(StringComparer.Ordinal);
            foreach (var thread in plan.Threads) messages[thread.ThreadId] = await zep.GetAllMessagesAsync(thread.ThreadId, ct);
            findings.AddRange(PlanComparer.Compare(plan, items.Select(i => i.ItemKey).ToHashSet(StringComparer.Ordinal), episodes, messages, knownKeys));
        }

        // One transaction records the outcome: the units to reopen, the findings (replacing the last validation's), the
        // user's status, and the user's Zep requests. Relaxed: lost to a power failure, the user is validated again.
        await using var relaxed = await RelaxedCommits.BeginAsync(db, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var missing = findings.Where(f => f.Kind == FindingKind.Missing).Select(f => f.ItemKey).Distinct().ToList();
        var reopen = missing.SelectMany(plan.KeysOf).Concat(userMissing ? [plan.User.Key] : []).ToHashSet(StringComparer.Ordinal);
        await WriteUnitLedger.ReopenAsync(db, zepOptions.Value.Target, reopen, ct);

        await db.Findings.Where(f => f.RunId == runId && f.UserKey == userKey).ExecuteDeleteAsync(ct);
        var now = DateTimeOffset.UtcNow;
        db.Findings.AddRange(findings.Select(f => new ValidationFinding
        {
            RunId = runId, UserKey = userKey, ItemKey = f.ItemKey, Kind = f.Kind, Field = f.Field, FoundAt = now,
        }));

        user.Status = findings.Count > 0 ? UserStatus.Mismatched : anyFailedItem ? UserStatus.Failed : UserStatus.Verified;
        user.Error = findings.Count > 0 ? $"{findings.Count} validation finding(s)" : anyFailedItem ? "some items failed" : null;
        user.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        var requestsRecorded = await zepRequests.AddInTransactionAsync(runId, userKey, ct);
        await transaction.CommitAsync(ct);
        requestsRecorded();
        return user.Status;
    }

    /// <summary>
    /// The keys of every message and episode the migration may have written for the user. A message's or episode's key
    /// depends on its own item only (user, thread, item, part), so the plans of the migrated and the failed items give them all.
    /// </summary>
    private static IReadOnlySet<string> KnownKeys(params UserPlan[] plans) =>
        plans.SelectMany(plan => plan.Episodes.Select(e => e.Key)
                .Concat(plan.Threads.SelectMany(t => t.Batches).SelectMany(b => b.Messages).Select(m => m.Key)))
            .ToHashSet(StringComparer.Ordinal);
}
