using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Control;

/// <summary>
/// Someone edits, deletes and adds to what the migration wrote (the emulator's copy is changed behind the API): revalidate finds it
/// without writing, the report shows keys and fields only, and retry writes back exactly what is missing. A dry run writes
/// nothing and changes nothing for the real run after it.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_zep_changes_after_a_run(InfrastructureFixture infrastructure, ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pixelated-revalidate-").FullName;

    [Fact]
    public async Task Revalidate_reports_the_edit_and_the_deletion_and_retry_writes_back_only_the_deleted_message()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var ledger = await infrastructure.CreateDatabaseAsync("control_revalidate");
        await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger));
        var files = SyntheticClinicExport.Write(_folder, users: 3, memoriesPerUser: 3, messagesPerUser: 5);
        var first = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(2));
        Assert.Equal(RunStatus.Completed, first.Status);

        var edited = FirstMessageOf(zep.Store, "patient-0000");
        var deleted = FirstMessageOf(zep.Store, "patient-0001");
        const string tampered = "EDITED-BEHIND-THE-API";
        Assert.True(zep.Store.EditMessage(edited.Uuid, m => m with { Content = tampered }));
        Assert.True(zep.Store.RemoveMessage(deleted.Uuid));
        var intruder = FirstMessageOf(zep.Store, "patient-0002") with { Uuid = Guid.NewGuid().ToString(), Content = "written by someone else", Metadata = null };
        Assert.True(zep.Store.TryAddMessages(intruder.ThreadId, [intruder]));
        var messagesBefore = zep.Store.GetStats().Messages;
        var writesBefore = WritesOf(zep.Store);

        var revalidate = await pipeline.ControlAsync(c => c.RevalidateAsync(first.RunId, null, default));
        Assert.Equal(3, revalidate.Users);
        var checkedAgain = await pipeline.WaitForAsync(first.RunId, r => r.Users.Mismatched == 3, TimeSpan.FromMinutes(1), "three mismatched users");

        output.WriteLine(string.Join("\n", checkedAgain.Findings));
        Assert.Equal(RunStatus.CompletedWithErrors, checkedAgain.Status);
        Assert.Equal(writesBefore, WritesOf(zep.Store)); // revalidation wrote nothing
        var editFinding = Assert.Single(checkedAgain.Findings, f => f.User == "patient-0000");
        Assert.Equal(("Differs", "content"), (editFinding.Kind, editFinding.Field));
        var deleteFinding = Assert.Single(checkedAgain.Findings, f => f.User == "patient-0001");
        Assert.Equal(("Missing", "item"), (deleteFinding.Kind, deleteFinding.Field));
        var extraFinding = Assert.Single(checkedAgain.Findings, f => f.User == "patient-0002");
        Assert.Equal(("Extra", "item", $"zep:message:{intruder.Uuid}"), (extraFinding.Kind, extraFinding.Field, extraFinding.ItemKey));
        Assert.DoesNotContain(checkedAgain.Findings, f => $"{f.ItemKey}{f.Field}{f.Kind}".Contains(tampered, StringComparison.Ordinal));
        Assert.Equal(3, checkedAgain.Rerun.UsersToRetry);

        var retry = await pipeline.ControlAsync(c => c.RetryAsync(first.RunId, default));
        Assert.Equal(3, retry.Users);
        var retried = await pipeline.WaitForAsync(first.RunId, r => r.IsFinished, TimeSpan.FromMinutes(1), "the retry finishing");

        Assert.Equal(messagesBefore + 1, zep.Store.GetStats().Messages); // exactly the deleted message, once
        Assert.Equal(deleted.Content, zep.Store.GetMessages(deleted.ThreadId).Single(m => KeyOf(m) == KeyOf(deleted)).Content);
        Assert.Equal(UserStatus.Verified, retried.UserLines.Single(u => u.User == "patient-0001").Status);
        // The edited message is still there under its key, so nothing is re-sent over it: the difference stays reported,
        // as does the message someone else added (the migration never deletes from Zep).
        Assert.Equal(UserStatus.Mismatched, retried.UserLines.Single(u => u.User == "patient-0000").Status);
        Assert.Equal(UserStatus.Mismatched, retried.UserLines.Single(u => u.User == "patient-0002").Status);
        Assert.Equal(RunStatus.CompletedWithErrors, retried.Status);
    }

    [Fact]
    public async Task A_dry_run_writes_nothing_and_the_real_run_after_it_writes_everything()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var ledger = await infrastructure.CreateDatabaseAsync("control_dry_run");
        await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger));
        var files = SyntheticClinicExport.Write(_folder, users: 3, memoriesPerUser: 3, messagesPerUser: 5);

        var dry = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(2), dryRun: true);
        var afterDry = zep.Store.GetStats();
        Assert.Equal(RunStatus.DryRunCompleted, dry.Status);
        Assert.Equal(0, dry.ZepRequests);
        Assert.Equal((0, 0, 0, 0), (afterDry.Users, afterDry.Threads, afterDry.Messages, afterDry.Episodes));
        Assert.Equal(0, afterDry.Requests.Values.Sum());
        Assert.Equal(ControlOutcome.Conflict, (await pipeline.ControlAsync(c => c.RetryAsync(dry.RunId, default))).Outcome);

        var real = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(2));
        Assert.Equal(RunStatus.Completed, real.Status);
        Assert.Equal(real.Items.Total, real.Items.Migrated);
        var expected = ExpectedExport.LoadFiles(files);
        var check = MigrationChecker.Check(zep.Store, expected);
        Assert.True(check.Lost.Count + check.Duplicated.Count + check.Unexpected.Count == 0, check.ToString());
    }

    private static StoredMessage FirstMessageOf(EmulatorStore store, string user) =>
        store.GetThreadIds(user).SelectMany(store.GetMessages).OrderBy(m => m.CreatedAt).First();

    private static string? KeyOf(StoredMessage m) =>
        m.Metadata is not null && m.Metadata.TryGetValue("pxm_key", out var key) ? key.GetString() : null;

    private static long WritesOf(EmulatorStore store)
    {
        var stats = store.GetStats();
        return stats.Users + stats.Threads + stats.Messages + stats.Episodes + stats.Batches;
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
