using MassTransit;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Components.Staging;
using Pixelated.MigrationPipeline.Contracts;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>Stages an export, then publishes one <see cref="MigrateUser"/> per user (policy: <see cref="IngestExportConsumerDefinition"/>).</summary>
public sealed class IngestExportConsumer(RunIngestionService ingestion, RunLeaseKeeper leases) : IConsumer<IngestExport>
{
    public async Task Consume(ConsumeContext<IngestExport> context)
    {
        leases.Hold(context.Message.RunId);
        var ingested = await ingestion.IngestAsync(context.Message, m => context.Publish(m), context.CancellationToken);
        if (ingested is not null) await context.Publish(ingested);
    }
}
