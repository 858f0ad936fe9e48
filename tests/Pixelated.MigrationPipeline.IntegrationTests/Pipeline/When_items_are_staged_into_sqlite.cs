using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Staging;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// The embedded mode stages through <see cref="SqliteStagedItemSink"/> (one prepared INSERT per batch) instead of EF Core's
/// <c>SaveChanges</c>. Every other part of the pipeline reads those rows through EF Core, so they must be stored exactly as
/// EF Core stores them: the same values in the same SQLite types and text forms (GUIDs, timestamps, enums, nulls).
/// </summary>
public sealed class When_items_are_staged_into_sqlite : IDisposable
{
    private readonly SqliteFolder _folder = new("sqlite-staging");
    private static readonly Guid RunId = Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_rows_are_stored_exactly_as_ef_core_stores_them_and_read_back_the_same()
    {
        await using var byEf = await LedgerAsync("ef");
        await using var bySink = await LedgerAsync("sink");
        await byEf.WithDbAsync(db =>
        {
            db.StagedItems.AddRange(Items());
            return db.SaveChangesAsync();
        });
        var written = await bySink.WithDbAsync(db => new SqliteStagedItemSink(db).WriteAsync(Items(), CancellationToken.None));

        Assert.Equal(Items().Count, written);
        var expected = await byEf.RawRowsAsync();
        Assert.Equal(Items().Count, expected.Count);
        Assert.Equal(expected, await bySink.RawRowsAsync());

        var readBack = await bySink.WithDbAsync(db => db.StagedItems.AsNoTracking()
            .Where(i => i.RunId == RunId && i.Status == ItemStatus.Staged && i.Kind != StagedItemKind.Unreadable)
            .OrderBy(i => i.ItemKey).ToListAsync());
        Assert.Equal(Items().Where(i => i.Status == ItemStatus.Staged && i.Kind != StagedItemKind.Unreadable).Select(Describe),
            readBack.Select(Describe));
    }

    [Fact]
    public async Task An_item_seen_before_in_the_run_is_dropped_and_the_batch_is_written()
    {
        await using var ledger = await LedgerAsync("dedup");
        var items = Items();
        var (first, second) = await ledger.WithDbAsync(async db =>
        {
            var sink = new SqliteStagedItemSink(db);
            var a = await sink.WriteAsync(items.Take(3).ToList(), CancellationToken.None);
            var b = await sink.WriteAsync(Items().Skip(1).ToList(), CancellationToken.None); // items 1 and 2 again, then the rest
            return (a, b);
        });
        Assert.Equal((3, items.Count - 3), (first, second));
        Assert.Equal(items.Count, (await ledger.RawRowsAsync()).Count);
    }

    private static string Describe(StagedItem i) =>
        string.Join('|', i.RunId, i.UserKey, i.ItemKey, i.Kind, i.Status, i.Reason, i.SourceFile, i.RecordIndex, i.SessionId, i.Role, i.Name,
            i.Content, i.ContentHash, i.CreatedAt?.ToString("O"), i.Sequence, i.CategoriesJson, i.MetadataJson);

    /// <summary>Every column in use: nulls and values, each kind and status, an offset timestamp, non-ASCII text.</summary>
    private static List<StagedItem> Items() =>
    [
        new() { RunId = RunId, UserKey = "patient-001", ItemKey = "memory:m-1", Kind = StagedItemKind.Memory, Status = ItemStatus.Staged,
                SourceFile = "memories.json", RecordIndex = 0, Content = "Prefers morning sessions — café au lait", ContentHash = new string('a', 64),
                CreatedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(2)), Sequence = 0,
                CategoriesJson = """["health","routine"]""", MetadataJson = """{"mood":"calm"}""" },
        new() { RunId = RunId, UserKey = "patient-001", ItemKey = "message:s-1:0", Kind = StagedItemKind.ConversationMessage, Status = ItemStatus.Staged,
                SourceFile = "history.json", RecordIndex = 1, SessionId = "s-1", Role = "user", Name = "Ana",
                Content = "I slept badly", ContentHash = new string('b', 64), CreatedAt = DateTimeOffset.UnixEpoch, Sequence = 7 },
        new() { RunId = RunId, UserKey = "patient-002", ItemKey = "memory:m-2", Kind = StagedItemKind.Memory, Status = ItemStatus.Skipped,
                Reason = "memories.json record #2: field 'memory' is empty", SourceFile = "memories.json", RecordIndex = 2, ContentHash = "" },
        new() { RunId = RunId, UserKey = "", ItemKey = "unreadable:history.json#3", Kind = StagedItemKind.Unreadable, Status = ItemStatus.Failed,
                Reason = "history.json record #3: not a JSON object", SourceFile = "history.json", RecordIndex = 3, ContentHash = "" },
        new() { RunId = RunId, UserKey = "patient-002", ItemKey = "message:s-2:1", Kind = StagedItemKind.ConversationMessage, Status = ItemStatus.Staged,
                SourceFile = "history.json", RecordIndex = long.MaxValue, SessionId = "s-2", Role = "assistant",
                Content = "Let us try a breathing exercise", ContentHash = new string('c', 64),
                CreatedAt = new DateTimeOffset(2024, 12, 31, 23, 59, 59, TimeSpan.FromMinutes(-330)), Sequence = int.MaxValue },
    ];

    private async Task<Ledger> LedgerAsync(string name)
    {
        var host = await ServiceHost.SqliteLedgerOnlyAsync(_folder.File(name + ".db"), _ => { });
        var ledger = new Ledger(host);
        await ledger.WithDbAsync(db =>
        {
            db.Runs.Add(new MigrationRun { Id = RunId, Status = RunStatus.Ingesting, CreatedAt = DateTimeOffset.UnixEpoch });
            return db.SaveChangesAsync();
        });
        return ledger;
    }

    private sealed class Ledger(IHost host) : IAsyncDisposable
    {
        public async Task<T> WithDbAsync<T>(Func<LedgerDbContext, Task<T>> work)
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await work(scope.ServiceProvider.GetRequiredService<LedgerDbContext>());
        }

        /// <summary>Every staged row as SQLite holds it: each column's storage type and literal, key order.</summary>
        public Task<List<string>> RawRowsAsync() => WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var columnsQuery = connection.CreateCommand();
            columnsQuery.CommandText = "SELECT name FROM pragma_table_info('staged_items') WHERE name <> 'id' ORDER BY cid";
            var columns = new List<string>();
            await using (var reader = await columnsQuery.ExecuteReaderAsync())
                while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
            Assert.Equal(20, columns.Count);
            await using var rows = connection.CreateCommand();
            rows.CommandText = $"SELECT {string.Join(" || ' | ' || ", columns.Select(c => $"'{c}=' || typeof(\"{c}\") || ':' || quote(\"{c}\")"))} " +
                               "FROM staged_items ORDER BY item_key";
            var result = new List<string>();
            await using (var reader = await rows.ExecuteReaderAsync())
                while (await reader.ReadAsync()) result.Add(reader.GetString(0));
            return result;
        });

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
