using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Retention;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Components.Sync;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Locks;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Validation;

/// <summary>Reads a user back from Zep, compares it with the migrated items, records findings and the user's final state.</summary>
/// <remarks>
/// Items whose payload was purged (a verified user's, once validated) are compared by content hash
/// (<see cref="PurgedItemComparer"/>); a user this validation verifies has its payload purged in the outcome transaction,
/// unless <c>Ledger:RetainContent</c>.
/// </remarks>
public sealed class UserValidationService(LedgerDbContext db, ZepClient zep, IOptions<ZepOptions> zepOptions, IUserLock locks, RunZepRequests zepRequests,
    IOptions<LedgerOptions> ledgerOptions, TimeProvider clock)
{
    /// <summary>The user's final status; null when the user is not in this ledger's run (nothing to validate).</summary>
    public async Task<UserStatus?> ValidateAsync(Guid runId, string userKey, CancellationToken ct)
    {
        var user = await UserLedgerQueries.UserAsync(db, runId, userKey, ct);
        if (user is null) return null;
        if (user.ZepUserId == UserTarget.Unmappable) return user.Status; // never written: nothing in Zep to compare
        await using var held = await locks.TryAcquireAsync(zepOptions.Value.Target, userKey, ct) ?? throw new UserBusyException();
        // Migrated items are checked; failed ones may have been written in part, so their keys are known (not extras).
        // Unreadable records (failed at staging) are loaded only to tell whether the user has any failed item.
        // Read only (untracked): validation changes units, findings and the user, never the items.
        var settled = await UserLedgerQueries.SettledItemsAsync(db, runId, userKey, ct);
        var anyFailedItem = settled.Any(i => i.Status == ItemStatus.Failed);
        // A memory deleted in the source is not expected in Zep: its episodes were deleted (then any left is an extra) or
        // left on purpose (then they are expected, as superseded versions are: SupersededEpisodes).
        var written = settled.Where(i => i.Kind != StagedItemKind.Unreadable && i.Change != ItemChange.Deleted).ToList();
        var items = written.Where(i => i.Status == ItemStatus.Migrated).ToList();
        if (SyncValidation.NothingChanged(user, settled, await SyncValidation.IsNewerExportAsync(db, runId, ct)))
        {
            // A sync that found every item as an earlier run migrated it, and sent Zep nothing: what this ledger confirmed
            // then still holds, and nothing is read back (`validate` reads it back on demand).
            await RecordOutcomeAsync(runId, userKey, user, UserPlanner.Plan(UserTarget.Of(user), []), [], 0, false, anyFailedItem, ct);
            return user.Status;
        }
        // A purged item's plan cannot be rebuilt (no text, so no parts): it is checked by its keys and content hash.
        var purged = written.Where(StagedContent.IsPurged).ToList();
        var purgedMigrated = purged.Where(i => i.Status == ItemStatus.Migrated).ToList();
        // Zep holds the user under its Zep id (the mem0 id unless mapped): reads and keys follow it.
        var target = UserTarget.Of(user);
        var zepUserId = target.ZepUserId;
        var sync = SyncValidation.ContextOf(written);
        var plan = UserPlanner.Plan(target, items.Where(i => !StagedContent.IsPurged(i)).ToList(), sync);
        var knownKeys = KnownKeys(plan, UserPlanner.Plan(target, written.Where(i => i.Status == ItemStatus.Failed && !StagedContent.IsPurged(i)).ToList(), sync));
        var superseded = SyncValidation.ExpectedOthers(written, settled, await SyncInputs.OthersAsync(db, runId, userKey, ct),
            await ItemHistory.LoadAsync(db, runId, userKey, ct));

        var findings = new List<PlanComparer.Finding>();
        var episodes = plan.Episodes.Count > 0 || purgedMigrated.Any(i => i.Kind == StagedItemKind.Memory)
            ? await zep.GetAllUserEpisodesAsync(zepUserId, ct) : [];
        // The user is read back to compare its profile (role, mem0 id, e-mail, names) with the plan. Users staged before
        // id mapping (no Zep id recorded) were created without a profile: for them only whether the user exists is asked,
        // and only when none of its episodes came back (a user whose episodes Zep lists exists).
        var profiled = user.ZepUserId is not null;
        var zepUser = profiled || episodes.Count == 0 ? await zep.GetUserAsync(zepUserId, ct) : null;
        var userMissing = zepUser is null && (profiled || episodes.Count == 0);
        if (userMissing)
            findings.AddRange(items.Select(i => new PlanComparer.Finding(i.ItemKey, FindingKind.Missing, "user")));
        else
        {
            if (profiled && zepUser is not null)
                findings.AddRange(UserProfileComparer.DifferingFields(target, user.ProfileHash, zepUser)
                    .Select(field => new PlanComparer.Finding(UserItemKey, FindingKind.Differs, field)));
            var messages = new Dictionary<string, IReadOnlyList<ZepMessage>>(StringComparer.Ordinal);
            var threadIds = plan.Threads.Select(t => t.ThreadId)
                .Concat(purgedMigrated.Where(i => i.Kind == StagedItemKind.ConversationMessage).Select(i => PurgedItemComparer.ThreadOf(zepUserId, i)))
                .Distinct(StringComparer.Ordinal);
            foreach (var threadId in threadIds) messages[threadId] = await zep.GetAllMessagesAsync(threadId, ct);
            if (purged.Count > 0)
            {
                knownKeys = knownKeys.Concat(PurgedItemComparer.KnownKeys(zepUserId, purged, episodes, messages)).ToHashSet(StringComparer.Ordinal);
                findings.AddRange(PurgedItemComparer.Compare(zepUserId, purgedMigrated, episodes, messages));
            }
            findings.AddRange(PlanComparer.Compare(plan, items.Select(i => i.ItemKey).ToHashSet(StringComparer.Ordinal), episodes, messages, knownKeys, superseded));
        }

        // A role conflict in the source is reported with the findings but is no difference between plan and Zep.
        var differences = findings.Count;
        if (user.RoleConflict is { } conflict)
            findings.Add(new PlanComparer.Finding(UserItemKey, FindingKind.RoleConflict, $"metadata.role: {conflict} (took {user.Role})"));

        await RecordOutcomeAsync(runId, userKey, user, plan, findings, differences, userMissing, anyFailedItem, ct);
        return user.Status;
    }

    /// <summary>
    /// One transaction records the outcome: the units to reopen (a purged item's are reopened by retry, which plans it
    /// again from the source files), the findings (replacing the last validation's), the user's status (and, verified, its
    /// content purged unless <c>Ledger:RetainContent</c>), and the user's Zep requests. Relaxed: lost to a power failure,
    /// the user is validated again.
    /// </summary>
    private async Task RecordOutcomeAsync(Guid runId, string userKey, RunUser user, UserPlan plan, IReadOnlyList<PlanComparer.Finding> findings,
        int differences, bool userMissing, bool anyFailedItem, CancellationToken ct)
    {
        await using var relaxed = await RelaxedCommits.BeginAsync(db, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var missing = findings.Where(f => f.Kind == FindingKind.Missing).Select(f => f.ItemKey).Distinct().ToList();
        var reopen = missing.SelectMany(plan.KeysOf).Concat(userMissing ? [plan.User.Key] : []).ToHashSet(StringComparer.Ordinal);
        await WriteUnitLedger.ReopenAsync(db, zepOptions.Value.Target, reopen, ct);

        await db.Findings.Where(f => f.RunId == runId && f.UserKey == userKey).ExecuteDeleteAsync(ct);
        var now = clock.GetUtcNow();
        db.Findings.AddRange(findings.Select(f => new ValidationFinding
        {
            RunId = runId, UserKey = userKey, ItemKey = f.ItemKey, Kind = f.Kind, Field = f.Field, FoundAt = now,
        }));

        user.Status = differences > 0 ? UserStatus.Mismatched : anyFailedItem ? UserStatus.Failed : UserStatus.Verified;
        user.Error = differences > 0 ? $"{differences} validation finding(s)" : anyFailedItem ? "some items failed" : null;
        user.UpdatedAt = now;
        if (user.Status == UserStatus.Verified && !ledgerOptions.Value.RetainContent)
        {
            await StagedContent.PurgeAsync(db.StagedItems.Where(i => i.RunId == runId && i.UserKey == userKey), ct);
            StagedContent.PurgeProfile(user);
        }
        await db.SaveChangesAsync(ct);
        var requestsRecorded = await zepRequests.AddInTransactionAsync(runId, userKey, ct);
        await transaction.CommitAsync(ct);
        requestsRecorded();
    }

    /// <summary>The item key of findings about the Zep user itself (its profile, its role).</summary>
    public const string UserItemKey = "user";

    /// <summary>
    /// The keys of every message and episode the migration may have written for the user. A message's or episode's key
    /// depends on its own item only (user, thread, item, part), so the plans of the migrated and the failed items give them all.
    /// </summary>
    private static HashSet<string> KnownKeys(params UserPlan[] plans) =>
        plans.SelectMany(plan => plan.Episodes.Select(e => e.Key)
                .Concat(plan.Threads.SelectMany(t => t.Batches).SelectMany(b => b.Messages).Select(m => m.Key)))
            .ToHashSet(StringComparer.Ordinal);
}
