using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Sync;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Tests.Sync;

/// <summary>What a run left in Zep, read from a SQLite ledger in a temp folder: the run's items, then those of the syncs before it.</summary>
public sealed class ExportDiffRunSideTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pixelated-diff-ledger-").FullName;

    private SqliteLedgerDbContext Ledger()
    {
        var options = new DbContextOptionsBuilder<SqliteLedgerDbContext>();
        options.UseLedgerSqlite($"Data Source={Path.Combine(_folder, "ledger.db")}");
        return new SqliteLedgerDbContext(options.Options);
    }

    private static StagedItem Item(Guid run, string key, string content, ItemStatus status, ItemChange change = ItemChange.None) => new()
    {
        RunId = run, UserKey = "u1", ItemKey = key, Kind = StagedItemKind.Memory, Status = status, Change = change,
        SourceFile = "export.json", ContentHash = IdempotencyKey.ContentHash(content),
    };

    [Fact]
    public async Task A_run_is_read_with_the_syncs_before_it_the_newest_saying_something_of_an_item_decides()
    {
        await using var db = Ledger();
        await db.Database.MigrateAsync();
        var first = new MigrationRun { Id = Guid.NewGuid(), SourceName = "clinic", SourceFiles = "[]" };
        var second = new MigrationRun { Id = Guid.NewGuid(), SourceName = "clinic", SourceFiles = "[]", PreviousRunId = first.Id };
        db.Runs.AddRange(first, second);
        db.StagedItems.AddRange(
            Item(first.Id, "memory:kept", "kept", ItemStatus.Migrated),
            Item(first.Id, "memory:edited", "old text", ItemStatus.Migrated),
            Item(first.Id, "memory:removed", "removed", ItemStatus.Migrated),
            Item(first.Id, "memory:failed-later", "f", ItemStatus.Migrated),
            Item(second.Id, "memory:edited", "new text", ItemStatus.Migrated, ItemChange.Changed),
            Item(second.Id, "memory:removed", "removed", ItemStatus.Migrated, ItemChange.Deleted),
            Item(second.Id, "memory:failed-later", "f", ItemStatus.Failed),
            Item(second.Id, "memory:never", "n", ItemStatus.Skipped));
        await db.SaveChangesAsync();

        var side = await ExportDiffSides.FromRunAsync(db, second.Id, CancellationToken.None);

        Assert.NotNull(side);
        Assert.Equal([second.Id, first.Id], side.Chain);
        Assert.Equal("clinic", side.SourceName);
        var items = side.Side.Items;
        Assert.True(items[("u1", "memory:kept")].Live); // only the first sync held it: still in Zep
        Assert.Equal(IdempotencyKey.ContentHash("new text"), items[("u1", "memory:edited")].ContentHash);
        Assert.False(items[("u1", "memory:removed")].Live); // its episodes were deleted in Zep
        Assert.True(items[("u1", "memory:failed-later")].Live); // a later failure does not take it out of Zep
        Assert.False(items.ContainsKey(("u1", "memory:never")));
        Assert.Null(await ExportDiffSides.FromRunAsync(db, Guid.NewGuid(), CancellationToken.None));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
