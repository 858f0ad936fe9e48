using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// The embedded mode's consumers all write to one SQLite file through <see cref="SqliteWriteGate"/>, which queues them in the
/// process. Every kind of write gets through, and every way a write ends gives the turn back (a turn kept would stall every
/// later writer of the process).
/// </summary>
public sealed class When_embedded_writers_share_the_sqlite_ledger : IAsyncLifetime
{
    private readonly SqliteFolder _folder = new("gate");
    private IHost _host = null!;
    private readonly Guid _runId = Guid.NewGuid();

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.SqliteLedgerOnlyAsync(_folder.File("ledger.db"), _ => { });
        await WithDbAsync(db =>
        {
            db.Runs.Add(new MigrationRun { Id = _runId, Status = RunStatus.Migrating, CreatedAt = DateTimeOffset.UtcNow });
            return db.SaveChangesAsync();
        });
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _folder.Dispose();
    }

    private SqliteWriteGate Gate => _host.Services.GetRequiredService<SqliteWriteGate>();

    [Fact]
    public async Task Many_concurrent_writers_all_get_through_and_no_turn_is_kept()
    {
        const int writers = 24, rounds = 10;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var r = 0; r < rounds; r++)
            {
                var key = $"patient-{w:D2}-{r:D2}";
                await WithDbAsync(async db =>
                {
                    db.RunUsers.Add(new RunUser { RunId = _runId, UserKey = key, Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
                    await db.SaveChangesAsync(); // one statement: a lone write
                });
                await WithDbAsync(async db =>
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    await db.RunUsers.Where(u => u.RunId == _runId && u.UserKey == key)
                        .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Queued));
                    await db.RunUsers.Where(u => u.RunId == _runId && u.UserKey == key)
                        .ExecuteUpdateAsync(s => s.SetProperty(u => u.Error, "claimed"));
                    await transaction.CommitAsync();
                });
            }
        })));

        Assert.Equal(0, Gate.Holders);
        var queued = await WithDbAsync(db => db.RunUsers.CountAsync(u => u.RunId == _runId && u.Status == UserStatus.Queued && u.Error == "claimed"));
        Assert.Equal(writers * rounds, queued);
    }

    [Fact]
    public async Task A_transaction_abandoned_by_an_exception_gives_its_turn_back()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.RunUsers.Add(new RunUser { RunId = _runId, UserKey = "patient-abandoned", Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            Assert.Equal(1, Gate.Holders);
            throw new InvalidOperationException("the work fails before its commit");
        }));

        Assert.Equal(0, Gate.Holders);
        Assert.Equal(0, await WithDbAsync(db => db.RunUsers.CountAsync(u => u.UserKey == "patient-abandoned"))); // rolled back
        await WithDbAsync(async db =>
        {
            db.RunUsers.Add(new RunUser { RunId = _runId, UserKey = "patient-next", Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });
        Assert.Equal(0, Gate.Holders);
    }

    [Fact]
    public async Task The_time_writers_hold_their_turn_is_counted_from_start_to_commit()
    {
        var before = Gate.HeldTime;
        await WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.RunUsers.Add(new RunUser { RunId = _runId, UserKey = "patient-slow", Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            await Task.Delay(200); // work inside the transaction: the turn is held all along
            await transaction.CommitAsync();
            return 0;
        });

        var held = Gate.HeldTime - before;
        Assert.InRange(held, TimeSpan.FromMilliseconds(190), TimeSpan.FromSeconds(30));
        Assert.Equal(0, Gate.Holders);
    }

    [Fact]
    public async Task A_lone_write_that_fails_gives_its_turn_back()
    {
        await WithDbAsync(async db =>
        {
            db.RunUsers.Add(new RunUser { RunId = _runId, UserKey = "patient-twice", Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });

        await Assert.ThrowsAsync<DbUpdateException>(() => WithDbAsync(async db =>
        {
            db.RunUsers.Add(new RunUser { RunId = _runId, UserKey = "patient-twice", Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(); // the same key again: refused
        }));

        Assert.Equal(0, Gate.Holders);
    }

    private async Task<T> WithDbAsync<T>(Func<LedgerDbContext, Task<T>> work)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LedgerDbContext>());
    }

    private Task WithDbAsync(Func<LedgerDbContext, Task> work) => WithDbAsync(async db =>
    {
        await work(db);
        return 0;
    });
}
