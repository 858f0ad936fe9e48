using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Counts the Zep requests one unit of work (a user's migration or validation) sends and adds them to its user's row
/// (<see cref="RunUser.ZepRequests"/>), even when the work fails. A unit of work that ends in a ledger transaction of its
/// own adds them there (<see cref="AddInTransactionAsync"/>); whatever is left unrecorded is added when the work ends.
/// Always an addition in SQL (<c>zep_requests = zep_requests + n</c>), never a value read earlier and written back: an
/// earlier attempt of the same user may add its leftovers after this one read the row.
/// </summary>
public sealed class RunZepRequests(ZepRequestCounter counter, LedgerDbContext db)
{
    /// <summary>Runs a unit of work that returns nothing (a consumer's delivery, see <c>ZepRequestsPerUserFilter</c>) and counts its requests.</summary>
    public Task MeasureAsync(Guid runId, string userKey, Func<Task> work) =>
        MeasureAsync(runId, userKey, async () =>
        {
            await work();
            return true;
        });

    public async Task<T> MeasureAsync<T>(Guid runId, string userKey, Func<Task<T>> work)
    {
        using var requests = counter.BeginScope();
        try
        {
            return await work();
        }
        finally
        {
            await AddAsync(runId, userKey, requests.Unrecorded, CancellationToken.None);
        }
    }

    /// <summary>
    /// Adds the requests the current unit of work has sent so far to its user's row, inside the caller's open ledger
    /// transaction (the row the outcome updates anyway: no other user waits for its lock). Call the returned action once
    /// that transaction has committed: until then the requests still count as unrecorded, so a transaction that rolls back
    /// loses none of them.
    /// </summary>
    public async Task<Action> AddInTransactionAsync(Guid runId, string userKey, CancellationToken ct)
    {
        if (counter.CurrentScope is not { } scope) return static () => { };
        var pending = scope.Unrecorded;
        await AddAsync(runId, userKey, pending, ct);
        return () => scope.MarkRecorded(pending);
    }

    private Task AddAsync(Guid runId, string userKey, long count, CancellationToken ct) =>
        count == 0 ? Task.CompletedTask
            : db.RunUsers.Where(u => u.RunId == runId && u.UserKey == userKey)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.ZepRequests, u => u.ZepRequests + count), ct);
}
