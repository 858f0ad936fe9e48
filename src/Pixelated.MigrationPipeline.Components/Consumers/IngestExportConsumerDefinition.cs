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
        // Both limits follow the option: a consumer-level limit left at a fixed value would cap the endpoint's below it.
        ConcurrentMessageLimit = options.Value.IngestConcurrency;
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
