using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Sync;

/// <summary>
/// Issue 22, cut-over without a freeze: an export is migrated, then a newer export of the same mem0 (one memory changed,
/// one deleted, one new, two new messages) is synced into the same Zep, on the same ledger or on a new one (Zep's metadata
/// tells what is there), sequentially or through the Batch API. The sync writes exactly what changed; a third run writes
/// nothing.
/// </summary>
public sealed class When_a_newer_export_is_synced(ITestOutputHelper output) : IDisposable
{
    private readonly SqliteFolder _folder = new("sync");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("sequential", false, false)]
    [InlineData("batch", false, false)]
    [InlineData("sequential", true, false)]
    [InlineData("batch", true, false)]
    [InlineData("sequential", false, true)]
    [InlineData("batch", true, true)]
    public async Task The_sync_writes_the_change_the_new_memory_and_the_new_messages_and_nothing_else(string writeMode, bool newLedger, bool propagateDeletes)
    {
        var first = SyncExports.WriteFirst(_folder.File("week-1"));
        var newer = SyncExports.WriteNewer(_folder.File("week-2"));
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());

        var firstRun = await RunAsync(zep, "ledger-a.db", writeMode, new RunRequest(first, Source: "clinic"));
        Assert.Equal(RunStatus.Completed, firstRun.Report.Status);
        var before = zep.Store.GetStats();
        var v0Key = IdempotencyKey.ForEpisode(SyncExports.User, "memory:m1", 0);

        var ledger = newLedger ? "ledger-b.db" : "ledger-a.db";
        var sync = await RunAsync(zep, ledger, writeMode, new RunRequest(newer, Source: "clinic", PropagateDeletes: propagateDeletes));
        var after = zep.Store.GetStats();
        output.WriteLine($"[{writeMode}, new ledger {newLedger}, propagate {propagateDeletes}] sync: {sync.Report.Status}, {sync.Report.ZepRequests} Zep requests; " +
                         $"episodes {before.Episodes} → {after.Episodes}, messages {before.Messages} → {after.Messages}; findings: " +
                         string.Join("; ", sync.Report.Findings.Select(f => $"{f.ItemKey} {f.Kind} {f.Field}")) + "; users: " +
                         string.Join("; ", sync.Report.UserLines.Select(u => $"{u.Status} {u.Error}")));

        Assert.Equal(RunStatus.Completed, sync.Report.Status);
        Assert.True(sync.Report.AllUsersVerified, string.Join("; ", sync.Report.Findings.Select(f => $"{f.ItemKey} {f.Kind} {f.Field}")));
        Assert.Empty(sync.Report.Findings);
        Assert.Equal((before.Users, before.Threads), (after.Users, after.Threads));
        Assert.Equal(before.Messages + 2, after.Messages);
        Assert.Equal(before.Episodes + 2 - (propagateDeletes ? 1 : 0), after.Episodes);

        var episodes = zep.Store.GetEpisodes(SyncExports.User);
        var m1 = episodes.Where(e => Mem0Id(e) == "m1").OrderBy(e => e.Sequence).ToList();
        Assert.Equal([SyncExports.FirstText, SyncExports.ChangedText], m1.Select(e => e.Content));
        var change = m1[1];
        Assert.Equal(SyncExports.Changed, change.CreatedAt); // dated by the change
        Assert.Equal(1, change.Metadata![IdempotencyKey.VersionMetadataKey].GetInt32());
        Assert.Equal(v0Key, change.Metadata[IdempotencyKey.SupersedesMetadataKey].GetString());
        Assert.Single(episodes, e => Mem0Id(e) == "m4");
        Assert.Single(episodes, e => Mem0Id(e) == "m3");
        Assert.Equal(propagateDeletes ? 0 : 1, episodes.Count(e => Mem0Id(e) == "m2"));

        var thread = UserPlanner.ThreadIdFor(SyncExports.User, SyncExports.Session);
        Assert.Equal([.. SyncExports.FirstMessages, .. SyncExports.NewMessages], zep.Store.GetMessages(thread).Select(m => m.Content));

        var changes = sync.Changes;
        Assert.Equal(ItemChange.Changed, changes["memory:m1"]);
        Assert.Equal(ItemChange.Unchanged, changes["memory:m3"]);
        Assert.Equal(ItemChange.New, changes["memory:m4"]);
        Assert.Equal(ItemChange.Deleted, changes["memory:m2"]);
        if (!newLedger)
        {
            Assert.Equal(ItemChange.New, changes["message:h3:input:0"]);
            Assert.Equal(ItemChange.Unchanged, changes["message:h1:input:0"]);
            Assert.Equal(firstRun.RunId, sync.PreviousRunId);
            Assert.Equal(0, sync.UserRequests[SyncExports.Steady]); // unchanged: no write, no read-back
            Assert.Equal(ItemChange.Unchanged, changes["memory:s1"]);
        }

        var third = await RunAsync(zep, ledger, writeMode, new RunRequest(newer, Source: "clinic", PropagateDeletes: propagateDeletes));
        var afterThird = zep.Store.GetStats();
        Assert.Equal(RunStatus.Completed, third.Report.Status);
        Assert.True(third.Report.AllUsersVerified);
        Assert.Equal((after.Users, after.Threads, after.Messages, after.Episodes), (afterThird.Users, afterThird.Threads, afterThird.Messages, afterThird.Episodes));
        // A rerun of the same files writes nothing (it reads back, as a rerun asked to check does).
        Assert.Equal((after.Requests.GetValueOrDefault("201"), after.Requests.GetValueOrDefault("202")),
            (afterThird.Requests.GetValueOrDefault("201"), afterThird.Requests.GetValueOrDefault("202")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_full_export_without_a_user_deletes_its_memories_in_the_source_and_propagates_only_when_asked(bool propagateDeletes)
    {
        var first = SyncExports.WriteFirst(_folder.File("week-1"));
        var newer = SyncExports.WriteNewer(_folder.File("week-2"));
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        await RunAsync(zep, "ledger.db", "sequential", new RunRequest(first, Source: "clinic"));
        Assert.Single(zep.Store.GetEpisodes(SyncExports.Leaver));

        var sync = await RunAsync(zep, "ledger.db", "sequential", new RunRequest(newer, Source: "clinic", FullExport: true, PropagateDeletes: propagateDeletes));

        Assert.Equal(RunStatus.Completed, sync.Report.Status);
        Assert.True(sync.Report.AllUsersVerified, string.Join("; ", sync.Report.Findings.Select(f => $"{f.ItemKey} {f.Kind} {f.Field}")));
        Assert.Equal(3, sync.Report.Users.Total); // the leaver joined the two users of the export, to have its memories recorded deleted
        Assert.Equal(ItemChange.Deleted, sync.Changes["memory:l1"]);
        Assert.Equal(ItemChange.Deleted, sync.Changes["memory:m2"]);
        Assert.Equal(propagateDeletes ? 0 : 1, zep.Store.GetEpisodes(SyncExports.Leaver).Count);
        Assert.Equal(propagateDeletes ? 0 : 1, zep.Store.GetEpisodes(SyncExports.User).Count(e => Mem0Id(e) == "m2"));
        Assert.NotNull(zep.Store.GetUser(SyncExports.Leaver)); // the user stays: only its memories were deleted in the source
    }

    private sealed record SyncRun(Guid RunId, RunReport Report, IReadOnlyDictionary<string, ItemChange> Changes, Guid? PreviousRunId,
        IReadOnlyDictionary<string, long> UserRequests);

    private async Task<SyncRun> RunAsync(ZepEmulatorHost zep, string ledgerFile, string writeMode, RunRequest request)
    {
        await using var pipeline = await PipelineHost.StartAsync(zep, new Dictionary<string, string?>
        {
            ["Pipeline:Bus"] = "inmemory",
            ["Ledger:Provider"] = "sqlite",
            ["ConnectionStrings:Ledger"] = $"Data Source={_folder.File(ledgerFile)}",
            ["Zep:WriteMode"] = writeMode,
        });
        var runId = await pipeline.StartRunAsync(request);
        var report = await pipeline.WaitForAsync(runId, r => r.IsFinished, TimeSpan.FromMinutes(2), "the run's end");
        return await pipeline.InScopeAsync(async services =>
        {
            var db = services.GetRequiredService<LedgerDbContext>();
            var changes = await db.StagedItems.Where(i => i.RunId == runId).ToDictionaryAsync(i => i.ItemKey, i => i.Change);
            var previous = await db.Runs.Where(r => r.Id == runId).Select(r => r.PreviousRunId).SingleAsync();
            var requests = await db.RunUsers.Where(u => u.RunId == runId).ToDictionaryAsync(u => u.UserKey, u => u.ZepRequests);
            return new SyncRun(runId, report, changes, previous, requests);
        });
    }

    private static string? Mem0Id(StoredEpisode episode) =>
        episode.Metadata?.TryGetValue("mem0_id", out var id) == true && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
}
