using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

[Collection(InfrastructureCollection.Name)]
public sealed class When_exports_migrate_over_rabbitmq_and_postgres(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private static readonly string[] Fixtures =
        ["platform-v3-page1.json", "platform-v3-clinic-page.json", "oss-python-get-all.json", "oss-python-get-all-graph.json", "platform-history.json"];

    /// <summary><c>auto</c> uses the Batch API (the emulator serves it); <c>sequential</c> uses graph.add and add-messages calls.</summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("sequential")]
    public async Task Every_item_lands_in_zep_once_with_its_original_time_and_every_user_is_verified(string writeMode)
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var ledger = await infrastructure.CreateDatabaseAsync("e2e_distributed");
        await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger, writeMode));
        var expected = ExpectedExport.Load(Fixtures);

        var report = await pipeline.MigrateAsync(Fixtures.Select(ExpectedExport.FixturePath).ToList(), TimeSpan.FromMinutes(3));

        output.WriteLine($"[{writeMode}] status {report.Status}, users {report.Users}, items {report.Items}, zep requests {report.ZepRequests}; " +
                         $"emulator: {zep.Store.GetStats().Batches} batches, {zep.Store.GetStats().Messages} messages, {zep.Store.GetStats().Episodes} episodes");
        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(expected.Users.Count(), report.Users.Total);
        Assert.True(report.Users.Total >= 4);
        Assert.Equal(report.Users.Total, report.Users.Verified);
        Assert.Equal(0, report.Items.Failed);
        Assert.Equal(expected.Skipped.Count + 1, report.Items.Skipped); // + the DELETE event of the history file
        Assert.Equal(expected.Memories.Count + expected.Messages.Count, report.Items.Migrated);
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, expected);
        ZepAssertions.EveryMessageIsInZepExactlyOnce(zep.Store, expected);
        if (writeMode == "sequential") Assert.Equal(0, zep.Store.GetStats().Batches);
        else Assert.InRange(zep.Store.GetStats().Batches, 1, report.Users.Total); // one batch per user with something to write
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("sequential")]
    public async Task A_second_run_of_the_same_files_writes_nothing_new_to_zep(string writeMode)
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var ledger = await infrastructure.CreateDatabaseAsync("e2e_rerun");
        await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger, writeMode));
        var files = Fixtures.Select(ExpectedExport.FixturePath).ToList();

        var first = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(3));
        var afterFirst = zep.Store.GetStats();
        var second = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(3));
        var afterSecond = zep.Store.GetStats();

        output.WriteLine($"[{writeMode}] first run: {first.ZepRequests} Zep requests; second run: {second.ZepRequests}");
        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.NotEqual(first.RunId, second.RunId);
        Assert.Equal(second.Users.Total, second.Users.Verified);
        Assert.Equal((afterFirst.Users, afterFirst.Threads, afterFirst.Messages, afterFirst.Episodes),
            (afterSecond.Users, afterSecond.Threads, afterSecond.Messages, afterSecond.Episodes));
        Assert.Equal(afterFirst.Requests.GetValueOrDefault("201"), afterSecond.Requests.GetValueOrDefault("201"));
        Assert.Equal(afterFirst.Requests.GetValueOrDefault("202"), afterSecond.Requests.GetValueOrDefault("202"));
        Assert.True(second.ZepRequests < first.ZepRequests);
        Assert.Equal(afterFirst.Batches, afterSecond.Batches); // a rerun opens no batch
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, ExpectedExport.Load(Fixtures));
    }
}
