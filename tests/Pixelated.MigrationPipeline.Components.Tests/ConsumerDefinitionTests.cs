using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Consumers;
using Pixelated.MigrationPipeline.Components.Hosting;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>
/// Each consumer's policy lives in its definition; the concurrency of its endpoint follows <c>Pipeline:*</c> as the host
/// registers it: runs staged at once by <c>IngestConcurrency</c>, users migrated and validated at once by <c>MigrateConcurrency</c>.
/// </summary>
public sealed class When_consumer_definitions_are_registered
{
    [Theory]
    [InlineData(null, null, 4, 8)] // the defaults
    [InlineData("2", "13", 2, 13)]
    public void Their_endpoints_concurrency_follows_the_pipeline_options(string? ingest, string? migrate, int ingestLimit, int migrateLimit)
    {
        var settings = new Dictionary<string, string?>();
        if (ingest is not null) settings["Pipeline:IngestConcurrency"] = ingest;
        if (migrate is not null) settings["Pipeline:MigrateConcurrency"] = migrate;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddMigrationPipeline(configuration).BuildServiceProvider();

        Assert.Equal(ingestLimit, EndpointLimit<IngestExportConsumer>(services));
        Assert.Equal(migrateLimit, EndpointLimit<MigrateUserConsumer>(services));
        Assert.Equal(migrateLimit, EndpointLimit<ValidateUserConsumer>(services));
    }

    private static int? EndpointLimit<TConsumer>(IServiceProvider services) where TConsumer : class, IConsumer =>
        ((IConsumerDefinition)services.GetRequiredService<IConsumerDefinition<TConsumer>>()).EndpointDefinition?.ConcurrentMessageLimit;
}
