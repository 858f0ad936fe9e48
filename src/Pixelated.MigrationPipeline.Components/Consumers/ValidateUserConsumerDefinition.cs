using MassTransit;
using Microsoft.Extensions.Options;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>
/// The validation endpoint (<c>validate-user</c>): as many users validated at once as migrated
/// (<c>Pipeline:MigrateConcurrency</c>); outages retried for as long as they last, anything else briefly; on RabbitMQ a
/// quorum queue that dead-letters after <see cref="ConsumerPolicy.DeliveryLimit"/> deliveries; every attempt's Zep
/// requests added to its user.
/// </summary>
public sealed class ValidateUserConsumerDefinition : ConsumerDefinition<ValidateUserConsumer>
{
    // The endpoint's limit only, and no lower consumer-level limit: one silently capped validation at 4.
    public ValidateUserConsumerDefinition(IOptions<PipelineOptions> options) =>
        Endpoint(e => e.ConcurrentMessageLimit = options.Value.MigrateConcurrency);

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<ValidateUserConsumer> consumer,
        IRegistrationContext context)
    {
        endpoint.UseMessageRetry(ConsumerPolicy.RetryOutages);
        endpoint.UseMessageRetry(ConsumerPolicy.RetryOtherFailuresBriefly);
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) ConsumerPolicy.UseQuorumQueue(rabbit);
        endpoint.UseConsumeFilter<ZepRequestsPerUserFilter>(context);
    }
}
