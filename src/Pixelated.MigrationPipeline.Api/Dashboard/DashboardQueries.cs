using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Api.Endpoints;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Api.Dashboard;

/// <summary>
/// What the dashboard shows, read from the ledger the API reads: the runs list (the API's runs list plus who started each
/// run and its item progress) and one run's page (the API's report plus users by status, throughput over time, 429s and
/// the run's audit trail). Keys, counts and reasons only; never content.
/// </summary>
public sealed class DashboardQueries(LedgerDbContext db, RunReportQuery reports, ZepThrottleWatch throttles, TimeProvider clock)
{
    public const int RunsShown = 50;

    /// <summary>Problems and findings rendered on the page (the report holds up to <see cref="RunReportQuery.MaxLines"/>).</summary>
    public const int LinesShown = 200;

    public const int AuditShown = 100;

    private const int ChartPoints = 40;

    public async Task<IReadOnlyList<RunRow>> RunsAsync(CancellationToken ct)
    {
        var runs = await reports.ListAsync(RunsShown, ct);
        var ids = runs.Select(r => r.RunId).ToList();
        var rows = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.Id))
            .Select(r => new { r.Id, r.RequestedBy, r.IngestedAt }).ToDictionaryAsync(r => r.Id, ct);
        var items = (await db.StagedItems.AsNoTracking().Where(i => ids.Contains(i.RunId))
                .GroupBy(i => new { i.RunId, i.Status }).Select(g => new { g.Key.RunId, g.Key.Status, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(c => c.RunId);
        var now = clock.GetUtcNow();
        return runs.Select(r =>
        {
            var counts = items[r.RunId].ToDictionary(c => c.Status, c => c.Count);
            int Count(ItemStatus s) => counts.GetValueOrDefault(s);
            var total = counts.Values.Sum();
            var settled = Count(ItemStatus.Migrated) + Count(ItemStatus.Skipped) + Count(ItemStatus.Failed);
            // As the report computes it (RunReportQuery): migrated items per second since staging finished; ETA at that rate.
            var row = rows.GetValueOrDefault(r.RunId);
            var since = row?.IngestedAt ?? r.CreatedAt;
            var elapsed = Math.Max(((r.FinishedAt ?? now) - since).TotalSeconds, 0.001);
            var rate = Count(ItemStatus.Migrated) / elapsed;
            double? eta = r.FinishedAt is not null ? 0 : rate > 0 ? Count(ItemStatus.Staged) / rate : null;
            return new RunRow(r.RunId, r.Status, r.DryRun, r.StartedVia, row?.RequestedBy, r.CreatedAt, r.FinishedAt,
                total == 0 ? 0 : Math.Round(100.0 * settled / total, 1), settled, total, r.UsersSettled, r.Users, Math.Round(rate, 1), eta);
        }).ToList();
    }

    public async Task<RunView?> RunAsync(Guid runId, bool withAudit, CancellationToken ct)
    {
        if (await reports.GetAsync(runId, ct) is not { } report) return null;
        var byStatus = report.UserLines.GroupBy(u => u.Status).OrderBy(g => g.Key).Select(g => new StatusCount(g.Key, g.Count())).ToList();
        var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => new { r.IngestedAt }).SingleAsync(ct);
        var start = run.IngestedAt ?? report.CreatedAt;
        var end = report.FinishedAt ?? clock.GetUtcNow();
        var throttled = throttles.Between(report.CreatedAt, end);
        var audit = withAudit
            ? await db.Audit.AsNoTracking().Where(a => a.RunId == runId).OrderByDescending(a => a.Id).Take(AuditShown)
                .Select(a => new AuditView(a.Id, a.At, a.Actor, a.Role, a.Action, a.RunId, a.Detail, a.Outcome)).ToListAsync(ct)
            : null;
        return new RunView(report, byStatus, await ThroughputAsync(runId, start, end, throttled, ct), throttled.Count, audit);
    }

    /// <summary>
    /// Items migrated per second over the run, from the ledger: each settled user's migrated items counted at the time its
    /// row last changed (when it was migrated or validated), in up to <see cref="ChartPoints"/> equal intervals from the end
    /// of staging to now (or the run's end); and the 429s this process saw in each interval.
    /// </summary>
    private async Task<Throughput> ThroughputAsync(Guid runId, DateTimeOffset start, DateTimeOffset end,
        IReadOnlyList<DateTimeOffset> throttled, CancellationToken ct)
    {
        var migrated = await db.StagedItems.AsNoTracking().Where(i => i.RunId == runId && i.Status == ItemStatus.Migrated)
            .GroupBy(i => i.UserKey).Select(g => new { User = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.User, g => g.Count, ct);
        var settledAt = await db.RunUsers.AsNoTracking().Where(u => u.RunId == runId && u.Status != UserStatus.Staged && u.Status != UserStatus.Queued
                                                                   && u.Status != UserStatus.Migrating && u.Status != UserStatus.Planned)
            .Select(u => new { u.UserKey, u.UpdatedAt }).ToListAsync(ct);

        var span = Math.Max((end - start).TotalSeconds, 1);
        var step = Math.Max(1, Math.Ceiling(span / ChartPoints));
        var points = (int)Math.Max(1, Math.Ceiling(span / step));
        var items = new double[points];
        var limited = new int[points];
        int Bucket(DateTimeOffset at) => Math.Clamp((int)((at - start).TotalSeconds / step), 0, points - 1);
        foreach (var user in settledAt)
            if (migrated.TryGetValue(user.UserKey, out var count)) items[Bucket(user.UpdatedAt)] += count;
        foreach (var at in throttled) limited[Bucket(at)]++;
        var labels = Enumerable.Range(0, points).Select(i => Elapsed(TimeSpan.FromSeconds((i + 1) * step))).ToList();
        return new Throughput(labels, items.Select(n => Math.Round(n / step, 1)).ToList(), limited, step);
    }

    private static string Elapsed(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
}

public sealed record RunRow(Guid RunId, RunStatus Status, bool DryRun, string StartedVia, string? RequestedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt, double Percent, int ItemsSettled, int ItemsTotal, int UsersSettled, int Users, double ItemsPerSecond, double? EtaSeconds);

public sealed record StatusCount(UserStatus Status, int Count);

/// <summary>The throughput chart's series: labels (time since staging ended), items/s and 429s per interval of <paramref name="StepSeconds"/>.</summary>
public sealed record Throughput(IReadOnlyList<string> Labels, IReadOnlyList<double> ItemsPerSecond, IReadOnlyList<int> Throttled, double StepSeconds);

public sealed record RunView(RunReport Report, IReadOnlyList<StatusCount> UsersByStatus, Throughput Throughput, int Zep429s, IReadOnlyList<AuditView>? Audit);
