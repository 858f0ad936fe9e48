using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// The write-ahead record of a user's Zep writes: a unit is <c>Sent</c> (saved) before its HTTP call and <c>Confirmed</c>
/// after it. Confirmations are not saved on their own: they ride on the next save of the same ledger (see <see cref="Confirm"/>).
/// </summary>
public sealed class WriteUnitLedger(LedgerDbContext db, TimeProvider clock, string target, Guid runId, string userKey, IReadOnlyDictionary<string, ZepWriteUnit> units)
{
    public static async Task<WriteUnitLedger> LoadAsync(LedgerDbContext db, TimeProvider clock, string target, Guid runId, string userKey, IEnumerable<string> keys,
        CancellationToken ct)
    {
        var found = new Dictionary<string, ZepWriteUnit>(StringComparer.Ordinal);
        foreach (var chunk in keys.Distinct().Chunk(500))
        {
            var rows = await UserLedgerQueries.WriteUnitsAsync(db, target, chunk, ct);
            foreach (var row in rows) found[row.IdempotencyKey] = row;
        }
        return new WriteUnitLedger(db, clock, target, runId, userKey, found);
    }

    /// <summary>
    /// Validation proved these units' data absent from Zep: mark them <c>Sent</c> (outcome to be checked), so the next
    /// run reads Zep back and writes what is missing, and only that.
    /// </summary>
    public static Task<int> ReopenAsync(LedgerDbContext db, string target, IReadOnlyCollection<string> keys, CancellationToken ct) =>
        keys.Count == 0 ? Task.FromResult(0)
            : db.WriteUnits.Where(u => u.Target == target && keys.Contains(u.IdempotencyKey) && u.State == WriteState.Confirmed)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.State, WriteState.Sent).SetProperty(u => u.LastError, "missing from Zep at validation"), ct);

    private readonly Dictionary<string, ZepWriteUnit> _units = new(units, StringComparer.Ordinal);

    public WriteState StateOf(string key) => _units.TryGetValue(key, out var u) ? u.State : WriteState.Pending;

    /// <summary>The loaded units whose last send has an unknown outcome.</summary>
    public IEnumerable<ZepWriteUnit> Sent => _units.Values.Where(u => u.State == WriteState.Sent);

    public string? ZepIdsOf(string key) => _units.TryGetValue(key, out var u) ? u.ZepIds : null;

    /// <summary>Loads further units (batch bookkeeping) that are not among the plan's keys.</summary>
    public async Task LoadMoreAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        foreach (var chunk in keys.Where(k => !_units.ContainsKey(k)).Distinct().Chunk(500))
        {
            var rows = await UserLedgerQueries.WriteUnitsAsync(db, target, chunk, ct);
            foreach (var row in rows) _units[row.IdempotencyKey] = row;
        }
    }

    /// <summary>
    /// Changes a unit without saving yet, so several units change in one transaction (<see cref="SaveStagedAsync"/>).
    /// <paramref name="zepIds"/> null keeps what the unit holds, empty clears it.
    /// </summary>
    public void Stage(string key, WriteUnitKind kind, WriteState state, string? zepIds = null, string? error = null)
    {
        var unit = GetOrAdd(key, kind);
        if (state == WriteState.Sent && unit.State != WriteState.Sent) unit.Attempts++;
        unit.State = state;
        if (zepIds is not null) unit.ZepIds = zepIds.Length == 0 ? null : zepIds;
        unit.LastError = error;
        unit.LastRunId = runId;
        unit.UpdatedAt = clock.GetUtcNow();
    }

    public Task SaveStagedAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

    public bool AnyInState(IEnumerable<string> keys, WriteState state) => keys.Any(k => StateOf(k) == state);

    /// <summary>
    /// Marks a group of units <c>Sent</c> in one save (which also carries the confirmations staged since the last save),
    /// before any of their calls (write-ahead for the group). A unit of the
    /// group whose call was never made (the worker died first) is left <c>Sent</c>, so the next attempt reads Zep back
    /// before sending it: the same rule as for a unit whose call had an unknown outcome (DESIGN.md §3.3).
    /// </summary>
    public async Task MarkSentAsync(IReadOnlyCollection<(string Key, WriteUnitKind Kind)> group, CancellationToken ct)
    {
        if (group.Count == 0) return;
        var now = clock.GetUtcNow();
        foreach (var (key, kind) in group)
        {
            var unit = GetOrAdd(key, kind);
            unit.State = WriteState.Sent;
            unit.Attempts++;
            unit.LastRunId = runId;
            unit.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Records the call's success without a save of its own: the confirmation is saved with the ledger's next save (the
    /// next unit's <c>Sent</c>, or the user's outcome). If the worker dies before that, the unit is still <c>Sent</c> and the
    /// next attempt finds its data by reading Zep back, and does not send it again.
    /// </summary>
    public void Confirm(string key, WriteUnitKind kind, string? zepIds)
    {
        var unit = GetOrAdd(key, kind);
        unit.State = WriteState.Confirmed;
        unit.ZepIds = zepIds;
        unit.LastError = null;
        unit.LastRunId = runId;
        unit.UpdatedAt = clock.GetUtcNow();
    }

    /// <summary>
    /// Zep already holds the unit's data, written under its key by another ledger (or by an earlier version of this tool):
    /// confirmed without a send of ours. <c>Attempts</c> 0 on a confirmed unit is how the ledger tells an adopted unit
    /// (the run report counts them by their <c>LastRunId</c>). Saved with the ledger's next save, as a confirmation is.
    /// </summary>
    public void Adopt(string key, WriteUnitKind kind, string? zepIds)
    {
        Confirm(key, kind, zepIds);
        _units[key].Attempts = 0;
    }

    public Task FailAsync(string key, WriteUnitKind kind, string reason, CancellationToken ct)
    {
        var unit = GetOrAdd(key, kind);
        unit.State = WriteState.Failed;
        unit.LastError = reason;
        return SaveAsync(unit, ct);
    }

    /// <summary>
    /// The call that wrote these units (one, or several for a graph-batch call) provably did not reach Zep (429, refused):
    /// they may be sent again without a read-back. One save.
    /// </summary>
    public Task ReleaseAsync(IReadOnlyCollection<(string Key, WriteUnitKind Kind)> units, string reason, CancellationToken ct)
    {
        foreach (var (key, kind) in units) Stage(key, kind, WriteState.Pending, error: reason);
        return db.SaveChangesAsync(ct);
    }

    private ZepWriteUnit GetOrAdd(string key, WriteUnitKind kind)
    {
        if (_units.TryGetValue(key, out var unit)) return unit;
        unit = new ZepWriteUnit { Target = target, IdempotencyKey = key, UserKey = userKey, Kind = kind, State = WriteState.Pending };
        db.WriteUnits.Add(unit);
        _units[key] = unit;
        return unit;
    }

    private async Task SaveAsync(ZepWriteUnit unit, CancellationToken ct)
    {
        unit.LastRunId = runId;
        unit.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }
}
