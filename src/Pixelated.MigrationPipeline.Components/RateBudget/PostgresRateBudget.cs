using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.RateBudget;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.RateBudget;

namespace Pixelated.MigrationPipeline.Components.RateBudget;

/// <summary>
/// The distributed mode's budget: one token bucket per Zep account in the ledger (<c>zep_rate_budget</c>, its SQL in
/// <see cref="RateBudgetTable"/>), refilled at <c>Zep:RequestsPerMinute</c>, from which every worker process takes each
/// permit, so N workers together stay under the account's limit and none idles while the others have permits to spare.
/// Pauses that Zep asks for are stored in the same row and honoured by all workers.
/// </summary>
public sealed class PostgresRateBudget(IOptions<LedgerOptions> ledger, IOptions<ZepOptions> zep, TimeProvider clock) : IZepRateBudget
{
    private readonly RateBudgetTable _table = new(ledger.Value.ConnectionString, zep.Value.Target);
    private int _limit = zep.Value.RequestsPerMinute;
    private long _knownBlockUntilTicks;
    private long _blockCheckedAtTicks;

    public async ValueTask AcquireAsync(CancellationToken ct)
    {
        var limit = Volatile.Read(ref _limit);
        if (limit == 0)
        {
            await HonourBlockAsync(ct); // unlimited: only the pauses Zep asked for
            return;
        }
        while (true)
        {
            var wait = await _table.TryTakeAsync(limit / 60.0, Math.Max(1.0, limit / 20.0), ct);
            if (wait is null) return;
            await Task.Delay(wait.Value + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 20)), clock, ct);
        }
    }

    public async ValueTask BlockUntilAsync(DateTimeOffset until, CancellationToken ct)
    {
        AtomicMax.Raise(ref _knownBlockUntilTicks, until.UtcTicks);
        await _table.BlockUntilAsync(until, ct);
    }

    public void ObserveLimit(int requestsPerMinute)
    {
        var current = Volatile.Read(ref _limit);
        if (current > 0 && requestsPerMinute > 0 && requestsPerMinute < current) Volatile.Write(ref _limit, requestsPerMinute);
    }

    /// <summary>Without a client-side limit, reads the shared pause at most once a second (no query per request).</summary>
    private async Task HonourBlockAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now.UtcTicks - Interlocked.Read(ref _blockCheckedAtTicks) > TimeSpan.TicksPerSecond)
        {
            Interlocked.Exchange(ref _blockCheckedAtTicks, now.UtcTicks);
            if (await _table.ReadBlockAsync(ct) is { } until) AtomicMax.Raise(ref _knownBlockUntilTicks, until.UtcTicks);
        }
        var wait = new DateTimeOffset(Interlocked.Read(ref _knownBlockUntilTicks), TimeSpan.Zero) - clock.GetUtcNow();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
    }
}
