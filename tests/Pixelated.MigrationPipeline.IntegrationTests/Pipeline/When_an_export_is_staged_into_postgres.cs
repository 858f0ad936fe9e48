using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

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
        Assert.Equal("DryRunCompleted", report.Status);
        Assert.Equal(40 * 180, report.Items.Total);
        Assert.Equal(40, report.Users.Total);
        Assert.Equal(0, zep.Store.GetStats().Episodes);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
