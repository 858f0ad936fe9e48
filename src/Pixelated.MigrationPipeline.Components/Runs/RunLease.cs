using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// A run's lease (<see cref="MigrationRun.LeaseExpiresAtMs"/>): an unfinished run (<c>Created</c>, <c>Ingesting</c>,
/// <c>Migrating</c>) whose lease has passed is shown as <see cref="RunStatus.Interrupted"/>. Derived at read time, never
/// stored, so it vanishes as soon as a process renews the lease (resumes the run).
/// </summary>
public static class RunLease
{
    /// <summary>The statuses of a run some process must be working on.</summary>
    public static readonly RunStatus[] Live = [RunStatus.Created, RunStatus.Ingesting, RunStatus.Migrating];

    public static long Until(DateTimeOffset now, int seconds) => now.AddSeconds(seconds).ToUnixTimeMilliseconds();

    public static bool IsExpired(RunStatus status, long? leaseExpiresAtMs, DateTimeOffset now) =>
        Live.Contains(status) && leaseExpiresAtMs is { } until && until < now.ToUnixTimeMilliseconds();

    /// <summary>The status to show: the stored one, or <see cref="RunStatus.Interrupted"/> when the lease expired.</summary>
    public static RunStatus Shown(MigrationRun run, DateTimeOffset now) =>
        IsExpired(run.Status, run.LeaseExpiresAtMs, now) ? RunStatus.Interrupted : run.Status;
}

/// <summary>The runs this process works on (launched, resumed, or consumed a message of): their leases are renewed while it lives.</summary>
public sealed class RunLeaseKeeper
{
    private readonly ConcurrentDictionary<Guid, byte> _held = new();

    public void Hold(Guid runId) => _held.TryAdd(runId, 0);

    public IReadOnlyList<Guid> Held => _held.Keys.ToList();

    public void Release(IEnumerable<Guid> runIds)
    {
        foreach (var id in runIds) _held.TryRemove(id, out _);
    }
}

/// <summary>
/// Renews the leases of the runs this process holds every third of <c>Pipeline:RunLeaseSeconds</c> (forgetting finished
/// runs) and, with <c>Pipeline:ResumeOnStart</c>, resumes the runs of its ledger whose lease expired: at start (a one-process
/// host restarted after a crash resumes its own runs) and on every renewal (a live worker takes over the runs whose
/// dispatching or ingest died with their process). One process takes a run over: a conditional update of its lease.
/// </summary>
public sealed class RunLeaseService(IServiceScopeFactory scopes, RunLeaseKeeper keeper, IOptions<PipelineOptions> options, TimeProvider clock,
    ILogger<RunLeaseService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var interval = TimeSpan.FromMilliseconds(Math.Max(500, options.Value.RunLeaseSeconds * 1000 / 3));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RenewAsync(stoppingToken);
                if (options.Value.ResumeOnStart) await TakeOverAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Run leases could not be renewed or checked; trying again in {Interval}", interval);
            }
            try { await Task.Delay(interval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Renews the held runs that are not finished and forgets the finished ones.</summary>
    public async Task RenewAsync(CancellationToken ct)
    {
        var held = keeper.Held;
        if (held.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var until = RunLease.Until(clock.GetUtcNow(), options.Value.RunLeaseSeconds);
        await db.Runs.Where(r => held.Contains(r.Id) && !RunHalts.Finished.Contains(r.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAtMs, until), ct);
        var finished = await db.Runs.AsNoTracking().Where(r => held.Contains(r.Id) && RunHalts.Finished.Contains(r.Status))
            .Select(r => r.Id).ToListAsync(ct);
        // A run deleted meanwhile (purge) is forgotten too.
        var known = await db.Runs.AsNoTracking().Where(r => held.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct);
        keeper.Release(finished.Concat(held.Except(known)));
    }

    /// <summary>Resumes the unfinished runs of the ledger whose lease expired; the number resumed.</summary>
    public async Task<int> TakeOverAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var expired = await db.Runs.AsNoTracking()
            .Where(r => RunLease.Live.Contains(r.Status) && r.LeaseExpiresAtMs != null && r.LeaseExpiresAtMs < nowMs)
            .Select(r => new { r.Id, r.LeaseExpiresAtMs }).ToListAsync(ct);
        var resumed = 0;
        foreach (var run in expired)
        {
            var until = RunLease.Until(now, options.Value.RunLeaseSeconds);
            // Claimed by renewing the lease it was seen with: of the processes that saw it expire, one takes it over.
            var claimed = await db.Runs.Where(r => r.Id == run.Id && r.LeaseExpiresAtMs == run.LeaseExpiresAtMs)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAtMs, until), ct);
            if (claimed == 0) continue;
            keeper.Hold(run.Id);
            await using var runScope = scopes.CreateAsyncScope();
            var result = await runScope.ServiceProvider.GetRequiredService<RunControlService>().ResumeAsync(run.Id, ct);
            logger.LogWarning("Run {RunId} was interrupted (its lease expired {Ago:0} s ago): {Outcome} {Message}",
                run.Id, (nowMs - run.LeaseExpiresAtMs!.Value) / 1000.0, result.Outcome, result.Message);
            resumed++;
        }
        return resumed;
    }
}
