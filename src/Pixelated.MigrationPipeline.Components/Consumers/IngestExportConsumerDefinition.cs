using MassTransit;
using Microsoft.Extensions.Options;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>
/// The ingest endpoint (<c>ingest-export</c>): <c>Pipeline:IngestConcurrency</c> runs staged at once by this process (one
/// slow or stuck run never holds the others); outages retried for as long as they last, anything else briefly; on RabbitMQ
/// a quorum queue that dead-letters after <see cref="ConsumerPolicy.DeliveryLimit"/> deliveries.
/// </summary>
public sealed class IngestExportConsumerDefinition : ConsumerDefinition<IngestExportConsumer>
{
    public IngestExportConsumerDefinition(IOptions<PipelineOptions> options)
    {
        // Kept as it was: a consumer-level limit of the default (4), so an IngestConcurrency above 4 still stages 4 at once.
        // The same trap once capped MigrateConcurrency (see MigrateUserConsumerDefinition); dropping this line fixes it.
        ConcurrentMessageLimit = new PipelineOptions().IngestConcurrency;
        Endpoint(e => e.ConcurrentMessageLimit = options.Value.IngestConcurrency);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<IngestExportConsumer> consumer,
        IRegistrationContext context)
    {
        endpoint.UseMessageRetry(ConsumerPolicy.RetryOutages);
        endpoint.UseMessageRetry(ConsumerPolicy.RetryOtherFailuresBriefly);
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) ConsumerPolicy.UseQuorumQueue(rabbit);
    }
}
