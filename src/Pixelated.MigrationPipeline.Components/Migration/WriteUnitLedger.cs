using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>The write-ahead record of a user's Zep writes: a unit is <c>Sent</c> before its HTTP call and <c>Confirmed</c> after it.</summary>
public sealed class WriteUnitLedger(LedgerDbContext db, string target, Guid runId, string userKey, IReadOnlyDictionary<string, ZepWriteUnit> units)
{
    public static async Task<WriteUnitLedger> LoadAsync(LedgerDbContext db, string target, Guid runId, string userKey, IEnumerable<string> keys, CancellationToken ct)
    {
        var found = new Dictionary<string, ZepWriteUnit>(StringComparer.Ordinal);
        foreach (var chunk in keys.Distinct().Chunk(500))
        {
            var rows = await db.WriteUnits.Where(u => u.Target == target && chunk.Contains(u.IdempotencyKey)).ToListAsync(ct);
            foreach (var row in rows) found[row.IdempotencyKey] = row;
        }
        return new WriteUnitLedger(db, target, runId, userKey, found);
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

    public string? ZepIdsOf(string key) => _units.TryGetValue(key, out var u) ? u.ZepIds : null;

    /// <summary>Loads further units (batch bookkeeping) that are not among the plan's keys.</summary>
    public async Task LoadMoreAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        foreach (var chunk in keys.Where(k => !_units.ContainsKey(k)).Distinct().Chunk(500))
        {
            var rows = await db.WriteUnits.Where(u => u.Target == target && chunk.Contains(u.IdempotencyKey)).ToListAsync(ct);
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
        unit.UpdatedAt = DateTimeOffset.UtcNow;
    }

    public Task SaveStagedAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

    public bool AnyInState(IEnumerable<string> keys, WriteState state) => keys.Any(k => StateOf(k) == state);

    public async Task MarkSentAsync(string key, WriteUnitKind kind, CancellationToken ct)
    {
        var unit = GetOrAdd(key, kind);
        unit.State = WriteState.Sent;
        unit.Attempts++;
        await SaveAsync(unit, ct);
    }

    public Task ConfirmAsync(string key, WriteUnitKind kind, string? zepIds, CancellationToken ct)
    {
        var unit = GetOrAdd(key, kind);
        unit.State = WriteState.Confirmed;
        unit.ZepIds = zepIds;
        unit.LastError = null;
        return SaveAsync(unit, ct);
    }

    public Task FailAsync(string key, WriteUnitKind kind, string reason, CancellationToken ct)
    {
        var unit = GetOrAdd(key, kind);
        unit.State = WriteState.Failed;
        unit.LastError = reason;
        return SaveAsync(unit, ct);
    }

    /// <summary>The call provably did not reach Zep (429, refused): the unit may be sent again without a read-back.</summary>
    public Task ReleaseAsync(string key, WriteUnitKind kind, string reason, CancellationToken ct)
    {
        var unit = GetOrAdd(key, kind);
        unit.State = WriteState.Pending;
        unit.LastError = reason;
        return SaveAsync(unit, ct);
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
        unit.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
    }
}
