using MassTransit;

namespace Pixelated.MigrationPipeline.Components.Consumers;

internal static class EndpointConfiguratorExtensions
{
    /// <summary>On RabbitMQ: a quorum queue with an explicit delivery limit (poison messages go to <c>_error</c>, never loop forever).</summary>
    public static void ConfigureQuorumQueue(this IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
            rabbit.SetQueueArgument("x-delivery-limit", 20);
        }
    }
}
