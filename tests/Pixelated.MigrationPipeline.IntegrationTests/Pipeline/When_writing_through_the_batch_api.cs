using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary><c>Zep:WriteMode</c> batch and auto: Batch API batches (shared by small users), every item once, original times, reruns write nothing.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_writing_through_the_batch_api(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private static readonly string[] Fixtures =
        ["platform-v3-page1.json", "platform-v3-clinic-page.json", "oss-python-get-all.json", "oss-python-get-all-graph.json", "platform-history.json"];

    private static List<string> Files => Fixtures.Select(ExpectedExport.FixturePath).ToList();

    [Fact]
    public async Task Batch_mode_lands_every_item_once_with_its_original_time_in_fewer_requests_than_sequential()
    {
        var folder = Directory.CreateTempSubdirectory("pixelated-batch-").FullName;
        try
        {
            var files = SyntheticClinicExport.Write(folder, users: 8, memoriesPerUser: 18, messagesPerUser: 40);
            var expected = ExpectedExport.LoadFiles(files);
            var items = expected.Memories.Count + expected.Messages.Count;
            var counts = new Dictionary<string, long>();
            foreach (var mode in new[] { "sequential", "batch" })
            {
                await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
                var ledger = await infrastructure.CreateDatabaseAsync("batch_vs_" + mode);
                await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger, mode));

                var report = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(2));

                var stats = zep.Store.GetStats();
                counts[mode] = report.ZepRequests;
                output.WriteLine($"[{mode}] {items} items, {report.Users.Total} users: {report.ZepRequests} Zep requests in all " +
                                 $"({(double)report.ZepRequests / items:0.00} per item; emulator by status " +
                                 $"{string.Join(' ', stats.Requests.Select(kv => $"{kv.Key}:{kv.Value}"))}), batches {stats.Batches}");
                Assert.Equal(RunStatus.Completed, report.Status);
                Assert.Equal(report.Users.Total, report.Users.Verified);
                Assert.Equal(items, report.Items.Migrated);
                var check = MigrationChecker.Check(zep.Store, expected);
                Assert.True(check.Lost.Count == 0 && check.Duplicated.Count == 0 && check.Unexpected.Count == 0, check.ToString());
                ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, expected); // once each, original created_at
                foreach (var message in expected.Messages) // original created_at (roles such as ai_therapist are mapped, so not compared)
                {
                    var stored = zep.Store.GetThreadIds(message.User).SelectMany(zep.Store.GetMessages).Single(m => m.Content == message.Content);
                    Assert.Equal(message.CreatedAt, stored.CreatedAt.ToUniversalTime());
                }
                if (mode == "batch")
                {
                    Assert.InRange(stats.Batches, 1, report.Users.Total - 1); // users of ≤ 350 items share batches
                    Assert.All(zep.Store.GetBatches(), b => Assert.Equal(BatchStatuses.Succeeded, b.Status));
                    Assert.Equal(0, stats.Requests.GetValueOrDefault("202")); // no graph.add: the episodes went as batch items
                }
            }
            Assert.True(counts["batch"] < counts["sequential"], $"batch {counts["batch"]} vs sequential {counts["sequential"]} requests");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task On_a_small_export_batch_mode_still_lands_every_item_once()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var ledger = await infrastructure.CreateDatabaseAsync("batch_fixtures");
        await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger, "batch"));
        var expected = ExpectedExport.Load(Fixtures);

        var report = await pipeline.MigrateAsync(Files, TimeSpan.FromMinutes(2));

        output.WriteLine($"{expected.Memories.Count + expected.Messages.Count} items: {report.ZepRequests} Zep requests, {zep.Store.GetStats().Batches} batches");
        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(report.Users.Total, report.Users.Verified);
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, expected);
        ZepAssertions.EveryMessageIsInZepExactlyOnce(zep.Store, expected);
    }

    [Fact]
    public async Task A_rerun_in_batch_mode_opens_no_batch_and_writes_nothing_new()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var ledger = await infrastructure.CreateDatabaseAsync("batch_rerun");
        await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger, "batch"));

        var first = await pipeline.MigrateAsync(Files, TimeSpan.FromMinutes(2));
        var afterFirst = zep.Store.GetStats();
        var second = await pipeline.MigrateAsync(Files, TimeSpan.FromMinutes(2));
        var afterSecond = zep.Store.GetStats();

        output.WriteLine($"first run {first.ZepRequests} Zep requests, {afterFirst.Batches} batches; second run {second.ZepRequests}, {afterSecond.Batches} batches");
        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.Equal(second.Users.Total, second.Users.Verified);
        Assert.Equal((afterFirst.Users, afterFirst.Threads, afterFirst.Messages, afterFirst.Episodes, afterFirst.Batches),
            (afterSecond.Users, afterSecond.Threads, afterSecond.Messages, afterSecond.Episodes, afterSecond.Batches));
        Assert.Equal(afterFirst.Requests.GetValueOrDefault("201"), afterSecond.Requests.GetValueOrDefault("201"));
        Assert.True(second.ZepRequests < first.ZepRequests);
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, ExpectedExport.Load(Fixtures));
        ZepAssertions.EveryMessageIsInZepExactlyOnce(zep.Store, ExpectedExport.Load(Fixtures));
    }

    [Fact]
    public async Task Without_the_batch_api_auto_falls_back_to_sequential_writes_and_completes()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { Batch = { Enabled = false } });
        var ledger = await infrastructure.CreateDatabaseAsync("batch_disabled");
        await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger, "auto"));
        var expected = ExpectedExport.Load(Fixtures);

        var report = await pipeline.MigrateAsync(Files, TimeSpan.FromMinutes(2));

        var stats = zep.Store.GetStats();
        output.WriteLine($"{report.ZepRequests} Zep requests; emulator {string.Join(' ', stats.Requests.Select(kv => $"{kv.Key}:{kv.Value}"))}");
        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(report.Users.Total, report.Users.Verified);
        Assert.Equal(expected.Memories.Count + expected.Messages.Count, report.Items.Migrated);
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, expected);
        ZepAssertions.EveryMessageIsInZepExactlyOnce(zep.Store, expected);
        Assert.InRange(stats.Requests.GetValueOrDefault("404"), 1, report.Users.Total); // POST /batches answered 404, then sequential
        Assert.Equal(0, stats.Batches);
    }
}
