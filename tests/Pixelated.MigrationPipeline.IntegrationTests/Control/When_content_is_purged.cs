using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Retention;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Control;

/// <summary>
/// DESIGN.md §5: a verified user's staged payload is purged (content, names, categories, metadata; keys and hashes kept),
/// on PostgreSQL and SQLite. After the purge, revalidate still checks Zep (by keys and content hash: no false finding for
/// the untouched user, a Missing finding for what was deleted behind the tool's back), and retry re-reads the source files
/// to write back exactly what is missing, once, with the right content; the user is verified and purged again. Without
/// the source files, retry is refused. <c>Ledger:RetainContent=true</c> keeps the payload until <c>purge</c>.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_content_is_purged(InfrastructureFixture infrastructure, ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pixelated-purge-").FullName;
    private readonly SqliteFolder _sqlite = new("purge");

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task A_verified_users_rows_hold_no_content_and_revalidate_and_retry_still_work(string provider)
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        await using var pipeline = await PipelineHost.StartAsync(zep, await SettingsAsync(provider, "purge_verified"));
        // 17 memories: every 17th is over 10,000 characters (several episodes), some are structured (JSON episodes).
        var files = SyntheticClinicExport.Write(Path.Combine(_folder, "export"), users: 2, memoriesPerUser: 17, messagesPerUser: 6);
        var first = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(2));
        Assert.Equal(RunStatus.Completed, first.Status);
        await AssertPurgedAsync(pipeline, first.RunId);

        var message = zep.Store.GetThreadIds("patient-0001").SelectMany(zep.Store.GetMessages).OrderBy(m => m.CreatedAt).First();
        var episode = zep.Store.GetEpisodes("patient-0001").OrderBy(e => e.CreatedAt).First();
        Assert.True(zep.Store.RemoveMessage(message.Uuid));
        Assert.True(zep.Store.DeleteEpisode(episode.Uuid));
        var before = zep.Store.GetStats();

        var revalidate = await pipeline.ControlAsync(c => c.RevalidateAsync(first.RunId, null, default));
        Assert.Equal(2, revalidate.Users);
        var checkedAgain = await pipeline.WaitForAsync(first.RunId, r => r.Users.Mismatched == 1 && r.Users.Verified == 1,
            TimeSpan.FromMinutes(1), "one mismatched and one verified user");
        output.WriteLine(string.Join("\n", checkedAgain.Findings));
        Assert.Equal(2, checkedAgain.Findings.Count); // the untouched user, long, structured and multi-part items included, holds no false finding
        Assert.All(checkedAgain.Findings, f => Assert.Equal(("patient-0001", "Missing", "item"), (f.User, f.Kind, f.Field)));
        Assert.Equal(before.Messages + before.Episodes, zep.Store.GetStats().Messages + zep.Store.GetStats().Episodes);
        await AssertPurgedAsync(pipeline, first.RunId); // validation reads Zep, never the source: nothing was put back

        // Without the source files a retry cannot put the content back: refused, nothing changed.
        Directory.Move(Path.Combine(_folder, "export"), Path.Combine(_folder, "moved"));
        var refused = await pipeline.ControlAsync(c => c.RetryAsync(first.RunId, default));
        Assert.Equal(ControlOutcome.Conflict, refused.Outcome);
        Assert.Contains("could not be read again from the run's source files", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await pipeline.ReportAsync(first.RunId)).Users.Mismatched);
        Directory.Move(Path.Combine(_folder, "moved"), Path.Combine(_folder, "export"));

        var retry = await pipeline.ControlAsync(c => c.RetryAsync(first.RunId, default));
        Assert.Equal(ControlOutcome.Done, retry.Outcome);
        var retried = await pipeline.WaitForAsync(first.RunId, r => r.IsFinished, TimeSpan.FromMinutes(1), "the retry finishing");
        Assert.Equal(RunStatus.Completed, retried.Status);
        Assert.Equal(2, retried.Users.Verified);
        var after = zep.Store.GetStats();
        Assert.Equal((before.Messages + 1, before.Episodes + 1), (after.Messages, after.Episodes)); // each written back once
        Assert.Equal(message.Content, zep.Store.GetMessages(message.ThreadId).Single(m => KeyOf(m.Metadata) == KeyOf(message.Metadata)).Content);
        Assert.Equal(episode.Content, zep.Store.GetEpisodes("patient-0001").Single(e => KeyOf(e.Metadata) == KeyOf(episode.Metadata)).Content);
        var check = MigrationChecker.Check(zep.Store, ExpectedExport.LoadFiles(files));
        Assert.True(check.Lost.Count + check.Duplicated.Count + check.Unexpected.Count == 0, check.ToString());
        await AssertPurgedAsync(pipeline, first.RunId);

        // Purging a finished run whose payload is gone already changes nothing.
        var purge = await pipeline.InScopeAsync(s => s.GetRequiredService<RunPurgeService>().PurgeAsync(first.RunId, default));
        Assert.Equal((ControlOutcome.Done, 0), (purge.Outcome, purge.Report!.ItemsPurged));
    }

    [Fact]
    public async Task Retained_content_stays_until_purge_and_a_run_in_flight_is_not_purged()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var settings = await SettingsAsync("sqlite", "purge_retained");
        settings["Ledger:RetainContent"] = "true";
        await using var pipeline = await PipelineHost.StartAsync(zep, settings);
        var files = SyntheticClinicExport.Write(Path.Combine(_folder, "export"), users: 2, memoriesPerUser: 3, messagesPerUser: 4);
        var run = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(2));
        Assert.Equal(RunStatus.Completed, run.Status);
        var held = await pipeline.InScopeAsync(s => s.GetRequiredService<LedgerDbContext>().StagedItems.CountAsync(i => i.RunId == run.RunId && i.Content != null));
        Assert.Equal(run.Items.Total, held);

        await pipeline.InScopeAsync(s => s.GetRequiredService<LedgerDbContext>().Runs.Where(r => r.Id == run.RunId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Migrating)));
        var refused = await pipeline.InScopeAsync(s => s.GetRequiredService<RunPurgeService>().PurgeAsync(run.RunId, default));
        Assert.Equal(ControlOutcome.Conflict, refused.Outcome);
        await pipeline.InScopeAsync(s => s.GetRequiredService<LedgerDbContext>().Runs.Where(r => r.Id == run.RunId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Completed)));

        var purge = await pipeline.InScopeAsync(s => s.GetRequiredService<RunPurgeService>().PurgeAsync(run.RunId, default));
        Assert.Equal((ControlOutcome.Done, run.Items.Total, 2), (purge.Outcome, purge.Report!.ItemsPurged, purge.Report.Users));
        await AssertPurgedAsync(pipeline, run.RunId);
        Assert.Equal(ControlOutcome.NotFound, (await pipeline.InScopeAsync(s => s.GetRequiredService<RunPurgeService>().PurgeAsync(Guid.NewGuid(), default))).Outcome);
    }

    private async Task<Dictionary<string, string?>> SettingsAsync(string provider, string name) => provider == "postgres"
        ? PipelineHost.Distributed(infrastructure.RabbitMqUri, await infrastructure.CreateDatabaseAsync(name))
        : new Dictionary<string, string?>
        {
            ["Pipeline:Bus"] = "inmemory",
            ["Ledger:Provider"] = "sqlite",
            ["ConnectionStrings:Ledger"] = $"Data Source={_sqlite.File($"{name}.db")}",
        };

    /// <summary>Every readable item of the run holds no payload, and keeps its hash.</summary>
    private static async Task AssertPurgedAsync(PipelineHost pipeline, Guid runId)
    {
        var rows = await pipeline.InScopeAsync(s => s.GetRequiredService<LedgerDbContext>().StagedItems.AsNoTracking()
            .Where(i => i.RunId == runId && i.Kind != StagedItemKind.Unreadable).ToListAsync());
        Assert.NotEmpty(rows);
        Assert.All(rows, i =>
        {
            Assert.Null(i.Content);
            Assert.Null(i.Name);
            Assert.Null(i.CategoriesJson);
            Assert.Null(i.MetadataJson);
            Assert.Equal(64, i.ContentHash.Length);
        });
    }

    private static string? KeyOf(IReadOnlyDictionary<string, System.Text.Json.JsonElement>? metadata) =>
        metadata is not null && metadata.TryGetValue("pxm_key", out var key) ? key.GetString() : null;

    public void Dispose()
    {
        _sqlite.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
