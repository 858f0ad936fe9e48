using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

[Collection(InfrastructureCollection.Name)]
public sealed class When_an_export_is_staged_into_postgres(InfrastructureFixture infrastructure, ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pixelated-staging-").FullName;

    [Fact]
    public async Task The_same_export_given_twice_is_staged_once_even_across_copy_batches()
    {
        // 7,200 memories: more than one COPY batch, so the second copy's rows collide with rows of earlier batches.
        var files = SyntheticClinicExport.Write(_folder, users: 40, memoriesPerUser: 180, messagesPerUser: 0);
        var twice = Path.Combine(_folder, "copy-of-memories.json");
        File.Copy(files[0], twice);
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var ledger = await infrastructure.CreateDatabaseAsync("staging_dupes");
        await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger));

        var report = await pipeline.MigrateAsync([files[0], twice], TimeSpan.FromMinutes(3), dryRun: true);

        output.WriteLine($"{report.Status}: items {report.Items}");
        Assert.Equal(RunStatus.DryRunCompleted, report.Status);
        Assert.Equal(40 * 180, report.Items.Total);
        Assert.Equal(40, report.Users.Total);
        Assert.Equal(0, zep.Store.GetStats().Episodes);
    }

    [Fact]
    public async Task A_memory_claimed_by_two_users_is_one_item_of_each_and_ids_of_any_length_and_script_stage()
    {
        // A 600-character id in a 3-byte script (1,800 UTF-8 bytes) beside a 500-character user id of the same script:
        // as written, the pair would not fit a B-tree entry of the key index; the id is hashed into the key instead.
        var longId = new string('記', 600);
        var longUser = new string('患', 500);
        var file = Path.Combine(_folder, "claimed-twice.json");
        await File.WriteAllTextAsync(file, $$"""
            {"results": [
              {"id": "m-shared", "memory": "first user's copy", "created_at": "2026-04-30T09:15:02+00:00", "user_id": "ana"},
              {"id": "m-shared", "memory": "second user's copy", "created_at": "2026-04-30T09:15:03+00:00", "user_id": "ben"},
              {"id": "m-shared", "memory": "first user's copy", "created_at": "2026-04-30T09:15:02+00:00", "user_id": "ana"},
              {"id": "{{longId}}", "memory": "long id", "created_at": "2026-04-30T09:15:04+00:00", "user_id": "{{longUser}}"}
            ]}
            """);
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var ledger = await infrastructure.CreateDatabaseAsync("staging_identity");
        await using var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, ledger));

        var report = await pipeline.MigrateAsync([file], TimeSpan.FromMinutes(3));

        output.WriteLine($"{report.Status}: items {report.Items}");
        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(3, report.Items.Total);
        Assert.Equal(3, report.Items.Migrated);
        Assert.Equal(3, report.Users.Total);
        Assert.Single(zep.Store.GetEpisodes("ana"));
        Assert.Single(zep.Store.GetEpisodes("ben"));
        Assert.Single(zep.Store.GetEpisodes(longUser));
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
