using MassTransit;
using Microsoft.Extensions.Options;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>
/// The migration endpoint (<c>migrate-user</c>): <c>Pipeline:MigrateConcurrency</c> users migrated at once by this process;
/// outages retried for as long as they last (an unknown outcome propagates from the writer, and a retry reads Zep back
/// before sending again), anything else briefly; on RabbitMQ a quorum queue that dead-letters after
/// <see cref="ConsumerPolicy.DeliveryLimit"/> deliveries; every attempt's Zep requests added to its user.
/// </summary>
public sealed class MigrateUserConsumerDefinition : ConsumerDefinition<MigrateUserConsumer>
{
    // The endpoint's limit only, and no lower consumer-level limit: one silently capped MigrateConcurrency at 8.
    public MigrateUserConsumerDefinition(IOptions<PipelineOptions> options) =>
        Endpoint(e => e.ConcurrentMessageLimit = options.Value.MigrateConcurrency);

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<MigrateUserConsumer> consumer,
        IRegistrationContext context)
    {
        endpoint.UseMessageRetry(ConsumerPolicy.RetryOutages);
        endpoint.UseMessageRetry(ConsumerPolicy.RetryOtherFailuresBriefly);
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) ConsumerPolicy.UseQuorumQueue(rabbit);
        endpoint.UseConsumeFilter<ZepRequestsPerUserFilter>(context);
    }
}
