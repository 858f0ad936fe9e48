using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.Components;
using Pixelated.MigrationPipeline.Components.Staging;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Staging;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Delta sync (issue 22) dates a changed memory's new episode by its update: staging keeps each item's <c>updated_at</c>
/// (mem0's, or the history event's time) in <c>staged_items.updated_at</c>, in UTC, through the PostgreSQL binary COPY
/// sink (and its INSERT fallback for duplicates) and through the SQLite sink.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_an_export_with_updated_memories_is_staged(InfrastructureFixture infrastructure) : IDisposable
{
    private readonly SqliteFolder _folder = new("staging-updated-at");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Each_memory_keeps_its_update_time_in_utc(string ledger)
    {
        var files = WriteExport();
        using var host = await StartAsync(ledger);
        var runId = await NewRunAsync(host);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var staging = scope.ServiceProvider.GetRequiredService<ExportStagingService>();
            var result = await staging.StageAsync(runId, files, assignUserId: "patient-1", CancellationToken.None);
            Assert.Equal(0, result.FailedRecords);
        }

        var rows = await RowsAsync(host, runId);
        Assert.Equal(
            [
                ("memory:m-1", ItemStatus.Staged, (DateTimeOffset?)Utc(2026, 4, 2, 17, 30, 0).AddTicks(1_234_560)),
                ("memory:m-2", ItemStatus.Staged, null),
                ("memory:m-3", ItemStatus.Staged, Utc(2026, 4, 5, 19, 15, 0)), // the OSS history's UPDATE
                ("memory:m-4", ItemStatus.Skipped, Utc(2026, 4, 6, 12, 0, 0)), // deleted in the Platform history
            ],
            rows.Select(r => (r.ItemKey, r.Status, r.UpdatedAt)));
        Assert.All(rows, r => Assert.True(r.UpdatedAt is null || r.UpdatedAt.Value.Offset == TimeSpan.Zero));
        Assert.Equal("Sleeps better since April.", rows[2].Content);
        Assert.Equal(Utc(2026, 3, 3, 8, 0, 0), rows[2].CreatedAt);
    }

    [Fact]
    public async Task A_postgres_batch_re_sent_without_its_duplicates_keeps_updated_at_too()
    {
        using var host = await StartAsync("postgres");
        var runId = await NewRunAsync(host);
        var first = Item(runId, "memory:a", Utc(2026, 5, 1, 0, 0, 0));
        var updatedAt = new DateTimeOffset(2026, 5, 2, 3, 4, 5, TimeSpan.FromHours(-7)).AddTicks(67_890);

        var written = await WithDbAsync(host, async db =>
        {
            var sink = new PostgresCopyStagedItemSink(db);
            await sink.WriteAsync([first], CancellationToken.None);
            // "memory:a" again: the COPY hits the key index and the batch is re-sent as INSERT ... ON CONFLICT DO NOTHING.
            return await sink.WriteAsync([Item(runId, "memory:a", null), Item(runId, "memory:b", updatedAt), Item(runId, "memory:c", null)], CancellationToken.None);
        });

        Assert.Equal(2, written);
        var rows = await RowsAsync(host, runId);
        Assert.Equal(
            [("memory:a", (DateTimeOffset?)Utc(2026, 5, 1, 0, 0, 0)), ("memory:b", updatedAt.ToUniversalTime()), ("memory:c", null)],
            rows.Select(r => (r.ItemKey, r.UpdatedAt)));
        Assert.Equal(rows.Select(r => r.CreatedAt), new DateTimeOffset?[] { Utc(2026, 4, 1, 0, 0, 0), Utc(2026, 4, 1, 0, 0, 0), Utc(2026, 4, 1, 0, 0, 0) });
    }

    private static StagedItem Item(Guid runId, string key, DateTimeOffset? updatedAt) => new()
    {
        RunId = runId, UserKey = "patient-1", ItemKey = key, Kind = StagedItemKind.Memory, Status = ItemStatus.Staged,
        SourceFile = "memories.json", RecordIndex = 0, Content = "text", ContentHash = new string('a', 64),
        CreatedAt = Utc(2026, 4, 1, 0, 0, 0), UpdatedAt = updatedAt, Sequence = 3,
    };

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    /// <summary>An O1 listing (one memory updated, one never), an O3 history (ADD then UPDATE) and a P5 history (DELETE).</summary>
    private List<string> WriteExport()
    {
        var listing = _folder.File("listing.json");
        File.WriteAllText(listing, """
            {"results": [
              {"id": "m-1", "memory": "Prefers morning sessions.", "hash": "h1", "metadata": null,
               "created_at": "2026-03-01T09:00:00-08:00", "updated_at": "2026-04-02T10:30:00.123456-07:00", "user_id": "patient-1"},
              {"id": "m-2", "memory": "Walks daily.", "hash": "h2", "metadata": null,
               "created_at": "2026-03-02T09:00:00+00:00", "updated_at": null, "user_id": "patient-1"}
            ]}
            """);
        var ossHistory = _folder.File("oss-history.json");
        File.WriteAllText(ossHistory, """
            [{"id": "r1", "memory_id": "m-3", "old_memory": null, "new_memory": "Sleeps badly.", "event": "ADD",
              "created_at": "2026-03-03T08:00:00+00:00", "updated_at": null, "is_deleted": false, "actor_id": null, "role": null},
             {"id": "r2", "memory_id": "m-3", "old_memory": "Sleeps badly.", "new_memory": "Sleeps better since April.", "event": "UPDATE",
              "created_at": "2026-03-03T08:00:00+00:00", "updated_at": "2026-04-05T21:15:00+02:00", "is_deleted": false, "actor_id": null, "role": null}]
            """);
        var platformHistory = _folder.File("platform-history.json");
        File.WriteAllText(platformHistory, """
            [{"id": "h-1", "memory_id": "m-4", "input": [], "old_memory": "Takes a new medication.", "new_memory": null, "user_id": "patient-1",
              "event": "DELETE", "created_at": "2026-03-04T08:00:00Z", "updated_at": "2026-04-06T08:00:00-04:00"}]
            """);
        return [listing, ossHistory, platformHistory];
    }

    private async Task<IHost> StartAsync(string ledger)
    {
        void Services(IServiceCollection services)
        {
            services.AddOptions<PipelineOptions>();
            services.AddScoped<ExportStagingService>();
            if (ledger == "postgres") services.AddScoped<IStagedItemSink, PostgresCopyStagedItemSink>();
            else services.AddScoped<IStagedItemSink, SqliteStagedItemSink>();
        }

        return ledger == "postgres"
            ? await ServiceHost.LedgerOnlyAsync(await infrastructure.CreateDatabaseAsync("staging_updated_at"), Services)
            : await ServiceHost.SqliteLedgerOnlyAsync(_folder.File($"ledger-{Guid.NewGuid():N}.db"), Services);
    }

    private static Task<Guid> NewRunAsync(IHost host) => WithDbAsync(host, async db =>
    {
        var runId = Guid.NewGuid();
        db.Runs.Add(new MigrationRun { Id = runId, Status = RunStatus.Ingesting, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return runId;
    });

    private static Task<List<StagedItem>> RowsAsync(IHost host, Guid runId) => WithDbAsync(host, db =>
        db.StagedItems.AsNoTracking().Where(i => i.RunId == runId).OrderBy(i => i.ItemKey).ToListAsync());

    private static async Task<T> WithDbAsync<T>(IHost host, Func<LedgerDbContext, Task<T>> work)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LedgerDbContext>());
    }
}
