using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// The per-user ledger reads are compiled EF Core queries, and EF Core refuses to run a compiled query against a model other
/// than the first one it ran with. One process can hold the SQLite and the PostgreSQL ledger (tests, the bench, a tool that
/// reads one while the other migrates), so each model gets its own compiled query: both ledgers answer, in turns.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_one_process_uses_both_ledgers(InfrastructureFixture infrastructure) : IDisposable
{
    private readonly SqliteFolder _folder = new("two-ledgers");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_compiled_reads_answer_on_each_ledger_in_turn()
    {
        using var postgres = await ServiceHost.LedgerOnlyAsync(await infrastructure.CreateDatabaseAsync("two_ledgers"), AddServices);
        using var sqlite = await ServiceHost.SqliteLedgerOnlyAsync(_folder.File("ledger.db"), AddServices);
        var ledgers = new[] { postgres.Services, sqlite.Services, postgres.Services, sqlite.Services };
        var runs = new Dictionary<IServiceProvider, Guid> { [postgres.Services] = await StageAsync(postgres.Services), [sqlite.Services] = await StageAsync(sqlite.Services) };

        var sent = new List<string>();
        foreach (var (services, turn) in ledgers.Select((s, i) => (s, i)))
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
            var runId = runs[services];
            var firstTurn = turn < 2;
            var user = await UserLedgerQueries.UserAsync(db, runId, $"patient-{turn / 2}", CancellationToken.None);
            Assert.Equal(firstTurn ? UserStatus.Staged : UserStatus.Queued, user?.Status);
            Assert.False(await UserLedgerQueries.RunCancelledAsync(db, runId, CancellationToken.None));
            Assert.Single(await UserLedgerQueries.ItemsToWriteAsync(db, runId, $"patient-{turn / 2}", CancellationToken.None));
            Assert.Empty(await UserLedgerQueries.SettledItemsAsync(db, runId, $"patient-{turn / 2}", CancellationToken.None));
            Assert.Equal(["unit-a"], (await UserLedgerQueries.WriteUnitsAsync(db, "zep", ["unit-a", "unit-z"], CancellationToken.None)).Select(u => u.IdempotencyKey));
            Assert.Equal(firstTurn ? 2 : 0, await scope.ServiceProvider.GetRequiredService<RunDispatcher>().DispatchAsync(runId, m =>
            {
                sent.Add(m.UserKey);
                return Task.CompletedTask;
            }, CancellationToken.None));
            Assert.Equal(RunStatus.Migrating, await scope.ServiceProvider.GetRequiredService<RunStatusRoller>().RollUpAsync(runId, CancellationToken.None));
        }
        Assert.Equal(["patient-0", "patient-1", "patient-0", "patient-1"], sent);
    }

    private static void AddServices(IServiceCollection services) => services.AddScoped<RunDispatcher>().AddScoped<RunStatusRoller>();

    /// <summary>A migrating run of two waiting users of one item each, both allowed in flight, and one confirmed write unit.</summary>
    private static async Task<Guid> StageAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var runId = Guid.NewGuid();
        db.Runs.Add(new MigrationRun { Id = runId, Status = RunStatus.Migrating, CreatedAt = DateTimeOffset.UtcNow, MaxUsersInFlight = 2 });
        foreach (var user in new[] { "patient-0", "patient-1" })
        {
            db.RunUsers.Add(new RunUser { RunId = runId, UserKey = user, Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
            db.StagedItems.Add(new StagedItem
            {
                RunId = runId, UserKey = user, ItemKey = $"{user}/m1", Kind = StagedItemKind.Memory, Status = ItemStatus.Staged,
                SourceFile = "memories.json", RecordIndex = 1, Content = "x", CreatedAt = DateTimeOffset.UtcNow,
            });
        }
        db.WriteUnits.Add(new ZepWriteUnit { Target = "zep", IdempotencyKey = "unit-a", UserKey = "patient-0", Kind = WriteUnitKind.User, State = WriteState.Confirmed });
        await db.SaveChangesAsync();
        return runId;
    }
}
