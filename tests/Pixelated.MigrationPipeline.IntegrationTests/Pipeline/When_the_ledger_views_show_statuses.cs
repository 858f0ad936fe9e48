using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// One vocabulary of statuses everywhere: the ledger views (V3, runs V4) show every run, user and item status by the same snake_case
/// name as the API, the CLI and the CSV report (<see cref="StatusNames"/>), on PostgreSQL and on SQLite.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_the_ledger_views_show_statuses(InfrastructureFixture infrastructure) : IDisposable
{
    private readonly SqliteFolder _folder = new("view-statuses");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_status_reads_as_its_wire_name_on_postgres() =>
        await EveryStatusReadsAsItsWireNameAsync(await ServiceHost.LedgerOnlyAsync(await infrastructure.CreateDatabaseAsync("view_statuses"), _ => { }));

    [Fact]
    public async Task Every_status_reads_as_its_wire_name_on_sqlite() =>
        await EveryStatusReadsAsItsWireNameAsync(await ServiceHost.SqliteLedgerOnlyAsync(_folder.File("ledger.db"), _ => { }));

    private static async Task EveryStatusReadsAsItsWireNameAsync(IHost host)
    {
        using var _ = host;
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var now = DateTimeOffset.UtcNow;
        var runs = Enum.GetValues<RunStatus>().ToDictionary(s => Guid.NewGuid(), s => s);
        foreach (var (id, status) in runs) db.Runs.Add(new MigrationRun { Id = id, Status = status, CreatedAt = now });
        var runId = runs.Keys.First();
        foreach (var status in Enum.GetValues<UserStatus>())
            db.RunUsers.Add(new RunUser { RunId = runId, UserKey = $"user-{status}", Status = status, UpdatedAt = now });
        foreach (var status in Enum.GetValues<ItemStatus>())
            db.StagedItems.Add(new StagedItem { RunId = runId, UserKey = $"user-{UserStatus.Failed}", ItemKey = $"item-{status}", Status = status, SourceFile = "a.json" });
        await db.SaveChangesAsync();

        var runRows = await db.Database.SqlQueryRaw<Row>("SELECT CAST(run_id AS TEXT) AS \"Key\", status AS \"Status\" FROM v_migration_runs").ToListAsync();
        var userRows = await db.Database.SqlQueryRaw<Row>("SELECT user_key AS \"Key\", status AS \"Status\" FROM v_migration_users").ToListAsync();
        var problemRows = await db.Database.SqlQueryRaw<Row>("SELECT item_key AS \"Key\", status AS \"Status\" FROM v_migration_item_problems").ToListAsync();

        Assert.Equal(runs.Values.Select(StatusNames.ToWire).Order(), runRows.Select(r => r.Status).Order());
        foreach (var (id, status) in runs) Assert.Equal(StatusNames.ToWire(status), runRows.Single(r => Guid.Parse(r.Key) == id).Status);
        Assert.Contains(runRows, r => r.Status == "completed_with_errors");
        Assert.Contains(runRows, r => r.Status == "dry_run_completed");
        foreach (var status in Enum.GetValues<UserStatus>()) Assert.Equal(StatusNames.ToWire(status), userRows.Single(r => r.Key == $"user-{status}").Status);
        Assert.Equal([("item-Failed", "failed"), ("item-Skipped", "skipped")], problemRows.Select(r => (r.Key, r.Status)).Order());

        // V4: an unfinished run whose lease passed is interrupted (the database's clock), a live one keeps its status.
        var (expired, live) = (Guid.NewGuid(), Guid.NewGuid());
        db.Runs.Add(new MigrationRun { Id = expired, Status = RunStatus.Migrating, CreatedAt = now, LeaseExpiresAtMs = now.AddMinutes(-1).ToUnixTimeMilliseconds() });
        db.Runs.Add(new MigrationRun { Id = live, Status = RunStatus.Migrating, CreatedAt = now, LeaseExpiresAtMs = now.AddMinutes(10).ToUnixTimeMilliseconds() });
        await db.SaveChangesAsync();
        var leaseRows = await db.Database.SqlQueryRaw<Row>("SELECT CAST(run_id AS TEXT) AS \"Key\", status AS \"Status\" FROM v_migration_runs").ToListAsync();
        Assert.Equal("interrupted", leaseRows.Single(r => Guid.Parse(r.Key) == expired).Status);
        Assert.Equal("migrating", leaseRows.Single(r => Guid.Parse(r.Key) == live).Status);
    }

    private sealed class Row
    {
        public string Key { get; set; } = "";
        public string Status { get; set; } = "";
    }
}
